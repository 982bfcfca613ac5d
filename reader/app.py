"""The Textual app: a story list, the highlighted story's detail, and its coverage.

What the list shows is the ListController's (reader/list_controller.py); links are
opened by reader/links.py's rules; handlers are guarded by reader/errors.py; the views
over a story are ViewActions (reader/actions.py)."""

from __future__ import annotations

import sys
import time
from array import array
from collections.abc import Callable
from datetime import datetime, timezone

from textual import events, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from reader import collector
from reader.actions import ViewActions
from reader.list_actions import Landing, ListActions
from reader.bindings import BINDINGS
from reader.commands import ReaderCommands
from reader.data.config import load_config
from reader.data.corpus import Corpus
from reader.data.records import Article, Problem, Story
from reader.errors import report_error, survivable
from reader.links import copy_link, open_link
from reader.list_controller import EVENTS, ListController
from reader.messages import ListReady, ScanProgress, StoryLoaded
from reader.story_view import StoryView, build_story_view
from reader.widgets.coverage import CoverageList, CoveragePane
from reader.widgets.detail import DetailPane, LinkedStories
from reader.widgets.key_bar import KeyBar
from reader.widgets.row_list import RowList
from reader.widgets.search_bar import SearchBar, SearchInput
from reader.widgets.status_line import StatusLine
from reader.widgets.story_list import EventSource, StoryList, StorySource

_DETAIL_DELAY = 0.05  # s: holding j down moves the list, and loads only where it stops


