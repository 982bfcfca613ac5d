"""The index's tables, the list's orders, and what keys a story and a cache.

SCHEMA_VERSION and reading_code() decide whether a cache file is trusted
(reader.data.index.connections); a new table goes into SCHEMA.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util

from reader import __version__
from reader.data.records import Entry

# Raised when the tables change: a cache from another version is rebuilt, never trusted.
SCHEMA_VERSION = 12
# What a file reads as (its fields, a problem's reason, whether it is a story at all)
# comes from these modules: a cache written by other code of theirs is rebuilt too.
READING_MODULES = (
    "reader.data.parse", "reader.data.yaml_fast", "reader.data.discover", "reader.data.records",
    "reader.data.sanitize", "reader.data.dates", "reader.data.coverage", "reader.data.index.schema",
    "reader.data.index.writes",
)
EVENT_MODULES = ("reader.data.events", "reader.data.event_keeper")
KIND_STORY, KIND_PROBLEM, KIND_OTHER = 0, 1, 2  # files.kind

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,  -- 'reading_code': see reading_code()
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL,
    max_bytes INTEGER NOT NULL,  -- the size limit changes which files are stories
    scanned INTEGER NOT NULL DEFAULT 0,  -- a whole scan has finished at least once
    events_code TEXT,  -- events_code() of the code that computed its events (events_pending: what changed since)
    UNIQUE (root, max_bytes)
);
CREATE TABLE IF NOT EXISTS files (
    folder INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    PRIMARY KEY (folder, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    folder INTEGER NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,  -- what names the story across runs: its URL, else path and title
    title TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    provider_domain TEXT NOT NULL,
    provider_sort TEXT NOT NULL,  -- casefolded name (else domain), for sorting and provider:
    outlet TEXT NOT NULL,  -- coverage.outlet_key of its provider
    url_key TEXT NOT NULL,  -- coverage.url_key of its webUrl
    first_outlet TEXT,  -- the outlet that reported first, story and coverage together; NULL until verified
    published INTEGER,  -- Unix seconds, UTC
    related_count INTEGER NOT NULL,
    outlets INTEGER,  -- distinct outlets, the story's own included; NULL until verified
    quality INTEGER,
    heat INTEGER,
    excerpt TEXT NOT NULL,
    url TEXT NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,  -- a full parse of this version of the file agreed
    search_rowid INTEGER,  -- its row in `search`: see search_rowid()
    variant TEXT,  -- article_variants.variant of its own article as its file gives it; NULL until verified
    event INTEGER,  -- events.id of its own article's event; NULL until events are computed
    event_outlets INTEGER,  -- that event's distinct outlets
    UNIQUE (folder, path)
);
CREATE INDEX IF NOT EXISTS stories_by_event ON stories (event);
CREATE INDEX IF NOT EXISTS stories_unverified ON stories (folder, verified, path);
CREATE INDEX IF NOT EXISTS stories_newest ON stories (folder, published IS NULL, published DESC, path);
CREATE INDEX IF NOT EXISTS stories_by_outlet ON stories (outlet);
CREATE INDEX IF NOT EXISTS stories_by_quality ON stories (quality);
CREATE INDEX IF NOT EXISTS stories_by_provider ON stories (provider_sort);
CREATE INDEX IF NOT EXISTS stories_by_key ON stories (key);  -- is:read, is:starred: marks to stories
CREATE INDEX IF NOT EXISTS stories_by_url ON stories (url_key);  -- linked stories: a story's own article in others' coverage
CREATE TABLE IF NOT EXISTS topics (
    story INTEGER NOT NULL,
    topic TEXT NOT NULL,  -- casefolded, for matching
    label TEXT NOT NULL,  -- as the file writes it, for showing
    PRIMARY KEY (story, topic)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS topics_by_name ON topics (topic);
CREATE TABLE IF NOT EXISTS related (
    story INTEGER NOT NULL,
    position INTEGER NOT NULL,  -- in the file, from 0
    title TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    outlet TEXT NOT NULL,  -- coverage.outlet_key
    url_key TEXT NOT NULL,  -- coverage.url_key of its webUrl
    published INTEGER,
    quality INTEGER,
    variant TEXT NOT NULL,  -- article_variants.variant of the item as the file gives it
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS related_by_url ON related (url_key);
CREATE INDEX IF NOT EXISTS related_by_outlet ON related (outlet);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, excerpt, provider, coverage, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS article_variants (  -- one text of an article (files may differ on it): see variant columns
    folder INTEGER NOT NULL,
    url_key TEXT NOT NULL,
    variant TEXT NOT NULL,
    title TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    published INTEGER,
    outlet TEXT NOT NULL,  -- coverage.outlet_key
    provider_name TEXT NOT NULL,
    provider_domain TEXT NOT NULL,
    url TEXT NOT NULL,
    UNIQUE (folder, url_key, variant)  -- rows of texts: a rowid table, the key in a small index
);
CREATE TABLE IF NOT EXISTS events_pending (  -- articles whose references changed since events were computed
    folder INTEGER NOT NULL,
    url_key TEXT NOT NULL,
    PRIMARY KEY (folder, url_key)
) WITHOUT ROWID;
-- A verified story's own article (stories.variant) and its related items (related.variant) are
-- the references to each article's variants; every change to them notes the article as pending.
-- Related items added are noted by IndexWrites.write_verified, once a batch (a trigger a row cost
-- more than the rows themselves); the triggers note the rest.
-- (NOT EXISTS, not OR IGNORE: an outer statement's conflict policy, an upsert's, would override it.)
CREATE TRIGGER IF NOT EXISTS related_removed AFTER DELETE ON related WHEN old.url_key != '' BEGIN
    INSERT INTO events_pending SELECT folder, old.url_key FROM stories WHERE id = old.story AND NOT EXISTS
        (SELECT 1 FROM events_pending p WHERE p.folder = stories.folder AND p.url_key = old.url_key);
END;
CREATE TRIGGER IF NOT EXISTS story_article_changed AFTER UPDATE OF url_key, variant ON stories
    WHEN old.url_key IS NOT new.url_key OR old.variant IS NOT new.variant BEGIN
    INSERT INTO events_pending SELECT old.folder, old.url_key WHERE old.url_key != '' AND NOT EXISTS
        (SELECT 1 FROM events_pending p WHERE p.folder = old.folder AND p.url_key = old.url_key);
    INSERT INTO events_pending SELECT new.folder, new.url_key WHERE new.url_key != '' AND NOT EXISTS
        (SELECT 1 FROM events_pending p WHERE p.folder = new.folder AND p.url_key = new.url_key);
END;
CREATE TRIGGER IF NOT EXISTS story_removed AFTER DELETE ON stories WHEN old.url_key != '' BEGIN
    INSERT INTO events_pending SELECT old.folder, old.url_key WHERE NOT EXISTS
        (SELECT 1 FROM events_pending p WHERE p.folder = old.folder AND p.url_key = old.url_key);
END;
CREATE TABLE IF NOT EXISTS article_events (  -- each distinct article: the text events read, and its event
    folder INTEGER NOT NULL,
    url_key TEXT NOT NULL,
    variant TEXT NOT NULL,  -- the most referenced variant, ties by the smallest digest
    event_key TEXT NOT NULL,  -- events.key
    PRIMARY KEY (folder, url_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_events_by_event ON article_events (folder, event_key);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    folder INTEGER NOT NULL,
    key TEXT NOT NULL,  -- the URL key of its first article (reader.data.events); the id stays while it does
    headline TEXT NOT NULL,  -- its most representative title
    first_title TEXT NOT NULL,
    first_outlet TEXT NOT NULL,  -- the provider's name, else its domain
    first_outlet_key TEXT NOT NULL,  -- coverage.outlet_key
    first_domain TEXT NOT NULL,
    first_published INTEGER,
    first_url TEXT NOT NULL,
    last_published INTEGER,
    outlets INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,  -- story files whose own article is in it
    UNIQUE (folder, key)
);
CREATE INDEX IF NOT EXISTS events_newest ON events (folder, first_published IS NULL, first_published DESC, id);
CREATE INDEX IF NOT EXISTS events_by_first_outlet ON events (folder, first_outlet_key);
CREATE TABLE IF NOT EXISTS problems (
    folder INTEGER NOT NULL,
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    line INTEGER,
    col INTEGER,
    PRIMARY KEY (folder, path)
) WITHOUT ROWID;
"""

