"""What the story list shows, and keeping it in step with the folder. Not a widget.

The controller owns what the list shows (stories, the events, or one event's story
files), the query, the orders, unread-only, the counts and where the scan stands. The app runs its thread bodies (`scan`, `fetch`, `wait_for_change`) in
workers and hands what they post back to `take_progress` and `take_list`; so the
list's behaviour can be driven in a plain test, with no screen.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from reader.data.corpus import RELEVANCE, Corpus
from reader.data.event_view import EVENT_SORTS
from reader.data.index import SORTS
from reader.data.query import Query, QueryError, compile_query, parse_query
from reader.data.records import LoadProgress
from reader.messages import ListReady, ListView, ScanProgress

FIRST_ROWS = 300  # rows a query shows first on a large folder, while it fetches the rest
_LOADING_LIST_SECONDS = 1.0  # how often the list takes in new stories while a folder is read
# How often a scan's counts alone are reported: each report is a frame, and a key that comes
# within a frame's time (1/60 s) after another waits for the next.
_PROGRESS_SECONDS = 0.25
_CHANGE_SETTLE_SECONDS = 0.2  # a change is read once the folder has been quiet this long
_LOOK_BESIDE_A_WATCH_SECONDS = 300.0  # a walk of the folder while its watch sees every change
SORT_ORDER = list(SORTS)  # what `s` cycles through
SEARCH_ORDER = [RELEVANCE, *SORTS]  # ... while a query has words: relevance first
EVENT_SORT_ORDER = list(EVENT_SORTS)  # ... in the events view
STORIES, EVENTS = "stories", "events"

Post = Callable[[object], object]
Cancelled = Callable[[], bool]


class ScanNews(NamedTuple):
    """What a scan's report brings beside its progress."""

    finished: bool  # the folder is read: the scan's first "done" report (an events report may follow)
    events_came: bool  # events computed for the first time, or changed: what shows them is read again


class ListStatus(NamedTuple):
    """What the status line says about the list, as plain values."""

    scan_failed: bool
    list_complete: bool
    loaded: bool
    progress: LoadProgress
    shown: int  # rows in the list
    partial: bool  # `shown` is a query's first rows only
    total: int  # stories in the folder
    unread_only: bool
    query_text: str
    sort: str  # the order the list is really in
    display_name: str
    mode: str = STORIES
    event_headline: str = ""  # the event whose story files are listed ("" for none)
    row: int | None = None  # the cursor's row, from 1 (None: no rows)
    listing: str = ""  # what a switched-to view says while its ids are read ("" once they came)


