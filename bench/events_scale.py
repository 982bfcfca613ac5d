"""Time `reader.data.events` on the real folder's articles copied with shifted dates and keys.

usage: python bench/events_scale.py [COPIES] [FOLDER]
Each copy shifts every date by 30 days and prefixes every key. The real articles span
22 months, so copies overlap in time: the result is k times as dense as the real folder
(a harder case for link components than a real folder of that size, whose extra stories
would spread over more time). Prints CPU, memory held, and the time of one story's update.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.data.coverage import url_key  # noqa: E402
from reader.data.events import EventArticle, EventIndex  # noqa: E402

_spec = importlib.util.spec_from_file_location("events_score", Path(__file__).with_name("events_score.py"))
score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score)


def replicate(articles: list[EventArticle], copies: int) -> list[EventArticle]:
    out = []
    for c in range(copies):
        shift = c * 30 * 86_400
        out.extend(a._replace(key=f"{c}/{a.key}", published=None if a.published is None else a.published + shift)
                   for a in articles)
    return out


def main() -> int:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else score.SHARED / "corpus" / "azure"
    stories = score.read_folder(folder)
    articles = replicate(score.distinct(stories), copies)
    t0 = time.process_time()
    index = EventIndex()
    index.add(articles)
    t1 = time.process_time()
    tracemalloc.start()
    measured = EventIndex()
    measured.add(articles)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del measured
    print(f"{len(articles)} articles ({copies} copies of {len(stories)} stories): events {t1 - t0:.2f} s CPU, "
          f"held {size / 1e6:.0f} MB ({size / (len(stories) * copies):.0f} B a story, "
          f"{size / len(articles):.0f} B an article)")
    # one story's file: edited (its own title), its articles removed, added back; 20 stories of ~30 related
    picks = sorted((s for s in stories if 20 <= len(s.related) <= 40), key=lambda s: s.path)[:20]
    changed_ms, removed_ms, added_ms = [], [], []
    for story in picks:
        one = [score.event_article(a)._replace(key=f"0/{url_key(a.web_url)}") for a in (story.article, *story.related)]
        edited = [one[0]._replace(title=f"{one[0].title} z{len(changed_ms)}"), *one[1:]]  # its own title edited
        for times, step in ((changed_ms, lambda: index.add(edited)),
                            (removed_ms, lambda: index.remove([a.key for a in one])),
                            (added_ms, lambda: index.add(one))):
            t = time.process_time()
            step()
            times.append((time.process_time() - t) * 1000)
    for name, times in (("changed", changed_ms), ("removed", removed_ms), ("added back", added_ms)):
        times.sort()
        print(f"one story {name} ({len(picks)} stories of 20-40 related): median {times[len(times) // 2]:.0f} ms, "
              f"worst {times[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
