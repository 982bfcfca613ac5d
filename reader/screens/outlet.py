"""One outlet across the folder: its stories, its articles in others' coverage,
and how often it reported first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.dates import from_epoch
from reader.widgets.row_list import Column, ItemSource, Row, RowList
from reader.widgets.text import plural, short_date


def _article_row(item: tuple[int, int | None, str, str | None, int]) -> Row:
    _, published, title, within, holders = item
    role = "its story" if within is None else f"in: {within}"
    if holders > 1:
        role = f"in {holders} stories: {within}"
    return Row((short_date(from_epoch(published)), title, role), "strong" if within is None else "")


class OutletScreen(ModalScreen[int | None]):
    """Enter goes to the story (the one whose coverage holds the article)."""
    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close")]

    def __init__(self, name: str, rows: list, first: int, known: int, unit: str = "event") -> None:
        """`first` of `known` events (`unit`; "story" before the folder's events are computed)
        the outlet reported first."""
        super().__init__()
        self.outlet_name, self.rows, self.first, self.known, self.unit = name, rows, first, known, unit

    def compose(self) -> ComposeResult:
        stories = sum(1 for row in self.rows if row[3] is None)
        with Vertical(classes="dialog") as box:
            box.border_title = "Outlet"
            yield Static(self.outlet_name, classes="outlet-name", markup=False)
            yield Static(
                f"{plural(stories, 'story', 'stories')} of its own · {plural(len(self.rows) - stories, 'article')}"
                f" in other stories' coverage · first to report {self._units(self.first)} (of {self.known:,} it reported)",
                classes="hint", markup=False,
            )
            yield RowList([Column(10, dim=True), Column(0), Column(36, dim=True, hide_below=80)],
                          ItemSource(self.rows, _article_row), empty_text="Nothing from this outlet.", id="outlet-list")
            yield Static("Enter goes to the story (for an article, the newest story whose coverage holds it)."
                         " Esc closes.", classes="hint")

    def _units(self, count: int) -> str:
        return plural(count, "story", "stories") if self.unit == "story" else plural(count, self.unit)

    def on_row_list_selected(self, message: RowList.Selected) -> None:
        message.stop()
        self.dismiss(self.rows[message.index][0])
