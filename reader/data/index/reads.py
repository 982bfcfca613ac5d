"""Reading the index for the list and the search: ids in an order, rows, counts."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from reader.data.dates import from_epoch
from reader.data.index.connections import guarded
from reader.data.index.schema import KIND_OTHER, NEWEST_FIRST, SEARCH_ID_BITS, SEARCH_ID_MASK
from reader.data.records import Problem, StoryRow

_MAX_TIES = 5000  # stories in one second beyond a first screenful before the plain query is quicker


class IndexReads:
    """The list's and the search's queries (a part of Index: see reader.data.index)."""

    @guarded
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
        with self._reader() as db:
            rows = db.execute(sql, (self.folder_id, *params))
            return array("q", (row[0] for row in rows))

    @guarded
    def first_ids_by_text(self, match: str, where: str, params: Sequence, limit: int) -> array | None:
        """The first `limit` story ids in newest-first order among those whose text matches
        `match` (an FTS5 query) and the SQL condition `where`; None when the plain query
        (story_ids) would be quicker, with many stories in one second at the cut."""
        sql = (
            f"SELECT search.rowid FROM search CROSS JOIN stories s ON s.id = search.rowid & {SEARCH_ID_MASK}"
            f" WHERE search MATCH ? AND s.folder = ?{f' AND ({where})' if where else ''} ORDER BY search.rowid"
        )
        rowids: list[int] = []
        with self._reader() as db:
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

    @guarded
    def first_ids_without_text(self, exclude: str, where: str, params: Sequence, limit: int) -> array:
        """The first `limit` story ids in newest-first order among those whose text does not
        match `exclude` (an FTS5 query), and that meet `where`.

        The stories, in the list's order, are merged with the matches, in rowid order (the
        same order, by the second): no set of every match is built, and a common word
        left out costs what the first screenful costs. Within one second the list orders
        by path and the rowids by id, so the matches of that second are taken as a set."""
        found = array("q")
        with self._reader() as db:
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

    @guarded
    def rows(self, ids: Sequence[int]) -> dict[int, StoryRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._reader() as db:
            found = db.execute(
                "SELECT s.id, s.path, s.title, CASE WHEN s.provider_name != '' THEN s.provider_name"
                " ELSE s.provider_domain END, s.published, s.related_count, coalesce(s.event_outlets, s.outlets), s.key,"
                " coalesce(m.read, 0), coalesce(m.starred, 0)"
                f" FROM stories s LEFT JOIN state.marks m ON m.key = s.key WHERE s.id IN ({marks})",
                list(ids),
            ).fetchall()
        return {
            row[0]: StoryRow(row[0], row[1], row[2], row[3], from_epoch(row[4]), row[5], row[6], row[7],
                             bool(row[8]), bool(row[9]))
            for row in found
        }

    @guarded
    def path_of(self, story_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT path FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    @guarded
    def story_count(self) -> int:
        return self._count("SELECT count(*) FROM stories WHERE folder = ?", self.folder_id)

    @guarded
    def problems(self) -> list[Problem]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path, reason, line, col FROM problems WHERE folder = ? ORDER BY path",
                (self.folder_id,),
            ).fetchall()
        return [Problem(*row) for row in rows]

    @guarded
    def problem_count(self) -> int:
        return self._count("SELECT count(*) FROM problems WHERE folder = ?", self.folder_id)

    @guarded
    def count_other(self) -> int:
        return self._count("SELECT count(*) FROM files WHERE folder = ? AND kind = ?", self.folder_id, KIND_OTHER)

    @guarded
    def topic_counts(self) -> list[tuple[str, int]]:
        """Every topic in the folder with its number of stories, most first."""
        return self.query(
            "SELECT min(t.label), count(*) FROM topics t JOIN stories s ON s.id = t.story"
            " WHERE s.folder = ? GROUP BY t.topic ORDER BY count(*) DESC, t.topic",
            (self.folder_id,),
        )

    @guarded
    def provider_counts(self) -> list[tuple[str, int]]:
        """Every story outlet in the folder with its number of stories, most first."""
        return self.query(
            "SELECT min(CASE WHEN provider_name != '' THEN provider_name ELSE provider_domain END), count(*)"
            " FROM stories WHERE folder = ? AND provider_sort != '' GROUP BY provider_sort"
            " ORDER BY count(*) DESC, provider_sort",
            (self.folder_id,),
        )
