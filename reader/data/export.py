"""Stories as plain data or a Markdown digest: for `reader export` and the app's `e`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime

from reader.data.corpus import Corpus
from reader.data.coverage import distinct_outlets, url_key
from reader.data.dates import to_utc_text
from reader.data.index import story_key
from reader.data.records import Article, Story, entry_of

SUFFIXES = {"json": ".json", "markdown": ".md"}


def _provider(article: Article) -> dict:
    return {"name": article.provider.name, "domain": article.provider.domain}


def story_to_dict(story: Story, read: bool = False, starred: bool = False,
                  events: Mapping[str, int] | None = None) -> dict:
    """A story as plain data; `events` (URL key -> event id) gives each article its `event`
    (null when unknown: an event of its own)."""
    article = story.article
    events = events or {}
    return {
        "path": story.path,
        "title": article.title,
        "excerpt": article.excerpt,
        "published": to_utc_text(article.published),
        "url": story.link or None,
        "provider": _provider(article),
        "topics": list(story.topics),
        "quality": article.quality,
        "heat": article.heat,
        "category": story.category,
        "type": article.type,
        "outlets": distinct_outlets(story),
        "read": read,
        "starred": starred,
        "event": events.get(url_key(article.web_url)),
        "related": [
            {
                "title": item.title,
                "excerpt": item.excerpt,
                "published": to_utc_text(item.published),
                "url": item.web_url or None,
                "provider": _provider(item),
                "quality": item.quality,
                "event": events.get(url_key(item.web_url)),
            }
            for item in story.related
        ],
    }


def iter_stories(corpus: Corpus, ids: Iterable[int] | None = None, **reading) -> Iterator[Story]:
    """The stories behind `ids` (default: all, newest first, unknown dates last, ties by path).
    `reading`: how to parse them (Corpus.load_stories: `workers`, `beside_a_screen`)."""
    for story in corpus.load_stories(corpus.story_ids() if ids is None else ids, **reading):
        if isinstance(story, Story):
            yield story


def write_json(corpus: Corpus, ids: Iterable[int] | None, out, **reading) -> int:
    """A JSON array, one story per line; returns the number written."""
    marks = corpus.marks_of
    count = 0
    out.write("[")
    for story in iter_stories(corpus, ids, **reading):
        read, starred = marks(story_key(entry_of(story)))
        events = corpus.article_event_ids(story)
        out.write(",\n" if count else "\n")
        out.write(json.dumps(story_to_dict(story, read, starred, events), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_markdown(corpus: Corpus, ids: Iterable[int] | None, out, now: datetime | None = None, **reading) -> int:
    from reader.data.digest import markdown_digest

    stories = list(iter_stories(corpus, ids, **reading))
    out.write(markdown_digest(stories, now=now))
    return len(stories)


def write(corpus: Corpus, ids: Iterable[int] | None, fmt: str, out, **reading) -> int:
    """The stories of `ids` in `fmt`; `reading`: see iter_stories."""
    return (write_json if fmt == "json" else write_markdown)(corpus, ids, out, **reading)


def export_folder(corpus: Corpus) -> str:
    """Where the app writes exports: the user's documents folder, else the current one,
    else home; never inside the story folder."""
    from platformdirs import user_documents_dir

    root = os.path.realpath(corpus.root if not corpus.is_file else os.path.dirname(corpus.root))
    for candidate in (user_documents_dir(), os.getcwd(), os.path.expanduser("~")):
        real = os.path.realpath(candidate)
        inside = real == root or real.startswith(root + os.sep)
        if os.path.isdir(real) and os.access(real, os.W_OK) and not inside:
            return real
    raise OSError("no folder outside the story folder can be written to")


def export_to_file(corpus: Corpus, ids: Sequence[int], fmt: str, now: datetime,
                   events: bool = False) -> tuple[str, int]:
    """Write the stories (`events`: the events) of `ids` to a new file; (its path, how many written)."""
    from reader.data.event_export import write_events

    folder = export_folder(corpus)
    stem = f"reader-{'events' if events else 'export'}-{now.strftime('%Y%m%d-%H%M%S')}"
    path = os.path.join(folder, stem + SUFFIXES[fmt])
    number = 1
    while os.path.exists(path):
        number += 1
        path = os.path.join(folder, f"{stem}-{number}{SUFFIXES[fmt]}")
    with open(path, "x", encoding="utf-8") as out:
        # the app's helpers read beside the screen, below its priority
        count = write_events(corpus, ids, fmt, out) if events else write(corpus, ids, fmt, out, beside_a_screen=True)
    return path, count
