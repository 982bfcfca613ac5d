"""The Textual app: a story list, the highlighted story's detail, and its coverage."""

from __future__ import annotations

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
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from reader.data.corpus import Corpus
from reader.data.records import Article, LoadProgress, Problem, Story
from reader.screens.help import HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.widgets.coverage import CoverageList, CoveragePane
from reader.widgets.detail import DetailPane
from reader.widgets.row_list import RowList
from reader.widgets.story_list import StoryList, StorySource
from reader.widgets.text import plural

_DETAIL_DELAY = 0.05  # s: holding j down moves the list, and loads only where it stops


class ScanProgress(Message):
    """Posted from the loader thread: where the scan stands, and the list order."""

    def __init__(self, progress: LoadProgress, ids: array | None) -> None:
        super().__init__()
        self.progress = progress
        self.ids = ids


class StoryLoaded(Message):
    def __init__(self, story_id: int, story: Story | Problem) -> None:
        super().__init__()
        self.story_id = story_id
        self.story = story


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


class ReaderApp(App[None]):
    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("exclamation_mark", "problems", "Problems"),
        Binding("o", "open_link", "Open"),
        Binding("y", "copy_link", "Copy URL"),
        Binding("tab", "focus_next", "Next pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("escape", "back", "Back", show=False),
    ]

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
    ) -> None:
        super().__init__()
        options = {} if max_bytes is None else {"max_bytes": max_bytes}
        self.corpus = Corpus(path, use_cache=use_cache, **options)
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.watch = watch
        self.rescan_seconds = rescan_seconds  # at least; a slow scan waits longer
        self.display_name = display_name or self.corpus.root
        self.progress = LoadProgress()
        self.loaded = False  # a scan of the folder has finished in this run
        self.list_complete = False  # the list holds every story (from the cache, or a scan)
        self._detail_timer = None
        self.shown_id: int | None = None
        self._story: Story | Problem | None = None
        self._scan_started = 0.0
        self._last_scan_seconds = 0.0

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # Kept as attributes: `query_one` on the app searches the top screen,
        # which is a dialog while help or problems are open.
        self.story_list = StoryList(id="stories")
        self.story_list.border_title = "Stories"
        self.story_list.border_subtitle = "title · outlet · date · related"
        yield self.story_list
        with Horizontal(id="lower"):
            self.detail = DetailPane(self.now, id="detail")
            self.detail.border_title = "Story"
            yield self.detail
            self.coverage = CoveragePane(id="coverage")
            self.coverage.border_title = "Coverage"
            yield self.coverage
        self.status = Static(id="status")
        yield self.status
        yield Footer()

    def on_mount(self) -> None:
        story_list = self.story_list
        # A warm start shows the indexed list at once; the scan then checks for changes.
        ids = self.corpus.story_ids()
        if len(ids):
            story_list.set_source(StorySource(self.corpus, ids))
        if self.corpus.was_scanned:
            self.list_complete = True
            self.progress = LoadProgress(stories=len(ids), problems=len(self.corpus.problems()))
        story_list.focus()
        for notice in self.corpus.notices:
            self.notify(notice, severity="warning", markup=False)
        self._update_status()
        self.scan_folder()

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan_folder(self) -> None:
        worker = get_current_worker()
        last_count, listed_sent = -1, False

        def report(progress: LoadProgress) -> None:
            # The list order is read here, in the loader thread, and only when it changed.
            nonlocal last_count, listed_sent
            ids = None
            count = self.corpus.story_count() if progress.files_read or progress.listed else last_count
            if count != last_count or (progress.listed and not listed_sent) or progress.done:
                ids = self.corpus.story_ids()
                last_count, listed_sent = count, progress.listed
            self.post_message(ScanProgress(replace(progress), ids))

        self._scan_started = time.monotonic()
        # One helper process for the verify pass: the other core stays with the UI.
        self.corpus.scan(on_progress=report, cancelled=lambda: worker.is_cancelled, verify_workers=1)

    def on_scan_progress(self, message: ScanProgress) -> None:
        if message.progress.listed or not self.list_complete:
            self.progress = message.progress
        if message.progress.listed:
            self.list_complete = True
        if message.ids is not None:
            self._show_ids(message.ids)
        if message.progress.done:
            first = not self.loaded
            self.loaded = self.list_complete = True
            self._last_scan_seconds = time.monotonic() - self._scan_started
            if first:
                for notice in self.corpus.notices:
                    self.notify(notice, severity="warning", markup=False)
            if self.watch:
                delay = max(self.rescan_seconds, 5 * self._last_scan_seconds)
                self.set_timer(delay, self.scan_folder)
        self._update_status()

    def _show_ids(self, ids: array) -> None:
        story_list = self.story_list
        if not len(ids) and self.progress.listed:
            story_list.empty_text = (
                f"No stories in {self.display_name}. A story file begins with a --- line of YAML front matter."
            )
        current = story_list.current_id()
        source = StorySource(self.corpus, ids)
        cursor = source.index_of(current) if current is not None else 0
        story_list.set_source(source, cursor if cursor is not None else story_list.cursor)

    def _update_status(self) -> None:
        progress = self.progress
        text = Text()
        if not self.list_complete:
            text.append("⏳ Reading stories… ", style="bold")
            text.append(f"{progress.files_read:,} files read, {progress.files_seen:,} found")
        else:
            text.append(plural(progress.stories, "story", "stories"), style="bold")
            if progress.problems:
                text.append(" · ")
                text.append(plural(progress.problems, "problem"), style="bold red")
                text.append(" (press !)", style="dim")
            if progress.listed and not progress.done and progress.to_verify:
                text.append(f" · verifying {progress.verified:,} of {progress.to_verify:,}", style="dim")
            elif not self.loaded:
                text.append(" · checking for changes…", style="dim")
        text.append("   ")
        text.append(self.display_name, style="dim")
        self.status.update(text)

    # ------------------------------------------------------------------ selection

    def on_row_list_highlighted(self, message: RowList.Highlighted) -> None:
        if isinstance(message.row_list, StoryList):
            story_id = message.row_list.current_id()
            if story_id is not None and story_id == self.shown_id:
                return
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._detail_timer = self.set_timer(_DETAIL_DELAY, self._load_current)
        elif isinstance(message.row_list, CoverageList):
            self.coverage.show_article(message.row_list.current())

    def on_row_list_selected(self, message: RowList.Selected) -> None:
        if isinstance(message.row_list, StoryList):
            self.coverage.query_one(CoverageList).focus()

    def _load_current(self) -> None:
        story_id = self.story_list.current_id()
        if story_id is None:
            self._show_story(None, None)
        else:
            self.load_story(story_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_story(self, story_id: int) -> None:
        self.post_message(StoryLoaded(story_id, self.corpus.load_story(story_id)))

    def on_story_loaded(self, message: StoryLoaded) -> None:
        if message.story_id == self.story_list.current_id():
            self._show_story(message.story_id, message.story)

    def _show_story(self, story_id: int | None, story: Story | Problem | None) -> None:
        self.shown_id = story_id
        self._story = story
        self.detail.show(story)
        self.coverage.show_story(story if isinstance(story, Story) else None)

    # ------------------------------------------------------------------ actions

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
        self.open_url(url)
        self.notify(f"Opening {url}", markup=False)

    def action_copy_link(self) -> None:
        target = self._target()
        if target is None or not target.web_url:
            self.notify("There is no URL to copy.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(target.web_url)
        self.notify(f"Copied {target.web_url}", markup=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        self.push_screen(ProblemsScreen(self.corpus.problems()))

    def action_back(self) -> None:
        self.story_list.focus()

    def on_unmount(self) -> None:
        self.workers.cancel_all()


def run_app(path: str, *, use_cache: bool = True, max_bytes: int | None = None,
            display_name: str | None = None) -> int:
    app = ReaderApp(path, use_cache=use_cache, max_bytes=max_bytes, display_name=display_name)
    app.run()
    app.corpus.close()
    return 0 if app.return_code in (None, 0) else app.return_code
