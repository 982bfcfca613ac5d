"""The coverage pane: the story's event (the articles, from anywhere in the folder, that
report its news) in time order, then the rest of its related list (its topic stream),
dimmed below a heading row; a chart of when the event's articles appeared, and the
highlighted article's excerpt. Until the folder's events are computed, the story's own
related list stands for its coverage."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from reader.data.coverage import TimelineEntry, distinct_outlets, histogram, sort_related, timeline
from reader.data.event_view import StoryEvent
from reader.data.records import Article, Story
from reader.widgets.row_list import Column, Row, RowList
from reader.widgets.text import month_day, plural, short_date

# Of a title or an excerpt in the preview, whose 7 rows show its start (`x` shows it whole): every
# move onto an article with an excerpt of 460,000 characters wrapped it all: up to 0.25 s a key.
_PREVIEW_CHARS = 2_000

COVERAGE_SORTS = ("time", "quality", "provider")


class Heading(NamedTuple):
    """A row between the parts of the timeline: says what the rows below it are."""

    text: str
    explanation: str  # shown in the preview when the heading is highlighted


Item = TimelineEntry | Heading


class TimelineSource:
    def __init__(self, items: list[Item], picked: int | None = None, secondary_from: int | None = None) -> None:
        self.items = items
        self.picked = picked  # the item picked for a compare
        self.secondary_from = secondary_from  # rows from here on are the topic stream: dimmed

    def __len__(self) -> int:
        return len(self.items)

    def row(self, index: int) -> Row | None:
        entry = self.items[index]
        if isinstance(entry, Heading):
            return Row((entry.text,), "dim")
        article = entry.article
        quality = "" if article.quality is None else str(article.quality)
        mark = "◆" if index == self.picked else "▶" if entry.is_story else " "
        title = article.title or "(no title)"
        if entry.duplicates:  # in front: a note after the title is cut off with it
            title = f"{entry.duplicates + 1}× {title}"
        secondary = self.secondary_from is not None and index >= self.secondary_from
        return Row((mark, entry.lag_text, article.provider.label, month_day(entry.published), quality, title),
                   "dim" if secondary else "strong" if entry.is_story else "")


class CoverageList(RowList):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            [Column(1), Column(8), Column(14, dim=True), Column(6, dim=True, hide_below=50),
             Column(3, align="right"), Column(0, hide_below=45)],  # narrower: the preview has the title
            empty_text="No related coverage.",
            **kwargs,
        )

    @property
    def items(self) -> list[Item]:
        return self.source.items if isinstance(self.source, TimelineSource) else []

    @property
    def entries(self) -> list[TimelineEntry]:
        """The articles listed, the event's then the stream's (headings left out)."""
        return [item for item in self.items if isinstance(item, TimelineEntry)]

    def current_item(self) -> Item | None:
        items = self.items
        return items[self.cursor] if items else None

    def current_entry(self) -> TimelineEntry | None:
        item = self.current_item()
        return item if isinstance(item, TimelineEntry) else None

    def current(self) -> Article | None:
        entry = self.current_entry()
        return entry.article if entry else None


class CoverageContent(NamedTuple):
    """What the coverage pane shows for a story, in a given sort: plain values, built anywhere."""

    story: Story | None
    sort: str
    items: list[Item]
    title: str
    subtitle: str
    chart: list[int]
    chart_label: Text
    event: StoryEvent | None = None
    events_ready: bool = False
    secondary_from: int | None = None  # the first row of the topic stream
    first_report: tuple[str, str] | None = None  # (outlet, " HH:MM" or ""), said after the title

    @property
    def entries(self) -> list[TimelineEntry]:
        return [item for item in self.items if isinstance(item, TimelineEntry)]

    def heading(self, width: int) -> str:
        """The title with the first report, in `width` cells: the first outlet's name is cut, so
        that its time shows."""
        if self.first_report is None:
            return self.title
        outlet, when = self.first_report
        head = f"{self.title} · first "
        room = width - cell_len(head) - cell_len(when)
        if room < _OUTLET_ROOM and cell_len(outlet) > room:
            return self.title  # the first row of the timeline says it
        if cell_len(outlet) > room:
            outlet = set_cell_size(outlet, max(room - 1, 1)) + "…"
        return f"{head}{outlet}{when}"


_TITLE_FRAME = 5  # the cells a border title's frame takes: corners, dashes and spaces
_OUTLET_ROOM = 6  # fewer cells than this for the first outlet's name: the title leaves the first report out
_STREAM_EXPLAINED = ("The topic stream: the rest of the story's own related list. These articles are other news "
                     "of the same subject, not reports of this story's news.")


def coverage_content(story: Story | None, sort: str, event: StoryEvent | None = None,
                     events_ready: bool = False) -> CoverageContent:
    """The pane's content: the story's event and its topic stream when `event` is given; while
    events are not computed (`events_ready` false), the story's related list as its coverage."""
    if story is None:
        return CoverageContent(None, sort, [], "Coverage", "", [], Text(""), None, events_ready)
    if event is None:
        return _related_content(story, sort, events_ready)
    return _event_content(story, sort, event)


