"""Events through the index: the CPU the scan spends on them after parsing, one changed file, memory.

usage: python bench/events_bench.py [--cache DIR] [FOLDER ...]
       (default: ../shared/corpus/azure and bench/corpora/stories-5000; make corpora with
       bench/generate.py, e.g. `python bench/generate.py --count 100000` for stories-100000)
       --cache DIR: keep the cache in DIR between runs (a warm scan: minutes less at 100,000);
       the figures are the same, as the events are computed anew either way

For each folder: the folder is scanned into a fresh cache (in a temporary folder) with
events left out, then timed on their own, as the scan's last step computes them:
- all events: EventKeeper.update() on a new process's first scan (articles read from
  the index, reader.data.events, events and stories written back), CPU seconds;
- one changed file: one story's own title is edited in the index as a verify pass
  writes it (the file itself is not touched), then the update that follows, median of 15;
  then up to 5 files whose own article is in the largest link component (the worst case:
  the whole component is clustered again);
- the longest the computation holds the index's lock at once (the screen's queries wait that long);
- memory: what the EventIndex holds once computed (tracemalloc), per story and per article,
  and the peak while computing (the articles' texts read from the index, before they are terms).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CHANGES = 15


class TimedLock:
    """The index's lock, timed: the longest the events hold it is the longest the screen's
    queries (a key's redraw) can wait for them."""

    def __init__(self, lock) -> None:
        self.lock, self.depth, self.since, self.longest, self.where, self.holder = lock, 0, 0.0, 0.0, "", ""
        self.by_holder: dict[str, float] = {}

    def __enter__(self):
        self.lock.acquire()
        self.depth += 1
        if self.depth == 1:
            self.since, self.holder = time.perf_counter(), sys._getframe(1).f_code.co_name
        return self

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if self.depth == 0:
            held = time.perf_counter() - self.since
            self.by_holder[self.holder] = max(held, self.by_holder.get(self.holder, 0.0))
            if held > self.longest:
                self.longest, self.where = held, self.holder
        self.lock.release()


def bench(folder: str) -> dict:
    from reader.data.corpus import Corpus
    from reader.data.event_keeper import EventKeeper
    from reader.data.parse import read_story
    from reader.data.index import verified_figures
    from reader.data.records import Story
    from reader.data.state import MarkStore

    marks = MarkStore(os.path.join(os.environ["XDG_DATA_HOME"], "state.sqlite3"))
    Corpus._after_scan_update_events = lambda self, progress, report: None  # events timed on their own below
    corpus = Corpus(folder, marks=marks)
    wall = time.perf_counter()
    progress = corpus.scan()
    scan_seconds = time.perf_counter() - wall
    stories = progress.stories

    index = corpus.index
    with index._lock, index._transaction() as db:  # a kept cache (--cache) as a fresh scan leaves it
        db.execute("INSERT OR IGNORE INTO events_pending SELECT folder, url_key FROM article_variants"
                   " WHERE folder = ?", (index.folder_id,))
        db.execute("UPDATE folders SET events_code = NULL WHERE id = ?", (index.folder_id,))
    keeper = EventKeeper(corpus.index)
    lock = corpus.index._lock = TimedLock(corpus.index._lock)
    cpu = time.process_time()
    keeper.update()
    all_cpu = time.process_time() - cpu
    longest_hold, held_in = lock.longest, lock.where
    articles = len(keeper._events)

    # one changed file: a story of 20-40 related items, its own title edited
    paths = [row[0] for row in corpus.index.query(
        "SELECT path FROM stories WHERE folder = ? AND related_count BETWEEN 20 AND 40 ORDER BY path LIMIT ?",
        (corpus.index.folder_id, CHANGES))]

    def change(rels: list[str], mark: str) -> list[float]:
        times = []
        for number, rel in enumerate(rels):
            story = read_story(corpus.abs_path(rel), rel)
            if not isinstance(story, Story):
                continue
            edited = story._replace(article=story.article._replace(title=f"{story.article.title} {mark}{number}"))
            corpus.index.write_verified([(rel, verified_figures(edited))])
            cpu = time.process_time()
            keeper.update()
            times.append((time.process_time() - cpu) * 1000)
        return times

    lock.by_holder.clear()
    change_ms = change(paths, "edit")
    # the worst case: files whose own article is in the largest link component (all of it is clustered again)
    events = keeper._events
    largest = max(events._components(set(events._ids.values())), key=len)
    in_largest = {events._keys[doc] for doc in largest}
    big_paths = [path for path, key in corpus.index.query(
        "SELECT path, url_key FROM stories WHERE folder = ? ORDER BY path", (corpus.index.folder_id,))
        if key in in_largest][:5]
    big_ms = change(big_paths, "big")
    # the bench's own look-ups and writes (the edit a verify pass would make) left out
    change_hold = max((held for holder, held in lock.by_holder.items() if holder not in ("query", "write_verified")),
                      default=0.0)

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    measured = EventKeeper(corpus.index)
    measured._compute_all()
    held, peak = tracemalloc.get_traced_memory()
    held, peak = held - before, peak - before
    tracemalloc.stop()
    corpus.close()
    return {"folder": folder, "stories": stories, "articles": articles, "scan_s": scan_seconds,
            "events_cpu_s": all_cpu, "longest_hold_ms": longest_hold * 1000, "held_in": held_in, "change_ms_median": statistics.median(change_ms) if change_ms else None,
            "change_ms_worst": max(change_ms, default=None), "held_bytes": held, "peak_bytes": peak,
            "largest": len(largest), "big_ms": big_ms, "change_hold_ms": change_hold * 1000}


def _figures(times: list[float]) -> str:
    if not times:
        return "no file's own article is in it"
    return f"median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms ({len(times)} files)"


def main() -> int:
    args = sys.argv[1:]
    cache = ""
    if args[:1] == ["--cache"]:
        cache, args = args[1], args[2:]
    folders = args or [str(HERE.parent.parent / "shared" / "corpus" / "azure"), str(HERE / "corpora" / "stories-5000")]
    with tempfile.TemporaryDirectory(prefix="events-bench-") as home:
        home = cache or home
        os.environ["XDG_CACHE_HOME"] = os.path.join(home, "cache")  # a fresh cache (or --cache), never the user's
        os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
        os.makedirs(os.environ["XDG_DATA_HOME"], exist_ok=True)
        for folder in folders:
            if not os.path.isdir(folder):
                print(f"{folder}: not there (see bench/generate.py)")
                continue
            r = bench(folder)
            print(f"{r['folder']}: {r['stories']:,} stories, {r['articles']:,} distinct articles"
                  f" (scan without events {r['scan_s']:.1f} s wall)\n"
                  f"  all events: {r['events_cpu_s']:.2f} s CPU; the index's lock held at most {r['longest_hold_ms']:.0f} ms at once (in {r['held_in']})\n"
                  f"  one changed file: median {r['change_ms_median']:.0f} ms CPU, worst {r['change_ms_worst']:.0f} ms;"
                  f" in the largest link component ({r['largest']:,} articles): {_figures(r['big_ms'])};"
                  f" the lock held at most {r['change_hold_ms']:.0f} ms at once\n"
                  f"  held by the events: {r['held_bytes'] / 1e6:.1f} MB = {r['held_bytes'] / r['stories']:.0f} B a story,"
                  f" {r['held_bytes'] / r['articles']:.0f} B an article; at the peak of computing them"
                  f" {r['peak_bytes'] / 1e6:.1f} MB = {r['peak_bytes'] / r['stories']:.0f} B a story", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
