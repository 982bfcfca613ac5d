"""What the UI and the command line get about events: plain records, and how they are built.

An event is the set of articles, from anywhere in the folder, that report one
development (reader.data.events). The index stores each event's figures
(reader.data.index.event_queries); these records carry them to the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from reader.data.coverage import TimelineEntry, distinct_articles, lag_text, outlet_key, timeline, url_key
from reader.data.records import Article, Story

# The event list's orders: an SQL ORDER BY over `e` (the events table).
EVENT_SORTS = {
    "newest": "e.first_published IS NULL, e.first_published DESC, e.id",  # when the news broke
    "oldest": "e.first_published IS NULL, e.first_published ASC, e.id",
    "coverage": "e.outlets DESC, e.articles DESC, e.first_published DESC, e.id",
    "stories": "e.stories DESC, e.first_published DESC, e.id",
    "title": "casefold(e.headline), e.id",
}


class EventFirst(NamedTuple):
    """An event's first report."""

    title: str
    outlet: str  # the provider's name, else its domain
    domain: str
    published: datetime | None
    url: str


class EventRow(NamedTuple):
    """What the event list shows for one event."""

    id: int
    headline: str  # the most representative title of its articles
    outlets: int  # distinct outlets, each counted once
    articles: int  # distinct articles (by URL)
    stories: int  # story files whose own article is in the event
    first: EventFirst
    last_published: datetime | None
    unread: bool  # any of its story files is unread

    @property
    def span(self) -> timedelta | None:
        """From the first report to the last."""
        if self.first.published is None or self.last_published is None:
            return None
        return self.last_published - self.first.published


class StoryEvent(NamedTuple):
    """A story's event and what is left of its own related list (its topic stream)."""

    id: int  # the event's id (as in EventRow, event:ID, the export)
    entries: tuple[TimelineEntry, ...]  # the event's articles, time order, lags from its first report
    outlets: int  # distinct outlets of the event
    first: TimelineEntry | None  # the event's first report (None when no article has a time)
    # The rest of the story's own related list, each article once, in time order; each
    # lag is measured from the STORY's own article (negative: older than the story).
    stream: tuple[TimelineEntry, ...]

    @property
    def alone(self) -> bool:
        """The event holds only the story's own article."""
        return len(self.entries) == 1


def story_event(event_id: int, story: Story, members: Sequence[Article], member_keys: set[str]) -> StoryEvent:
    """A StoryEvent from the event's articles other than the story's own (`members`, one per
    URL key) and the URL keys of all its articles (`member_keys`)."""
    entries = tuple(timeline(story._replace(related=tuple(members))))
    first = next((entry for entry in entries if entry.is_first), None)
    outlets: set[str] = set()
    for entry in entries:
        outlets.update(outlet_key(member.provider) for member in entry.members)
    outlets.discard("")
    rest = tuple(item for item in story.related if url_key(item.web_url) not in member_keys)
    return StoryEvent(event_id, entries, len(outlets), first, _stream(story, rest))


def _stream(story: Story, rest: tuple[Article, ...]) -> tuple[TimelineEntry, ...]:
    groups = [group for group in distinct_articles(story._replace(related=rest)) if not group.is_story]
    groups.sort(key=lambda group: (group.published is None, group.published.timestamp() if group.published else 0))
    base = story.published
    stream = []
    for group in groups:
        lag = None
        if group.published is not None and base is not None:
            lag = int((group.published - base) // timedelta(seconds=1))
        stream.append(TimelineEntry(group.article, False, group.published, lag, lag_text(lag), False,
                                    group.duplicates, group.members))
    return tuple(stream)
