"""The index's connections: the cache file or memory, the fall-back when the file
fails, the marks attached, and spare connections for long list queries."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Sequence
from contextlib import contextmanager

from reader.data.index.schema import SCHEMA, SCHEMA_VERSION, reading_code
from reader.data.state import MarkStore

BUSY_SECONDS = 3.0  # how long to wait for another reader's write before giving up on the file
_SPARE_READERS = 3  # reads overlap: a typed query's ids, the next one's first screenful, the rows on screen


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def guarded(method):
    """Run an index operation; if the cache file fails under it, go on in memory.

    The in-memory index starts empty, so `generation` changes and the scan
    that is running reads the folder again.
    """

    @functools.wraps(method)
    def run(self: IndexConnections, *args, **kwargs):
        try:
            self._follow_marks()
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            if self.db_path is None:
                raise
            self._fall_back(error)
            return method(self, *args, **kwargs)

    return run


class IndexConnections:
    """The connections of one folder's index, and the lock that guards the main one."""

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
        # Connections for the reads the screen waits for (see _reader), kept for the next one.
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
            # One transaction: a reader opening the file meanwhile (a second app on the folder) finds
            # no tables, or all of them with their version and reading code; never a cache half
            # made, which it would take for another version's and delete under this one.
            db.executescript("BEGIN IMMEDIATE;\n" + SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('reading_code', ?)", (reading_code(),))
            # A write proves the file is usable (not read-only, not locked for good).
            db.execute("INSERT OR IGNORE INTO folders(root, max_bytes) VALUES (?, ?)", (self.root, self.max_bytes))
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def failed_elsewhere(self, error: sqlite3.Error) -> None:
        """Another connection's write to the cache file (a helper's) failed: go on in memory,
        as a failure here would."""
        self._fall_back(error)

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
        _as_a_cache(db)
        db.create_function("casefold", 1, _casefold, deterministic=True)
        if target == ":memory:":
            db.executescript(SCHEMA)
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
    def _reader(self):
        """A connection for a read the screen waits for (a list's ids, the rows a key shows, a
        search's first screenful). On the cache file, one of its own, beside the main one,
        through which this process writes with its lock held (the events, link problems; every
        batch where helpers cannot write: ~65 ms each on a cold start of 20,000 stories): a key
        would wait for them. (WAL lets readers run beside the
        writer; they see what was committed, as the main connection does between its
        transactions.) In memory there is only the main connection."""
        if self.db_path is None:
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

    def _transaction(self):
        return Transaction(self._db)

    def _count(self, sql: str, *params) -> int:
        with self._lock:
            return self._db.execute(sql, params).fetchone()[0]

    @guarded
    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """A read-only query over this index (s = stories of this folder is up to the caller)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()


class Transaction:
    def __init__(self, db: sqlite3.Connection, begin: str = "BEGIN") -> None:
        self.db = db
        self.begin = begin

    def __enter__(self) -> sqlite3.Connection:
        # Not IMMEDIATE on the main connection: that would also lock the attached marks, which
        # the app writes from the UI while a scan runs. The first statement is a write.
        self.db.execute(self.begin)
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


def _as_a_cache(db: sqlite3.Connection) -> None:
    # A cache: it need not survive the machine losing power (a damaged file is read
    # as no cache and rebuilt), and not waiting on the disk halves the cost of writing it.
    db.execute("PRAGMA synchronous=OFF")


def writer_connection(db_path: str) -> sqlite3.Connection:
    """A connection that writes to an existing cache file beside the main one (a helper
    process's): no marks attached, the tables as the main connection made them."""
    db = sqlite3.connect(db_path, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None)
    _as_a_cache(db)
    # The verify pass's writes touch indexes all over: a larger page cache than the 2 MB default
    # spares re-reading their pages (~15% of the writing at 5,000 stories). A helper's pages go
    # with it; the app's own connections keep the default (~20 MB less after a cold start).
    db.execute("PRAGMA cache_size=-32768")
    return db


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
