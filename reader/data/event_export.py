"""`reader events`: the folder's events as plain data or a Markdown digest, read from the index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone

from reader.data.corpus import Corpus
from reader.data.coverage import lag_text
from reader.data.dates import from_epoch, to_utc_text
from reader.data.digest import escape, link
from reader.data.event_view import EventRow
from reader.data.sanitize import shown_path


def event_to_dict(row: EventRow, paths: Sequence[str]) -> dict:
    first = row.first
    return {
        "id": row.id,
        "title": row.headline,
        "first": {"title": first.title, "outlet": first.outlet, "domain": first.domain,
                  "published": to_utc_text(first.published), "url": first.url},
        "last": to_utc_text(row.last_published),
        "outlets": row.outlets,
        "articles": row.articles,
        "stories": list(paths),
    }


def _rows(corpus: Corpus, ids: Sequence[int]) -> list[EventRow]:
    rows = corpus.event_rows(ids)
    return [rows[event_id] for event_id in ids if event_id in rows]


def write_events_json(corpus: Corpus, ids: Sequence[int], out) -> int:
    """A JSON array, one event per line, in the order of `ids`; returns the number written."""
    rows = _rows(corpus, ids)
    paths = corpus.index.event_story_paths(ids)
    out.write("[")
    for count, row in enumerate(rows):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(event_to_dict(row, paths.get(row.id, [])), ensure_ascii=False))
    out.write("\n]\n" if rows else "]\n")
    return len(rows)


def _when(moment: datetime | None) -> str:
    return "unknown" if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")


def _outlet(name: str, domain: str) -> str:
    return escape(name or domain) or "unknown outlet"


def write_events_markdown(corpus: Corpus, ids: Sequence[int], out, now: datetime | None = None) -> int:
    """A digest: one section an event, its story files and its articles' timeline."""
    now = now or datetime.now(timezone.utc)
    rows = _rows(corpus, ids)
    paths = corpus.index.event_story_paths(ids)
    noun = "event" if len(rows) == 1 else "events"
    lines = ["# Event digest", "", f"{len(rows)} {noun} · made {_when(now)} UTC by reader · times in UTC", ""]
    if not rows:
        lines += ["No events.", ""]
    for row in rows:
        first = row.first
        lines += [f"## {escape(row.headline) or 'Untitled'}", "",
                  f"- **Event:** {row.id} · {row.articles} articles · {row.outlets} outlets",
                  f"- **First:** {_outlet(first.outlet, first.domain)}, {_when(first.published)}",
                  f"- **Last:** {_when(row.last_published)}",
                  "- **Story files:** " + ", ".join(escape(shown_path(path)) for path in paths.get(row.id, [])), "",
                  "| Lag | Published | Outlet | Title |", "| --- | --- | --- | --- |"]
        articles = sorted(corpus.index.event_articles_of(row.id), key=lambda r: (r[4] is None, r[4] or 0, r[0]))
        start = first.published
        for article in articles:
            published = from_epoch(article[4])
            lag = None if published is None or start is None else int((published - start).total_seconds())
            lines.append(f"| {lag_text(lag, article is articles[0] and lag is not None)} | {_when(published)}"
                         f" | {_outlet(article[6], article[7])} | {link(article[2] or '(no title)', article[8])} |")
        lines.append("")
    out.write("\n".join(lines).rstrip("\n") + "\n")
    return len(rows)


def write_events(corpus: Corpus, ids: Sequence[int], fmt: str, out) -> int:
    """The events of `ids` as `reader events --format FMT` prints them; returns the number written."""
    return (write_events_json if fmt == "json" else write_events_markdown)(corpus, ids, out)
