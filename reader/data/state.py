"""Read and starred marks, and a few remembered settings, in the user's data folder.

The marks are keyed by what names a story across runs (reader.data.index.story_key:
its URL, else its path and title), so they survive restarts, re-indexing and
moving the folder. A MarkStore is the one owner of the marks: it decides where
they live (the file, reader.data.corpus.state_file(), or memory), holds their
schema, and the index attaches that same database as schema `state` (`attach`),
so the list, the filters and the actions see the same marks whatever failed.

Every change is committed at once (autocommit, WAL), so a reader killed with
SIGKILL right after a change loses nothing. Anything wrong with the file
(its folder cannot be made or written, it is damaged, it stays locked) is
survived: a damaged file is moved aside and a new one started; otherwise the
marks live in memory until the reader closes (a named in-memory database that
the index's connections attach too, and `generation` changes so they do). Either way a notice says so in
`notices`, and no method raises.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterable

BUSY_SECONDS = 2.0  # how long to wait for another reader's write before giving up on the file
SCHEMA_VERSION = 1
_CHUNK = 500  # keys per query: well under SQLite's limit on bound parameters
_MEMORY_NAMES = itertools.count()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    key TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    changed REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT
);
"""


class MarkStore:
    """The read and starred marks of stories, by key. Safe to share between threads."""

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            from reader.data.corpus import state_file

            path = state_file()
        self.path: str | None = path  # None once the marks live in memory only
        self.notices: list[str] = []
        self.generation = 0  # changes when the marks move to memory: attached connections attach again
        self._memory_name = ""  # the in-memory database's URI, once the marks live there
        self._lock = threading.RLock()
        self._db = self._open(path)

    def attach(self, db: sqlite3.Connection) -> None:
        """Attach the marks, wherever they live now, to `db` as schema `state`.

        `db` must be opened with uri=True (the in-memory marks are named by a URI).
        A file that cannot be attached moves the marks to memory, which is attached."""
        with self._lock:
            try:
                db.execute("ATTACH DATABASE ? AS state", (self._memory_name or _file_uri(self.path),))
                db.execute("SELECT count(*) FROM state.marks").fetchone()  # the file can be read now
                return
            except sqlite3.Error as error:
                try:
                    db.execute("DETACH DATABASE state")
                except sqlite3.Error:
                    pass
                if self.path is None:
                    raise
                self._fall_back(error)
            db.execute("ATTACH DATABASE ? AS state", (self._memory_name,))

    @property
    def persistent(self) -> bool:
        """Whether marks are being saved to the file (not only kept in memory)."""
        return self.path is not None

    # ------------------------------------------------------------------ marks

    def get(self, key: str) -> tuple[bool, bool]:
        """(read, starred) of one story."""
        rows = self._run("SELECT read, starred FROM marks WHERE key = ?", (key,))
        return (bool(rows[0][0]), bool(rows[0][1])) if rows else (False, False)

    def marks(self, keys: Iterable[str]) -> dict[str, tuple[bool, bool]]:
        """(read, starred) of each of `keys`; (False, False) for a story never marked."""
        wanted = list(dict.fromkeys(keys))
        found = dict.fromkeys(wanted, (False, False))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            rows = self._run(
                f"SELECT key, read, starred FROM marks WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, read, starred in rows:
                found[key] = (bool(read), bool(starred))
        return found

    def set_read(self, key: str, value: bool) -> None:
        self._set("read", key, value)

    def set_starred(self, key: str, value: bool) -> None:
        self._set("starred", key, value)

    def _set(self, column: str, key: str, value: bool) -> None:
        self._run(
            f"INSERT INTO marks(key, {column}, changed) VALUES (?, ?, ?)"
            f" ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed",
            (key, int(bool(value)), time.time()),
        )

    # ------------------------------------------------------------------ settings

    def remember(self, name: str, value: str | None) -> None:
        """Keep a setting picked in the app (such as the theme); None forgets it."""
        if value is None:
            self._run("DELETE FROM settings WHERE name = ?", (name,))
        else:
            self._run(
                "INSERT INTO settings(name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, str(value)),
            )

    def recall(self, name: str) -> str | None:
        rows = self._run("SELECT value FROM settings WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    # ------------------------------------------------------------------ the file

    def close(self) -> None:
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error:
                pass

    def __enter__(self) -> MarkStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _run(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """Run one statement (committed as it finishes); on the file failing, go on in memory."""
        params = tuple(params)
        with self._lock:
            try:
                # fetchall steps the statement to its end, which commits it (also with RETURNING).
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                if self.path is None:
                    self._note(f"Read and starred marks failed ({_plain(error)}).")
                    return []
                self._fall_back(error)
                try:
                    return self._db.execute(sql, params).fetchall()
                except sqlite3.Error as second:
                    self._note(f"Read and starred marks failed ({_plain(second)}).")
                    return []

    def _open(self, path: str) -> sqlite3.Connection:
        try:
            return self._connect_file(path)
        except (sqlite3.Error, OSError) as error:
            first_error: BaseException = error
            if _is_corrupt(error):
                try:
                    aside = _move_aside(path)
                    db = self._connect_file(path)
                    self._note(
                        f"The read and starred marks file was damaged; it was moved to {aside}"
                        " and the marks start afresh."
                    )
                    return db
                except (sqlite3.Error, OSError) as second:
                    first_error = second
            self._note(_memory_notice(first_error))
            self.path = None
            return self._connect_memory()

    def _connect_memory(self) -> sqlite3.Connection:
        """A new in-memory database that other connections can attach by its name: it lives
        while this store's connection is open."""
        self._memory_name = f"file:/reader-marks-{os.getpid()}-{next(_MEMORY_NAMES)}?vfs=memdb"
        db = sqlite3.connect(self._memory_name, timeout=BUSY_SECONDS, check_same_thread=False,
                             isolation_level=None, uri=True)
        db.executescript(_SCHEMA)
        return db

    def _connect_file(self, path: str) -> sqlite3.Connection:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        db = _connect(path)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives the process dying
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")  # a write: proves the file is writable
        except BaseException:
            db.close()
            raise
        return db

    def _fall_back(self, error: BaseException) -> None:
        """The file failed in use: keep what it holds (as far as it can be read) in memory."""
        old = self._db
        memory = self._connect_memory()
        for table in ("marks", "settings"):
            try:
                rows = old.execute(f"SELECT * FROM {table}").fetchall()
            except sqlite3.Error:
                continue
            if rows:
                holes = ",".join("?" * len(rows[0]))
                memory.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({holes})", rows)
        try:
            old.close()
        except sqlite3.Error:
            pass
        self._note(_memory_notice(error))
        self.path = None
        self._db = memory
        self.generation += 1

    def _note(self, notice: str) -> None:
        if notice not in self.notices:
            self.notices.append(notice)


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_SECONDS, check_same_thread=False, isolation_level=None)


def _file_uri(path: str) -> str:
    """A file's name as an SQLite URI: attached by a URI connection, a plain name holding
    `?` or `#` would be cut there."""
    return "file:" + urllib.parse.quote(os.path.abspath(path))


def _memory_notice(error: BaseException) -> str:
    return (
        f"Read and starred marks cannot be saved ({_plain(error)});"
        " they are kept only until the reader closes."
    )


def _is_corrupt(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    )


def _move_aside(path: str) -> str:
    """Keep a damaged file (the marks may be recoverable) out of the way; returns its new name."""
    aside = f"{path}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
    os.replace(path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        try:
            os.replace(path + suffix, aside + suffix)
        except FileNotFoundError:
            pass
    return aside


def _plain(error: BaseException) -> str:
    return str(error) or type(error).__name__
