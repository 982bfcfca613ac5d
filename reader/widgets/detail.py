"""The detail pane: one story's excerpt and every piece of its metadata."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.data.index import LINKED_LIMIT
from reader.data.records import Image, Problem, Story
from reader.data.sanitize import shown_path
from reader.widgets.row_list import Column, ItemSource, Row, RowList, scroll_over
from reader.widgets.text import long_date, plural

_LABEL = "dim"
SHOWN_CHARS = 20_000  # of an excerpt or a body in the pane: ~300 lines at its width


def _image_line(image: Image) -> str:
    size = f"{image.width}×{image.height}" if image.width and image.height else "size unknown"
    cached = {True: ", cached", False: ", not cached"}.get(image.is_cached, "")
    return f"{size}{cached} {image.url}".strip()


def story_text(story: Story, now: datetime) -> Group:
    """The detail pane's content for a story: Text objects only, so nothing is read as markup."""
    article = story.article
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style=_LABEL, no_wrap=True)
    fields.add_column(overflow="fold")

    def field(label: str, value: str, style: str = "") -> None:
        if value:
            fields.add_row(Text(label), Text(value, style=style))

    provider = article.provider
    field("Outlet", " · ".join(part for part in (provider.name, provider.domain) if part) or "unknown")
    published = long_date(article.published, now)
    if article.published is None and story.published_text:
        published = f"unknown (the file says {story.published_text!r})"
    field("Published", published)
    field("Topics", ", ".join(story.topics))
    numbers = [("quality", article.quality), ("heat", article.heat)]
    field("Scores", "  ".join(f"{name} {value}" for name, value in numbers if value is not None))
    kinds = [("type", article.type), ("category", story.category)]
    if story.is_published is not None:
        kinds.append(("published", "yes" if story.is_published else "no"))
    if story.removed is not None:
        kinds.append(("removed", "yes" if story.removed else "no"))
    field("Kind", "  ".join(f"{name} {value}" for name, value in kinds if value))
    field("Related", plural(len(story.related), "article") if story.related else "none")
    field("URL", article.web_url, "underline")
    field("AMP", article.amp_web_url)
    field("CDN AMP", article.cdn_amp_web_url)
    field("Original", story.original_url)
    for number, image in enumerate(article.images, 1):
        field("Image" if len(article.images) == 1 else f"Image {number}", _image_line(image))
    for key, value in article.extra:
        field(key, value)
    field("File", shown_path(story.path))
    field("Signature", "present (kept, not decoded)" if story.secured else "")
    for warning in story.warnings:
        field("Warning", warning, "yellow")
    parts: list = [Text(article.title, style="bold"), Text(""), fields]
    for long_text in (article.excerpt, story.body):
        if long_text:
            shown, rest = shown_part(long_text)
            parts += [Text(""), Text(shown)]
            if rest:
                parts.append(Text(rest, style="dim italic"))
    return Group(*parts)