def _related_content(story: Story, sort: str, events_ready: bool) -> CoverageContent:
    entries = timeline(story)
    if sort != "time":
        entries = sort_related(entries, sort)
    # The story's own article is counted among the outlets, so it is named in the count.
    title = f"story + {len(story.related):,} related · {plural(distinct_outlets(story), 'outlet')}"
    subtitle = f"coverage by {sort}" if events_ready else f"coverage by {sort} · events: computing…"
    chart, label = _chart(entries)
    return CoverageContent(story, sort, list(entries), title, subtitle, chart, label, None, events_ready)


def _event_content(story: Story, sort: str, event: StoryEvent) -> CoverageContent:
    entries = list(event.entries)
    stream = list(event.stream)
    if sort != "time":
        entries, stream = sort_related(entries, sort), sort_related(stream, sort)
    first = event.first
    first_report = None
    if event.alone:
        title = "event · this story alone"
    else:
        # Short: the pane is half the screen, and the first report's time must not be cut off.
        title = f"event · {plural(len(entries), 'article')} · {plural(event.outlets, 'outlet')}"
        if first is not None:
            first_report = (first.article.provider.label,
                            f" {first.published.astimezone():%H:%M}" if first.published is not None else "")
    items: list[Item] = list(entries)
    secondary_from = None
    if stream:
        items.append(Heading(f"── topic stream · {len(stream):,} more ──", _STREAM_EXPLAINED))
        secondary_from = len(items)
        items.extend(stream)
    chart, label = _chart(entries)
    if event.alone:  # nothing to chart: the words say what the rows show
        label = Text(_alone_text(len(stream)), style="italic")
    return CoverageContent(story, sort, items, title, f"coverage by {sort}", chart, label, event, True,
                           secondary_from, first_report)


def _alone_text(stream: int) -> str:
    if not stream:
        return "No other article reports this story's news, and it lists no related articles."
    return (f"No other article reports this story's news; {plural(stream, 'related article')} below "
            f"{'is' if stream == 1 else 'are'} its topic stream.")


def _chart(entries: list[TimelineEntry]) -> tuple[list[int], Text]:
    bucket, counts, start = histogram(entries)
    # One bar would fill the chart's whole width, which reads as a lot of coverage.
    chart = counts if len(counts) > 1 else []
    if start is None:
        return chart, Text("no dates to chart", style="dim")
    # Hours are shown in local time; days and weeks are UTC ones, so their UTC date is said.
    since = f"{start.astimezone():%Y-%m-%d %H:%M}" if bucket == "hour" else f"{start:%Y-%m-%d} UTC"
    if len(counts) == 1:
        return chart, Text(f"{plural(counts[0], 'article')} in the {bucket} from {since}", style="dim")
    return chart, Text(f"per {bucket} from {since} · max {max(counts)}", style="dim")


