"""Pick one value from a list with counts: the topics and providers views."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.widgets.row_list import Column, ItemSource, Row, RowList


def _count_row(item: tuple[str, int]) -> Row:
    label, count = item
    return Row((label, f"{count:,}"))


class PickScreen(ModalScreen[str | None]):
    """Enter picks the highlighted value; Esc picks nothing."""
    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close")]

    def __init__(self, title: str, rows: list[tuple[str, int]], hint: str) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield RowList([Column(0), Column(8, align="right")], ItemSource(self.rows, _count_row),
                          empty_text="Nothing to pick from yet.", id="pick-list")
            yield Static(self.hint, classes="hint", markup=False)

    def on_row_list_selected(self, message: RowList.Selected) -> None:
        message.stop()
        self.dismiss(self.rows[message.index][0])
