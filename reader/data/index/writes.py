"""Writing the index: the list pass's rows, the verify pass's figures, files gone."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Container, Iterable, Sequence

from reader.data.coverage import distinct_outlets, first_report, outlet_key, url_key
from reader.data.dates import to_epoch
from reader.data.index.connections import Transaction, guarded, writer_connection
from reader.data.index.schema import KIND_OTHER, KIND_PROBLEM, KIND_STORY, STORY_PARTS, search_rowid, story_key
from reader.data.kept import by_article
from reader.data.records import Article, Entry, Problem, Provider, Story, Verified

_IDS_PER_QUERY = 500  # SQLite's limit on parameters is higher, but not everywhere


def verified_figures(story: Story) -> Verified:
    """What Index.write_verified records for a fully parsed story."""
    first_group = first_report(story)
    first = outlet_key(first_group.article.provider) if first_group is not None else None
    own, *items = [_article_row(article) for article in (story.article, *story.related)]
    related = tuple(  # see _article_row for what the row holds
        (position, item.title, item.provider.name, row[5], row[0], row[4], item.quality, row[1])
        for position, (item, row) in enumerate(zip(story.related, items))
    )
    coverage = "\n".join(f"{item.title}\n{item.excerpt}" for item in story.related)
    articles = tuple(row for row in (own, *items) if row[0])
    return Verified(story.path, len(story.related), distinct_outlets(story), first, related, coverage, articles,
                    own[1] if own[0] else None)


@by_article
def _article_row(article: Article) -> tuple:
    """What events read of an article, with a digest of it: copies of one URL in
    different files may differ, and the index keeps each variant once.
    (url key, variant, title, excerpt, published epoch, outlet, provider name, domain, URL)"""
    fields = (article.title, article.excerpt, to_epoch(article.published), outlet_key(article.provider),
              article.provider.name, article.provider.domain, article.web_url)
    variant = hashlib.blake2b(repr(fields).encode(), digest_size=8).hexdigest()
    return (url_key(article.web_url), variant, *fields)


class IndexWrites:
    """What the scan records (a part of Index: see reader.data.index)."""

    @guarded
    def known_files(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns FROM files WHERE folder = ?", (self.folder_id,)
            )
            return {path: (size, mtime) for path, size, mtime in rows}

    @guarded
    def write(self, results: Sequence[tuple[str, int, int, Entry | Problem | None]],
              new: Container[str] = frozenset()) -> None:
        """Record a batch of list-pass results (path, size, mtime_ns, result); None: not a story.

        Paths in `new` were not in the index: nothing of theirs needs deleting first,
        which on a cold start is most of the writing."""
        if not results:
            return  # where helpers write, a list pass's batches here are mostly empty
        folder = self.folder_id
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
            " first_outlet=NULL, variant=NULL, published=excluded.published,"
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
        for table, column, story_column in STORY_PARTS:
            self._db.executemany(
                f"DELETE FROM {table} WHERE {column} = (SELECT {story_column} FROM stories WHERE folder = ? AND path = ?)",
                keys,
            )

    def _drop_stories(self, paths: Iterable[str]) -> None:
        """Delete stories and everything indexed about them. Call inside a transaction."""
        keys = [(self.folder_id, path) for path in paths]
        self._clear_parts(keys)
        self._db.executemany("DELETE FROM stories WHERE folder = ? AND path = ?", keys)

    @guarded
    def unverified(self, after: str, limit: int) -> list[tuple[str, int]]:
        """(path, size) of stories (after `after`, in path order) the list pass read but no full
        parse has confirmed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.path, f.size FROM stories s JOIN files f ON f.folder = s.folder AND f.path = s.path"
                " WHERE s.folder = ? AND s.verified = 0 AND s.path > ? ORDER BY s.path LIMIT ?",
                (self.folder_id, after, limit),
            )
            return rows.fetchall()

    @guarded
    def unverified_count(self) -> int:
        return self._count("SELECT count(*) FROM stories WHERE folder = ? AND verified = 0", self.folder_id)

    @guarded
    def write_verified(self, results: Sequence[tuple[str, Verified | Problem | None]]) -> None:
        """Record full parses (see verified_figures): a story's exact figures and coverage,
        or the problem a full parse found."""
        if not results:
            return
        folder = self.folder_id
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
        added: set[str] = set()  # URL keys of the related items written: their events are pending
        with self._lock, self._transaction() as db:
            for story in stories:
                row = db.execute("SELECT id, search_rowid FROM stories WHERE folder = ? AND path = ?",
                                 (folder, story.path)).fetchone()
                if row is None:
                    continue
                story_id, rowid = row
                db.executemany("INSERT OR IGNORE INTO article_variants VALUES (?,?,?,?,?,?,?,?,?,?)",
                               [(folder, *row) for row in story.articles])
                db.execute(
                    "UPDATE stories SET related_count = ?, outlets = ?, first_outlet = ?, variant = ?, verified = 1"
                    " WHERE id = ?",
                    (story.related_count, story.outlets, story.first_outlet, story.variant, story_id),
                )
                db.execute("DELETE FROM related WHERE story = ?", (story_id,))
                db.executemany("INSERT INTO related VALUES (?,?,?,?,?,?,?,?,?)",
                               [(story_id, *item) for item in story.related])
                # a related row is (position, title, provider, outlet, url_key, ...): see verified_figures
                added.update(item[4] for item in story.related if item[4])
                db.execute("UPDATE search SET coverage = ? WHERE rowid = ?", (story.coverage, rowid))
            db.executemany("INSERT OR IGNORE INTO events_pending VALUES (?, ?)", [(folder, key) for key in added])
            self._drop_stories(dropped)
            db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", problems)
            db.executemany("UPDATE files SET kind = ? WHERE folder = ? AND path = ?", kinds)

    def written_elsewhere(self) -> None:
        """A helper wrote to the cache file (see ChunkWriter): what lists show may have changed."""
        self.edits += 1

    @guarded
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

    @guarded
    def was_scanned(self) -> bool:
        """Whether the index holds a finished scan of this folder (so its list is whole)."""
        with self._lock:
            row = self._db.execute("SELECT scanned FROM folders WHERE id = ?", (self.folder_id,)).fetchone()
        return bool(row and row[0])

    @guarded
    def mark_scanned(self) -> None:
        with self._lock:
            self._db.execute("UPDATE folders SET scanned = 1 WHERE id = ?", (self.folder_id,))


class ChunkWriter(IndexWrites):
    """IndexWrites.write_verified from a helper process, on a connection of its own to the cache
    file: the process that draws then spends neither time nor its interpreter's lock on the
    writing. A failure is raised, for the main process to go on in memory."""

    def __init__(self, db_path: str, folder_id: int) -> None:
        self.db_path = db_path
        self.folder_id = folder_id
        self.edits = 0
        self._lock = threading.RLock()
        self._db = writer_connection(db_path)

    def _transaction(self) -> Transaction:
        # IMMEDIATE: helpers write side by side, and a transaction that read first could not
        # take the write lock once another had written; this one waits for it at the start.
        return Transaction(self._db, "BEGIN IMMEDIATE")

    def _follow_marks(self) -> None:
        pass  # no marks here

    def close(self) -> None:
        self._db.close()

    def _fall_back(self, error: BaseException) -> None:
        raise error
