"""Events in the index: each distinct article's text and event, the events' figures, and the
queries the event list, a story's event, linked stories and an outlet's firsts read.

A verified story's own article and each related item refer to one variant of an article's
text (stories.variant, related.variant; the texts in article_variants). Triggers note
every URL key whose references change in `events_pending`, which
reader.data.event_keeper reads to update the events, and empties."""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence

from reader.data.dates import from_epoch
from reader.data.index.connections import guarded
from reader.data.index.schema import NEWEST_FIRST, events_code
from reader.data.records import Article, Provider

# One article as the events read it: (url key, variant, title, excerpt, published,
# outlet key, provider name, provider domain, url).
ARTICLE_COLUMNS = "v.url_key, v.variant, v.title, v.excerpt, v.published, v.outlet, v.provider_name, v.provider_domain, v.url"
_EVENT_COLUMNS = ("id, headline, outlets, articles, stories, first_title, first_outlet, first_domain,"
                  " first_published, first_url, last_published")
_KEYS_PER_QUERY = 500
_KEYS_PER_READ = 8  # articles whose references are counted under the index's lock at once
_DELETE_PAGE = 2000  # rows deleted under the index's lock at once (~5 ms)
_UPDATE_PAGE = 1000  # stories given their event under the index's lock at once (~20 ms)


def article_record(row: Sequence) -> Article:
    """An ARTICLE_COLUMNS row as an Article."""
    return Article(row[2], row[3], from_epoch(row[4]), row[8], provider=Provider(row[6], row[7]))


