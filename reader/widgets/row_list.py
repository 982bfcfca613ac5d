"""A keyboard list over any number of rows, drawn line by line.

Built on Textual's Line API: only the visible lines are rendered, and rendered
lines are kept in a small LRU cache, so moving in 100,000 rows costs what
moving in 100 does. Rows come from a `RowSource`, which is asked only for the
rows on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, NamedTuple, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def scroll_over(view: ScrollView, size: Size) -> None:
    """Let `view` scroll over `size` (its virtual size). Textual lays out the whole screen when a
    virtual size changes (~60 ms with three panes); that is needed only when the scrollbar comes
    or goes. Otherwise the view alone is redrawn."""
    if size == view.virtual_size:
        return
    height = view.container_size.height
    if (view.virtual_size.height > height) != (size.height > height):
        view.virtual_size = size
        return
    view.set_reactive(ScrollView.virtual_size, size)
    view._scroll_update(size)
    view.refresh()


def _blank_alike(style: Style, base: Style) -> bool:
    """Whether a space drawn in `style` looks as one drawn in `base`: same background, nothing
    drawn across the cell."""
    return (style.bgcolor == base.bgcolor and not (
        style.underline or style.underline2 or style.strike or style.overline or style.reverse
        or style.blink or style.blink2 or style.conceal or style.frame or style.encircle)
        and style.link == base.link)


class Column(NamedTuple):
    """A column of the list: a fixed width, or 0 to take what is left."""

    width: int = 0
    align: str = "left"
    dim: bool = False
    hide_below: int = 0  # the column is left out when the list is narrower than this


class Row(NamedTuple):
    """One row's cell texts (plain text, never markup) and a style hint. A row of one cell
    in a list of several columns is a heading: its text goes across the list."""

    cells: tuple[str, ...]
    emphasis: str = ""  # "" | "strong" | "dim"


class RowSource(Protocol):
    def __len__(self) -> int: ...

    def row(self, index: int) -> Row | None: ...


class ItemSource:
    """Rows for items held in memory, each shown by `show`."""

    def __init__(self, items: Sequence, show: Callable[[object], Row]) -> None:
        self.items = items
        self.show = show

    def __len__(self) -> int:
        return len(self.items)

    def row(self, index: int) -> Row | None:
        return self.show(self.items[index])


class EmptySource:
    def __len__(self) -> int:
        return 0

    def row(self, index: int) -> Row | None:
        return None


def fit(text: str, width: int, align: str = "left") -> str:
    """Text cut or padded to exactly `width` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


