"""Messages the loader threads post to the app: scan progress, a list, a story's panes."""

from __future__ import annotations

from array import array

from textual.message import Message

from reader.data.records import LoadProgress
from reader.story_view import StoryView


class ScanProgress(Message):
    """Where the scan stands, and the list order with the number of stories in the
    folder when that changed."""

    def __init__(self, progress: LoadProgress, ids: array | None, total: int) -> None:
        super().__init__()
        self.progress = progress
        self.ids = ids
        self.total = total


class ListReady(Message):
    """The ids for the current query and sort."""

    def __init__(self, ids: array, total: int, partial: bool = False) -> None:
        super().__init__()
        self.ids = ids
        self.total = total
        self.partial = partial  # only the first rows; the rest follow


class StoryLoaded(Message):
    """A story read and everything its panes show built, ready to be swapped in."""

    def __init__(self, view: StoryView) -> None:
        super().__init__()
        self.view = view
