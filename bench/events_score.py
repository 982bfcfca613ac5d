"""Score `reader.data.events` against the hand labels in ../shared/events.

usage: python bench/events_score.py [FOLDER] [--labels DIR] [--heldout dev2] [--out export.json]

Reads every story of FOLDER with the project's parser, computes the events of all
distinct articles of the folder as ONE set, writes an export-shaped JSON that
score.py reads, then runs score.py on all labels and on each split.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.data.coverage import outlet_key, url_key  # noqa: E402
from reader.data import events as events_module  # noqa: E402
from reader.data.events import EventArticle, EventIndex, terms_of  # noqa: E402
from reader.data.parse import read_story  # noqa: E402
from reader.data.records import Article, Story  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def event_article(article: Article) -> EventArticle:
    published = int(article.published.timestamp()) if article.published is not None else None
    return EventArticle(url_key(article.web_url), article.title, article.excerpt, published,
                        outlet_key(article.provider))


def read_folder(folder: Path) -> list[Story]:
    stories = []
    for name in sorted(os.listdir(folder)):
        story = read_story(str(folder / name), name)
        if isinstance(story, Story):
            stories.append(story)
    return stories


def distinct(stories: list[Story]) -> list[EventArticle]:
    """One record per url_key; the first seen wins (stories in path order, own article first)."""
    seen: dict[str, EventArticle] = {}
    for story in stories:
        for article in (story.article, *story.related):
            record = event_article(article)
            if record.key and record.key not in seen:
                seen[record.key] = record
    return list(seen.values())


def export(stories: list[Story], events: dict[str, str]) -> list[dict]:
    def event(article: Article) -> str | None:
        return events.get(url_key(article.web_url))
    return [{"path": story.path, "event": event(story.article),
             "related": [{"event": event(item)} for item in story.related]} for story in stories]


def score(export_path: str, labels: Path) -> str:
    return subprocess.run([sys.executable, str(SHARED / "events" / "score.py"), export_path, str(labels)],
                          capture_output=True, text=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(SHARED / "corpus" / "azure"))
    parser.add_argument("--labels", default=str(SHARED / "events" / "labels"))
    parser.add_argument("--heldout", default="dev2", help="label file names (comma separated) held out of tuning")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    t0 = time.process_time()
    stories = read_folder(Path(args.folder))
    t1 = time.process_time()
    articles = distinct(stories)
    t2 = time.process_time()
    for article in articles:
        terms_of(article.title, article.excerpt)
    t_terms = time.process_time() - t2
    cluster_time = [0.0]

    def timed_cluster(*args):
        start = time.process_time()
        try:
            return cluster(*args)
        finally:
            cluster_time[0] += time.process_time() - start

    cluster, events_module._cluster = events_module._cluster, timed_cluster
    t2 = time.process_time()
    index = EventIndex()
    index.add(articles)
    events = index.events()
    t3 = time.process_time()
    events_module._cluster = cluster
    sizes: dict[str, int] = {}
    for event in events.values():
        sizes[event] = sizes.get(event, 0) + 1
    print(f"stories {len(stories)}, distinct articles {len(articles)}, events {len(sizes)}, "
          f"events of 2+ {sum(1 for n in sizes.values() if n > 1)}, largest {max(sizes.values(), default=0)}")
    print(f"cpu: parse {t1 - t0:.2f} s, distinct {t2 - t1 - t_terms:.2f} s, events {t3 - t2:.2f} s "
          f"(of which terms {t_terms:.2f} s, clustering {cluster_time[0]:.2f} s, "
          f"links and the rest {t3 - t2 - t_terms - cluster_time[0]:.2f} s)")
    out = args.out or os.path.join(tempfile.mkdtemp(), "export.json")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(export(stories, events), handle)
    labels = Path(args.labels)
    print("== all labels\n" + score(out, labels), end="")
    heldout = {name.strip() for name in args.heldout.split(",") if name.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        for split, names in (("tune", None), ("held-out", heldout)):
            folder = Path(tmp) / split
            folder.mkdir()
            for path in sorted(labels.glob("*.json")):
                if (path.stem in heldout) == (names is not None):
                    (folder / path.name).write_text(path.read_text())
            print(f"== {split}: {', '.join(sorted(p.stem for p in folder.glob('*.json')))}\n"
                  + score(out, folder), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
