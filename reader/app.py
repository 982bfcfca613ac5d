"""The Textual app: a story list, the highlighted story's detail, and its coverage."""

from __future__ import annotations

import functools
import inspect
import os
import time
from array import array
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from urllib.parse import urlsplit

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from reader import startup
from reader.commands import ReaderCommands
from reader.data.config import load_config
from reader.data.corpus import Corpus
from reader.data.index import SORTS
from reader.data.query import Query, QueryError, compile_query, parse_query
from reader.data.records import Article, LoadProgress, Problem, Story
from reader.data.state import MarkStore
from reader.data.coverage import outlet_key
from reader.widgets.coverage import CoverageList, CoveragePane
from reader.widgets.detail import DetailPane, LinkedStories
from reader.widgets.key_bar import KeyBar
from reader.widgets.search_bar import SearchBar, SearchInput
from reader.widgets.row_list import RowList
from reader.widgets.story_list import StoryList, StorySource
from reader.widgets.text import plural

_FIRST_ROWS = 300  # rows a query shows first on a large folder, while it fetches the rest
_LOADING_LIST_SECONDS = 1.0  # how often the list takes in new stories while a folder is read
_DETAIL_DELAY = 0.05  # s: holding j down moves the list, and loads only where it stops
_CHANGE_SETTLE_SECONDS = 0.2  # a change is read once the folder has been quiet this long
SORT_ORDER = list(SORTS)  # what `s` cycles through


class ScanProgress(Message):
    """Posted from the loader thread: where the scan stands, and the list order with
    the number of stories in the folder when that changed."""

    def __init__(self, progress: LoadProgress, ids: array | None, total: int) -> None:
        super().__init__()
        self.progress = progress
        self.ids = ids
        self.total = total


class ListReady(Message):
    """Posted from a list worker: the ids for the current query and sort."""

    def __init__(self, ids: array, total: int, partial: bool = False) -> None:
        super().__init__()
        self.ids = ids
        self.total = total
        self.partial = partial  # only the first rows; the rest follow


class StoryLoaded(Message):
    def __init__(self, story_id: int, story: Story | Problem, linked: list[tuple[int, str, int]]) -> None:
        super().__init__()
        self.story_id = story_id
        self.story = story
        self.linked = linked  # other stories covering the same articles


def web_url_or_reason(url: str) -> tuple[str | None, str]:
    """(url, "") when it may be opened; (None, why not) otherwise."""
    if not url:
        return None, "There is no URL to open."
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return None, f"Refused to open a link that is not http or https: {url[:80]}"
    return url, ""


def log_error(error: BaseException) -> str:
    """Append the traceback to the reader's log file; its path (or why there is none)."""
    import traceback

    from platformdirs import user_log_dir

    try:
        folder = user_log_dir("reader", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "errors.log")
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().isoformat()}\n")
            log.write("".join(traceback.format_exception(error)))
        return path
    except OSError as problem:
        return f"no log ({problem.strerror})"


