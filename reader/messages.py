"""Messages the loader threads post to the app: scan progress, a list, a story's panes."""

from __future__ import annotations

from array import array

from typing import NamedTuple

from textual.message import Message

from reader.data.records import LoadProgress
from reader.story_view import StoryView


class ListView(NamedTuple):
    """What a list of ids lists: stories or events; `event_id`: only that event's story files."""

    mode: str = "stories"  # "stories" | "events"
    event_id: int | None = None


class ScanProgress(Message):
    """Where the scan stands, and the list order with the number of stories in the
    folder when that changed."""

    def __init__(self, progress: LoadProgress, ids: array | None, total: int,
                 view: ListView | None = None, listed_total: int = 0) -> None:
        super().__init__()
        self.progress = progress
        self.ids = ids
        self.total = total  # stories in the folder
        self.view = view  # what `ids` list
        self.listed_total = listed_total  # how many of what `view` lists the folder holds


class ListReady(Message):
    """The ids for the current query and sort."""

    def __init__(self, ids: array, total: int, partial: bool = False, view: ListView | None = None) -> None:
        super().__init__()
        self.ids = ids
        self.total = total  # how many of what `view` lists the folder holds (stories, or events)
        self.partial = partial  # only the first rows; the rest follow
        self.view = view  # what `ids` list


class StoryLoaded(Message):
    """A story read and everything its panes show built, ready to be swapped in."""

    def __init__(self, view: StoryView) -> None:
        super().__init__()
        self.view = view