class ListController:
    def __init__(self, corpus: Corpus, *, sort: str, display_name: str, watch: bool = True,
                 rescan_seconds: float = 2.0, verify_workers: int | None = None) -> None:
        self.corpus = corpus
        self.story_sort = sort  # the stories' order without a query
        self.search_sort = RELEVANCE  # their order while a query is on (each new query starts at relevance)
        self.event_sort = "newest"
        self.view = ListView()  # what the list shows
        self.event_headline = ""  # of view.event_id
        self.display_name = display_name
        self.watch = watch
        self.rescan_seconds = rescan_seconds  # at least; a slow scan waits longer
        # Helper processes for the verify pass (None: one a core). They read at a lower priority
        # than this process (readers._start_helper): a key still finds a core at once.
        self.verify_workers = verify_workers
        self.query_text = ""  # the last query that parsed
        self.unread_only = False
        self.total = 0  # stories in the folder, whatever the filter
        self.event_total = 0  # events holding a story file, whatever the filter
        self.list_partial = False  # the list holds only a query's first rows, the rest coming
        self.progress = LoadProgress()
        self.loaded = False  # a scan of the folder has finished in this run
        self.list_complete = False  # the list holds every story (from the cache, or a scan)
        self.scan_failed = False
        self.events_ready = corpus.events_ready  # the folder's events are computed
        self._scan_done_seen = False  # this scan's "done" report came: a later one brings events
        self._listed_edits: int | None = None  # the index's edits when the scan last listed the stories
        self._scan_started = 0.0
        self._scan_listed = False
        self._walk_seconds: float | None = None  # a scan's list pass when nothing had changed

    # ------------------------------------------------------------------ what is shown

    @property
    def sort(self) -> str:
        """The order chosen for what the list shows now."""
        if self.view.mode == EVENTS:
            return self.event_sort
        return self.search_sort if self.searching() else self.story_sort

    def shown_sort(self) -> str:
        """The order the list is really in (relevance needs words to match)."""
        if self.view.mode == EVENTS:
            return self.event_sort
        return self.corpus.applied_sort(self.sort, self.query())

    def searching(self) -> bool:
        return bool(self.query_text.strip())

    def query(self) -> Query:
        """What the list shows: the query, unread-only, and the event whose files are listed."""
        text = self.query_text
        if self.unread_only and self.view.mode == STORIES:  # the events view passes it on its own
            text += " is:unread"
        if self.view.event_id is not None:
            text += f" event:{self.view.event_id}"
        return parse_query(text)

    def condition(self) -> tuple[str, list]:
        """The SQL condition for what the list shows."""
        return compile_query(self.query())

    def filtered(self) -> bool:
        return self.searching() or self.unread_only or self.view.event_id is not None

    def try_query(self, text: str) -> QueryError | None:
        """Take `text` as the query when it parses; its error (and the last good query kept) when not."""
        try:
            compile_query(parse_query(text))
        except QueryError as error:
            return error
        if text.strip() and not self.searching():
            self.search_sort = RELEVANCE  # a new search: what matches best first
        self.query_text = text
        return None

    def cycle_sort(self) -> str:
        """The next order of what the list shows; the order it is then really in."""
        if self.view.mode == EVENTS:
            self.event_sort = _next(EVENT_SORT_ORDER, self.event_sort)
        elif self.searching():
            # Relevance is left out of the cycle when the query has no words to rank by.
            ranked = self.corpus.applied_sort(RELEVANCE, self.query()) == RELEVANCE
            self.search_sort = _next(SEARCH_ORDER if ranked else SORT_ORDER, self.shown_sort())
        else:
            self.story_sort = _next(SORT_ORDER, self.story_sort)
        return self.shown_sort()

    def toggle_unread(self) -> None:
        self.unread_only = not self.unread_only

    def toggle_events(self) -> None:
        """Stories <-> events (from one event's story files: the events)."""
        self.view = ListView(STORIES if self.view.mode == EVENTS else EVENTS)
        self.event_headline = ""

    def open_event(self, event_id: int, headline: str) -> None:
        """List the event's story files."""
        self.view = ListView(STORIES, event_id)
        self.event_headline = headline

    def clear_filter(self) -> None:
        """Show every story again."""
        self.query_text, self.unread_only = "", False
        self.view, self.event_headline = ListView(), ""

    def listing_text(self) -> str:
        """What the list says while its ids are fetched after a change of view."""
        if self.view.mode == EVENTS:
            return "Listing events…"
        return "Listing the event's story files…" if self.view.event_id is not None else "Listing stories…"

    def listed_ids(self, limit: int | None = None) -> tuple[array, int]:
        """The ids of what the list shows (the first `limit`, when given), and how many of
        their kind the folder holds."""
        if self.view.mode == EVENTS:
            ids = self.corpus.event_ids(self.event_sort, parse_query(self.query_text), self.unread_only, limit)
            every_event = limit is None and not self.searching() and not self.unread_only
            return ids, len(ids) if every_event else self.corpus.event_count()
        return self.corpus.query_ids(self.sort, self.query(), limit), self.corpus.story_count()

    def empty_text(self) -> str | None:
        """What an empty list says, once the folder has been listed."""
        if not self.progress.listed:
            return None
        if self.view.mode == EVENTS and not self.events_ready:
            return "The events are worked out once every file is read: they will be listed here."
        if not self.filtered():
            return f"No stories in {self.display_name}. A story file begins with a --- line of YAML front matter."
        return "No story matches. Esc in the query bar clears it" + ("; u shows read ones too." if self.unread_only else ".")

    def status(self, shown: int, row: int | None = None, listing: bool = False) -> ListStatus:
        """`listing`: the list waits for the ids of a view just switched to."""
        total = self.event_total if self.view.mode == EVENTS else self.total
        return ListStatus(self.scan_failed, self.list_complete, self.loaded, self.progress, shown, self.list_partial,
                          total, self.unread_only, self.query_text, self.shown_sort(), self.display_name,
                          self.view.mode, self.event_headline, row, self.listing_text() if listing else "")

    # ------------------------------------------------------------------ the first frame

    def start(self) -> tuple[array, bool]:
        """The indexed list's first rows, at once; and whether the rest must be fetched."""
        self.total = self.corpus.story_count()
        ids = self.corpus.story_ids(self.story_sort, limit=FIRST_ROWS)
        more = len(ids) < self.total
        if more:
            self.list_partial = True
        if self.corpus.was_scanned:
            self.list_complete = True
            self.progress = LoadProgress(stories=self.total, problems=self.corpus.index.problem_count())
        return ids, more

    # ------------------------------------------------------------------ in a worker thread

    def scan(self, post: Post, cancelled: Cancelled) -> None:
        """Read the folder, posting ScanProgress as it goes."""
        last_count, listed_sent, ids_at = -1, False, 0.0
        counts_at = time.monotonic()

        def report(progress: LoadProgress) -> None:
            # The list order is read here, in the loader thread, when it changed, and while
            # a folder is first read at most once a second: the reading needs the CPU more.
            # Only when the index changed: querying again with nothing new would drop a story
            # just read from an unread-only list, on every look for changes.
            nonlocal last_count, listed_sent, ids_at, counts_at
            ids, view, listed_total = None, self.view, 0
            final = (progress.listed and not listed_sent) or progress.done
            # While the list grows, its order goes out every second; while the verify pass runs, no
            # story changes place in it (figures only), so it waits for the scan to be done.
            growing = not progress.listed and time.monotonic() - ids_at >= _LOADING_LIST_SECONDS
            if final or growing:
                edits = self.corpus.index.edits
                if edits != self._listed_edits:
                    last_count = self.corpus.story_count()
                    ids, listed_total = self.listed_ids()
                    self._listed_edits = edits
                listed_sent, ids_at = progress.listed, time.monotonic()
            if ids is None and not final and time.monotonic() - counts_at < _PROGRESS_SECONDS:
                return  # counts alone, and the last went out a moment ago
            counts_at = time.monotonic()
            post(ScanProgress(replace(progress), ids, last_count, view, listed_total))

        self._scan_started, self._scan_listed = time.monotonic(), False
        self.scan_failed = False
        if self.watch:
            # Watched from before the walk: a change made while it runs is still seen after.
            self.corpus.folder_watch()
        self.corpus.scan(on_progress=report, cancelled=cancelled, verify_workers=self.verify_workers)

    def wait_for_change(self, seconds: float, cancelled: Cancelled) -> bool:
        """Wait until the folder changes, or `seconds` at the latest; False when cancelled."""
        watch = self.corpus.folder_watch()
        deadline = time.monotonic() + seconds
        while not cancelled() and (left := deadline - time.monotonic()) > 0:
            step = min(left, 0.25)  # short steps: a cancelled worker (on quit) ends soon
            if watch is None:
                time.sleep(step)
            elif watch.wait(step):
                watch.settle(_CHANGE_SETTLE_SECONDS)
                break
        return not cancelled()

    def fetch(self, post: Post, cancelled: Cancelled) -> None:
        """Run the current query and sort, posting ListReady.

        Two steps on a large folder: the first screenfuls at once, so the list
        follows the typing, then every id (which for 100,000 takes longer)."""
        sort, view = self.sort, self.view
        total = self.corpus.story_count()
        if total > FIRST_ROWS:
            if view.mode == STORIES:
                head = self.corpus.first_story_ids(sort, self.query(), FIRST_ROWS)
            else:
                head, total = self.listed_ids(FIRST_ROWS)
            if cancelled():
                return
            if len(head) < FIRST_ROWS:  # that was all of them
                post(ListReady(head, total, view=view))
                return
            post(ListReady(head, total, partial=True, view=view))
        ids, total = self.listed_ids()
        if not cancelled():
            post(ListReady(ids, total, view=view))

    # ------------------------------------------------------------------ back on the UI thread

    def take_progress(self, message: ScanProgress) -> ScanNews:
        """Take a scan's report; what it brings beside progress."""
        progress = message.progress
        events_came = False
        finished = progress.done and not self._scan_done_seen
        if progress.done:
            # After the "done" report, the scan reports again only when it computed events.
            events_came = progress.events_ready and (not self.events_ready or self._scan_done_seen)
            self.events_ready = progress.events_ready
        self._scan_done_seen = progress.done
        if progress.listed or not self.list_complete:
            self.progress = progress
        if progress.listed and not self._scan_listed:
            self._scan_listed = True
            if progress.files_read == 0:  # a list pass that found no change: a look costs this
                self._walk_seconds = time.monotonic() - self._scan_started
        if progress.listed:
            self.list_complete = True
        if message.ids is not None:
            self.total = message.total
            if message.view == self.view and self.view.mode == EVENTS:
                self.event_total = message.listed_total
        if progress.done:
            self.loaded = True
        return ScanNews(finished, events_came)

    def next_look_seconds(self) -> float:
        """How long to wait for a change before walking the folder again. Where the system
        says when the folder changes (the wait ends at once then), a walk only looks for what
        the watch cannot see, such as a linked file's target outside the folder: an idle reader
        walking 100,000 files every ~10 s spent a sixth of a core on it. Elsewhere a walk takes
        at most a fifth of the time (a walk of 100,000 files is not free)."""
        walks = 5 * (self._walk_seconds or 0)
        watch = self.corpus.folder_watch() if self.watch else None
        if watch is not None and watch.sees_everything:
            return max(_LOOK_BESIDE_A_WATCH_SECONDS, walks)
        return max(self.rescan_seconds, walks)

    def take_list(self, message: ListReady) -> None:
        if message.view is not None and message.view.mode == EVENTS:
            self.event_total = message.total
        else:
            self.total = message.total
        self.list_partial = message.partial


def _next(order: list[str], current: str) -> str:
    return order[(order.index(current) + 1) % len(order)] if current in order else order[0]
