"""The app's actions that open a view over the story: pickers, raw file, compare,
outlet, export, help and problems. A mixin of ReaderApp, which gives it the corpus,
the panes and `target()`."""

from __future__ import annotations

from datetime import datetime

from textual import work

from reader.data.coverage import outlet_key
from reader.data.records import Problem, Story
from reader.data.query import quoted
from reader.errors import survivable
from reader.widgets.coverage import CoverageList
from reader.widgets.text import plural


class ViewActions:
    @survivable
    def action_topics(self) -> None:
        self.read_picker("Topics", "topic")

    @survivable
    def action_providers(self) -> None:
        self.read_picker("Providers", "provider")

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def read_picker(self, title: str, field: str) -> None:
        # Off the UI thread: counting the topics or outlets of 100,000 stories takes a third of a second.
        index = self.corpus.index
        counts = index.topic_counts() if field == "topic" else index.provider_counts()
        self.call_from_thread(self._show_picker, title, field, counts)

    @survivable
    def _show_picker(self, title: str, field: str, counts: list) -> None:
        from reader.screens.pick import PickScreen

        what = "a topic" if field == "topic" else "an outlet"
        self.push_screen(PickScreen(title, counts, f"Enter filters the list by {what}; Esc closes."),
                         lambda picked: picked and self.set_query(f"{field}:{quoted(picked)}"))

    @survivable
    def action_raw(self) -> None:
        story_id = self.story_list.current_id()
        if story_id is not None:
            self.read_raw(story_id)

    @work(thread=True, exclusive=True, group="raw", exit_on_error=False)
    def read_raw(self, story_id: int) -> None:
        # Off the UI thread: a file of a few megabytes takes a few tenths of a second to read and make safe.
        raw = self.corpus.raw_text(story_id)
        self.call_from_thread(self._show_raw, self.corpus.index.path_of(story_id) or "", raw)

    @survivable
    def _show_raw(self, path: str, raw: str | Problem) -> None:
        from reader.screens.raw import RawScreen

        if isinstance(raw, Problem):
            self.notify(raw.line_of_text(), severity="warning", markup=False)
        else:
            self.push_screen(RawScreen(path, raw))

    @survivable
    def action_cycle_coverage_sort(self) -> None:
        self.notify(f"Coverage by {self.coverage.cycle_sort()}", timeout=1.5)

    @survivable
    def action_pick_compare(self) -> None:
        if not isinstance(self.focused, CoverageList):
            self.notify("Pick an article in the coverage pane (Enter goes there).", markup=False)
            return
        picked = self.coverage.pick()
        if picked is not None:
            self.notify("Picked. Highlight another article and press x to compare.", markup=False)

    @survivable
    def action_compare(self) -> None:
        from reader.screens.compare import CompareScreen

        story = self.shown_story
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

    @survivable
    def action_outlet_view(self) -> None:
        target = self.target()
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
        unit = "event" if self.corpus.events_ready else "story"  # what times_first counts
        first, known = index.times_first(outlet)
        rows = index.outlet_articles(outlet)
        self.call_from_thread(self._show_outlet, label, rows, first, known, unit)

    @survivable
    def _show_outlet(self, label: str, rows: list, first: int, known: int, unit: str) -> None:
        from reader.screens.outlet import OutletScreen

        self.push_screen(OutletScreen(label, rows, first, known, unit),
                         lambda story_id: story_id is not None and self.jump_to_story(story_id))

    @survivable
    def action_export(self) -> None:
        from reader.data.export import export_folder
        from reader.screens.export import ExportScreen

        source = self.story_list.listed
        events = self.story_list.events is not None
        ids = list(source.ids) if source is not None else []
        if not ids:
            what = "events" if events else "stories"
            self.notify(f"There are no {what} in view to export.", severity="warning", markup=False)
            return
        try:
            folder = export_folder(self.corpus)
        except OSError as error:
            self.notify(f"Cannot export: {error}", severity="error", markup=False)
            return
        self.push_screen(ExportScreen(_exported(len(ids), events), folder, events),
                         lambda fmt: fmt and self._start_export(ids, fmt, events))

    def _start_export(self, ids: list[int], fmt: str, events: bool) -> None:
        # A large view takes seconds to write: say that it is under way.
        self.notify(f"Exporting {_exported(len(ids), events)}…", timeout=2, markup=False)
        self.export_view(ids, fmt, events)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_view(self, ids: list[int], fmt: str, events: bool) -> None:
        from reader.data.export import export_to_file

        try:
            path, count = export_to_file(self.corpus, ids, fmt, datetime.now(), events)
        except OSError as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"Wrote {_exported(count, events)} to {path}", markup=False, timeout=8)

    @survivable
    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    @survivable
    def action_problems(self) -> None:
        from reader.screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen(self.corpus.problems()))


def _exported(count: int, events: bool) -> str:
    return plural(count, "event") if events else plural(count, "story", "stories")