class CoveragePane(Vertical):
    """The timeline above a preview of the highlighted article."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sort = "time"
        self.picked: TimelineEntry | None = None
        self.content = coverage_content(None, self.sort)  # what the pane shows now
        # Held, not queried: a late timer may fill the pane while the app is closing.
        self.chart_label = Static(id="coverage-chart-label")
        self.chart = Sparkline([], id="coverage-chart")
        self.list = CoverageList(id="coverage-list")
        # A fixed size, what it shows cut at the bottom: a size that followed the text had Textual lay
        # out the whole screen at every move in the list (12-16 ms of frames a key, against 4-5 ms).
        self.preview = Static(id="coverage-preview")

    def build(self) -> None:
        """Mount the parts; the app calls this after its first frame, which they would only delay."""
        self.mount_all([self.chart_label, self.chart, self.list, self.preview])

    def show_content(self, content: CoverageContent) -> None:
        """Swap in what a worker prepared for a newly shown story."""
        self.picked = None
        if content.sort != self.sort:  # the sort was cycled while the worker ran
            content = self._resorted(content)
        self._apply(content, 0)

    @property
    def story(self) -> Story | None:
        return self.content.story

    def _resorted(self, content: CoverageContent) -> CoverageContent:
        return coverage_content(content.story, self.sort, content.event, content.events_ready)

    def cycle_sort(self) -> str:
        self.sort = COVERAGE_SORTS[(COVERAGE_SORTS.index(self.sort) + 1) % len(COVERAGE_SORTS)]
        current = self.list.current_entry()
        self._apply(self._resorted(self.content), None, keep=current)
        return self.sort

    def pick(self) -> TimelineEntry | None:
        """Pick the highlighted entry for a compare (again: unpick it)."""
        current = self.list.current_entry()
        if current is None:  # a heading
            return None
        self.picked = None if current is self.picked else current
        self._apply(self.content, self.list.cursor)
        return self.picked

    def _apply(self, content: CoverageContent, cursor: int | None, keep: TimelineEntry | None = None) -> None:
        self.content = content
        items = content.items

        def index_of(entry: TimelineEntry | None) -> int | None:
            if entry is None:
                return None
            return next((i for i, item in enumerate(items)
                         if isinstance(item, TimelineEntry) and item.article == entry.article), None)

        if keep is not None:
            cursor = index_of(keep) or 0
        self.list.set_source(TimelineSource(items, index_of(self.picked), content.secondary_from), cursor or 0)
        self.border_title = content.heading(self.size.width - _TITLE_FRAME)
        self.border_subtitle = content.subtitle
        self._show_chart_label(content.chart_label)
        self.chart.data = content.chart
        if content.story is None:
            self.show_article(None)

    def _show_chart_label(self, label: Text) -> None:
        # One line for nearly every story: the whole screen is laid out again only when the label's
        # height changes (two lines where it explains an event of one story).
        self.chart_label.update(label, layout=False)
        size = self.chart_label.content_size
        if self.chart_label.get_content_height(size, size, size.width) != size.height:
            self.chart_label.refresh(layout=True)

    def show_item(self, item: Item | None) -> None:
        if isinstance(item, Heading):
            self.preview.update(Text(item.explanation, style="italic"), layout=False)
        else:
            self.show_entry(item)

    def on_resize(self) -> None:
        self.border_title = self.content.heading(self.size.width - _TITLE_FRAME)

    def show_entry(self, entry: TimelineEntry | None) -> None:
        self.show_article(entry.article if entry else None, entry.duplicates if entry else 0)

    def show_article(self, article: Article | None, duplicates: int = 0) -> None:
        text = Text()
        if article is not None:
            text.append(article.title[:_PREVIEW_CHARS] or "(no title)", style="bold")
            text.append("\n")
            text.append(f"{article.provider.label}", style="italic")
            if article.provider.domain and article.provider.domain != article.provider.name:
                text.append(f" · {article.provider.domain}", style="dim")
            text.append(f" · {short_date(article.published)}", style="dim")
            if article.published:
                text.append(article.published.astimezone().strftime(" %H:%M"), style="dim")
            text.append("\n")
            if article.web_url:
                text.append(article.web_url + "\n", style="underline")
            if duplicates:
                text.append(f"Listed {duplicates + 1} times (the same URL, its AMP or CDN AMP form, or repeated);"
                            " counted once.\n", style="italic")
            if article.excerpt:
                text.append(article.excerpt[:_PREVIEW_CHARS])
        self.preview.update(text, layout=False)
