"""The story index: a SQLite cache of what the story list needs, per folder.

Keyed by the folder's absolute path and each file's size and modification
time, so a warm start reads no story file. The cache is disposable: anything
wrong with it (corrupt, locked, read-only, an older format) means it is
rebuilt or bypassed in memory, with a notice, never a crash.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from array import array
from collections.abc import Iterable, Sequence

from reader.data.dates import from_epoch, to_epoch
from reader.data.parse import Entry
from reader.data.records import Problem, Story, StoryRow

SCHEMA_VERSION = 3
KIND_STORY, KIND_PROBLEM, KIND_OTHER = 0, 1, 2

_SCHEMA = """
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
    title TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    provider_domain TEXT NOT NULL,
    published INTEGER,
    related_count INTEGER NOT NULL,
    excerpt TEXT NOT NULL,
    url TEXT NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,  -- a full parse of this version of the file agreed
    UNIQUE (folder, path)
);
CREATE INDEX IF NOT EXISTS stories_unverified ON stories (folder, verified);
CREATE INDEX IF NOT EXISTS stories_newest
    ON stories (folder, published IS NULL, published DESC, path);
CREATE TABLE IF NOT EXISTS problems (
    folder INTEGER NOT NULL,
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    line INTEGER,
    col INTEGER,
    PRIMARY KEY (folder, path)
) WITHOUT ROWID;
"""

NEWEST_FIRST = "published IS NULL, published DESC, path"
BUSY_SECONDS = 3.0  # how long to wait for another reader's write before giving up on the file


def _guarded(method):
    """Run an index operation; if the cache file fails under it, go on in memory.

    The in-memory index starts empty, so `generation` changes and the scan
    that is running reads the folder again.
    """

    @functools.wraps(method)
    def run(self: Index, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            if self.db_path is None:
                raise
            self._fall_back(error)
            return method(self, *args, **kwargs)

    return run


class Index:
    """One folder's rows in the index database. Safe to share between threads."""

    def __init__(self, root: str, db_path: str | None, max_bytes: int = 0) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.db_path = db_path
        self.notices: list[str] = []
        self._lock = threading.RLock()
        self.generation = 0  # changes when the index had to start again, empty
        self._db = self._open(db_path)
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
            if tables and version != SCHEMA_VERSION:
                db.close()
                _remove_database(db_path)
                self.notices.append("The story cache was from another version and has been rebuilt.")
                db = self._connect(db_path)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
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

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA synchronous=NORMAL")
        if target == ":memory:":
            db.executescript(_SCHEMA)
        return db

    def _folder_id(self, root: str) -> int:
        with self._lock:
            key = (root, self.max_bytes)
            self._db.execute("INSERT OR IGNORE INTO folders(root, max_bytes) VALUES (?, ?)", key)
            return self._db.execute("SELECT id FROM folders WHERE root = ? AND max_bytes = ?", key).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ writing

    @_guarded
    def known_files(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns FROM files WHERE folder = ?", (self.folder_id,)
            )
            return {path: (size, mtime) for path, size, mtime in rows}

    @_guarded
    def write(self, results: Sequence[tuple[str, int, int, Entry | Problem | None]]) -> None:
        """Record a batch of (path, size, mtime_ns, result); None means not a story."""
        folder = self.folder_id
        files, stories, problems, gone = [], [], [], []
        for path, size, mtime, result in results:
            if isinstance(result, Entry):
                kind = KIND_STORY
                stories.append((folder, path, result.title, result.provider_name, result.provider_domain,
                                to_epoch(result.published), result.related_count, result.excerpt, result.url))
            elif isinstance(result, Problem):
                kind = KIND_PROBLEM
                problems.append((folder, path, result.reason, result.line, result.column))
            else:
                kind = KIND_OTHER
            files.append((folder, path, size, mtime, kind))
            gone.append((folder, path))
        with self._lock, self._transaction():
            db = self._db
            db.executemany("DELETE FROM problems WHERE folder = ? AND path = ?", gone)
            db.executemany(
                "INSERT INTO stories(folder, path, title, provider_name, provider_domain, published,"
                " related_count, excerpt, url) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(folder, path) DO UPDATE SET title=excluded.title,"
                " provider_name=excluded.provider_name, provider_domain=excluded.provider_domain,"
                " published=excluded.published, related_count=excluded.related_count,"
                " excerpt=excluded.excerpt, url=excluded.url, verified=0",
                stories,
            )
            story_paths = {row[1] for row in stories}
            db.executemany(
                "DELETE FROM stories WHERE folder = ? AND path = ?",
                [key for key in gone if key[1] not in story_paths],
            )
            db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", problems)
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)", files)

    @_guarded
    def unverified(self) -> list[str]:
        """Paths of the stories the list pass read but no full parse has confirmed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT path FROM stories WHERE folder = ? AND verified = 0 ORDER BY path", (self.folder_id,)
            )
            return [row[0] for row in rows]

    @_guarded
    def write_verified(self, results: Sequence[tuple[str, Story | Problem | None]]) -> None:
        """Record full parses: a story's exact figures, or the problem a full parse found."""
        folder = self.folder_id
        confirmed, problems, dropped, kinds = [], [], [], []
        for path, result in results:
            if isinstance(result, Story):
                confirmed.append((len(result.related), folder, path))
                continue
            dropped.append((folder, path))
            if isinstance(result, Problem):
                problems.append((folder, path, result.reason, result.line, result.column))
                kinds.append((KIND_PROBLEM, folder, path))
            else:
                kinds.append((KIND_OTHER, folder, path))
        with self._lock, self._transaction():
            db = self._db
            db.executemany(
                "UPDATE stories SET related_count = ?, verified = 1 WHERE folder = ? AND path = ?", confirmed
            )
            db.executemany("DELETE FROM stories WHERE folder = ? AND path = ?", dropped)
            db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", problems)
            db.executemany("UPDATE files SET kind = ? WHERE folder = ? AND path = ?", kinds)

    @_guarded
    def forget(self, paths: Iterable[str]) -> None:
        """Drop files that are no longer in the folder."""
        keys = [(self.folder_id, path) for path in paths]
        with self._lock, self._transaction():
            for table in ("files", "stories", "problems"):
                self._db.executemany(f"DELETE FROM {table} WHERE folder = ? AND path = ?", keys)

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
    def story_ids(self, order: str = NEWEST_FIRST) -> array:
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM stories WHERE folder = ? ORDER BY {order}", (self.folder_id,)
            )
            return array("q", (row[0] for row in rows))

    @_guarded
    def rows(self, ids: Sequence[int]) -> dict[int, StoryRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            found = self._db.execute(
                "SELECT id, path, title, CASE WHEN provider_name != '' THEN provider_name"
                " ELSE provider_domain END, published, related_count"
                f" FROM stories WHERE id IN ({marks})",
                list(ids),
            ).fetchall()
        return {
            row[0]: StoryRow(row[0], row[1], row[2], row[3], from_epoch(row[4]), row[5]) for row in found
        }

    @_guarded
    def path_of(self, story_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT path FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    @_guarded
    def story_count(self) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT count(*) FROM stories WHERE folder = ?", (self.folder_id,)
            ).fetchone()[0]

    @_guarded
    def problems(self) -> list[Problem]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, reason, line, col FROM problems WHERE folder = ? ORDER BY path",
                (self.folder_id,),
            ).fetchall()
        return [Problem(*row) for row in rows]

    @_guarded
    def count_other(self) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT count(*) FROM files WHERE folder = ? AND kind = ?", (self.folder_id, KIND_OTHER)
            ).fetchone()[0]


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, trace) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


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
