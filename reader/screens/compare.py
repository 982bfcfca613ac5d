"""Two articles side by side, the words that differ marked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.data.coverage import word_diff
from reader.data.records import Article

_DIFFERS = "bold black on yellow"


def _marked(parts: list[tuple[str, bool]], style: str = "") -> Text:
    text = Text(style=style)
    for part, differs in parts:
        text.append(part, style=_DIFFERS if differs else "")
    return text


def side_texts(left: Article, right: Article) -> tuple[Text, Text]:
    """Each article's title, outlet, date and excerpt; differing words marked."""
    titles = word_diff(left.title, right.title)
    excerpts = word_diff(left.excerpt, right.excerpt)
    sides = []
    for article, title, excerpt in ((left, titles[0], excerpts[0]), (right, titles[1], excerpts[1])):
        text = _marked(title, "bold")
        text.append("\n\n")
        text.append(article.provider.label, style="italic")
        if article.provider.domain:
            text.append(f" · {article.provider.domain}", style="dim")
        text.append("\n")
        moment = article.published.astimezone().strftime("%Y-%m-%d %H:%M %Z") if article.published else "unknown"
        text.append(f"{moment}\n", style="dim")
        if article.web_url:
            text.append(f"{article.web_url}\n", style="underline")
        text.append("\n")
        text.append_text(_marked(excerpt))
        sides.append(text)
    return sides[0], sides[1]


class CompareScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q,x", "dismiss", "Close")]

    def __init__(self, left: Article, right: Article) -> None:
        super().__init__()
        self.left, self.right = left, right

    def compose(self) -> ComposeResult:
        left, right = side_texts(self.left, self.right)
        with Horizontal(classes="dialog", id="compare-box") as box:
            box.border_title = "Compare · differing words marked"
            box.border_subtitle = "Esc closes"
            with VerticalScroll(classes="compare-side"):
                yield Static(left)
            with VerticalScroll(classes="compare-side"):
                yield Static(right)
