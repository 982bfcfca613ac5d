"""Ask which format to export the stories (or events) in view as."""

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

    def __init__(self, what: str, folder: str, events: bool = False) -> None:
        """`what`: the rows in view, counted (`12 stories`); `events`: they are events."""
        super().__init__()
        self.what, self.folder, self.events = what, folder, events

    def compose(self) -> ComposeResult:
        digest = "each event with its articles' timeline" if self.events else "each story with its coverage timeline"
        with Vertical(classes="small-dialog") as box:
            box.border_title = "Export"
            yield Static(f"Write the {self.what} in view to a new file in {self.folder}", markup=False)
            yield Static(f"m  Markdown digest ({digest})\n"
                         "j  JSON (every field)\nEsc  cancel", markup=False)
