"""The story list: one line per story, or per event in the events view, fed from the
index a screenful at a time."""

from __future__ import annotations

from array import array

from datetime import timedelta

from reader.data.corpus import Corpus
from reader.data.event_view import EventRow
from reader.data.records import StoryRow
from reader.widgets.row_list import Column, Row, RowList
from reader.widgets.text import plural, short_date

_PAGE = 64  # rows fetched from the index at once
_KEEP = 4096  # rows kept in memory; the rest are fetched again when needed


class _PagedSource:
    """Rows of the top list by id, in order, for a `RowList`: fetched from the index a page
    at a time, a few thousand kept."""

    def __init__(self, corpus: Corpus, ids: array) -> None:
        self.corpus = corpus
        self.ids = ids
        self._records: dict = {}

    def __len__(self) -> int:
        return len(self.ids)

    def _fetch(self, ids: array) -> dict:
        raise NotImplementedError

    def record(self, index: int):
        """What the index says about the row at `index` (None past the end)."""
        if not 0 <= index < len(self.ids):
            return None
        row_id = self.ids[index]
        found = self._records.get(row_id)
        if found is None:
            if len(self._records) > _KEEP:
                self._records.clear()
            start = index - index % _PAGE
            self._records.update(self._fetch(self.ids[start : start + _PAGE]))
            found = self._records.get(row_id)
        return found

    def forget(self, row_id: int) -> None:
        """Fetch this row again next time (its marks changed)."""
        self._records.pop(row_id, None)

    def index_of(self, row_id: int) -> int | None:
        try:
            return self.ids.index(row_id)
        except ValueError:
            return None


class StorySource(_PagedSource):
    """The rows of the story list."""

    columns = [Column(1), Column(0), Column(18, dim=True), Column(10, dim=True, hide_below=60),
               Column(4, align="right")]
    title = "Stories · title · outlet · date · outlets"

    def _fetch(self, ids: array) -> dict[int, StoryRow]:
        return self.corpus.rows(ids)

    def story_row(self, index: int) -> StoryRow | None:
        return self.record(index)

    def row(self, index: int) -> Row | None:
        story = self.story_row(index)
        if story is None:
            return None
        mark = "★" if story.starred else " " if story.read else "•"
        # Distinct outlets once the verify pass has counted them; related items until then.
        count = story.outlets if story.outlets is not None else story.related_count
        return Row((mark, story.title, story.provider, short_date(story.published), str(count)),
                   "" if story.read else "strong")

    def story_id(self, index: int) -> int | None:
        """The story behind a row: the one the panes show."""
        return self.ids[index] if 0 <= index < len(self.ids) else None


def span_text(span: timedelta | None) -> str:
    """How long an event's reports ran: `4h`, `3d`; "" for one moment or none known."""
    if span is None or span < timedelta(hours=1):
        return ""
    hours = int(span // timedelta(hours=1))
    return f"{hours}h" if hours < 48 else f"{hours // 24}d"


class EventSource(_PagedSource):
    """The rows of the events view: one an event. The panes show an event's newest story file."""

    columns = [Column(1), Column(0), Column(11, align="right"), Column(24, dim=True, hide_below=100),
               Column(4, dim=True, align="right", hide_below=90), Column(8, align="right")]
    title = "Events · headline · outlets · first report · span · story files"

    def __init__(self, corpus: Corpus, ids: array) -> None:
        super().__init__(corpus, ids)
        self._leads: dict[int, int] = {}  # event id -> its newest story file

    def _fetch(self, ids: array) -> dict[int, EventRow]:
        return self.corpus.event_rows(ids)

    def event_row(self, index: int) -> EventRow | None:
        return self.record(index)

    def row(self, index: int) -> Row | None:
        event = self.event_row(index)
        if event is None:
            return None
        first = event.first
        when = f"{first.outlet} {short_date(first.published)}" if first.published else first.outlet
        return Row((" " if not event.unread else "•", event.headline, plural(event.outlets, "outlet"), when,
                    span_text(event.span), plural(event.stories, "file")),
                   "strong" if event.unread else "")

    def story_id(self, index: int) -> int | None:
        """The event's newest story file (safe from a worker thread: at worst read twice)."""
        if not 0 <= index < len(self.ids):
            return None
        event_id = self.ids[index]
        lead = self._leads.get(event_id)
        if lead is None:
            stories = self.corpus.event_story_ids(event_id)
            if not len(stories):
                return None
            lead = self._leads[event_id] = stories[0]
        return lead


ListSource = StorySource | EventSource


class StoryList(RowList):
    """The top pane: stories, or events."""

    def __init__(self, **kwargs) -> None:
        super().__init__(StorySource.columns, empty_text="Reading the folder…", **kwargs)

    def set_source(self, source, cursor: int = 0) -> None:
        if isinstance(source, (StorySource, EventSource)):
            self.columns = source.columns
        super().set_source(source, cursor)

    @property
    def stories(self) -> StorySource | None:
        return self.source if isinstance(self.source, StorySource) else None

    @property
    def events(self) -> EventSource | None:
        return self.source if isinstance(self.source, EventSource) else None

    @property
    def listed(self) -> ListSource | None:
        return self.source if isinstance(self.source, (StorySource, EventSource)) else None

    def current_id(self) -> int | None:
        """The story the panes show: the highlighted one, or the highlighted event's newest."""
        source = self.listed
        if source is None or not len(source):
            return None
        return source.story_id(self.cursor)

    def current_event(self) -> EventRow | None:
        source = self.events
        return source.event_row(self.cursor) if source is not None else None

    def is_current(self, story_id: int) -> bool:
        """Whether the cursor is on `story_id`; safe from a worker thread (a list swapped
        meanwhile reads as "not current", and the UI thread checks again on arrival)."""
        source, cursor = self.listed, self.cursor
        return source is not None and 0 <= cursor < len(source.ids) and source.story_id(cursor) == story_id
