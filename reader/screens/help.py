"""The help screen: every key, from the one table the app binds them from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# (keys as shown, what they do). The app's own bindings are checked against this
# table by a test, so the help cannot fall behind the keys.
KEYS: list[tuple[str, str]] = [
    ("j / ↓, k / ↑", "move down / up"),
    ("g / Home, G / End", "first / last"),
    ("PgDn, PgUp", "page down / up"),
    ("Tab, Shift+Tab", "next / previous pane"),
    ("Enter", "from a story to its coverage"),
    ("Esc", "back to the story list"),
    ("o", "open the highlighted story or article in the browser (http and https only)"),
    ("y", "copy its URL"),
    ("!", "list the files that could not be read"),
    ("?", "this help"),
    ("q", "quit"),
    ("mouse", "click selects, double click is Enter, the wheel scrolls"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Keys\n\n", style="bold")
        width = max(len(keys) for keys, _ in KEYS)
        for keys, meaning in KEYS:
            text.append(f"  {keys:<{width}}  ", style="bold")
            text.append(f"{meaning}\n")
        text.append("\nEsc, q or ? closes this screen.", style="dim")
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(text)
