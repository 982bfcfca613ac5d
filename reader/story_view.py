"""What the panes show for one story, as one plain value: built by the story loader's
worker thread, so that showing a story on the UI thread is only swapping it in."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.console import Console, ConsoleOptions, RenderableType

from reader.data.event_view import StoryEvent
from reader.data.records import Problem, Story
from reader.widgets.coverage import CoverageContent, coverage_content
from reader.widgets.detail import detail_content

Linked = list[tuple[int, str, int]]  # (story id, title, articles shared)


class StoryView(NamedTuple):
    story_id: int | None
    story: Story | Problem | None
    detail: RenderableType
    coverage: CoverageContent
    linked: Linked


def build_story_view(story_id: int | None, story: Story | Problem | None, linked: Linked,
                     now: datetime, coverage_sort: str,
                     layout: tuple[Console, ConsoleOptions] | None = None,
                     event: StoryEvent | None = None, events_ready: bool = False) -> StoryView:
    """`layout`: the console and its options at the detail pane's width, to lay its text out here.
    `event`: the story's event (None while the folder's events are not ready: `events_ready`)."""
    shown = story if isinstance(story, Story) else None  # a problem's pane is empty
    return StoryView(story_id, story, detail_content(story, now, layout),
                     coverage_content(shown, coverage_sort, event, events_ready), linked)
