"""The problems screen: every file that could not be read, with the reason."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.records import Problem
from reader.data.sanitize import shown_path
from reader.widgets.row_list import Column, ItemSource, Row, RowList
from reader.widgets.text import plural


class ProblemsScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        path_width = min(48, max((cell_len(shown_path(problem.path)) for problem in self.problems), default=10))
        with Vertical(id="problems-box", classes="dialog") as box:
            box.border_title = plural(len(self.problems), "problem")
            yield RowList(
                [Column(path_width), Column(0)],
                ItemSource(self.problems, lambda problem: Row((shown_path(problem.path), problem.describe()))),
                empty_text="Every file was read without a problem.",
                id="problems-list",
            )
            # The list cuts long paths and reasons to fit; the highlighted one is shown whole.
            yield Static(id="problem-detail")
            yield Static("Esc closes. `reader check PATH` prints this list.", classes="hint")

    def on_mount(self) -> None:
        self._show_whole(0)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        self._show_whole(event.index)

    def _show_whole(self, index: int) -> None:
        detail = self.query_one("#problem-detail", Static)
        if not 0 <= index < len(self.problems):
            detail.display = False
            return
        problem = self.problems[index]
        text = Text()
        text.append(shown_path(problem.path), style="bold")
        text.append("\n" + problem.describe())
        detail.update(text)
