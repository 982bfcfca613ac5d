"""The problems screen: every file that could not be read, with the reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.records import Problem
from reader.widgets.row_list import Column, ItemSource, Row, RowList
from reader.widgets.text import plural


class ProblemsScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        path_width = min(48, max((len(problem.path) for problem in self.problems), default=10))
        with Vertical(id="problems-box", classes="dialog") as box:
            box.border_title = plural(len(self.problems), "problem")
            yield RowList(
                [Column(path_width), Column(0)],
                ItemSource(self.problems, lambda problem: Row((problem.path, problem.describe()))),
                empty_text="Every file was read without a problem.",
                id="problems-list",
            )
            yield Static("Esc closes. `reader check PATH` prints this list.", classes="hint")
