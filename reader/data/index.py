"""The story index: a SQLite cache of what the story list and the search need, per folder.

Keyed by the folder's absolute path and each file's size and modification
time, so a warm start reads no story file. The cache is disposable: anything
wrong with it (corrupt, locked, read-only, an older format) means it is
rebuilt or bypassed in memory, with a notice, never a crash.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import sqlite3
import threading
import urllib.parse
from array import array
from collections.abc import Container, Iterable, Sequence
from contextlib import contextmanager

from reader.data.coverage import distinct_outlets, outlet_key, timeline, url_key
from reader.data.dates import from_epoch, to_epoch
from reader.data.records import Entry, Problem, Provider, Story, StoryRow, Verified
from reader.data.state import MarkStore

# Raised when the tables change: a cache from another version is rebuilt, never trusted.
SCHEMA_VERSION = 10
# What a file reads as (its fields, a problem's reason, whether it is a story at all)
# comes from these modules: a cache written by other code of theirs is rebuilt too.
READING_MODULES = (
    "reader.data.parse", "reader.data.discover", "reader.data.records", "reader.data.sanitize",
    "reader.data.dates", "reader.data.coverage", "reader.data.index",
)
KIND_STORY, KIND_PROBLEM, KIND_OTHER = 0, 1, 2
LINKED_LIMIT = 50  # linked stories shown at most, those sharing the most articles first

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,  -- 'reading_code': see reading_code()
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL,
    max_bytes INTEGER NOT NULL,  -- the size limit changes which files are stories
    scanned INTEGER NOT NULL DEFAULT 0,  -- a whole scan has finished at least once
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
    UNIQUE (folder, path)
);
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
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS related_by_url ON related (url_key);
CREATE INDEX IF NOT EXISTS related_by_outlet ON related (outlet);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, excerpt, provider, coverage, tokenize = 'unicode61 remove_diacritics 2'
);
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
    "coverage": "coalesce(s.outlets, 0) DESC, s.related_count DESC, s.published DESC, s.path",
    "provider": "s.provider_sort, s.published DESC, s.path",
    "title": "casefold(s.title), s.path",
}
NEWEST_FIRST = SORTS["newest"]
# What the index holds about a story beside its row: (table, column naming the story, stories column).
_STORY_PARTS = (("topics", "story", "id"), ("related", "story", "id"), ("search", "rowid", "search_rowid"))

# A story's row in the full-text table is numbered in the list's newest-first order,
# the story id in the low bits: a search then finds its first screenful in that
# order by reading the matches in rowid order (which FTS5 does without sorting)
# and stopping, instead of collecting every match first.
SEARCH_ID_BITS = 27
SEARCH_ID_MASK = (1 << SEARCH_ID_BITS) - 1
_SEARCH_LAST_SECOND = (1 << 34) - 1  # dates are clamped to 1970 .. 2514
_MAX_TIES = 5000  # stories in one second beyond a first screenful before the plain query is quicker


def search_rowid(story_id: int, published: int | None) -> int:
    """The story's rowid in `search`: undated last, then newest first, then the story id."""
    if published is None:
        return (1 << 61) | story_id
    second = max(0, min(published, _SEARCH_LAST_SECOND))
    return ((_SEARCH_LAST_SECOND - second) << SEARCH_ID_BITS) | story_id
BUSY_SECONDS = 3.0  # how long to wait for another reader's write before giving up on the file


@functools.cache
def reading_code() -> str:
    """A digest of the reader's version and the source of READING_MODULES: a cache
    written under another is not trusted (~1 ms, once)."""
    digest = hashlib.sha256()
    try:
        digest.update(importlib.metadata.version("reader").encode())
    except importlib.metadata.PackageNotFoundError:
        pass
    for name in READING_MODULES:
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


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _guarded(method):
    """Run an index operation; if the cache file fails under it, go on in memory.

    The in-memory index starts empty, so `generation` changes and the scan
    that is running reads the folder again.
    """

    @functools.wraps(method)
    def run(self: Index, *args, **kwargs):
        try:
            self._follow_marks()
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            if self.db_path is None:
                raise
            self._fall_back(error)
            return method(self, *args, **kwargs)

    return run


