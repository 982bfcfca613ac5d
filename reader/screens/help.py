"""The help screen: every key, from the one table the app binds them from."""

from __future__ import annotations

from rich.table import Table
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
    ("Enter", "coverage of a story; an event's story files; go to a linked story or article"),
    ("Esc", "back to the list (an event's files: to the events); in the query bar, clear it"),
    ("/", "search: the list narrows as you type (Enter keeps the query)"),
    ("s", "cycle the sort; with a query, relevance (own title or excerpt matches) first"),
    ("v", "stories or events: each piece of news once, with its outlets and story files"),
    ("u", "only unread stories, or all again"),
    ("m", "mark the story read or unread (it is marked read after a second on screen)"),
    ("*", "star or unstar the story"),
    ("t", "topics, with their number of stories: Enter filters by one"),
    ("p", "providers, with their number of stories: Enter filters by one"),
    ("r", "the story file as it is on disk"),
    ("c", "order the coverage by time, quality or provider"),
    ("x", "compare the highlighted article with the story (or the one picked with Space)"),
    ("Space", "pick the highlighted article for a compare"),
    ("Shift+P", "the highlighted article's outlet across the folder, and how often it was first"),
    ("e", "export the stories (or events) in view to a Markdown or JSON file"),
    ("o", "open the highlighted story or article in the browser (http and https only)"),
    ("y", "copy its URL"),
    ("!", "list the files that could not be read"),
    ("ctrl+p", "the command palette: every action, and any story by its title"),
    ("?", "this help"),
    ("q", "quit"),
    ("mouse", "click selects, double click is Enter, the wheel scrolls"),
]

# What the marks in the lists mean.
MARKS: list[tuple[str, str]] = [
    ("•", "an unread story, or an event with one"),
    ("★", "a starred story"),
    ("▶", "in the coverage: the story's own article"),
    ("◆", "in the coverage: the article picked for a compare"),
    ("first, +3h 12m", "in the coverage: the event's first report, and how long after it each other came"),
    ("topic stream", "dimmed, in the coverage: the rest of its related list; lags from the story"),
]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            for heading, rows in (("Keys", KEYS), ("Marks", MARKS)):
                yield Static(Text(heading, style="bold"), classes="help-heading")
                # A grid, so that a meaning too long for the line wraps under itself.
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True)
                table.add_column()
                for keys, meaning in rows:
                    table.add_row(keys, meaning)
                yield Static(table, classes="help-table")
            yield Static("Esc, q or ? closes this screen.", classes="hint")