class ReaderApp(ViewActions, ListActions, App[None]):
    CSS_PATH = "reader.tcss"
    # A short terminal (80x24) gives the coverage list the rows the chart and preview would take.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    TITLE = "reader"
    COMMANDS = {ReaderCommands}
    BINDINGS = BINDINGS

    survive_errors = True  # tests turn this off, so that bugs fail them

    def __init__(
        self,
        path: str,
        *,
        use_cache: bool = True,
        max_bytes: int | None = None,
        now: Callable[[], datetime] | None = None,
        watch: bool = True,
        display_name: str | None = None,
        rescan_seconds: float = 2.0,
        read_after: float = 1.0,
    ) -> None:
        super().__init__()
        options = {} if max_bytes is None else {"max_bytes": max_bytes}
        self.corpus = Corpus(path, use_cache=use_cache, **options)
        self.marks = self.corpus.marks  # the corpus owns the marks: the list and the actions share them
        self.config = load_config()
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.lists = ListController(self.corpus, sort=self.config.sort, display_name=display_name or self.corpus.root,
                                    watch=watch, rescan_seconds=rescan_seconds)
        self.read_after = read_after  # seconds a story is shown before it counts as read
        self.shown_id: int | None = None
        self.shown_story: Story | Problem | None = None
        self._showing: StoryView | None = None  # the view being swapped in, pane by pane
        # Where the cursor is to land when the ids of what the list shows come: see _show_listed.
        self._landing: Landing | None = None
        self._detail_timer = None
        self._read_timer = None
        self._notices_shown: set[str] = set()
        self._first_frame_drawn = True
        self._last_input = 0.0  # time.monotonic() of the last key or mouse event

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # Kept as attributes: `query_one` on the app searches the top screen,
        # which is a dialog while help or problems are open.
        # Only what the first frame shows is yielded here: the list, the panes' frames, the
        # status line. The rest is mounted after that frame (see `_mount_the_rest`).
        self.story_list = StoryList(id="stories")
        self.story_list.border_title = StorySource.title
        yield self.story_list
        with Horizontal(id="lower"):
            with Vertical(id="left"):
                self.detail = DetailPane(id="detail")
                self.detail.border_title = "Story"
                yield self.detail
            self.coverage = CoveragePane(id="coverage")
            self.coverage.border_title = "Coverage"
            yield self.coverage
        self.status = StatusLine(id="status")
        yield self.status
        yield KeyBar()
        self.search_bar = SearchBar(id="query-bar")
        self.search_bar.display = False
        self.linked = LinkedStories(id="linked")

    @survivable
    def _mount_the_rest(self) -> None:
        collector.resume(full_passes_when_idle=True)
        self.set_interval(_IDLE_SECONDS / 2, self._collect_while_idle)
        self.mount(self.search_bar, before=self.story_list)
        self.query_one("#left").mount(self.linked)
        self.coverage.build()
        self.call_after_refresh(collector.freeze_long_lived)

    @survivable
    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        theme = self.marks.recall("theme") or self.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda theme: self.marks.remember("theme", theme.name))
        # A warm start shows the indexed list at once (its first rows: the rest, for a large
        # folder, come from a worker); the scan then checks for changes.
        ids, more = self.lists.start()
        if len(ids):
            self._first_frame_drawn = False  # the first story's file is read after it
            self.story_list.set_source(StorySource(self.corpus, ids))
        if more:
            self.refresh_list()
        self.story_list.focus()
        self._show_new_notices()
        if self.config.problem:
            self.notify(self.config.problem, title="Settings ignored", severity="error", markup=False, timeout=10)
        self._update_status()
        self.call_after_refresh(self._mount_the_rest)
        # On a warm start, after the first frame: the list is already on screen, and the
        # scan (a walk of every file) would only hold that frame back. On a cold start
        # at once: its helper processes start while the first frame is drawn.
        if self.lists.list_complete:
            self.call_after_refresh(self.scan_folder)
        else:
            self.scan_folder()

    # ------------------------------------------------------------------ the list

    def _show_new_notices(self) -> None:
        """Notices from the data layer (cache rebuilt, marks unavailable...), each once."""
        for notice in [*self.corpus.notices, *self.marks.notices]:
            if notice not in self._notices_shown:
                self._notices_shown.add(notice)
                self.notify(notice, severity="warning", markup=False, timeout=8)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan_folder(self) -> None:
        worker = get_current_worker()
        self.lists.scan(self.post_message, lambda: worker.is_cancelled)

    @survivable
    def on_scan_progress(self, message: ScanProgress) -> None:
        news = self.lists.take_progress(message)
        events_came = news.events_came
        if message.ids is not None and message.view == self.lists.view:  # else the view changed meanwhile
            self._show_listed(message.ids, partial=False)
        self._show_new_notices()
        current = self.story_list.current_id()
        if current is not None and self.lists.loaded and (
                events_came or (message.ids is not None and message.progress.done and current == self.shown_id)):
            # Its file may be the one that changed; its linked stories may be new from the verify
            # pass; its event is new once events are computed or changed (a load under way may
            # have read the events before: it is replaced). Once the scan is done, not at every
            # report while it runs: each would build both panes again under the keys.
            self.load_story(current)
        if events_came:
            self.refresh_list()  # the outlets column counts the events
        if message.ids is not None or message.progress.done:
            self.call_after_refresh(collector.freeze_long_lived)
        if news.finished and self.lists.watch:
            # Once a scan: a second wait would cancel the first, which may have seen a change already.
            self.wait_for_changes(self.lists.next_look_seconds())
        self._update_status()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def wait_for_changes(self, seconds: float) -> None:
        """Scan again once the folder changes, or after `seconds` at the latest."""
        worker = get_current_worker()
        if self.lists.wait_for_change(seconds, lambda: worker.is_cancelled):
            self.call_from_thread(self.scan_folder)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def refresh_list(self) -> None:
        """Run the current query and sort; the result arrives as ListReady."""
        worker = get_current_worker()
        self.lists.fetch(self.post_message, lambda: worker.is_cancelled)

    @survivable
    def on_list_ready(self, message: ListReady) -> None:
        if message.view is not None and message.view != self.lists.view:
            return  # asked for before the view changed
        self.lists.take_list(message)
        self._show_listed(message.ids, message.partial)
        self._update_status()

    def _show_listed(self, ids: array, partial: bool) -> None:
        """Show the ids of what the list shows now. The cursor stays on its story (or event), or
        after a switch of view lands where the switch asked. When only a first part of the ids
        came (`partial`) without that row, it lands there once the rest comes, unless a key or a
        click came meanwhile: it went to the row of that number, and stayed there."""
        landing = self._landing
        if landing is not None and landing.view == self.lists.view and self._last_input <= landing.since:
            target, fresh, since = landing.row_id, True, landing.since
        else:
            listed = self.story_list.listed
            target = listed.ids[self.story_list.cursor] if listed is not None and len(listed) else None
            fresh, since = False, time.monotonic()
        self._show_ids(ids, target, fresh=fresh)
        missing = target is not None and self.story_list.listed.index_of(target) is None
        self._landing = Landing(self.lists.view, target, since) if partial and missing else None

    def _show_ids(self, ids: array, cursor_on: int | None = None, fresh: bool = False) -> None:
        """Show these ids (of what the list shows now), the cursor staying on its story or event;
        `fresh`: another list, the cursor on `cursor_on` (an id of theirs), else the first row."""
        story_list = self.story_list
        if not len(ids):
            empty = self.lists.empty_text()
            if empty is not None:
                story_list.empty_text = empty
        events = self.lists.view.mode == EVENTS
        source = EventSource(self.corpus, ids) if events else StorySource(self.corpus, ids)
        keep = 0
        if not fresh and story_list.listed is not None and len(story_list.listed):
            cursor_on, keep = story_list.listed.ids[story_list.cursor], story_list.cursor
        cursor = source.index_of(cursor_on) if cursor_on is not None else None
        story_list.set_source(source, cursor if cursor is not None else keep)
        story_list.border_title = source.title
        story_list.border_subtitle = f"sorted by {self.lists.shown_sort()}"

    def _update_status(self) -> None:
        rows = self.story_list.row_count
        self.status.show(self.lists.status(rows, self.story_list.cursor + 1 if rows else None,
                                           listing=self._landing is not None and self._landing.switched and not rows))

    # ------------------------------------------------------------------ selection

    @survivable
    def on_row_list_highlighted(self, message: RowList.Highlighted) -> None:
        if isinstance(message.row_list, StoryList):
            self.call_after_refresh(self._update_status)  # where the cursor is, after the list's move
            story_id = message.row_list.current_id()
            # The story being swapped in counts as shown: the cursor may come back to the
            # one still on screen before the swap is over.
            on_screen = self._showing.story_id if self._showing is not None else self.shown_id
            if story_id is not None and story_id == on_screen:
                return
            if self._detail_timer is not None:
                self._detail_timer.stop()
                self._detail_timer = None
            if not self._first_frame_drawn:
                self._first_frame_drawn = True
                self.call_after_refresh(self._load_current)
                return
            # The list's move is drawn first: the wait for the panes starts after that frame.
            self.call_after_refresh(self._schedule_load)
        elif isinstance(message.row_list, CoverageList):
            self.coverage.show_item(message.row_list.current_item())

    def _schedule_load(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(_DETAIL_DELAY, self._load_current)

    @survivable
    def on_row_list_selected(self, message: RowList.Selected) -> None:
        if isinstance(message.row_list, StoryList):
            event = self.story_list.current_event()
            if event is not None:
                self._open_event(event.id, event.headline)
            elif self.lists.view.mode != EVENTS:
                self.coverage.list.focus()
        elif isinstance(message.row_list, LinkedStories):
            story_id = message.row_list.current_story_id()
            if story_id is not None:
                self.jump_to_story(story_id)

    @survivable
    def _load_current(self) -> None:
        self._detail_timer = None
        story_id = self.story_list.current_id()
        if story_id is None:
            self._show_view(build_story_view(None, None, [], self.now(), self.coverage.sort))
        else:
            self.load_story(story_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_story(self, story_id: int) -> None:
        """Read the story and build what its panes show, here, off the UI thread; a load
        the cursor has left is dropped (a newer one cancels it, or the cursor moved on)."""
        worker = get_current_worker()

        def wanted() -> bool:
            return not worker.is_cancelled and self.story_list.is_current(story_id)

        story = self.corpus.load_story(story_id)
        if not wanted():
            return
        # Laid out as the pane lays it out at its width, so drawing it only copies lines.
        layout = self.detail.layout()
        events_ready = self.corpus.events_ready
        event = self.corpus.story_event(story_id, story) if events_ready and isinstance(story, Story) else None
        view = build_story_view(story_id, story, self.corpus.index.linked_stories(story_id), self.now(),
                                self.coverage.sort, layout, event, events_ready)
        if wanted():
            self.post_message(StoryLoaded(view))

    @survivable
    def on_story_loaded(self, message: StoryLoaded) -> None:
        view = message.view
        if view.story_id != self.story_list.current_id():
            return
        shown = self.coverage.content
        same_events = (view.coverage.event, view.coverage.events_ready) == (shown.event, shown.events_ready)
        if view.story_id == self.shown_id and view.story == self.shown_story and same_events:
            if view.linked != self.linked.linked:
                self.linked.show(view.linked)
            return  # read again after a change elsewhere in the folder: the panes keep their place
        self._show_view(view)

    def _show_view(self, view: StoryView) -> None:
        """Swap in prepared panes, one pane a frame: a key pressed meanwhile waits for one
        pane's repaint at most. Nothing here parses, lays out a timeline or counts."""
        self._showing = view
        self.detail.show_content(view.detail)
        self.call_after_refresh(self._show_coverage, view)

    @survivable
    def _show_coverage(self, view: StoryView) -> None:
        if self._showing is view:  # else a newer story is on its way in
            self.coverage.show_content(view.coverage)
            self.call_after_refresh(self._show_linked, view)

    @survivable
    def _show_linked(self, view: StoryView) -> None:
        if self._showing is not view:
            return
        self.linked.show(view.linked)
        # Only now: `settle` in the tests, and the link keys, go by what is fully shown.
        self.shown_id = view.story_id
        self.shown_story = view.story
        if self._read_timer is not None:
            self._read_timer.stop()
        if isinstance(view.story, Story):
            self._read_timer = self.set_timer(self.read_after, self._mark_shown_read)

    def jump_to_story(self, story_id: int) -> None:
        """Highlight a story, clearing the filter when it hides the story."""
        source = self.story_list.stories
        index = source.index_of(story_id) if source is not None else None
        if index is not None:
            self.story_list.move_to(index)
            self.story_list.focus()
        elif self.lists.filtered() or self.lists.view.mode == EVENTS:
            self.search_bar.input.value = ""
            self.search_bar.show_error(None)
            self.search_bar.display = False
            self.lists.clear_filter()
            self._switch_view(story_id)

    # ------------------------------------------------------------------ search, sort, unread

    @survivable
    def action_search(self) -> None:
        if self.screen is not self.screen_stack[0] or isinstance(self.focused, Input):
            raise SkipAction()  # in a query, or on a dialog, a / is typed
        self.search_bar.display = True
        # At once, not after what is queued (focus() waits): keys typed right after the / are the query's.
        self.set_focus(self.search_bar.input)

    @survivable
    def on_input_changed(self, message: Input.Changed) -> None:
        if not isinstance(message.input, SearchInput):
            return
        error = self.lists.try_query(message.value)
        if error is not None:
            self.search_bar.show_error(error.message, error.position)
            return  # the list keeps the last good result
        self.search_bar.show_error(None)
        self.refresh_list()

    @survivable
    def on_search_input_closed(self, message: SearchInput.Closed) -> None:
        if message.cleared:
            self.search_bar.show_error(None)
            self.search_bar.display = False
            self.lists.query_text = ""
            self.refresh_list()
        elif not self.lists.query_text.strip():
            self.search_bar.display = False
        self.story_list.focus()

    def set_query(self, text: str) -> None:
        self.search_bar.display = True
        self.search_bar.input.value = text  # Input.Changed applies it

    @survivable
    def action_cycle_sort(self) -> None:
        self.notify(f"Sorted by {self.lists.cycle_sort()}", timeout=1.5)
        self.refresh_list()

    @survivable
    def action_toggle_unread(self) -> None:
        self.lists.toggle_unread()
        self.refresh_list()

    # ------------------------------------------------------------------ marks and links

    def target(self) -> Article | None:
        """The article the link keys act on: the related one when that pane has focus."""
        if isinstance(self.focused, CoverageList):
            return self.focused.current()
        return self.shown_story.article if isinstance(self.shown_story, Story) else None

    def target_link(self) -> str:
        """The link `o` and `y` act on: the target's web URL, or for the story's own article
        the story's link (its webUrl, else its originalUrl)."""
        article = self.target()
        if article is None:
            return ""
        story = self.shown_story
        return story.link if isinstance(story, Story) and article is story.article else article.web_url

    @survivable
    def action_open_link(self) -> None:
        open_link(self, self.target_link())

    @survivable
    def action_copy_link(self) -> None:
        copy_link(self, self.target_link())

    @survivable
    def action_back(self) -> None:
        if self.story_list.has_focus and self.lists.view.event_id is not None:
            self.action_toggle_events()  # from one event's story files back to the events
            return
        self.story_list.focus()

    # ------------------------------------------------------------------ errors, quitting

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if not self.survive_errors:
                raise event.worker.error
            report_error(self, event.worker.error)
            if event.worker.group == "scan":  # the status must not say "reading" for ever
                self.lists.scan_failed = True
                self._update_status()

    @survivable
    def on_unmount(self) -> None:
        self.workers.cancel_all()
        collector.thaw()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()
        await super().on_event(event)

    @survivable
    def _collect_while_idle(self) -> None:
        """The garbage collector's full pass, when a key is unlikely to come meanwhile."""
        if time.monotonic() - self._last_input >= _IDLE_SECONDS:
            collector.collect_while_idle()


_SWITCH_SECONDS = 0.001
_IDLE_SECONDS = 1.0  # no key nor mouse for this long: the reader is idle


def run_app(path: str, *, use_cache: bool = True, max_bytes: int | None = None,
            display_name: str | None = None) -> int:
    app = ReaderApp(path, use_cache=use_cache, max_bytes=max_bytes, display_name=display_name)
    # Background threads (the scan's writes, the events) run Python for seconds; a key waits for
    # the interpreter's lock at each step to its frame. Handing it over every 1 ms, not 5, halved
    # the p90 of a key while events are computed (5,000 stories: 41-53 ms -> 21-24 ms).
    sys.setswitchinterval(_SWITCH_SECONDS)
    app.run()
    app.corpus.close()
    return 0 if app.return_code in (None, 0) else app.return_code
