"""The story index: a SQLite cache of what the story list and the search need, per folder.

Keyed by the folder's absolute path and each file's size and modification
time, so a warm start reads no story file. The cache is disposable: anything
wrong with it (corrupt, locked, read-only, an older format, other reading
code) means it is rebuilt or bypassed in memory, with a notice, never a crash.

One `Index` per folder, made of parts a reader finds by name:

    schema.py            the tables, the list's orders (SORTS), story and cache keys
    connections.py       the cache file or memory, falling back, the marks attached
    writes.py            what the scan records
    reads.py             the list's and the search's queries
    coverage_queries.py  linked stories, an outlet's articles, times first
    event_queries.py     each distinct article's event, the events' figures, the event list

A new kind of query gets a module of its own beside these, its tables in
schema.py, and a place in Index's bases.
"""

from __future__ import annotations

from reader.data.index.connections import IndexConnections
from reader.data.index.coverage_queries import LINKED_LIMIT, CoverageQueries
from reader.data.index.event_queries import EventQueries
from reader.data.index.reads import IndexReads
from reader.data.index.schema import (
    KIND_OTHER, KIND_PROBLEM, KIND_STORY, NEWEST_FIRST, READING_MODULES, SCHEMA_VERSION, SEARCH_ID_BITS,
    SEARCH_ID_MASK, SORTS, reading_code, search_rowid, story_key,
)
from reader.data.index.writes import IndexWrites, verified_figures

__all__ = [
    "KIND_OTHER", "KIND_PROBLEM", "KIND_STORY", "LINKED_LIMIT", "NEWEST_FIRST", "READING_MODULES",
    "SCHEMA_VERSION", "SEARCH_ID_BITS", "SEARCH_ID_MASK", "SORTS", "Index", "reading_code", "search_rowid",
    "story_key", "verified_figures",
]


class Index(IndexReads, IndexWrites, CoverageQueries, EventQueries, IndexConnections):
    """One folder's rows in the index database. Safe to share between threads."""