class RowList(ScrollView, can_focus=True):
    """A cursor over rows from a RowSource."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--dim",
        "row-list--strong",
        "row-list--empty",
    }
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        overflow-x: hidden;
        & > .row-list--cursor { background: $accent; color: $text; text-style: bold; }
        & > .row-list--cursor-blurred { background: $accent 35%; }
        & > .row-list--dim { color: $text-muted; }
        & > .row-list--strong { text-style: bold; }
        & > .row-list--empty { color: $text-muted; text-style: italic; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    # No repaint of the whole list on a move: watch_cursor redraws the two lines that change.
    cursor: reactive[int] = reactive(0, always_update=False, init=False, repaint=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        pass

    def __init__(
        self,
        columns: list[Column],
        source: RowSource | None = None,
        *,
        empty_text: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = columns
        self.source: RowSource = source or EmptySource()
        self.empty_text = empty_text
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._looks: dict[str, Style] = {}  # component styles as rows use them; cleared with the strips
        self._preparing = False

    # ------------------------------------------------------------------ data

    def set_source(self, source: RowSource, cursor: int = 0) -> None:
        """Show other rows; the cursor goes to `cursor` (clamped)."""
        self.source = source
        self.reload(cursor)

    def _size_to_rows(self) -> None:
        """The scrollable height follows the number of rows (the list refreshes as a folder
        loads and at every keystroke of a search)."""
        scroll_over(self, Size(self.size.width, len(self.source)))

    def reload(self, cursor: int | None = None) -> None:
        """The source's rows changed: drop rendered lines and resize."""
        self._strips.clear()
        self._size_to_rows()
        target = self.cursor if cursor is None else cursor
        clamped = max(0, min(target, len(self.source) - 1))
        if clamped != self.cursor:
            self.cursor = clamped
        else:
            self.post_message(self.Highlighted(self, clamped))
        self.scroll_to_cursor()
        self.refresh()
        self._prepare_soon()

    def refresh_row(self, index: int) -> None:
        """One row's content changed: draw it again, and nothing else."""
        width = self.scrollable_content_region.width
        for state in ("", "cursor", "blurred"):
            self._strips.discard((index, width, state))
        self.refresh_line(index)

    @property
    def row_count(self) -> int:
        return len(self.source)

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        count = len(self.source)
        if count == 0:
            if y == 1:
                return Strip([Segment(fit("  " + self.empty_text, width), self._look("empty"))])
            return Strip.blank(width, self._look(""))
        if index >= count:
            return Strip.blank(width, self._look(""))
        state = self._cursor_state() if index == self.cursor else ""
        return self._strip(index, width, state)

    def _cursor_state(self) -> str:
        return "cursor" if self.has_focus else "blurred"

    def _strip(self, index: int, width: int, state: str) -> Strip:
        key = (index, width, state)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._render_row(index, width, state)
        return strip

    def _look(self, name: str) -> Style:
        """The list's style ("") or one of its component styles, worked out once per styling."""
        look = self._looks.get(name)
        if look is None:
            if not name:
                look = self.rich_style
            elif name in ("cursor", "blurred"):  # the cursor's colours go under every cell's own style
                look = self.rich_style + self.get_component_rich_style(
                    "row-list--cursor" if name == "cursor" else "row-list--cursor-blurred")
            elif name == "dim":
                # Its colour worked out against the list's background ($text-muted is "auto 60%": a
                # partial style has no background to work it out against and comes out white).
                look = Style(color=self.get_component_rich_style("row-list--dim").color)
            elif name == "empty":
                look = self.get_component_rich_style("row-list--empty")
            else:  # an emphasis
                look = self.get_component_rich_style(f"row-list--{name}", partial=True)
            self._looks[name] = look
        return look

    def _render_row(self, index: int, width: int, state: str) -> Strip:
        base = self._look(state)
        row = self.source.row(index)
        if row is None:
            return Strip([Segment(fit(" …", width), base)])
        if len(row.cells) == 1 < len(self.columns):  # a heading row: one cell across the list
            shown = [(Column(0), row.cells[0])]
        else:
            shown = [(column, text) for column, text in zip(self.columns, row.cells) if width >= column.hide_below]
        fixed = sum(column.width + 1 for column, _ in shown if column.width)
        flexible = max(1, width - fixed - 1)
        dim = self._look("dim")
        emphasis = self._look(row.emphasis) if row.emphasis else Style()
        # The spaces between cells take a neighbour's style where it looks the same on a space:
        # a row is then a few segments, not one a cell and one a space, and what a key writes to
        # the terminal (each segment its full colours) is less than half of it.
        segments = []
        gap = " "
        for column, text in shown:
            size = column.width or flexible
            style = base + emphasis + (dim if column.dim else Style())
            text = fit(text, size, column.align)
            if _blank_alike(style, base):
                segments.append(Segment(gap + text + " ", style))
                gap = ""
            else:
                segments += [Segment(gap, base), Segment(text, style)] if gap else [Segment(text, style)]
                gap = " "
        if gap:
            segments.append(Segment(gap, base))
        return Strip(Segment.simplify(segments)).adjust_cell_length(width, base)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._looks.clear()
        self._prepare_soon()

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(event.size.width, len(self.source))
        self.scroll_to_cursor()
        self._prepare_soon()

    # ------------------------------------------------------------------ rows ahead

    _ROWS_A_TURN = 8  # rows rendered between two looks at the keys
    # A move's frame is drawn within a few milliseconds. (call_after_refresh is no "after": the
    # screen runs its callbacks when it is idle with nothing to draw, which it is until the
    # list's own refresh reaches it, so the rows ahead were rendered before the key's frame.)
    _PREPARE_AFTER = 0.02

    def _prepare_soon(self) -> None:
        """After the next frame, render the rows the next move may scroll to."""
        if not self._preparing and self.is_attached:
            self._preparing = True
            self.set_timer(self._PREPARE_AFTER, self._prepare_near)

    def _prepare_near(self) -> None:
        """Render a page of rows above the screen and below it, and the cursor's look of the rows
        a move can take it to, a few rows a turn: a key that scrolls then only places rows.
        A key that comes meanwhile goes first."""
        self._preparing = False
        height = self.scrollable_content_region.height
        count = len(self.source)
        if height <= 0 or not count:
            return
        width = self.scrollable_content_region.width
        top = round(self.scroll_offset.y)
        wanted = [(index, "") for index in range(max(0, top - height), min(count, top + 2 * height))]
        cursor_state = self._cursor_state()
        reachable = {self.cursor - 1, self.cursor + 1, self.cursor - self.page_size, self.cursor + self.page_size}
        wanted += [(index, cursor_state) for index in sorted(reachable) if 0 <= index < count]
        missing = [(index, state) for index, state in wanted if (index, width, state) not in self._strips]
        for index, state in missing[: self._ROWS_A_TURN]:
            self._strip(index, width, state)
        if len(missing) > self._ROWS_A_TURN:
            self._preparing = True
            self.call_later(self._prepare_near)

    def on_focus(self) -> None:
        self._refresh_cursor_line()

    def on_blur(self) -> None:
        self._refresh_cursor_line()

    def _refresh_cursor_line(self) -> None:
        if len(self.source):
            self.refresh_line(self.cursor)

    # ------------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()  # first: the lines are then found where they are now drawn
        self.refresh_line(old)
        self.refresh_line(new)
        self.post_message(self.Highlighted(self, new))
        self._prepare_soon()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self.scrollbar_size_vertical:
            super().watch_scroll_y(old_value, new_value)
        elif round(old_value) != round(new_value):
            # A scrollbar of no width (the story list's) is never drawn. Told each new position,
            # as ScrollView tells it, it had Textual lay out the whole screen at every key that scrolled.
            self.refresh(self.size.region)

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        count = len(self.source)
        if count:
            self.cursor = max(0, min(index, count - 1))

    @property
    def page_size(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.source) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self.page_size)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self.page_size)

    def action_select(self) -> None:
        if len(self.source):
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_offset.y) + offset.y
        if 0 <= index < len(self.source):
            self.cursor = index
            if event.chain > 1:  # double click: as Enter
                self.action_select()
