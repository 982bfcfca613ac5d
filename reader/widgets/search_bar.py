"""The search bar: `/` opens it, the list narrows as the user types a query."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

PLACEHOLDER = 'words, "a phrase", provider:NAME topic:NAME after:2020-06-01 quality>50 is:unread -word'


class SearchInput(Input):
    BINDINGS = [
        Binding("escape", "clear", "Clear", show=False),
        Binding("enter", "keep", "Keep", show=False),
    ]

    class Closed(Message):
        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Closed(cleared=True))

    def action_keep(self) -> None:
        self.post_message(self.Closed(cleared=False))


class SearchBar(Vertical):
    """The input, and under it what is wrong with the query, if anything."""

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder=PLACEHOLDER, id="query-input", select_on_focus=False)
        yield Static(id="query-error")

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    def show_error(self, message: str | None, position: int | None = None) -> None:
        error = self.query_one("#query-error", Static)
        if not message:
            error.update("")
            error.display = False
            return
        text = Text()
        if position is not None:
            # Under the character: the input's text starts after its border and padding.
            gutter = self.input.content_region.x - self.content_region.x
            text.append(" " * (gutter + position) + "^ ", style="bold red")
        text.append(message, style="red")
        error.update(text)
        error.display = True
