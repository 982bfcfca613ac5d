"""Keeps a folder's events in its index up to date with the articles its stories list.

The first update in a process computes every event (reader.data.events) from the
index's articles; later ones give the EventIndex only the articles whose references
changed (the index's `events_pending`) and rewrite only the events they touch. Either
way the stored events are those of a full computation over the folder as it is.
Nothing pending and events computed: nothing is done.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

from reader.data.events import EventArticle, EventIndex, terms_of
from reader.data.index import Index

_PAGE = 2000  # articles or events written, or events' figures read, under the index's lock at once
_READ_PAGE = 1000  # articles read from the index under its lock at once (~10 ms)


def _event_article(row: Sequence) -> EventArticle:
    return EventArticle(row[0], row[2], row[3], row[4], row[5])


def _when(row: Sequence) -> tuple:
    return (row[4] is None, row[4] or 0, row[0])


def headline(members: Sequence[Sequence]) -> str:
    """The most representative title: the one whose words the event's other titles share
    most (per word, so a long title does not win by length); ties go to the earliest."""
    if len(members) == 1:
        return members[0][2]
    terms = [terms_of(row[2], "")[0] for row in members]
    counts: dict[str, int] = {}
    for words in terms:
        for word in words:
            counts[word] = counts.get(word, 0) + 1

    def score(i: int) -> tuple:
        shared = sum(counts[word] - 1 for word in terms[i])
        return (-(shared / math.sqrt(len(terms[i]))) if terms[i] else 0.0, *_when(members[i]))

    return members[min(range(len(members)), key=score)][2]


def event_figures(key: str, members: Sequence[Sequence], stories: int) -> tuple:
    """An events row (see Index.store_events) from the event's ARTICLE_COLUMNS rows."""
    first = min(members, key=_when)
    known = [row[4] for row in members if row[4] is not None]
    outlets = {row[5] for row in members if row[5]}
    return (key, headline(members), first[2], first[6] or first[7], first[5], first[7], first[4], first[8],
            max(known) if known else None, len(outlets), len(members), stories)


class _Stopped(Exception):
    """A full computation told to stop: what it stored is not marked ready."""


def _stop_if(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise _Stopped


class EventKeeper:
    """The events of one index; its EventIndex lives as long as the process keeps it."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._events: EventIndex | None = None
        self._generation = -1  # the index generation the EventIndex matches

    @property
    def ready(self) -> bool:
        return self.index.events_ready()

    def update(self, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Bring the events up to date; whether anything had to be computed. `cancelled` is asked
        at each page of a full computation: told to stop, it stops there (quitting waits for
        it), and the next update computes them all again (its pending articles, or a first
        computation never finished, say so)."""
        ready = self.index.events_ready()
        if ready and self._events is not None and self._generation == self.index.generation:
            pending = self.index.pending_event_keys()
            if not pending:
                return False
            self._update(pending)
            return True
        if ready and not self.index.events_pending():
            return False  # computed by an earlier process, nothing changed since
        # every article again (the pending ones are not listed: after a first scan, all of them)
        try:
            self._compute_all(cancelled)
        except _Stopped:
            return False
        return True

    def _compute_all(self, cancelled: Callable[[], bool]) -> None:
        # The index is read and written a page at a time, each under its lock on its own:
        # the screen's queries run between pages.
        generation = self.index.generation
        keys: list[str] = []  # with their variants: two lists, no pair a key (a whole folder's)
        variants: list[str] = []

        def articles() -> Iterator[EventArticle]:
            # a page at a time: the EventIndex keeps an article's terms, not its text
            for page in self.index.event_article_pages(_READ_PAGE):
                _stop_if(cancelled)
                keys.extend(row[0] for row in page)
                variants.extend(row[1] for row in page)
                yield from map(_event_article, page)

        events = EventIndex()
        events.add(articles())
        self.index.clear_article_events()
        for start in range(0, len(keys), _PAGE):
            _stop_if(cancelled)
            self.index.store_article_events([(key, variant, events.event_of(key)) for key, variant
                                             in zip(keys[start : start + _PAGE], variants[start : start + _PAGE])])
        after = ""
        while keys := self.index.event_key_page(after, _PAGE):
            _stop_if(cancelled)
            self._store_figures(keys)
            after = keys[-1]
        self.index.finish_events(None, None)
        self._events, self._generation = events, generation

    def _update(self, pending: list[str]) -> None:
        events = self._events
        assert events is not None
        rows = {row[0]: row for row in self.index.event_articles(pending)}
        removed = [key for key in pending if key not in rows]
        changed = events.remove(removed) | events.add(_event_article(row) for row in rows.values())
        touched = set(pending) | changed
        stored = self.index.article_events(touched)
        affected = {stored[key][1] for key in touched if key in stored}
        affected.update(event for key in touched if (event := events.event_of(key)) is not None)
        self.index.store_article_events(
            [(key, rows[key][1] if key in rows else stored[key][0], events.event_of(key))
             for key in sorted(touched) if key in rows or (key in stored and events.event_of(key) is not None)],
            removed)
        member_keys = self._store_figures(affected)
        self.index.finish_events(member_keys | touched, pending, affected)

    def _store_figures(self, event_keys) -> set[str]:
        """Store the figures of these events from their stored articles; return those articles' keys."""
        members = self.index.event_members(event_keys)
        self.index.store_events([event_figures(key, group, sum(row[9] for row in group))
                                 for key, group in members.items()])
        return {row[0] for group in members.values() for row in group}