class ReaderApp(App[None]):
    CSS_PATH = "reader.tcss"
    # A short terminal (80x24) gives the coverage list the rows the chart and preview would take.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    TITLE = "reader"
    COMMANDS = {ReaderCommands}
    # Each binding has an id, so the config file's [keys] table can rebind it.
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("s", "cycle_sort", "Sort", id="cycle_sort"),
        Binding("u", "toggle_unread", "Unread", id="toggle_unread"),
        Binding("m", "toggle_read", "Read", show=False, id="toggle_read"),
        Binding("asterisk", "toggle_star", "Star", id="toggle_star"),
        Binding("t", "topics", "Topics", show=False, id="topics"),
        Binding("p", "providers", "Providers", show=False, id="providers"),
        Binding("r", "raw", "Raw", show=False, id="raw"),
        Binding("c", "cycle_coverage_sort", "Coverage order", show=False, id="cycle_coverage_sort"),
        Binding("space", "pick_compare", "Pick", show=False, id="pick_compare"),
        Binding("x", "compare", "Compare", id="compare"),
        Binding("P", "outlet_view", "Outlet", show=False, id="outlet_view"),
        Binding("e", "export", "Export", show=False, id="export"),
        Binding("o", "open_link", "Open", id="open_link"),
        Binding("y", "copy_link", "Copy URL", show=False, id="copy_link"),
        Binding("exclamation_mark", "problems", "Problems", show=False, id="problems"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("escape", "back", "Back", show=False),
    ]

    survive_errors = True  # tests turn this off, so that bugs fail them
    scan_failed = False
    _listed_edits: int | None = None  # the index's edits when the scan last listed the stories

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
        self.marks = MarkStore()
        self.config = load_config()
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.watch = watch
        self.display_name = display_name or self.corpus.root
        self.rescan_seconds = rescan_seconds  # at least; a slow scan waits longer
        self.read_after = read_after  # seconds a story is shown before it counts as read
        self.progress = LoadProgress()
        self.loaded = False  # a scan of the folder has finished in this run
        self.list_complete = False  # the list holds every story (from the cache, or a scan)
        self.sort = self.config.sort
        self.query_text = ""  # the last query that parsed
        self.unread_only = False
        self.total = 0  # stories in the folder, whatever the filter
        self.list_partial = False  # the list holds only a query's first rows, the rest coming
        self.shown_id: int | None = None
        self._story: Story | Problem | None = None
        self._detail_timer = None
        self._read_timer = None
        self._scan_started = 0.0
        self._walk_seconds: float | None = None  # a scan's list pass when nothing had changed
        self._scan_listed = False
        self._errors_survived = 0
        self._notices_shown: set[str] = set()
        self._first_frame_drawn = True

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # Kept as attributes: `query_one` on the app searches the top screen,
        # which is a dialog while help or problems are open.
        # Only what the first frame shows is yielded here: the list, the panes' frames, the
        # status line. The rest is mounted after that frame (see `_mount_the_rest`).
        self.story_list = StoryList(id="stories")
        self.story_list.border_title = "Stories · title · outlet · date · outlets"
        yield self.story_list
        with Horizontal(id="lower"):
            with Vertical(id="left"):
                self.detail = DetailPane(self.now, id="detail")
                self.detail.border_title = "Story"
                yield self.detail
            self.coverage = CoveragePane(id="coverage")
            self.coverage.border_title = "Coverage"
            yield self.coverage
        self.status = Static(id="status")
        yield self.status
        yield KeyBar()
        self.search_bar = SearchBar(id="query-bar")
        self.search_bar.display = False
        self.linked = LinkedStories(id="linked")

    def _mount_the_rest(self) -> None:
        startup.end()
        self.mount(self.search_bar, before=self.story_list)
        self.query_one("#left").mount(self.linked)
        self.coverage.build()

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        theme = self.marks.recall("theme") or self.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda theme: self.marks.remember("theme", theme.name))
        # A warm start shows the indexed list at once (its first rows: the rest, for a large
        # folder, come from a worker); the scan then checks for changes.
        self.total = self.corpus.story_count()
        ids = self.corpus.story_ids(self.sort, limit=_FIRST_ROWS)
        if len(ids):
            self._first_frame_drawn = False  # the first story's file is read after it
            self.story_list.set_source(StorySource(self.corpus, ids))
        if len(ids) < self.total:
            self.list_partial = True
            self.refresh_list()
        if self.corpus.was_scanned:
            self.list_complete = True
            self.progress = LoadProgress(stories=self.total, problems=self.corpus.index.problem_count())
        self.story_list.focus()
        self._show_new_notices()
        if self.config.problem:
            self.notify(self.config.problem, title="Settings ignored", severity="error", markup=False, timeout=10)
        self._update_status()
        self.call_after_refresh(self._mount_the_rest)
        # On a warm start, after the first frame: the list is already on screen, and the
        # scan (a walk of every file) would only hold that frame back. On a cold start
        # at once: its helper processes start while the first frame is drawn.
        if self.list_complete:
            self.call_after_refresh(self.scan_folder)
        else:
            self.scan_folder()

    # ------------------------------------------------------------------ loading

    def _show_new_notices(self) -> None:
        """Notices from the data layer (cache rebuilt, marks unavailable...), each once."""
        for notice in [*self.corpus.notices, *self.marks.notices]:
            if notice not in self._notices_shown:
                self._notices_shown.add(notice)
                self.notify(notice, severity="warning", markup=False, timeout=8)

    def _query(self) -> Query:
        """What the list shows: the query, and unread-only."""
        return parse_query(f"{self.query_text} is:unread" if self.unread_only else self.query_text)

    def _filter(self) -> tuple[str, list]:
        """The SQL condition for what the list shows."""
        return compile_query(self._query())

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan_folder(self) -> None:
        worker = get_current_worker()
        last_count, listed_sent = -1, False

        ids_at = 0.0

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
                    ids = self.corpus.story_ids(self.sort, *self._filter())
                    self._listed_edits = edits
                listed_sent, ids_at = progress.listed, time.monotonic()
            self.post_message(ScanProgress(replace(progress), ids, last_count))

        self._scan_started, self._scan_listed = time.monotonic(), False
        self.scan_failed = False
        if self.watch:
            # Watched from before the walk: a change made while it runs is still seen after.
            self.corpus.folder_watch()
        # One helper process for the verify pass: the other core stays with the UI.
        self.corpus.scan(on_progress=report, cancelled=lambda: worker.is_cancelled, verify_workers=1)

    def on_scan_progress(self, message: ScanProgress) -> None:
        if message.progress.listed or not self.list_complete:
            self.progress = message.progress
        if message.progress.listed and not self._scan_listed:
            self._scan_listed = True
            if message.progress.files_read == 0:  # a list pass that found no change: a look costs this
                self._walk_seconds = time.monotonic() - self._scan_started
        if message.progress.listed:
            self.list_complete = True
        if message.ids is not None:
            self.total = message.total
            self._show_ids(message.ids)
        self._show_new_notices()
        current = self.story_list.current_id()
        if message.progress.done:
            self.loaded = True
        if message.ids is not None and self.loaded and current is not None and current == self.shown_id:
            # Its file may be the one that changed; its linked stories may be new from the verify pass.
            self.load_story(current)
        if message.progress.done and self.watch:
            # Walking the folder for changes takes at most a fifth of the time (a walk of
            # 100,000 files is not free); where the system says when it changes, sooner.
            self.wait_for_changes(max(self.rescan_seconds, 5 * (self._walk_seconds or 0)))
        self._update_status()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def wait_for_changes(self, seconds: float) -> None:
        """Scan again once the folder changes, or after `seconds` at the latest."""
        worker = get_current_worker()
        watch = self.corpus.folder_watch()
        deadline = time.monotonic() + seconds
        while not worker.is_cancelled and (left := deadline - time.monotonic()) > 0:
            step = min(left, 0.25)  # short steps: a cancelled worker (on quit) ends soon
            if watch is None:
                time.sleep(step)
            elif watch.wait(step):
                watch.settle(_CHANGE_SETTLE_SECONDS)
                break
        if not worker.is_cancelled:
            self.call_from_thread(self.scan_folder)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def refresh_list(self) -> None:
        """Run the current query and sort; the result arrives as ListReady.

        Two steps on a large folder: the first screenfuls at once, so the list
        follows the typing, then every id (which for 100,000 takes longer)."""
        worker = get_current_worker()
        sort, (where, params) = self.sort, self._filter()
        total = self.corpus.story_count()
        if total > _FIRST_ROWS:
            head = self.corpus.first_story_ids(sort, self._query(), _FIRST_ROWS)
            if worker.is_cancelled:
                return
            if len(head) < _FIRST_ROWS:  # that was all of them
                self.post_message(ListReady(head, total))
                return
            self.post_message(ListReady(head, total, partial=True))
        ids = self.corpus.story_ids(sort, where, params)
        if not worker.is_cancelled:
            self.post_message(ListReady(ids, total))

    def on_list_ready(self, message: ListReady) -> None:
        self.total = message.total
        self.list_partial = message.partial
        self._show_ids(message.ids)
        self._update_status()

    def _show_ids(self, ids: array) -> None:
        story_list = self.story_list
        if not len(ids) and self.progress.listed:
            story_list.empty_text = (
                f"No stories in {self.display_name}. A story file begins with a --- line of YAML front matter."
                if not self._filtered() else "No story matches. Esc in the query bar clears it"
                + ("; u shows read ones too." if self.unread_only else ".")
            )
        current = story_list.current_id()
        source = StorySource(self.corpus, ids)
        cursor = source.index_of(current) if current is not None else 0
        story_list.set_source(source, cursor if cursor is not None else story_list.cursor)
        story_list.border_subtitle = f"sorted by {self.sort}"

    def _filtered(self) -> bool:
        return bool(self.query_text.strip()) or self.unread_only

    def _update_status(self) -> None:
        progress = self.progress
        text = Text()
        if self.scan_failed:
            text.append("Reading the folder stopped on an error (see the notice); ", style="bold red")
            text.append(f"{self.story_list.row_count:,} stories shown")
        elif not self.list_complete:
            text.append("⏳ Reading stories… ", style="bold")
            text.append(f"{progress.files_read:,} files read, {progress.files_seen:,} found")
        else:
            if self._filtered():
                shown = f"{self.story_list.row_count:,}{'+' if self.list_partial else ''}"
                text.append(f"{shown} of {plural(self.total, 'story', 'stories')}", style="bold")
            else:
                text.append(plural(self.total, "story", "stories"), style="bold")
            if progress.problems:
                text.append(" · ")
                text.append(plural(progress.problems, "problem"), style="bold red")
                text.append(" (press !)", style="dim")
            if progress.listed and not progress.done and progress.to_verify:
                text.append(f" · verifying {progress.verified:,} of {progress.to_verify:,}", style="dim")
            elif not self.loaded:
                text.append(" · checking for changes…", style="dim")
        if self.unread_only:
            text.append(" · unread only", style="bold")
        if self.query_text.strip():
            text.append(" · query: ", style="dim")
            text.append(self.query_text.strip())
        text.append(f" · by {self.sort}", style="dim")
        text.append("   ")
        text.append(self.display_name, style="dim")
        self.status.update(text, layout=False)  # one line, always: a layout per progress report is costly

    # ------------------------------------------------------------------ selection

    def on_row_list_highlighted(self, message: RowList.Highlighted) -> None:
        if isinstance(message.row_list, StoryList):
            story_id = message.row_list.current_id()
            if story_id is not None and story_id == self.shown_id:
                return
            if self._detail_timer is not None:
                self._detail_timer.stop()
            if not self._first_frame_drawn:
                self._first_frame_drawn = True
                self.call_after_refresh(self._load_current)
                return
            self._detail_timer = self.set_timer(_DETAIL_DELAY, self._load_current)
        elif isinstance(message.row_list, CoverageList):
            self.coverage.show_entry(message.row_list.current_entry())

    def on_row_list_selected(self, message: RowList.Selected) -> None:
        if isinstance(message.row_list, StoryList):
            self.coverage.list.focus()
        elif isinstance(message.row_list, LinkedStories):
            story_id = message.row_list.current_story_id()
            if story_id is not None:
                self.jump_to_story(story_id)

    def _load_current(self) -> None:
        story_id = self.story_list.current_id()
        if story_id is None:
            self._show_story(None, None)
            self.linked.show([])
        else:
            self.load_story(story_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_story(self, story_id: int) -> None:
        story = self.corpus.load_story(story_id)
        self.post_message(StoryLoaded(story_id, story, self.corpus.index.linked_stories(story_id)))

    def on_story_loaded(self, message: StoryLoaded) -> None:
        if message.story_id != self.story_list.current_id():
            return
        if message.story_id == self.shown_id and message.story == self._story:
            if message.linked != self.linked.linked:
                self.linked.show(message.linked)
            return  # read again after a change elsewhere in the folder: the panes keep their place
        self._show_story(message.story_id, message.story)
        self.linked.show(message.linked)

    def _show_story(self, story_id: int | None, story: Story | Problem | None) -> None:
        self.shown_id = story_id
        self._story = story
        self.detail.show(story)
        self.coverage.show_story(story if isinstance(story, Story) else None)
        if self._read_timer is not None:
            self._read_timer.stop()
        if isinstance(story, Story):
            self._read_timer = self.set_timer(self.read_after, self._mark_shown_read)

    def _mark_shown_read(self) -> None:
        row = self._current_row()
        if row is not None and row.id == self.shown_id and not row.read:
            self.marks.set_read(row.key, True)
            self._refresh_row(row.id)

    def _current_row(self):
        source = self.story_list.stories
        return source.story_row(self.story_list.cursor) if source is not None else None

    def _refresh_row(self, story_id: int) -> None:
        source = self.story_list.stories
        if source is not None:
            source.forget(story_id)
            self.story_list.reload()

    def jump_to_story(self, story_id: int) -> None:
        """Highlight a story, clearing the filter when it hides the story."""
        source = self.story_list.stories
        index = source.index_of(story_id) if source is not None else None
        if index is None and self._filtered():
            self.query_text, self.unread_only = "", False
            self.search_bar.input.value = ""
            self.search_bar.show_error(None)
            self.search_bar.display = False
            ids = self.corpus.story_ids(self.sort)
            self._show_ids(ids)
            index = self.story_list.stories.index_of(story_id)
            self._update_status()
        if index is not None:
            self.story_list.move_to(index)
            self.story_list.focus()

    # ------------------------------------------------------------------ search, sort, views

    def action_search(self) -> None:
        self.search_bar.display = True
        self.search_bar.input.focus()

    def on_input_changed(self, message: Input.Changed) -> None:
        if not isinstance(message.input, SearchInput):
            return
        try:
            compile_query(parse_query(message.value))
        except QueryError as error:
            self.search_bar.show_error(error.message, error.position)
            return  # the list keeps the last good result
        self.search_bar.show_error(None)
        self.query_text = message.value
        self.refresh_list()

    def on_search_input_closed(self, message: SearchInput.Closed) -> None:
        if message.cleared:
            self.search_bar.show_error(None)
            self.search_bar.display = False
            self.query_text = ""
            self.refresh_list()
        elif not self.query_text.strip():
            self.search_bar.display = False
        self.story_list.focus()

    def set_query(self, text: str) -> None:
        self.search_bar.display = True
        self.search_bar.input.value = text  # Input.Changed applies it

    def action_cycle_sort(self) -> None:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self.notify(f"Sorted by {self.sort}", timeout=1.5)
        self.refresh_list()

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.refresh_list()

    def action_topics(self) -> None:
        from reader.screens.pick import PickScreen

        self.push_screen(
            PickScreen("Topics", self.corpus.index.topic_counts(), "Enter filters the list by a topic; Esc closes."),
            lambda topic: topic and self.set_query(f'topic:"{_quoted(topic)}"'),
        )

    def action_providers(self) -> None:
        from reader.screens.pick import PickScreen

        self.push_screen(
            PickScreen("Providers", self.corpus.index.provider_counts(), "Enter filters the list by an outlet; Esc closes."),
            lambda name: name and self.set_query(f'provider:"{_quoted(name)}"'),
        )

    # ------------------------------------------------------------------ marks

    def action_toggle_read(self) -> None:
        row = self._current_row()
        if row is not None:
            self.marks.set_read(row.key, not row.read)
            if self._read_timer is not None:
                self._read_timer.stop()  # a story marked unread by hand stays unread
            self._refresh_row(row.id)

    def action_toggle_star(self) -> None:
        row = self._current_row()
        if row is not None:
            self.marks.set_starred(row.key, not row.starred)
            self._refresh_row(row.id)

    # ------------------------------------------------------------------ other actions

    def _target(self) -> Article | None:
        """The article the link keys act on: the related one when that pane has focus."""
        if isinstance(self.focused, CoverageList):
            return self.focused.current()
        return self._story.article if isinstance(self._story, Story) else None

    def action_open_link(self) -> None:
        target = self._target()
        url, reason = web_url_or_reason(target.web_url if target else "")
        if url is None:
            self.notify(reason, severity="warning", markup=False)
            return
        missing = _no_browser()
        if missing:
            self.notify(f"{missing}; y copies the URL instead.", severity="warning", markup=False)
            return
        self.open_url(url)
        self.notify(f"Opening {url}", markup=False)

    def action_copy_link(self) -> None:
        target = self._target()
        if target is None or not target.web_url:
            self.notify("There is no URL to copy.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(target.web_url)
        self.notify(f"Copied {target.web_url}", markup=False)

    def action_raw(self) -> None:
        from reader.screens.raw import RawScreen

        story_id = self.story_list.current_id()
        if story_id is None:
            return
        raw = self.corpus.raw_text(story_id)
        if isinstance(raw, Problem):
            self.notify(raw.line_of_text(), severity="warning", markup=False)
        else:
            self.push_screen(RawScreen(self.corpus.index.path_of(story_id) or "", raw))

    def action_cycle_coverage_sort(self) -> None:
        self.notify(f"Coverage by {self.coverage.cycle_sort()}", timeout=1.5)

    def action_pick_compare(self) -> None:
        if not isinstance(self.focused, CoverageList):
            self.notify("Pick an article in the coverage pane (Enter goes there).", markup=False)
            return
        picked = self.coverage.pick()
        if picked is not None:
            self.notify("Picked. Highlight another article and press x to compare.", markup=False)

    def action_compare(self) -> None:
        from reader.screens.compare import CompareScreen

        story = self._story
        if not isinstance(story, Story):
            return
        picked = self.coverage.picked.article if self.coverage.picked else None
        current = self.coverage.list.current() if isinstance(self.focused, CoverageList) else None
        left = picked or story.article
        right = current if current is not None and current != left else (story.article if picked else None)
        if right is None or right == left:
            self.notify("Highlight an article in the coverage pane (Enter goes there), then x; "
                        "space picks one to compare with instead of the story.", markup=False)
            return
        self.push_screen(CompareScreen(left, right))

    def action_outlet_view(self) -> None:
        target = self._target()
        if target is None:
            return
        outlet = outlet_key(target.provider)
        if not outlet:
            self.notify("This article names no outlet.", markup=False)
            return
        self.read_outlet(target.provider.label, outlet)

    @work(thread=True, exclusive=True, group="outlet", exit_on_error=False)
    def read_outlet(self, label: str, outlet: str) -> None:
        # Off the UI thread: a large outlet in a large folder is thousands of related rows.
        index = self.corpus.index
        first, known = index.times_first(outlet)
        rows = index.outlet_articles(outlet)
        self.call_from_thread(self._show_outlet, label, rows, first, known)

    def _show_outlet(self, label: str, rows: list, first: int, known: int) -> None:
        from reader.screens.outlet import OutletScreen

        self.push_screen(OutletScreen(label, rows, first, known),
                         lambda story_id: story_id is not None and self.jump_to_story(story_id))

    def action_export(self) -> None:
        from reader.data.export import export_folder
        from reader.screens.export import ExportScreen

        source = self.story_list.stories
        ids = list(source.ids) if source is not None else []
        if not ids:
            self.notify("There are no stories in view to export.", severity="warning", markup=False)
            return
        try:
            folder = export_folder(self.corpus)
        except OSError as error:
            self.notify(f"Cannot export: {error}", severity="error", markup=False)
            return
        self.push_screen(ExportScreen(len(ids), folder), lambda fmt: fmt and self._start_export(ids, fmt))

    def _start_export(self, ids: list[int], fmt: str) -> None:
        # A large view takes seconds to write: say that it is under way.
        self.notify(f"Exporting {plural(len(ids), 'story', 'stories')}…", timeout=2, markup=False)
        self.export_view(ids, fmt)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_view(self, ids: list[int], fmt: str) -> None:
        from reader.data.export import export_to_file

        try:
            path, count = export_to_file(self.corpus, ids, fmt, datetime.now())
        except OSError as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"Wrote {plural(count, 'story', 'stories')} to {path}",
                              markup=False, timeout=8)

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        from reader.screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen(self.corpus.problems()))

    def action_back(self) -> None:
        self.story_list.focus()

    # ------------------------------------------------------------------ errors

    def report_error(self, error: Exception) -> None:
        """A bug must not cost the user the screen: say so, log it, and go on."""
        self.notify(f"Something went wrong: {type(error).__name__}: {error}. Details: {log_error(error)}",
                    severity="error", markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if not self.survive_errors:
                raise event.worker.error
            self.report_error(event.worker.error)
            if event.worker.group == "scan":  # the status must not say "reading" for ever
                self.scan_failed = True
                self._update_status()

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.marks.close()


# Browsers that run in the terminal would draw over the reader's screen.
_TEXT_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m"})


def _no_browser() -> str | None:
    """Why a link cannot be opened here, or None when a browser is there to open it."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "No web browser was found on this machine"
    if getattr(browser, "name", "") in _TEXT_BROWSERS:
        return f"The only browser here is {browser.name}, which would take over this screen"
    return None


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _survivable(method: Callable) -> Callable:
    """Wrap a handler so that an exception becomes a notice (Textual would end the app)."""

    @functools.wraps(method)
    def run(self: ReaderApp, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
            if not self.survive_errors:
                raise
            self.report_error(error)
            return None

    return run


for _name, _value in list(vars(ReaderApp).items()):
    if _name.startswith(("action_", "on_", "_load_current", "_mark_shown_read", "_show_")) and callable(_value) \
            and not inspect.iscoroutinefunction(_value) and _name != "on_worker_state_changed":
        setattr(ReaderApp, _name, _survivable(_value))


def run_app(path: str, *, use_cache: bool = True, max_bytes: int | None = None,
            display_name: str | None = None) -> int:
    app = ReaderApp(path, use_cache=use_cache, max_bytes=max_bytes, display_name=display_name)
    app.run()
    app.corpus.close()
    return 0 if app.return_code in (None, 0) else app.return_code
