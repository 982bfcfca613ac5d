"""The story list: one line per story, fed from the index a screenful at a time."""

from __future__ import annotations

from array import array

from reader.data.corpus import Corpus
from reader.data.records import StoryRow
from reader.widgets.row_list import Column, Row, RowList
from reader.widgets.text import short_date

_PAGE = 64  # rows fetched from the index at once
_KEEP = 4096  # rows kept in memory; the rest are fetched again when needed


class StorySource:
    """The rows of the story list, in order, for a `RowList`."""

    def __init__(self, corpus: Corpus, ids: array) -> None:
        self.corpus = corpus
        self.ids = ids
        self._rows: dict[int, StoryRow] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def story_row(self, index: int) -> StoryRow | None:
        if not 0 <= index < len(self.ids):
            return None
        story_id = self.ids[index]
        found = self._rows.get(story_id)
        if found is None:
            if len(self._rows) > _KEEP:
                self._rows.clear()
            start = index - index % _PAGE
            self._rows.update(self.corpus.rows(self.ids[start : start + _PAGE]))
            found = self._rows.get(story_id)
        return found

    def row(self, index: int) -> Row | None:
        story = self.story_row(index)
        if story is None:
            return None
        mark = "★" if story.starred else " " if story.read else "•"
        # Distinct outlets once the verify pass has counted them; related items until then.
        count = story.outlets if story.outlets is not None else story.related_count
        return Row((mark, story.title, story.provider, short_date(story.published), str(count)),
                   "" if story.read else "strong")

    def forget(self, story_id: int) -> None:
        """Fetch this story's row again next time (its marks changed)."""
        self._rows.pop(story_id, None)

    def index_of(self, story_id: int) -> int | None:
        try:
            return self.ids.index(story_id)
        except ValueError:
            return None


class StoryList(RowList):
    """The top pane."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            [Column(1), Column(0), Column(18, dim=True), Column(10, dim=True, hide_below=60),
             Column(4, align="right")],
            empty_text="Reading the folder…",
            **kwargs,
        )

    @property
    def stories(self) -> StorySource | None:
        return self.source if isinstance(self.source, StorySource) else None

    def current_id(self) -> int | None:
        source = self.stories
        if source is None or not len(source):
            return None
        return source.ids[self.cursor]

    def is_current(self, story_id: int) -> bool:
        """Whether the cursor is on `story_id`; safe from a worker thread (a list swapped
        meanwhile reads as "not current", and the UI thread checks again on arrival)."""
        source, cursor = self.stories, self.cursor
        return source is not None and 0 <= cursor < len(source.ids) and source.ids[cursor] == story_id
