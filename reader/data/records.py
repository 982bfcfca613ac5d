"""Plain, immutable records that the data layer hands to the UI and the CLI.

Named tuples, not frozen dataclasses: a frozen dataclass costs ~1.3 ms to
define, and the reader's start pays for each one it imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from reader.data.sanitize import shown_path


class Provider(NamedTuple):
    name: str = ""
    domain: str = ""

    @property
    def label(self) -> str:
        return self.name or self.domain or "unknown outlet"


class Image(NamedTuple):
    url: str = ""
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None
    title: str = ""


class Article(NamedTuple):
    """One outlet's article: a story's own fields, or one item of its related coverage."""

    title: str
    excerpt: str = ""
    published: datetime | None = None
    web_url: str = ""
    amp_web_url: str = ""
    cdn_amp_web_url: str = ""
    type: str = ""
    provider: Provider = Provider()
    quality: int | None = None
    heat: int | None = None
    images: tuple[Image, ...] = ()
    # Keys the format does not name, as (key, text) pairs: shown, never interpreted.
    extra: tuple[tuple[str, str], ...] = ()


class Story(NamedTuple):
    path: str  # relative to the folder that was opened, with "/" separators
    article: Article
    category: str = ""
    topics: tuple[str, ...] = ()
    is_published: bool | None = None
    original_url: str = ""
    removed: bool | None = None
    secured: str = ""  # opaque signature: kept as it is, never decoded
    related: tuple[Article, ...] = ()
    body: str = ""
    # What the file said for publishedDateTime when it is not a date.
    published_text: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def published(self) -> datetime | None:
        return self.article.published

    @property
    def provider(self) -> Provider:
        return self.article.provider

    @property
    def link(self) -> str:
        """The story's link: its webUrl, else its originalUrl (videos may have only that); "" for none."""
        return self.article.web_url or self.original_url


class Problem(NamedTuple):
    path: str
    reason: str
    line: int | None = None
    column: int | None = None

    def describe(self) -> str:
        where = ""
        if self.line is not None:
            where = f" (line {self.line}" + (f", column {self.column})" if self.column else ")")
        return f"{self.reason}{where}"

    def line_of_text(self) -> str:
        """`path: reason`, as `reader check` prints it, with the path safe to show."""
        return f"{shown_path(self.path)}: {self.describe()}"


class StoryRow(NamedTuple):
    """What the story list shows for one story: a few fields, cheap to hold."""

    id: int
    path: str
    title: str
    provider: str
    published: datetime | None
    related_count: int
    outlets: int | None = None  # its event's distinct outlets; until events are computed, its coverage's
    key: str = ""  # what names the story across runs (for read and starred marks)
    read: bool = False
    starred: bool = False


class NotAStory(NamedTuple):
    """A file that is not a story at all: counted, never listed as a problem."""

    path: str


@dataclass(slots=True)
class LoadProgress:
    """Where a scan of the folder stands; posted to the UI as it goes."""

    files_seen: int = 0
    files_read: int = 0
    stories: int = 0
    problems: int = 0
    not_stories: int = 0
    listed: bool = False  # the list pass is over: every story is in the list
    to_verify: int = 0
    verified: int = 0
    done: bool = False
    events_ready: bool = False  # events are computed (after `done`, a last report says so)


class Entry(NamedTuple):
    """The few fields the story list needs, read without building the related list."""

    path: str
    title: str
    provider_name: str
    provider_domain: str
    published: datetime | None
    related_count: int
    excerpt: str
    url: str
    quality: int | None = None
    heat: int | None = None
    topics: tuple[str, ...] = ()


class Verified(NamedTuple):
    """What a full parse settles about a story, ready for the index: worked out in the
    helper process that parsed it, so the process drawing the screen only writes it."""

    path: str
    related_count: int
    outlets: int
    first_outlet: str | None
    # Rows for the index's related table: (position, title, provider, outlet, url key, published, quality, variant).
    related: tuple[tuple, ...]
    coverage: str  # the related titles and excerpts, for full-text search
    # What events read of each article, the story's own first, for the index's article_variants:
    # (url key, variant, title, excerpt, published, outlet, provider name, provider domain, url).
    articles: tuple[tuple, ...] = ()
    variant: str | None = None  # the story's own article's variant (None: it has no URL)


def entry_of(story: Story) -> Entry:
    article = story.article
    return Entry(story.path, story.title, story.provider.name, story.provider.domain,
                 story.published, len(story.related), article.excerpt, article.web_url,
                 article.quality, article.heat, story.topics)