def _chunks(items: Sequence, size: int = _KEYS_PER_QUERY) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EventQueries:
    """Events' storage and queries (a part of Index: see reader.data.index)."""

    def _rows_among(self, sql: str, keys: Iterable) -> list[tuple]:
        """The rows of `sql` (the folder its first parameter, `{marks}` where the keys go),
        for keys in parts: SQLite limits a statement's parameters. The lock is taken for each
        part: all at once held it ~20-40 ms at 5,000 stories, which a key's redraw waited."""
        found: list[tuple] = []
        for part in _chunks(sorted(keys)):
            with self._lock:
                found.extend(self._db.execute(sql.format(marks=",".join("?" * len(part))), (self.folder_id, *part)))
        return found

    # ------------------------------------------------------------------ state

    @guarded
    def events_ready(self) -> bool:
        """Whether this folder's events were computed, by this code (they may lag a change still pending)."""
        with self._lock:
            row = self._db.execute("SELECT events_code FROM folders WHERE id = ?", (self.folder_id,)).fetchone()
        return bool(row and row[0] == events_code())

    @guarded
    def events_pending(self) -> bool:
        """Whether any article's references changed since the events were computed."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM events_pending WHERE folder = ? LIMIT 1",
                                    (self.folder_id,)).fetchone() is not None

    @guarded
    def pending_event_keys(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT url_key FROM events_pending WHERE folder = ? ORDER BY url_key", (self.folder_id,))]

    # ------------------------------------------------------------------ articles

    @guarded
    def event_articles(self, keys: Sequence[str]) -> list[tuple]:
        """The distinct articles (ARTICLE_COLUMNS) among these URL keys, in key order, each in the
        variant most files give, ties by the smallest digest: the same whatever order the files
        were read in. A few keys at a time under the lock (a syndicated article's references are many)."""
        rows = []
        for part in _chunks(sorted(keys), _KEYS_PER_READ):
            rows.extend(self._articles_among(f" AND url_key IN ({','.join('?' * len(part))})", list(part))[0])
        return rows

    def event_article_pages(self, size: int) -> Iterator[list[tuple]]:
        """Every distinct article (see event_articles), `size` URL keys at a time, each page read
        under the lock on its own, so the screen's queries run between pages."""
        after: str | None = ""
        while after is not None:
            page, after = self._articles_among(" AND url_key > ?", [after], size)
            if page:
                yield page

    def _articles_among(self, among: str, params: list, limit: int = 0) -> tuple[list[tuple], str | None]:
        """event_articles among the URL keys of this folder's variants that `among` selects (an SQL
        condition), the first `limit` of them (0: all); and the last key looked at (None: no more).
        An article in one variant is that variant if any file refers to it, without counting its
        references (an article syndicated to a hundred files has a hundred); only an article in
        two or more has its references counted."""
        folder = self.folder_id
        with self._lock:
            counts = self._db.execute(
                f"SELECT url_key, count(*) FROM article_variants WHERE folder = ?{among}"
                f" GROUP BY url_key ORDER BY url_key{' LIMIT ?' if limit else ''}",
                (folder, *params, *([limit] if limit else []))).fetchall()
        rows: list[tuple] = []
        for part in _chunks([key for key, variants in counts if variants == 1]):
            with self._lock:
                rows.extend(self._db.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM article_variants v"
                    f" WHERE v.folder = ? AND v.url_key IN ({','.join('?' * len(part))})"
                    " AND (EXISTS (SELECT 1 FROM related r CROSS JOIN stories s ON s.id = r.story"  # by URL key first
                    "  WHERE r.url_key = v.url_key AND s.folder = v.folder)"
                    # +s.folder: by URL key, not through the folder's every story
                    " OR EXISTS (SELECT 1 FROM stories s WHERE +s.folder = v.folder AND s.url_key = v.url_key"
                    "  AND s.variant IS NOT NULL))", (folder, *part)))
        for part in _chunks([key for key, variants in counts if variants > 1], _KEYS_PER_READ):
            rows.extend(self._best_variants(f" AND {{}} IN ({','.join('?' * len(part))})", list(part)))
        rows.sort(key=lambda row: row[0])
        return rows, (counts[-1][0] if counts and limit and len(counts) == limit else None)

    def _best_variants(self, among: str, params: list) -> list[tuple]:
        """The variant of each article among the URL keys `among` selects (an SQL condition, {} for
        the key column) that most references give, ties by the smallest digest."""
        folder = self.folder_id
        related, own = among.replace("{}", "r.url_key"), among.replace("{}", "s.url_key")
        with self._lock:
            return self._db.execute(
                "WITH refs(url_key, variant) AS ("
                "  SELECT r.url_key, r.variant FROM related r CROSS JOIN stories s ON s.id = r.story"  # by URL key first
                f"  WHERE s.folder = ? AND r.url_key != ''{related}"
                # +s.folder: by URL key, not through the folder's every story (~200 ms at 100,000)
                "  UNION ALL SELECT s.url_key, s.variant FROM stories s"
                f"  WHERE +s.folder = ? AND s.url_key != '' AND s.variant IS NOT NULL{own}),"
                " counts AS (SELECT url_key, variant, count(*) AS n FROM refs GROUP BY url_key, variant),"
                " best AS (SELECT url_key, variant,"
                "  row_number() OVER (PARTITION BY url_key ORDER BY n DESC, variant) AS rank FROM counts)"
                f" SELECT {ARTICLE_COLUMNS} FROM best JOIN article_variants v"
                "  ON v.folder = ? AND v.url_key = best.url_key AND v.variant = best.variant"
                " WHERE best.rank = 1 ORDER BY v.url_key",
                (folder, *params, folder, *params, folder),
            ).fetchall()

    @guarded
    def event_key_page(self, after: str, limit: int) -> list[str]:
        """Stored event keys after `after`, in order: a page of them."""
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT DISTINCT event_key FROM article_events WHERE folder = ? AND event_key > ?"
                " ORDER BY event_key LIMIT ?", (self.folder_id, after, limit))]

    @guarded
    def article_events(self, keys: Collection[str]) -> dict[str, tuple[str, str]]:
        """url key -> (variant, event key) as stored, for the keys that have one."""
        rows = self._rows_among("SELECT url_key, variant, event_key FROM article_events"
                                " WHERE folder = ? AND url_key IN ({marks})", keys)
        return {key: (variant, event) for key, variant, event in rows}

    @guarded
    def event_members(self, event_keys: Collection[str]) -> dict[str, list[tuple]]:
        """event key -> its articles as stored: ARTICLE_COLUMNS, then how many story files
        have the article as their own."""
        found: dict[str, list[tuple]] = {}
        for row in self._rows_among(
                f"SELECT a.event_key, {ARTICLE_COLUMNS}, (SELECT count(*) FROM stories s"
                "  WHERE s.folder = a.folder AND s.url_key = a.url_key)"
                # by event: unled, SQLite reads the folder's every article (~10 ms at 100,000 stories)
                " FROM article_events a INDEXED BY article_events_by_event JOIN article_variants v"
                " ON v.folder = a.folder AND v.url_key = a.url_key AND v.variant = a.variant"
                " WHERE a.folder = ? AND a.event_key IN ({marks})", event_keys):
            found.setdefault(row[0], []).append(row[1:])
        return found

    # ------------------------------------------------------------------ writing

    def _delete_by_key(self, table: str) -> None:
        """Delete this folder's rows of `table` (keyed by folder, url_key), a page at a time, each
        under the lock on its own: all at once held it for a quarter of a second at 100,000 stories."""
        folder, after = self.folder_id, ""
        while True:
            with self._lock, self._transaction() as db:
                last = db.execute(f"SELECT url_key FROM {table} WHERE folder = ? AND url_key > ? ORDER BY url_key"
                                  " LIMIT 1 OFFSET ?", (folder, after, _DELETE_PAGE - 1)).fetchone()
                if last is None:
                    db.execute(f"DELETE FROM {table} WHERE folder = ? AND url_key > ?", (folder, after))
                    return
                db.execute(f"DELETE FROM {table} WHERE folder = ? AND url_key > ? AND url_key <= ?",
                           (folder, after, last[0]))
            after = last[0]

    @guarded
    def clear_article_events(self) -> None:
        """Forget every article's event: a full computation stores them all again."""
        self._delete_by_key("article_events")

    @guarded
    def store_article_events(self, rows: Sequence[tuple[str, str, str]], removed: Sequence[str] = ()) -> None:
        """Record (url key, variant, event key) rows; forget the `removed` keys."""
        folder = self.folder_id
        with self._lock, self._transaction() as db:
            db.executemany("DELETE FROM article_events WHERE folder = ? AND url_key = ?",
                           [(folder, key) for key in removed])
            db.executemany("INSERT OR REPLACE INTO article_events VALUES (?,?,?,?)",
                           [(folder, *row) for row in rows])

    @guarded
    def store_events(self, rows: Sequence[tuple]) -> None:
        """Record events' figures: rows of (key, headline, first title, first outlet, first outlet
        key, first domain, first published, first url, last published, outlets, articles, stories)."""
        with self._lock, self._transaction() as db:
            db.executemany(
                "INSERT INTO events(folder, key, headline, first_title, first_outlet, first_outlet_key, first_domain,"
                " first_published, first_url, last_published, outlets, articles, stories)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(folder, key) DO UPDATE SET"
                " headline=excluded.headline, first_title=excluded.first_title, first_outlet=excluded.first_outlet,"
                " first_outlet_key=excluded.first_outlet_key, first_domain=excluded.first_domain,"
                " first_published=excluded.first_published, first_url=excluded.first_url,"
                " last_published=excluded.last_published, outlets=excluded.outlets, articles=excluded.articles,"
                " stories=excluded.stories",
                [(self.folder_id, *row) for row in rows])

    @guarded
    def finish_events(self, story_keys: Collection[str] | None, done: Collection[str] | None,
                      event_keys: Collection[str] | None = None) -> None:
        """After the articles' events and the events' figures are stored: the stories whose own
        URL key is in `story_keys` (None: all, a page at a time) take their event; variants no
        file gives any more go, and so do events no article belongs to; the `done` pending
        keys (None: all) are cleared, and the folder's events are ready. `event_keys`: the only
        events that may have lost their last article (None: any, a page at a time)."""
        folder = self.folder_id
        update = (  # +folder: by id or URL key, not through the folder's every story
            "UPDATE stories SET (event, event_outlets) = (SELECT e.id, e.outlets FROM article_events a"
            " JOIN events e ON e.folder = a.folder AND e.key = a.event_key"
            " WHERE a.folder = stories.folder AND a.url_key = stories.url_key) WHERE +folder = ?")
        if story_keys is None:
            for first, last in self._id_pages("stories", _UPDATE_PAGE):
                with self._lock, self._transaction() as db:
                    db.execute(update + " AND id BETWEEN ? AND ?", (folder, first, last))
        # Only a pending article can have lost a variant's last reference.
        after = ""
        while True:
            with self._lock, self._transaction() as db:
                keys = [row[0] for row in db.execute(
                    "SELECT url_key FROM events_pending WHERE folder = ? AND url_key > ? ORDER BY url_key LIMIT ?",
                    (folder, after, _KEYS_PER_QUERY))]
                if not keys:
                    break
                db.execute(
                    f"DELETE FROM article_variants WHERE folder = ? AND url_key IN ({','.join('?' * len(keys))})"
                    " AND NOT EXISTS (SELECT 1 FROM related r CROSS JOIN stories s ON s.id = r.story"
                    "  WHERE r.url_key = article_variants.url_key AND r.variant = article_variants.variant"
                    "  AND s.folder = article_variants.folder)"
                    " AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.folder = article_variants.folder"
                    "  AND s.url_key = article_variants.url_key AND s.variant = article_variants.variant)",
                    (folder, *keys))
            after = keys[-1]
        unused = ("DELETE FROM events WHERE folder = ? AND {} AND NOT EXISTS (SELECT 1"
                  " FROM article_events a INDEXED BY article_events_by_event"
                  " WHERE a.folder = events.folder AND a.event_key = events.key)")
        if event_keys is None:
            for first, last in self._id_pages("events", _DELETE_PAGE):
                with self._lock, self._transaction() as db:
                    db.execute(unused.format("id BETWEEN ? AND ?"), (folder, first, last))
        if done is None:
            self._delete_by_key("events_pending")
        self.edits += 1
        with self._lock, self._transaction() as db:
            if story_keys is not None:
                db.executemany(update + " AND url_key = ?", [(folder, key) for key in story_keys])
            if event_keys is not None:
                db.executemany(unused.format("key = ?"), [(folder, key) for key in event_keys])
            if done is not None:
                db.executemany("DELETE FROM events_pending WHERE folder = ? AND url_key = ?",
                               [(folder, key) for key in done])
            db.execute("UPDATE folders SET events_code = ? WHERE id = ?", (events_code(), folder))

    def _id_pages(self, table: str, page: int) -> Iterator[tuple[int, int]]:
        """(first, last) ids of this folder's rows of `table`, `page` rows at a time, each page
        looked up under the lock on its own."""
        after = -1
        while True:
            with self._lock:
                ids = [row[0] for row in self._db.execute(
                    f"SELECT id FROM {table} WHERE +folder = ? AND id > ? ORDER BY id LIMIT ?",
                    (self.folder_id, after, page))]
            if not ids:
                return
            yield ids[0], ids[-1]
            after = ids[-1]

    # ------------------------------------------------------------------ reading

    @guarded
    def story_event_members(self, story_id: int) -> tuple[int, list[tuple]] | None:
        """(the story's event id, the event's articles as ARTICLE_COLUMNS rows), or None."""
        with self._lock:
            row = self._db.execute("SELECT e.id, e.key FROM stories s JOIN events e ON e.id = s.event"
                                   " WHERE s.id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        return row[0], self.event_members([row[1]]).get(row[1], [])

    @guarded
    def event_ids_of(self, keys: Collection[str]) -> dict[str, int]:
        """url key -> its event's id."""
        return dict(self._rows_among(
            "SELECT a.url_key, e.id FROM article_events a JOIN events e ON e.folder = a.folder"
            " AND e.key = a.event_key WHERE a.folder = ? AND a.url_key IN ({marks})", keys))

    @guarded
    def event_ids(self, order: str, where: str = "", params: Sequence = (), limit: int | None = None) -> array:
        """Ids of the events that hold a story file meeting `where` (an SQL condition over `s`,
        as reader.data.query builds; "" for any), in `order` (event_view.EVENT_SORTS); the first
        `limit` only, when given."""
        # Each event asks its story files (EXISTS), where `IN (SELECT s.event ...)` read every
        # story's row first: 0.47 s for the events of 100,000 stories, now 0.12 s, and the
        # newest screenful in 0.3 ms (its query stops there).
        sql = (
            f"SELECT e.id {_events_holding_stories(where)} ORDER BY {order}"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        with self._reader() as db:
            return array("q", (row[0] for row in db.execute(sql, (self.folder_id, *params))))

    @guarded
    def event_count(self) -> int:
        """How many events hold a story file."""
        with self._reader() as db:
            return db.execute(f"SELECT count(*) {_events_holding_stories()}", (self.folder_id,)).fetchone()[0]

    @guarded
    def event_rows(self, ids: Sequence[int]) -> list[tuple]:
        """(id, headline, outlets, articles, stories, first title, first outlet, first domain,
        first published, first url, last published, unread) for each id found."""
        found: list[tuple] = []
        with self._reader() as db:
            for part in _chunks(list(ids)):
                found.extend(db.execute(
                    f"SELECT {_EVENT_COLUMNS}, EXISTS (SELECT 1 FROM stories s LEFT JOIN state.marks m ON m.key = s.key"
                    "  WHERE s.event = events.id AND NOT coalesce(m.read, 0))"
                    f" FROM events WHERE id IN ({','.join('?' * len(part))})", tuple(part)))
        return found

    @guarded
    def event_story_ids(self, event_id: int) -> array:
        """The event's story files, newest first."""
        with self._lock:
            # By the event's index: left to itself, SQLite walks the folder's newest-first index
            # to spare a sort of a few rows (0.29 s at 100,000 stories, at each move in the events view).
            rows = self._db.execute(f"SELECT s.id FROM stories s INDEXED BY stories_by_event WHERE s.event = ?"
                                    f" AND s.folder = ? ORDER BY {NEWEST_FIRST}", (event_id, self.folder_id))
            return array("q", (row[0] for row in rows))

    @guarded
    def event_articles_of(self, event_id: int) -> list[tuple]:
        """The event's articles (ARTICLE_COLUMNS rows)."""
        with self._lock:
            row = self._db.execute("SELECT key FROM events WHERE id = ?", (event_id,)).fetchone()
        return [] if row is None else self.event_members([row[0]]).get(row[0], [])

    @guarded
    def event_story_paths(self, event_ids: Sequence[int]) -> dict[int, list[str]]:
        """event id -> the paths of its story files, in order."""
        found: dict[int, list[str]] = {}
        with self._lock:
            for part in _chunks(list(event_ids)):
                for event, path in self._db.execute(
                        f"SELECT event, path FROM stories WHERE folder = ? AND event IN ({','.join('?' * len(part))})"
                        " ORDER BY path", (self.folder_id, *part)):
                    found.setdefault(event, []).append(path)
        return found

    @guarded
    def linked_by_event(self, story_id: int, limit: int) -> list[tuple[int, str, int]]:
        """The other story files of the story's event: (id, title, how many of the event's
        distinct articles each holds), most first, then newest."""
        return self.query(
            "WITH mine AS (SELECT e.id, e.key FROM stories s JOIN events e ON e.id = s.event WHERE s.id = :id),"
            " members AS (SELECT a.url_key FROM article_events a JOIN mine ON a.event_key = mine.key"
            "  WHERE a.folder = :folder)"
            " SELECT s.id, s.title, (SELECT count(*) FROM (SELECT r.url_key FROM related r WHERE r.story = s.id"
            "  UNION SELECT s.url_key) held WHERE held.url_key IN (SELECT url_key FROM members)) AS shared"
            " FROM stories s JOIN mine ON s.event = mine.id WHERE s.id != :id AND s.folder = :folder"
            " ORDER BY shared DESC, s.published IS NULL, s.published DESC, s.path LIMIT :limit",
            {"id": story_id, "folder": self.folder_id, "limit": limit})

    @guarded
    def events_first(self, outlet: str) -> tuple[int, int]:
        """(events this outlet reported first, events it reported at all)."""
        rows = self.query(
            "SELECT (SELECT count(*) FROM events WHERE folder = :folder AND first_outlet_key = :outlet),"
            " (SELECT count(DISTINCT a.event_key) FROM article_events a JOIN article_variants v"
            "  ON v.folder = a.folder AND v.url_key = a.url_key AND v.variant = a.variant"
            "  WHERE a.folder = :folder AND v.outlet = :outlet)",
            {"folder": self.folder_id, "outlet": outlet})
        return rows[0][0] or 0, rows[0][1] or 0


def _events_holding_stories(where: str = "") -> str:
    """FROM and WHERE for the folder's events (`e`; the folder is the first parameter) that hold
    a story file (`s`) meeting `where` ("" for any)."""
    return ("FROM events e WHERE e.folder = ? AND EXISTS (SELECT 1 FROM stories s WHERE s.event = e.id"
            f"{f' AND ({where})' if where else ''})")
