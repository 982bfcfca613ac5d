"""What a story's related coverage adds up to: outlets, articles counted once, a timeline.

Pure functions over `Story` and `Article` records; nothing here reads files or
draws anything. The UI and `reader export` call these.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, TypeVar
from urllib.parse import urlsplit

from reader.data.kept import by_article
from reader.data.records import Article, Provider, Story

# --------------------------------------------------------------------------- keys


def without_www(host: str) -> str:
    """A host or domain (in lower case) without a leading `www.`: the same outlet either way."""
    return host.removeprefix("www.")


@functools.lru_cache(maxsize=4096)  # a folder has a few hundred outlets, named in every item
def outlet_key(provider: Provider) -> str:
    """An outlet: its domain without a leading `www.`, else its name; case does not count."""
    return without_www(provider.domain.strip().casefold()) or provider.name.strip().casefold()


# `https://www-cbsnews-com.cdn.ampproject.org/c/s/www.cbsnews.com/amp/news/x/`
# serves `https://www.cbsnews.com/amp/news/x/`: `/c/` (content), `/v/` (viewer)
# or `/i/` (image), then `s/` when the embedded URL is https.
_AMP_CACHE_PATH = re.compile(r"/[a-z]/(?:s/)?(?P<rest>[^/?#]+.*)", re.S)


# An http(s) URL of printable ASCII with a plain host, as nearly every article's URL is:
# split by one pattern, as urlsplit splits it (a test holds them equal): a key then costs half.
_NOT_VISIBLE = "\\x00-\\x20\\x7f-\\U0010ffff"
_QUICK_URL = re.compile(
    rf"(?i:https?)://([A-Za-z0-9.-]+)(/[^?#{_NOT_VISIBLE}]*)?(?:\?([^#{_NOT_VISIBLE}]*))?(?:#[^{_NOT_VISIBLE}]*)?"
)


def _quick_split(url: str) -> tuple[str, str, str] | None:
    """(netloc, path, query) as urlsplit gives them; None for a URL it alone should read."""
    found = _QUICK_URL.fullmatch(url)
    if found is None:
        return None
    host, path, query = found.groups()
    return host, path or "", query or ""


def _split(url: str) -> tuple[str, str, str]:
    quick = _quick_split(url)
    if quick is not None:
        return quick
    parts = urlsplit(url)  # ValueError for a malformed host
    return parts.netloc, parts.path, parts.query


# A folder's related lists repeat the same articles, and each article is keyed for several
# purposes: a key costs ~1.4 us to work out (~2.9 us through urlsplit) and ~0.1 us to look up.
@functools.lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """A URL as a key: no scheme, no `www.`, no fragment, no trailing slash; host in lower case.

    An AMP cache URL (`*.cdn.ampproject.org/c/s/HOST/PATH`) is keyed as the
    URL it embeds, so an article's CDN AMP URL and its AMP URL coincide (up to
    three cache layers are read through).
    """
    url = url.strip()
    if not url:
        return ""
    for _ in range(4):  # real URLs nest the cache once; a hostile one may nest it without end
        try:
            netloc, path, query = _split(url)
        except ValueError:
            return url
        host = netloc.casefold()
        if not host.endswith(".cdn.ampproject.org"):
            break
        embedded = _AMP_CACHE_PATH.fullmatch(path + (f"?{query}" if query else ""))
        if embedded is None:
            break
        url = "https://" + embedded.group("rest")
    host = without_www(host)
    query = f"?{query}" if query else ""
    return f"{host}{path.rstrip('/')}{query}"


def distinct_outlets(story: Story) -> int:
    """How many outlets covered the story, its own included, each counted once.

    An outlet is `outlet_key(provider)`; an article with neither a domain nor a
    name counts for none.
    """
    keys = {outlet_key(story.provider)}
    keys.update(outlet_key(article.provider) for article in story.related)
    keys.discard("")
    return len(keys)


# --------------------------------------------------------------------------- counting once


class ArticleGroup(NamedTuple):
    """One article, however many times the story's file lists it."""

    article: Article  # the one to show: the story's own when it is in the group, else the earliest
    members: tuple[Article, ...]  # every item of the group, in file order (the story's own first)
    is_story: bool  # the group holds the story's own article
    published: datetime | None  # the earliest known time among the members

    @property
    def duplicates(self) -> int:
        """How many items beyond the first were folded into this one."""
        return len(self.members) - 1


@by_article
def _item_keys(article: Article) -> frozenset[tuple[str, ...]]:
    keys = {("url", key) for key in (url_key(article.web_url), url_key(article.amp_web_url),
                                     url_key(article.cdn_amp_web_url)) if key}
    outlet, title = outlet_key(article.provider), article.title.strip().casefold()
    if outlet and title:  # a repeat: same outlet, same title
        keys.add(("repeat", outlet, title))
    return frozenset(keys)


