"""The story file as it is on disk (made safe for the terminal): every key, the body too."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.sanitize import shown_path


class RawScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape,q,r", "dismiss", "Close"),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
        Binding("g,home", "scroll('home')", show=False),
        Binding("G,end", "scroll('end')", show=False),
    ]

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="raw-box") as box:
            box.border_title = "Raw file"
            box.border_subtitle = "Esc closes"
            yield Static(Text(shown_path(self.path), style="bold"))
            yield Static(Text(self.text))

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#raw-box", VerticalScroll)
        moves = {"down": box.scroll_down, "up": box.scroll_up, "home": box.scroll_home, "end": box.scroll_end}
        moves[direction](animate=False)
