"""Time `reader.data.events` on the real folder's articles copied with shifted dates and keys.

usage: python bench/events_scale.py [COPIES] [FOLDER]
Each copy shifts every date by 30 days and prefixes every key, so copies never
meet in one time window; prints CPU per phase, and the time of one story's update.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    tracemalloc.start()
    t0 = time.process_time()
    index = EventIndex()
    index.add(articles)
    t1 = time.process_time()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{len(articles)} articles ({copies} copies of {len(stories)} stories): events {t1 - t0:.2f} s CPU, "
          f"peak traced memory {peak / 1e6:.0f} MB ({peak / (len(stories) * copies):.0f} B a story)")
    # one changed story: its own article and related items removed, then added back with a new title
    story = stories[len(stories) // 2]
    one = [score.event_article(a) for a in (story.article, *story.related)]
    one = [a._replace(key=f"0/{a.key}") for a in one]
    times = []
    for round_ in range(5):
        changed = [a._replace(title=a.title + f" v{round_}") for a in one]
        t = time.process_time()
        index.add(changed)
        times.append(time.process_time() - t)
    t = time.process_time()
    index.remove([a.key for a in one])
    removed = time.process_time() - t
    print(f"one story changed ({len(one)} articles): {max(times) * 1000:.0f} ms at worst of 5, "
          f"removed {removed * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