def _earliest(articles: Iterable[Article]) -> datetime | None:
    known = [article.published for article in articles if article.published is not None]
    return min(known, default=None)


def distinct_articles(story: Story) -> list[ArticleGroup]:
    """The story's own article, then its related items, each article once, in file order.

    Two items are the same article when any of their URLs (web, AMP, CDN AMP,
    compared by `url_key`) coincide, or when they have the same outlet and the
    same title (case aside). Sameness is transitive. A group is placed where its
    first item is; it keeps its earliest published time.
    """
    items = (story.article, *story.related)
    members: dict[int, list[Article]] = {}
    for article, first in zip(items, _firsts(items)):
        members.setdefault(first, []).append(article)
    # dicts keep insertion order: a group comes where its first item is
    return [_group(story, first, group) for first, group in members.items()]


def _firsts(items: tuple[Article, ...]) -> list[int]:
    """For each item, the place of the first item of its group (see distinct_articles)."""
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[tuple[str, ...], int] = {}
    for index, article in enumerate(items):
        for key in _item_keys(article):
            other = owner.setdefault(key, index)
            if other != index:
                a, b = root(other), root(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the root is always the group's first item
    return [root(index) for index in range(len(items))]


def _group(story: Story, first: int, members: list[Article]) -> ArticleGroup:
    """The group whose first item is the `first` of the story's items (its own article is 0)."""
    is_story = first == 0
    published = _earliest(members)
    if is_story:
        shown = story.article
    else:
        dated = [article for article in members if article.published == published]
        shown = dated[0] if dated else members[0]
    return ArticleGroup(shown, tuple(members), is_story, published)


# --------------------------------------------------------------------------- timeline


def lag_text(seconds: float | None, is_first: bool = False) -> str:
    """`first`, `+45m`, `+3h 12m`, `+2d 4h`, `+183d`; `?` when the time is unknown.

    Lags are floored: to whole minutes under an hour, to minutes past the
    hour under a day, to hours past the day under a hundred days, to days
    beyond (where hours say nothing, and the text stays short). A negative
    lag (only possible when called directly) reads `-45m` and so on.
    """
    if is_first:
        return "first"
    if seconds is None:
        return "?"
    sign = "-" if seconds < 0 else "+"
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours}h {minutes}m"
    days, hours = divmod(hours, 24)
    return f"{sign}{days}d {hours}h" if days < 100 else f"{sign}{days}d"


class TimelineEntry(NamedTuple):
    article: Article  # the article shown for this entry (see ArticleGroup.article)
    is_story: bool  # the story's own article
    published: datetime | None  # the earliest time of the entry's items
    lag: int | None  # whole seconds behind the first report; None when the time is unknown
    lag_text: str  # `first`, `+45m`, `?` ...
    is_first: bool  # the first report
    duplicates: int  # items folded into this one (same URL, or repeated)
    members: tuple[Article, ...] = ()  # every item of the entry, in file order


def timeline(story: Story) -> list[TimelineEntry]:
    """The story's own article and its related items, each once, in time order.

    Earliest first; ties keep file order (the story's own first); unknown
    times last, in file order. The first entry with a known time is the first
    report; every other known one carries its lag behind it.
    """
    groups = distinct_articles(story)
    order = sorted(range(len(groups)), key=lambda i: (groups[i].published is None, _utc(groups[i].published), i))
    first = groups[order[0]].published  # the earliest; None when no time is known
    entries = []
    for position, index in enumerate(order):
        group = groups[index]
        is_first = position == 0 and first is not None
        lag = None
        if group.published is not None and first is not None:
            lag = int((group.published - first) // timedelta(seconds=1))
        entries.append(TimelineEntry(
            article=group.article, is_story=group.is_story, published=group.published,
            lag=lag, lag_text=lag_text(lag, is_first), is_first=is_first,
            duplicates=group.duplicates, members=group.members,
        ))
    return entries


def first_report(story: Story) -> ArticleGroup | None:
    """The story's first report, as its timeline has it first, without the timeline: the earliest
    of its distinct articles (the first in file order among equals); None when no time is known.

    Only that group is built: it is the one of the earliest item, the first group among those
    that hold an item of that moment (what the timeline's order puts first among all of them)."""
    items = (story.article, *story.related)
    firsts = _firsts(items)
    earliest = min(((_utc(article.published), first) for article, first in zip(items, firsts)
                    if article.published is not None), default=None)
    if earliest is None:
        return None
    first = earliest[1]
    return _group(story, first, [article for article, its in zip(items, firsts) if its == first])


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utc(moment: datetime | None) -> datetime:
    return _EPOCH if moment is None else moment.astimezone(timezone.utc)


_BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("hour", timedelta(hours=1)), ("day", timedelta(days=1)), ("week", timedelta(weeks=1)),
)
BUCKET_SIZES: dict[str, timedelta] = dict(_BUCKETS)
HOURLY_SPAN = timedelta(days=2)  # spans shorter than this are charted per hour
DAILY_BUCKETS = 1000  # beyond this many days (bad dates, mostly), per week