SORTS = {
    "newest": "s.published IS NULL, s.published DESC, s.path",
    "oldest": "s.published IS NULL, s.published ASC, s.path",
    "quality": "s.quality IS NULL, s.quality DESC, s.published DESC, s.path",
    "heat": "s.heat IS NULL, s.heat DESC, s.published DESC, s.path",
    "coverage": "coalesce(s.event_outlets, s.outlets, 0) DESC, s.related_count DESC, s.published DESC, s.path",
    "provider": "s.provider_sort, s.published DESC, s.path",
    "title": "casefold(s.title), s.path",
}
NEWEST_FIRST = SORTS["newest"]
# What the index holds about a story beside its row: (table, column naming the story, stories column).
STORY_PARTS = (("topics", "story", "id"), ("related", "story", "id"), ("search", "rowid", "search_rowid"))

# A story's row in the full-text table is numbered in the list's newest-first order,
# the story id in the low bits: a search then finds its first screenful in that
# order by reading the matches in rowid order (which FTS5 does without sorting)
# and stopping, instead of collecting every match first.
SEARCH_ID_BITS = 27
SEARCH_ID_MASK = (1 << SEARCH_ID_BITS) - 1
_SEARCH_LAST_SECOND = (1 << 34) - 1  # dates are clamped to 1970 .. 2514


def search_rowid(story_id: int, published: int | None) -> int:
    """The story's rowid in `search`: undated last, then newest first, then the story id."""
    if published is None:
        return (1 << 61) | story_id
    second = max(0, min(published, _SEARCH_LAST_SECOND))
    return ((_SEARCH_LAST_SECOND - second) << SEARCH_ID_BITS) | story_id


@functools.cache
def reading_code() -> str:
    """A digest of the reader's version and the source of READING_MODULES: a cache
    written under another is not trusted (~1 ms, once)."""
    return _digest(READING_MODULES)


@functools.cache
def events_code() -> str:
    """A digest of the code that finds events: events computed by other code are computed again
    (the rest of the cache stands)."""
    return _digest(EVENT_MODULES)


def _digest(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            with open(origin, "rb") as source:  # type: ignore[arg-type]
                digest.update(source.read())
        except (OSError, TypeError):
            digest.update(name.encode())  # no source to read (a frozen build): its version stands
    return digest.hexdigest()[:32]


def story_key(entry: Entry) -> str:
    """What identifies a story across runs, re-indexing and moving the folder."""
    return entry.url or f"{entry.path}\n{entry.title}"