def shown_part(text: str) -> tuple[str, str]:
    """The part of an excerpt or a body the pane lays out, cut at a line's end where one is
    near; and what it says of the rest ("" when nothing is cut). Laying out a body of 60,000
    lines took 8 s of a core, in which the UI thread waited for the interpreter's lock."""
    if len(text) <= SHOWN_CHARS:
        return text, ""
    cut = text.rfind("\n", SHOWN_CHARS // 2, SHOWN_CHARS)
    cut = SHOWN_CHARS if cut < 0 else cut
    rest = text[cut:].lstrip("\n")
    lines = rest.count("\n") + 1
    return text[:cut], f"… {plural(len(rest), 'more character')} ({plural(lines, 'line')}) not shown here; r shows the file"


def problem_text(problem: Problem) -> Text:
    text = Text()
    text.append("This story cannot be shown\n\n", style="bold")
    text.append(problem.line_of_text())
    return text


def pane_lines(renderable: RenderableType, console: Console, options: ConsoleOptions) -> list[Strip]:
    """The renderable as the pane draws it: its lines at the options' width."""
    return [Strip(line, options.max_width) for line in console.render_lines(renderable, options)]


class LaidOut:
    """A renderable laid out ahead, off the UI thread, as the pane's lines at the width it will
    most likely be drawn at; drawn at another width, it is laid out again. (A story's body of
    60,000 lines took the UI thread 8 s to cut into lines, where it now swaps a list in.)"""

    def __init__(self, renderable: RenderableType, console: Console, options: ConsoleOptions) -> None:
        self.renderable = renderable
        self.width = options.max_width
        self.lines = pane_lines(renderable, console, options)


def detail_content(story: Story | Problem | None, now: datetime,
                   layout: tuple[Console, ConsoleOptions] | None = None) -> RenderableType:
    """The detail pane's content; with `layout` (a console and its options at the pane's
    width) a story's table is laid out here already."""
    if story is None:
        return Text("No story selected.", style="dim italic")
    if isinstance(story, Problem):
        return problem_text(story)
    content = story_text(story, now)
    return LaidOut(content, *layout) if layout is not None else content


class TextLines(ScrollView, can_focus=True):
    """A text drawn as lines (Textual's Line API), scrolled with the keys the lists use; given
    laid out ahead (LaidOut), it only takes the lines in. New text sets how far it scrolls
    without a layout of the whole screen, which a text widget sized to its text cost two or
    three times a story shown."""

    DEFAULT_CSS = """
    TextLines {
        scrollbar-gutter: stable;  /* the text's width is the same with the scrollbar as without */
    }
    """
    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content: RenderableType = Text("Nothing selected.", style="dim italic")
        self._lines: list[Strip] = []
        self._lines_width = 0  # the width the lines were drawn at

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)  # a jump, as in the lists: an animated one took a second of frames

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    def layout_width(self) -> int:
        """The width the text is drawn at now."""
        return self.scrollable_content_region.width

    def layout(self) -> tuple[Console, ConsoleOptions] | None:
        """The console and options its text is laid out with at the width it is drawn at now (None
        while it has no width): for LaidOut, in the workers that lay the text out ahead."""
        width = self.layout_width()
        if width <= 0:
            return None
        return self.app.console, self.app.console_options.update_width(width).update(highlight=False)

    def show_content(self, content: RenderableType) -> None:
        """Swap in what `detail_content` built (in a worker, for a story being shown)."""
        self.content = content
        self._draw_lines()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def _draw_lines(self) -> None:
        width = self.layout_width()
        self._lines_width = width
        layout = self.layout()
        if layout is None:
            self._lines = []
            return
        content = self.content
        if isinstance(content, LaidOut) and content.width == width:
            self._lines = content.lines  # laid out by a worker
        else:
            self._lines = pane_lines(content.renderable if isinstance(content, LaidOut) else content, *layout)
        scroll_over(self, Size(width, len(self._lines)))

    def on_resize(self) -> None:
        if self.layout_width() != self._lines_width:
            self._draw_lines()
            self.refresh()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.layout_width()
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        # Until the resize reaches on_resize, lines drawn at the old width are cut or filled to the new.
        return self._lines[index].crop_extend(0, width, None).apply_style(self.rich_style)


class DetailPane(TextLines):
    """The story pane: the story's excerpt and every piece of its metadata (detail_content)."""


class LinkedStories(RowList):
    """The other story files of the story's event (before events are computed: those sharing
    its articles); Enter goes there."""

    def __init__(self, **kwargs) -> None:
        super().__init__([Column(0), Column(11, align="right", dim=True)],
                         empty_text="No other story file reports this story's news.", **kwargs)
        self.linked: list[tuple[int, str, int]] = []  # (story id, title, articles shared)

    def show(self, rows: list[tuple[int, str, int]]) -> None:
        self.linked = rows
        # The count: how many of the event's articles that file holds (its own, its related).
        self.set_source(ItemSource(rows, lambda row: Row((row[1], plural(row[2], "article")))), 0)
        shown = f"the {len(rows)} sharing most" if len(rows) >= LINKED_LIMIT else str(len(rows))
        self.border_title = f"Other stories of this event ({shown})"
        self.display = bool(rows)

    def current_story_id(self) -> int | None:
        return self.linked[self.cursor][0] if self.linked else None
