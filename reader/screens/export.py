"""Ask which format to export the stories in view as."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ExportScreen(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("m", "dismiss('markdown')", "Markdown"),
        Binding("j", "dismiss('json')", "JSON"),
        Binding("escape,q", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, count: int, folder: str) -> None:
        super().__init__()
        self.count, self.folder = count, folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="small-dialog") as box:
            box.border_title = "Export"
            yield Static(f"Write the {self.count:,} stories in view to a new file in {self.folder}", markup=False)
            yield Static("m  Markdown digest (each story with its coverage timeline)\n"
                         "j  JSON (every field)\nEsc  cancel", markup=False)