def histogram(entries: Sequence[TimelineEntry]) -> tuple[str, list[int], datetime | None]:
    """How many entries appeared per bucket, from the first known time to the last.

    The bucket is `hour` when the span is under two days, else `day` (`week`
    past 1,000 days, which only absurd dates reach). Buckets are whole UTC
    hours, days (from midnight UTC) or weeks (from a Monday, midnight UTC);
    `start` is the first bucket's start. No known time: `("hour", [], None)`.
    """
    known = sorted(_utc(entry.published) for entry in entries if entry.published is not None)
    if not known:
        return "hour", [], None
    first, last = known[0], known[-1]
    if last - first < HOURLY_SPAN:
        name, size = _BUCKETS[0]
        start = first.replace(minute=0, second=0, microsecond=0)
    else:
        start = first.replace(hour=0, minute=0, second=0, microsecond=0)
        if (last - start) // timedelta(days=1) < DAILY_BUCKETS:
            name, size = _BUCKETS[1]
        else:
            name, size = _BUCKETS[2]
            start -= timedelta(days=start.weekday())
    counts = [0] * ((last - start) // size + 1)
    for moment in known:
        counts[(moment - start) // size] += 1
    return name, counts, start


# --------------------------------------------------------------------------- sorting

SORT_KEYS: tuple[str, ...] = ("time", "quality", "provider")
T = TypeVar("T")


def _article(item: object) -> Article:
    return item if isinstance(item, Article) else item.article  # type: ignore[attr-defined]


def sort_related(articles: Iterable[T], by: str = "time") -> list[T]:
    """Articles (or timeline entries, or groups) sorted; stable, unknowns last.

    `time`: earliest first. `quality`: highest first. `provider`: by outlet
    name (else domain), case aside, A to Z.
    """
    items = list(articles)
    if by == "time":
        def key(item):
            moment = item.published  # an entry's or a group's is its earliest
            return (moment is None, _utc(moment))
    elif by == "quality":
        def key(item):
            quality = _article(item).quality
            return (quality is None, -(quality or 0))
    elif by == "provider":
        def key(item):
            provider = _article(item).provider
            label = (provider.name.strip() or provider.domain.strip()).casefold()
            return (not label, label)
    else:
        raise ValueError(f"cannot sort by {by!r}: choose one of {', '.join(SORT_KEYS)}")
    return sorted(items, key=key)


# --------------------------------------------------------------------------- compare

_TOKENS = re.compile(r"\s+|\S+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def _word_key(word: str) -> str:
    folded = word.casefold()
    return _EDGE_PUNCTUATION.sub("", folded) or folded


def word_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each text as (part, differs) pairs; joining a side's parts gives its text back.

    Parts are words and the whitespace between them. Words are compared case
    aside and without the punctuation around them (`Police,` matches `police`),
    with difflib.SequenceMatcher. Whitespace is marked only between two marked
    words, so a changed phrase is one run.
    """
    tokens_a, tokens_b = _TOKENS.findall(a), _TOKENS.findall(b)
    words_a = [i for i, token in enumerate(tokens_a) if not token.isspace()]
    words_b = [i for i, token in enumerate(tokens_b) if not token.isspace()]
    matcher = difflib.SequenceMatcher(
        None, [_word_key(tokens_a[i]) for i in words_a], [_word_key(tokens_b[i]) for i in words_b],
        autojunk=False,
    )
    differs_a, differs_b = [False] * len(tokens_a), [False] * len(tokens_b)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            for i in words_a[a1:a2]:
                differs_a[i] = True
            for i in words_b[b1:b2]:
                differs_b[i] = True
    return _parts(tokens_a, differs_a), _parts(tokens_b, differs_b)


def _parts(tokens: list[str], differs: list[bool]) -> list[tuple[str, bool]]:
    parts = []
    for i, token in enumerate(tokens):
        flag = differs[i]
        if token.isspace():
            flag = 0 < i < len(tokens) - 1 and differs[i - 1] and differs[i + 1]
        parts.append((token, flag))
    return parts
