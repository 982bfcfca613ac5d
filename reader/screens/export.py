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

    def __init__(self, count: int, folder: str, events: bool = False) -> None:
        super().__init__()
        self.count, self.folder, self.events = count, folder, events

    def compose(self) -> ComposeResult:
        if self.events:
            what = f"{self.count:,} {'event' if self.count == 1 else 'events'}"
            digest = "each event with its articles' timeline"
        else:
            what = f"{self.count:,} {'story' if self.count == 1 else 'stories'}"
            digest = "each story with its coverage timeline"
        with Vertical(classes="small-dialog") as box:
            box.border_title = "Export"
            yield Static(f"Write the {what} in view to a new file in {self.folder}", markup=False)
            yield Static(f"m  Markdown digest ({digest})\n"
                         "j  JSON (every field)\nEsc  cancel", markup=False)
