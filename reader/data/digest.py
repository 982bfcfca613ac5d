"""`reader export --format markdown`: stories as a readable Markdown digest.

Every piece of text from a story file is escaped, so a title cannot become a
link, a heading, a table column or HTML; only http and https URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

from reader.data.coverage import BUCKET_SIZES, distinct_outlets, histogram, timeline
from reader.data.records import Article, Story
from reader.data.sanitize import shown_path

# Characters Markdown (CommonMark and GitHub's tables, strikethrough and
# autolinks) may read as syntax anywhere in a line; each gets a backslash.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What opens a block at the start of a line: a heading, a quote, a list item,
# a thematic break or a setext underline.
_LINE_START = re.compile(r"^([ \t]*)([-+=>]|\d{1,9}(?=[.)]))")
_SPARK = "▁▂▃▄▅▆▇█"
_CHART_WIDTH = 48  # more buckets than this: the ones with articles are listed instead of drawn


def escape(text: str) -> str:
    """One line of file text as literal Markdown inline text (whitespace folded)."""
    text = " ".join(text.split())
    text = _ENTITY.sub("&amp;", _INLINE.sub(r"\\\1", text))
    match = _LINE_START.match(text)
    if match:  # `1986. A year` must not become an ordered list, `- x` a bullet
        end = match.end()
        text = text[:end] + "\\" + text[end:] if match.group(2)[0].isdigit() else (
            text[: match.start(2)] + "\\" + text[match.start(2):])
    return text


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for a link destination, or None for any other."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Percent-encode what would end the destination, split a table row, or
    # read as markup: spaces, <>, (), |, quotes, backslashes, backticks, non-ASCII.
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def link(text: str, url: str) -> str:
    """`[text](url)` when the URL is http(s), else the text alone; both escaped."""
    label = escape(text)
    target = safe_url(url)
    return f"[{label}]({target})" if target else label


def _when(moment: datetime | None) -> str:
    return "unknown" if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _outlet(article: Article) -> str:
    provider = article.provider
    name, domain = provider.name.strip(), provider.domain.strip()
    if name and domain and domain.casefold() != name.casefold():
        return f"{escape(name)} ({escape(domain)})"
    return escape(name or domain) or "unknown outlet"


def sparkline(counts: list[int]) -> str:
    """Counts as a row of block characters, the largest full height."""
    top = max(counts, default=0)
    if top <= 0:
        return ""
    return "".join(" " if count == 0 else _SPARK[min(len(_SPARK) - 1, (count * len(_SPARK) - 1) // top)]
                   for count in counts)


def _story_section(story: Story) -> list[str]:
    article = story.article
    entries = timeline(story)
    lines = [f"## {escape(article.title) or 'Untitled'}", ""]
    meta = [
        ("Outlet", _outlet(article)),
        ("Published", _when(article.published) if article.published or not story.published_text
         else f"unknown ({escape(story.published_text)})"),
        ("Topics", ", ".join(escape(topic) for topic in story.topics) or "none"),
        ("Quality", "unknown" if article.quality is None else str(article.quality)),
        ("Heat", "unknown" if article.heat is None else str(article.heat)),
    ]
    if story.link:
        target = safe_url(story.link)
        meta.append(("URL", f"<{target}>" if target else escape(story.link)))
    related = len(story.related)
    distinct = len(entries) - 1 if entries else 0
    coverage = f"{distinct_outlets(story)} distinct · related articles: {related}"
    if distinct != related:
        coverage += f" ({distinct} distinct)"
    meta.append(("Outlets", coverage))
    meta.append(("File", escape(shown_path(story.path))))
    lines += [f"- **{name}:** {value}" for name, value in meta]
    if article.excerpt:
        lines.append("")
        for line in article.excerpt.splitlines():
            lines.append(f"> {escape(line)}".rstrip())
    lines += ["", "### Coverage timeline", ""]
    bucket, counts, start = histogram(entries)
    if start is not None and len(counts) > 1:
        when = "%Y-%m-%d %H:00 UTC" if bucket == "hour" else "%Y-%m-%d"
        if len(counts) <= _CHART_WIDTH:
            chart = f"`{sparkline(counts)}` ({', '.join(map(str, counts))})"
        else:  # a long span is mostly empty buckets: say which held articles
            size = BUCKET_SIZES[bucket]
            chart = f"{len(counts)} {bucket}s; with articles: " + ", ".join(
                f"{start + size * number:{when}} {count}" for number, count in enumerate(counts) if count)
        lines += [f"Articles per {bucket} from {start:{when}}: {chart}", ""]
    lines += ["| Lag | Published | Outlet | Title |", "| --- | --- | --- | --- |"]
    for entry in entries:
        title = link(entry.article.title or "(no title)", entry.article.web_url)
        if entry.is_story:
            title += " *(this story)*"
        if entry.duplicates:
            title += f" *(listed {entry.duplicates + 1} times)*"
        when = "unknown" if entry.published is None else entry.published.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
        lines.append(f"| {entry.lag_text} | {when} | {_outlet(entry.article)} | {title} |")
    lines.append("")
    return lines


def markdown_digest(stories: Iterable[Story], now: datetime | None = None) -> str:
    """A Markdown document: each story's metadata, excerpt and coverage timeline.

    `now` is only printed (as when the digest was made); it defaults to the
    current time. Stories appear in the order given.
    """
    now = now or datetime.now(timezone.utc)
    body: list[str] = []
    count = 0
    for story in stories:
        count += 1
        body += _story_section(story)
    head = ["# Story digest", "",
            f"{count} {'story' if count == 1 else 'stories'} · made {_when(now)} by reader · times in UTC", ""]
    if not count:
        head += ["No stories.", ""]
    return "\n".join(head + body).rstrip("\n") + "\n"
