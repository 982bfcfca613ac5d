"""The story file as it is on disk (made safe for the terminal): every key, the body too."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.sanitize import shown_path
from reader.widgets.detail import LaidOut, TextLines
from reader.widgets.text import plural

# What the view lays out of a file: ~3,000 lines. A larger file is one for an editor: the whole of
# one of 4.6 MB took the UI thread 4.5 s to lay out, and a G in it 3.4 s more.
SHOWN_CHARS = 200_000


class RawScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,r", "dismiss", "Close")]

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text
        self.lines = TextLines(id="raw-text")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="raw-box") as box:
            box.border_title = "Raw file"
            box.border_subtitle = "Esc closes"
            yield Static(Text(shown_path(self.path), style="bold"))
            yield self.lines

    def on_mount(self) -> None:
        self.lines.show_content(Text("Laying out the file…", style="dim italic"))
        self.lines.focus()
        self.call_after_refresh(lambda: self.lay_out(self.lines.layout()))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def lay_out(self, layout: tuple[Console, ConsoleOptions] | None) -> None:
        """The file's text as the view's lines, off the UI thread."""
        text = Text(self.text[:SHOWN_CHARS])
        rest = len(self.text) - SHOWN_CHARS
        if rest > 0:
            text.append(f"\n… {plural(rest, 'more character')} not shown: open the file in an editor",
                        style="dim italic")
        # Without a width yet, the view lays the text out once it has one.
        content = LaidOut(text, *layout) if layout is not None else text
        self.app.call_from_thread(self._show_lines, content)

    def _show_lines(self, content: LaidOut | Text) -> None:
        if self.lines.is_attached:  # else the view was closed meanwhile
            self.lines.show_content(content)
