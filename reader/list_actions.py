"""The app's actions on the list's rows: the events view (v, Enter on an event, Esc back),
and the read and starred marks of a story or of all an event's story files. A mixin of
ReaderApp, which gives it the corpus, the list controller and the story list."""

from __future__ import annotations

import time
from array import array
from typing import NamedTuple

from reader.errors import survivable
from reader.list_controller import EVENTS
from reader.messages import ListView
from reader.widgets.text import plural


class Landing(NamedTuple):
    """Where the list's cursor is to land once the ids of `view` come."""

    view: ListView
    row_id: int | None  # the story or event (None: the first row)
    since: float  # time.monotonic() when asked: a key or a click after it keeps the cursor where it is
    switched: bool = False  # the view was switched to: until its ids come the list is empty


class ListActions:
    @survivable
    def action_toggle_events(self) -> None:
        """Stories <-> events; from one event's story files, back to the events at that event."""
        event_id = self.lists.view.event_id
        self.lists.toggle_events()
        self._switch_view(event_id if self.lists.view.mode == EVENTS else None)

    def _open_event(self, event_id: int, headline: str) -> None:
        self.lists.open_event(event_id, headline)
        self._switch_view(None)

    def _switch_view(self, cursor_on: int | None) -> None:
        """Show what the list now lists, the cursor on `cursor_on` (else the first row) once its
        ids come. They are read off the UI thread, as a sort's are: the events of 100,000
        stories took 1.2 s, in which no key was answered. Meanwhile the list is empty and says so."""
        self._landing = Landing(self.lists.view, cursor_on, time.monotonic(), switched=True)
        self._show_ids(array("q"), fresh=True)
        self.story_list.empty_text = self.lists.listing_text()
        self.story_list.focus()
        self._update_status()
        self.refresh_list()

    # ------------------------------------------------------------------ marks

    @survivable
    def action_toggle_read(self) -> None:
        event = self.story_list.current_event()
        if event is not None:  # all its story files: read, or unread again when none is unread
            for row in self._event_rows(event.id):
                self.marks.set_read(row.key, event.unread)
            self._refresh_row(event.id)
            return
        row = self._current_row()
        if row is not None:
            self.marks.set_read(row.key, not row.read)
            if self._read_timer is not None:
                self._read_timer.stop()  # a story marked unread by hand stays unread
            self._refresh_row(row.id)

    @survivable
    def action_toggle_star(self) -> None:
        event = self.story_list.current_event()
        if event is not None:  # all its story files: starred, or unstarred when all are
            rows = self._event_rows(event.id)
            starred = all(row.starred for row in rows)
            for row in rows:
                self.marks.set_starred(row.key, not starred)
            self._refresh_row(event.id)
            self.notify(f"{'Unstarred' if starred else 'Starred'} the event's {plural(len(rows), 'story file')}",
                        timeout=1.5, markup=False)
            return
        row = self._current_row()
        if row is not None:
            self.marks.set_starred(row.key, not row.starred)
            self._refresh_row(row.id)

    @survivable
    def _mark_shown_read(self) -> None:
        row = self._current_row()
        if row is not None and row.id == self.shown_id and not row.read:
            self.marks.set_read(row.key, True)
            self._refresh_row(row.id)

    def _current_row(self):
        source = self.story_list.stories
        return source.story_row(self.story_list.cursor) if source is not None else None

    def _event_rows(self, event_id: int) -> list:
        ids = self.corpus.event_story_ids(event_id)
        rows = self.corpus.rows(ids)
        return [rows[story_id] for story_id in ids if story_id in rows]

    def _refresh_row(self, row_id: int) -> None:
        """Read a row (a story's, or an event's) again: its marks changed."""
        source = self.story_list.listed
        if source is not None:
            source.forget(row_id)
            index = source.index_of(row_id)
            if index is not None:
                self.story_list.refresh_row(index)
