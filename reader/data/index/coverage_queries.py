"""Coverage across the folder's stories: linked stories, an outlet's articles, times first."""

from __future__ import annotations

from reader.data.index.connections import guarded

LINKED_LIMIT = 50  # linked stories shown at most, those sharing the most articles first


class CoverageQueries:
    """Queries across stories' coverage (a part of Index: see reader.data.index)."""

    @guarded
    def linked_stories(self, story_id: int, limit: int = LINKED_LIMIT) -> list[tuple[int, str, int]]:
        """Other stories of the folder that cover the same news: (id, title, shared).

        Once events are computed: the other story files of the story's event, by
        how many of the event's distinct articles each holds. Before: shared means
        a related article with the same URL, or one story's own article in the
        other's coverage; an article listed twice counts once."""
        if self.events_ready():
            return self.linked_by_event(story_id, limit)
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

    @guarded
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

    @guarded
    def times_first(self, outlet: str) -> tuple[int, int]:
        """(events this outlet reported first, events it reported) once events are computed;
        before, (stories this outlet reported first, stories whose first report is known)."""
        if self.events_ready():
            return self.events_first(outlet)
        rows = self.query(
            "SELECT sum(first_outlet = ?), count(first_outlet) FROM stories WHERE folder = ?",
            (outlet, self.folder_id),
        )
        return (rows[0][0] or 0, rows[0][1] or 0)