_IDS_PER_QUERY = 500  # SQLite's limit on parameters is higher, but not everywhere
_SPARE_READERS = 2  # list queries overlap when a query is typed: the last one's, the next one's


def verified_figures(story: Story) -> Verified:
    """What Index.write_verified records for a fully parsed story."""
    entries = timeline(story)
    first = outlet_key(entries[0].article.provider) if entries and entries[0].is_first else None
    related = tuple(
        (position, item.title, item.provider.name, outlet_key(item.provider),
         url_key(item.web_url), to_epoch(item.published), item.quality)
        for position, item in enumerate(story.related)
    )
    coverage = "\n".join(f"{item.title}\n{item.excerpt}" for item in story.related)
    return Verified(story.path, len(story.related), distinct_outlets(story), first, related, coverage)


class Index:
    """One folder's rows in the index database. Safe to share between threads."""

    def __init__(self, root: str, db_path: str | None, max_bytes: int, marks: MarkStore) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.db_path = db_path
        self.marks = marks  # attached to every connection as `state`, so queries join the marks
        self._marks_generation = marks.generation
        self.notices: list[str] = []
        self._lock = threading.RLock()
        self.generation = 0  # changes when the index had to start again, empty
        self.edits = 0  # counts writes that change what lists show: no new edits, no need to query again
        self._db = self._open(db_path)
        # Connections for list queries (see _list_reader), kept for the next one.
        self._spare_readers: list[sqlite3.Connection] = []
        self._spare_lock = threading.Lock()
        self.folder_id = self._folder_id(root)

    # ------------------------------------------------------------------ opening

    def _open(self, db_path: str | None) -> sqlite3.Connection:
        if db_path is None:
            return self._connect(":memory:")
        try:
            return self._connect_file(db_path)
        except (sqlite3.Error, OSError) as first_error:
            if _is_corrupt(first_error):
                try:
                    _remove_database(db_path)
                    self.notices.append("The story cache was damaged and has been rebuilt.")
                    return self._connect_file(db_path)
                except (sqlite3.Error, OSError) as error:
                    first_error = error
            self.notices.append(
                f"The story cache cannot be used ({_plain(first_error)}); reading files directly."
            )
            self.db_path = None
            return self._connect(":memory:")

    def _connect_file(self, db_path: str) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(db_path), exist_ok=True)
        db = self._connect(db_path)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and version == SCHEMA_VERSION and _stored_reading_code(db) == reading_code():
                return db  # a warm start writes nothing before the first frame; a write that fails later falls back
            if tables:
                db.close()
                _remove_database(db_path)
                self.notices.append("The story cache was from another version and has been rebuilt.")
                db = self._connect(db_path)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('reading_code', ?)", (reading_code(),))
            # A write proves the file is usable (not read-only, not locked for good).
            db.execute("INSERT OR IGNORE INTO folders(root, max_bytes) VALUES (?, ?)", (self.root, self.max_bytes))
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _fall_back(self, error: BaseException) -> None:
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            if _is_corrupt(error) and self.db_path is not None:
                try:
                    _remove_database(self.db_path)
                except OSError:
                    pass
            self.notices.append(f"The story cache failed ({_plain(error)}); reading files directly.")
            self.db_path = None
            self._db = self._connect(":memory:")
            self.folder_id = self._folder_id(self.root)
            self.generation += 1
        self._close_spare_readers()

    def _connect(self, target: str) -> sqlite3.Connection:
        # A URI connection, so that the marks can be attached wherever they live (MarkStore.attach).
        uri = "file::memory:" if target == ":memory:" else "file:" + urllib.parse.quote(os.path.abspath(target))
        db = sqlite3.connect(uri, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None, uri=True)
        db.execute("PRAGMA synchronous=NORMAL")
        db.create_function("casefold", 1, _casefold, deterministic=True)
        if target == ":memory:":
            db.executescript(_SCHEMA)
        self.marks.attach(db)
        return db

    def _follow_marks(self) -> None:
        """Attach the marks again where they moved (to memory, when their file failed)."""
        if self._marks_generation == self.marks.generation:
            return
        with self._lock:
            self._marks_generation = self.marks.generation
            try:
                self._db.execute("DETACH DATABASE state")
            except sqlite3.Error:
                pass
            self.marks.attach(self._db)
        self._close_spare_readers()

    def _folder_id(self, root: str) -> int:
        with self._lock:
            key = (root, self.max_bytes)
            found = self._db.execute("SELECT id FROM folders WHERE root = ? AND max_bytes = ?", key).fetchone()
            if found is None:
                self._db.execute("INSERT OR IGNORE INTO folders(root, max_bytes) VALUES (?, ?)", key)
                found = self._db.execute("SELECT id FROM folders WHERE root = ? AND max_bytes = ?", key).fetchone()
            return found[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._close_spare_readers()

    def _close_spare_readers(self) -> None:
        with self._spare_lock:
            spare, self._spare_readers = self._spare_readers, []
        for db in spare:
            db.close()

    @contextmanager
    def _list_reader(self, whole_list: bool):
        """The connection for a list query. One over the whole list (every id of a search,
        ~0.2 s at 100,000 stories) runs on a connection of its own on the cache file, so
        that the screen, which reads its visible rows and a query's first screenful
        through the main connection, never waits for it. (WAL lets readers run beside the
        writer; they see what was committed.) In memory there is only the main connection."""
        if not whole_list or self.db_path is None:
            with self._lock:
                yield self._db
            return
        generation = (self.generation, self.marks.generation)
        with self._spare_lock:
            db = self._spare_readers.pop() if self._spare_readers else None
        if db is None:
            db = self._connect(self.db_path)
        try:
            yield db
        finally:
            with self._spare_lock:
                if generation == (self.generation, self.marks.generation) and len(self._spare_readers) < _SPARE_READERS:
                    self._spare_readers.append(db)
                    db = None
            if db is not None:
                db.close()

    # ------------------------------------------------------------------ writing

    @_guarded
    def known_files(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns FROM files WHERE folder = ?", (self.folder_id,)
            )
            return {path: (size, mtime) for path, size, mtime in rows}

    @_guarded
    def write(self, results: Sequence[tuple[str, int, int, Entry | Problem | None]],
              new: Container[str] = frozenset()) -> None:
        """Record a batch of list-pass results (path, size, mtime_ns, result); None: not a story.

        Paths in `new` were not in the index: nothing of theirs needs deleting first,
        which on a cold start is most of the writing."""
        folder = self.folder_id
        if results:
            self.edits += 1
        files, problems, not_stories = [], [], []
        entries = []
        for path, size, mtime, result in results:
            if isinstance(result, Entry):
                kind = KIND_STORY
                entries.append(result)
            elif isinstance(result, Problem):
                kind = KIND_PROBLEM
                problems.append((folder, path, result.reason, result.line, result.column))
                not_stories.append(path)
            else:
                kind = KIND_OTHER
                not_stories.append(path)
            files.append((folder, path, size, mtime, kind))
        with self._lock, self._transaction() as db:
            db.executemany("DELETE FROM problems WHERE folder = ? AND path = ?",
                           [(folder, r[0]) for r in results if r[0] not in new])
            self._drop_stories(path for path in not_stories if path not in new)
            self._put_entries(db, entries, new)
            db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", problems)
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)", files)

    def _put_entries(self, db: sqlite3.Connection, entries: list[Entry], new: Container[str]) -> None:
        """Upsert list rows, their topics and their search text; one statement each, for all."""
        folder = self.folder_id
        keys = [(folder, entry.path) for entry in entries if entry.path not in new]
        db.executemany(
            "INSERT INTO stories(folder, path, key, title, provider_name, provider_domain, provider_sort,"
            " outlet, url_key, published, related_count, quality, heat, excerpt, url)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(folder, path) DO UPDATE SET key=excluded.key, title=excluded.title,"
            " provider_name=excluded.provider_name, provider_domain=excluded.provider_domain,"
            " provider_sort=excluded.provider_sort, outlet=excluded.outlet, url_key=excluded.url_key,"
            " first_outlet=NULL, published=excluded.published,"
            " related_count=excluded.related_count, outlets=NULL, quality=excluded.quality,"
            " heat=excluded.heat, excerpt=excluded.excerpt, url=excluded.url, verified=0",
            [(folder, entry.path, story_key(entry), entry.title, entry.provider_name, entry.provider_domain,
              (entry.provider_name or entry.provider_domain).casefold(),
              outlet_key(Provider(entry.provider_name, entry.provider_domain)), url_key(entry.url),
              to_epoch(entry.published), entry.related_count, entry.quality, entry.heat, entry.excerpt, entry.url)
             for entry in entries],
        )
        self._clear_parts(keys)
        # The ids first, then plain VALUES: FTS5 takes an INSERT ... SELECT per row ~6 times slower.
        ids = self._ids_of(db, [entry.path for entry in entries])
        db.executemany(
            "INSERT OR IGNORE INTO topics VALUES (?, ?, ?)",
            [(ids[entry.path], topic.casefold(), topic) for entry in entries for topic in entry.topics],
        )
        rowids = {entry.path: search_rowid(ids[entry.path], to_epoch(entry.published)) for entry in entries}
        db.executemany(
            "INSERT INTO search(rowid, title, excerpt, provider, coverage) VALUES (?, ?, ?, ?, '')",
            [(rowids[entry.path], entry.title, entry.excerpt,
              " ".join(p for p in (entry.provider_name, entry.provider_domain) if p)) for entry in entries],
        )
        db.executemany("UPDATE stories SET search_rowid = ? WHERE id = ?",
                       [(rowids[path], ids[path]) for path in rowids])

    def _ids_of(self, db: sqlite3.Connection, paths: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for start in range(0, len(paths), _IDS_PER_QUERY):
            part = paths[start : start + _IDS_PER_QUERY]
            ids.update(db.execute(
                f"SELECT path, id FROM stories WHERE folder = ? AND path IN ({','.join('?' * len(part))})",
                (self.folder_id, *part),
            ))
        return ids

    def _clear_parts(self, keys: list[tuple[int, str]]) -> None:
        """Delete what is indexed about stories, given as (folder, path). Call inside a transaction."""
        for table, column, story_column in _STORY_PARTS:
            self._db.executemany(
                f"DELETE FROM {table} WHERE {column} = (SELECT {story_column} FROM stories WHERE folder = ? AND path = ?)",
                keys,
            )

    def _drop_stories(self, paths: Iterable[str]) -> None:
        """Delete stories and everything indexed about them. Call inside a transaction."""
        keys = [(self.folder_id, path) for path in paths]
        self._clear_parts(keys)
        self._db.executemany("DELETE FROM stories WHERE folder = ? AND path = ?", keys)

    @_guarded
    def unverified(self, after: str, limit: int) -> list[str]:
        """Paths (after `after`, in order) of stories the list pass read but no full parse has confirmed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT path FROM stories WHERE folder = ? AND verified = 0 AND path > ? ORDER BY path LIMIT ?",
                (self.folder_id, after, limit),
            )
            return [row[0] for row in rows]

    @_guarded
    def unverified_count(self) -> int:
        return self._count("SELECT count(*) FROM stories WHERE folder = ? AND verified = 0", self.folder_id)

    @_guarded
    def write_verified(self, results: Sequence[tuple[str, Verified | Problem | None]]) -> None:
        """Record full parses (see verified_figures): a story's exact figures and coverage,
        or the problem a full parse found."""
        folder = self.folder_id
        if results:
            self.edits += 1
        problems, dropped, kinds = [], [], []
        stories = []
        for path, result in results:
            if isinstance(result, Verified):
                stories.append(result)
                continue
            dropped.append(path)
            if isinstance(result, Problem):
                problems.append((folder, path, result.reason, result.line, result.column))
                kinds.append((KIND_PROBLEM, folder, path))
            else:
                kinds.append((KIND_OTHER, folder, path))
        with self._lock, self._transaction() as db:
            for story in stories:
                row = db.execute("SELECT id, search_rowid FROM stories WHERE folder = ? AND path = ?",
                                 (folder, story.path)).fetchone()
                if row is None:
                    continue
                story_id, rowid = row
                db.execute(
                    "UPDATE stories SET related_count = ?, outlets = ?, first_outlet = ?, verified = 1 WHERE id = ?",
                    (story.related_count, story.outlets, story.first_outlet, story_id),
                )
                db.execute("DELETE FROM related WHERE story = ?", (story_id,))
                db.executemany("INSERT INTO related VALUES (?,?,?,?,?,?,?,?)",
                               [(story_id, *item) for item in story.related])
                db.execute("UPDATE search SET coverage = ? WHERE rowid = ?", (story.coverage, rowid))
            self._drop_stories(dropped)
            db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", problems)
            db.executemany("UPDATE files SET kind = ? WHERE folder = ? AND path = ?", kinds)

    @_guarded
    def forget(self, paths: Iterable[str]) -> None:
        """Drop files that are no longer in the folder."""
        paths = list(paths)
        if paths:
            self.edits += 1
        keys = [(self.folder_id, path) for path in paths]
        with self._lock, self._transaction() as db:
            self._drop_stories(paths)
            for table in ("files", "problems"):
                db.executemany(f"DELETE FROM {table} WHERE folder = ? AND path = ?", keys)

    @_guarded
    def was_scanned(self) -> bool:
        """Whether the index holds a finished scan of this folder (so its list is whole)."""
        with self._lock:
            row = self._db.execute("SELECT scanned FROM folders WHERE id = ?", (self.folder_id,)).fetchone()
        return bool(row and row[0])

    @_guarded
    def mark_scanned(self) -> None:
        with self._lock:
            self._db.execute("UPDATE folders SET scanned = 1 WHERE id = ?", (self.folder_id,))

    def _transaction(self):
        return _Transaction(self._db)

    # ------------------------------------------------------------------ reading

    @_guarded
    def story_ids(self, order: str = NEWEST_FIRST, where: str = "", params: Sequence = (),
                  limit: int | None = None) -> array:
        """Story ids in `order` (an SQL ORDER BY over `s`, see SORTS), filtered by an SQL
        condition over `s` (stories), such as reader.data.query builds. No join here:
        with one, even an unfiltered list would read every row instead of an index."""
        sql = (
            "SELECT s.id FROM stories s"
            f" WHERE s.folder = ?{f' AND ({where})' if where else ''} ORDER BY {order}"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        with self._list_reader(whole_list=limit is None) as db:
            rows = db.execute(sql, (self.folder_id, *params))
            return array("q", (row[0] for row in rows))

    @_guarded
    def first_ids_by_text(self, match: str, where: str, params: Sequence, limit: int) -> array | None:
        """The first `limit` story ids in newest-first order among those whose text matches
        `match` (an FTS5 query) and the SQL condition `where`; None when the plain query
        (story_ids) would be quicker, with many stories in one second at the cut."""
        sql = (
            f"SELECT search.rowid FROM search CROSS JOIN stories s ON s.id = search.rowid & {SEARCH_ID_MASK}"
            f" WHERE search MATCH ? AND s.folder = ?{f' AND ({where})' if where else ''} ORDER BY search.rowid"
        )
        rowids: list[int] = []
        with self._list_reader(whole_list=False) as db:
            for (rowid,) in db.execute(sql, (match, self.folder_id, *params)):
                # Past the screenful, only the stories of its last second still belong: their
                # order among themselves (by path) is settled below.
                if len(rowids) >= limit and rowid >> SEARCH_ID_BITS != rowids[-1] >> SEARCH_ID_BITS:
                    break
                rowids.append(rowid)
                if len(rowids) > limit + _MAX_TIES:
                    return None
            if not rowids:
                return array("q")
            ids = [rowid & SEARCH_ID_MASK for rowid in rowids]
            found = db.execute(
                f"SELECT s.id FROM stories s WHERE s.id IN ({','.join('?' * len(ids))}) ORDER BY {NEWEST_FIRST} LIMIT ?",
                (*ids, limit),
            )
            return array("q", (row[0] for row in found))

    @_guarded
    def first_ids_without_text(self, exclude: str, where: str, params: Sequence, limit: int) -> array:
        """The first `limit` story ids in newest-first order among those whose text does not
        match `exclude` (an FTS5 query), and that meet `where`.

        The stories, in the list's order, are merged with the matches, in rowid order (the
        same order, by the second): no set of every match is built, and a common word
        left out costs what the first screenful costs. Within one second the list orders
        by path and the rowids by id, so the matches of that second are taken as a set."""
        found = array("q")
        with self._list_reader(whole_list=False) as db:
            stories = db.execute(
                f"SELECT s.id, s.search_rowid FROM stories s WHERE s.folder = ?{f' AND ({where})' if where else ''}"
                f" ORDER BY {NEWEST_FIRST}",
                (self.folder_id, *params),
            )
            matches = iter(db.execute("SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid", (exclude,)))
            upcoming = next(matches, (None,))[0]
            second, excluded = None, set()
            for story_id, rowid in stories:
                if rowid is None:  # not in the full-text table: its text matches nothing
                    found.append(story_id)
                else:
                    if rowid >> SEARCH_ID_BITS != second:
                        second, excluded = rowid >> SEARCH_ID_BITS, set()
                        while upcoming is not None and upcoming >> SEARCH_ID_BITS < second:
                            upcoming = next(matches, (None,))[0]
                        while upcoming is not None and upcoming >> SEARCH_ID_BITS == second:
                            excluded.add(upcoming)
                            upcoming = next(matches, (None,))[0]
                    if rowid not in excluded:
                        found.append(story_id)
                if len(found) >= limit:
                    break
        return found

    @_guarded
    def rows(self, ids: Sequence[int]) -> dict[int, StoryRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            found = self._db.execute(
                "SELECT s.id, s.path, s.title, CASE WHEN s.provider_name != '' THEN s.provider_name"
                " ELSE s.provider_domain END, s.published, s.related_count, s.outlets, s.key,"
                " coalesce(m.read, 0), coalesce(m.starred, 0)"
                f" FROM stories s LEFT JOIN state.marks m ON m.key = s.key WHERE s.id IN ({marks})",
                list(ids),
            ).fetchall()
        return {
            row[0]: StoryRow(row[0], row[1], row[2], row[3], from_epoch(row[4]), row[5], row[6], row[7],
                             bool(row[8]), bool(row[9]))
            for row in found
        }

    @_guarded
    def path_of(self, story_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT path FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    @_guarded
    def story_count(self) -> int:
        return self._count("SELECT count(*) FROM stories WHERE folder = ?", self.folder_id)

    @_guarded
    def problems(self) -> list[Problem]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, reason, line, col FROM problems WHERE folder = ? ORDER BY path",
                (self.folder_id,),
            ).fetchall()
        return [Problem(*row) for row in rows]

    @_guarded
    def problem_count(self) -> int:
        return self._count("SELECT count(*) FROM problems WHERE folder = ?", self.folder_id)

    @_guarded
    def count_other(self) -> int:
        return self._count("SELECT count(*) FROM files WHERE folder = ? AND kind = ?", self.folder_id, KIND_OTHER)

    @_guarded
    def topic_counts(self) -> list[tuple[str, int]]:
        """Every topic in the folder with its number of stories, most first."""
        return self.query(
            "SELECT min(t.label), count(*) FROM topics t JOIN stories s ON s.id = t.story"
            " WHERE s.folder = ? GROUP BY t.topic ORDER BY count(*) DESC, t.topic",
            (self.folder_id,),
        )

    @_guarded
    def provider_counts(self) -> list[tuple[str, int]]:
        """Every story outlet in the folder with its number of stories, most first."""
        return self.query(
            "SELECT min(CASE WHEN provider_name != '' THEN provider_name ELSE provider_domain END), count(*)"
            " FROM stories WHERE folder = ? AND provider_sort != '' GROUP BY provider_sort"
            " ORDER BY count(*) DESC, provider_sort",
            (self.folder_id,),
        )

    @_guarded
    def linked_stories(self, story_id: int, limit: int = LINKED_LIMIT) -> list[tuple[int, str, int]]:
        """Other stories of the folder that cover the same articles: (id, title, shared).

        Shared means a related article with the same URL, or one story's own
        article in the other's coverage; an article listed twice counts once."""
        return self.query(
            "WITH mine(url_key) AS ("
            "  SELECT url_key FROM related WHERE story = :id AND url_key != ''"
            "  UNION SELECT url_key FROM stories WHERE id = :id AND url_key != ''),"
            " theirs(story, url_key) AS ("
            "  SELECT r.story, url_key FROM related r JOIN mine USING (url_key)"
            "  UNION ALL SELECT s.id, url_key FROM stories s JOIN mine USING (url_key))"
            " SELECT s.id, s.title, count(DISTINCT theirs.url_key) FROM theirs JOIN stories s ON s.id = theirs.story"
            " WHERE s.id != :id AND s.folder = :folder GROUP BY s.id"
            " ORDER BY count(DISTINCT theirs.url_key) DESC, s.published DESC LIMIT :limit",
            {"id": story_id, "folder": self.folder_id, "limit": limit},
        )

    @_guarded
    def outlet_articles(self, outlet: str) -> list[tuple[int, int | None, str, str | None, int]]:
        """Every story and related article from one outlet, each article once:
        (story id, published, title, None for a story of its own or the title of a
        story whose coverage holds it, the number of stories whose coverage holds it).

        An article in several stories' coverage (or listed twice in one) is one row,
        which goes to the newest of those stories."""
        return self.query(
            "SELECT * FROM (SELECT s.id, s.published AS at, s.title, NULL, 0 FROM stories s"
            " WHERE s.folder = :folder AND s.outlet = :outlet"
            " UNION ALL SELECT id, at, title, within, holders FROM ("
            "  SELECT s.id, r.published AS at, r.title, s.title AS within, count(DISTINCT s.id) AS holders,"
            "   max(coalesce(s.published, -1e18)) FROM related r JOIN stories s ON s.id = r.story"  # the newest holder's row
            "  WHERE s.folder = :folder AND r.outlet = :outlet"
            "  GROUP BY CASE WHEN r.url_key != '' THEN r.url_key ELSE r.story || ' ' || r.position END))"
            " ORDER BY at IS NULL, at DESC",
            {"folder": self.folder_id, "outlet": outlet},
        )

    @_guarded
    def times_first(self, outlet: str) -> tuple[int, int]:
        """(stories this outlet reported first, stories whose first report is known)."""
        rows = self.query(
            "SELECT sum(first_outlet = ?), count(first_outlet) FROM stories WHERE folder = ?",
            (outlet, self.folder_id),
        )
        return (rows[0][0] or 0, rows[0][1] or 0)

    def _count(self, sql: str, *params) -> int:
        with self._lock:
            return self._db.execute(sql, params).fetchone()[0]

    @_guarded
    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """A read-only query over this index (s = stories of this folder is up to the caller)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        # Not IMMEDIATE: that would also lock the attached marks, which the app
        # writes from the UI while a scan runs. The first statement is a write.
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, kind, error, trace) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def _stored_reading_code(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE name = 'reading_code'").fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):  # a cache from before the meta table
            return None
        raise
    return row[0] if row else None


def _is_corrupt(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    )


def _remove_database(db_path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(db_path + suffix)
        except FileNotFoundError:
            pass


def _plain(error: BaseException) -> str:
    return str(error) or type(error).__name__
