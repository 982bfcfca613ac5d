"""What the story list shows, and keeping it in step with the folder. Not a widget.

The controller owns the query, the sort, unread-only, the counts and where the scan
stands. The app runs its thread bodies (`scan`, `fetch`, `wait_for_change`) in
workers and hands what they post back to `take_progress` and `take_list`; so the
list's behaviour can be driven in a plain test, with no screen.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from reader.data.corpus import Corpus
from reader.data.index import SORTS
from reader.data.query import Query, QueryError, compile_query, parse_query
from reader.data.records import LoadProgress
from reader.messages import ListReady, ScanProgress

FIRST_ROWS = 300  # rows a query shows first on a large folder, while it fetches the rest
_LOADING_LIST_SECONDS = 1.0  # how often the list takes in new stories while a folder is read
_CHANGE_SETTLE_SECONDS = 0.2  # a change is read once the folder has been quiet this long
SORT_ORDER = list(SORTS)  # what `s` cycles through

Post = Callable[[object], object]
Cancelled = Callable[[], bool]


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
    sort: str
    display_name: str


class ListController:
    def __init__(self, corpus: Corpus, *, sort: str, display_name: str, watch: bool = True,
                 rescan_seconds: float = 2.0, verify_workers: int = 1) -> None:
        self.corpus = corpus
        self.sort = sort
        self.display_name = display_name
        self.watch = watch
        self.rescan_seconds = rescan_seconds  # at least; a slow scan waits longer
        # One helper process for the verify pass: the other core stays with the UI.
        self.verify_workers = verify_workers
        self.query_text = ""  # the last query that parsed
        self.unread_only = False
        self.total = 0  # stories in the folder, whatever the filter
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

    def query(self) -> Query:
        """What the list shows: the query, and unread-only."""
        return parse_query(f"{self.query_text} is:unread" if self.unread_only else self.query_text)

    def condition(self) -> tuple[str, list]:
        """The SQL condition for what the list shows."""
        return compile_query(self.query())

    def filtered(self) -> bool:
        return bool(self.query_text.strip()) or self.unread_only

    def try_query(self, text: str) -> QueryError | None:
        """Take `text` as the query when it parses; its error (and the last good query kept) when not."""
        try:
            compile_query(parse_query(text))
        except QueryError as error:
            return error
        self.query_text = text
        return None

    def cycle_sort(self) -> str:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        return self.sort

    def toggle_unread(self) -> None:
        self.unread_only = not self.unread_only

    def clear_filter(self) -> array:
        """Show every story again: the ids of all of them."""
        self.query_text, self.unread_only = "", False
        return self.corpus.story_ids(self.sort)

    def empty_text(self) -> str | None:
        """What an empty list says, once the folder has been listed."""
        if not self.progress.listed:
            return None
        if not self.filtered():
            return f"No stories in {self.display_name}. A story file begins with a --- line of YAML front matter."
        return "No story matches. Esc in the query bar clears it" + ("; u shows read ones too." if self.unread_only else ".")

    def status(self, shown: int) -> ListStatus:
        return ListStatus(self.scan_failed, self.list_complete, self.loaded, self.progress, shown, self.list_partial,
                          self.total, self.unread_only, self.query_text, self.sort, self.display_name)

    # ------------------------------------------------------------------ the first frame

    def start(self) -> tuple[array, bool]:
        """The indexed list's first rows, at once; and whether the rest must be fetched."""
        self.total = self.corpus.story_count()
        ids = self.corpus.story_ids(self.sort, limit=FIRST_ROWS)
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

        def report(progress: LoadProgress) -> None:
            # The list order is read here, in the loader thread, when it changed, and while
            # a folder is first read at most once a second: the reading needs the CPU more.
            # Only when the index changed: querying again with nothing new would drop a story
            # just read from an unread-only list, on every look for changes.
            nonlocal last_count, listed_sent, ids_at
            ids = None
            final = (progress.listed and not listed_sent) or progress.done
            if final or time.monotonic() - ids_at >= _LOADING_LIST_SECONDS:
                edits = self.corpus.index.edits
                if edits != self._listed_edits:
                    last_count = self.corpus.story_count()
                    ids = self.corpus.story_ids(self.sort, *self.condition())
                    self._listed_edits = edits
                listed_sent, ids_at = progress.listed, time.monotonic()
            post(ScanProgress(replace(progress), ids, last_count))

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
        sort, (where, params) = self.sort, self.condition()
        total = self.corpus.story_count()
        if total > FIRST_ROWS:
            head = self.corpus.first_story_ids(sort, self.query(), FIRST_ROWS)
            if cancelled():
                return
            if len(head) < FIRST_ROWS:  # that was all of them
                post(ListReady(head, total))
                return
            post(ListReady(head, total, partial=True))
        ids = self.corpus.story_ids(sort, where, params)
        if not cancelled():
            post(ListReady(ids, total))

    # ------------------------------------------------------------------ back on the UI thread

    def take_progress(self, message: ScanProgress) -> bool:
        """Take a scan's report; whether it brings events (computed for the first time, or
        changed): then what shows them is to be read again."""
        progress = message.progress
        events_came = False
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
        if progress.done:
            self.loaded = True
        return events_came

    def next_look_seconds(self) -> float:
        """How long to wait for a change before walking the folder again. A walk takes at
        most a fifth of the time (a walk of 100,000 files is not free); where the system
        says when the folder changes, it is sooner."""
        return max(self.rescan_seconds, 5 * (self._walk_seconds or 0))

    def take_list(self, message: ListReady) -> None:
        self.total = message.total
        self.list_partial = message.partial
