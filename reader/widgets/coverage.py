"""The related-coverage pane: a timeline of every outlet's article, a chart of when
they appeared, and the highlighted article's excerpt."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Sparkline, Static

from reader.data.coverage import TimelineEntry, distinct_outlets, histogram, sort_related, timeline
from reader.data.records import Article, Story
from reader.widgets.row_list import Column, Row, RowList
from reader.widgets.text import month_day, plural, short_date

COVERAGE_SORTS = ("time", "quality", "provider")


class TimelineSource:
    def __init__(self, entries: list[TimelineEntry], picked: int | None = None) -> None:
        self.entries = entries
        self.picked = picked  # the entry picked for a compare

    def __len__(self) -> int:
        return len(self.entries)

    def row(self, index: int) -> Row | None:
        entry = self.entries[index]
        article = entry.article
        quality = "" if article.quality is None else str(article.quality)
        mark = "◆" if index == self.picked else "▶" if entry.is_story else " "
        title = article.title or "(no title)"
        if entry.duplicates:  # in front: a note after the title is cut off with it
            title = f"{entry.duplicates + 1}× {title}"
        return Row((mark, entry.lag_text, article.provider.label, month_day(entry.published), quality, title),
                   "strong" if entry.is_story else "")


class CoverageList(RowList):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            [Column(1), Column(8), Column(14, dim=True), Column(6, dim=True, hide_below=50),
             Column(3, align="right"), Column(0, hide_below=45)],  # narrower: the preview has the title
            empty_text="No related coverage.",
            **kwargs,
        )

    @property
    def entries(self) -> list[TimelineEntry]:
        return self.source.entries if isinstance(self.source, TimelineSource) else []

    def current_entry(self) -> TimelineEntry | None:
        entries = self.entries
        return entries[self.cursor] if entries else None

    def current(self) -> Article | None:
        entry = self.current_entry()
        return entry.article if entry else None


class CoverageContent(NamedTuple):
    """What the coverage pane shows for a story, in a given sort: plain values, built anywhere."""

    story: Story | None
    sort: str
    entries: list[TimelineEntry]
    title: str
    subtitle: str
    chart: list[int]
    chart_label: Text


def coverage_content(story: Story | None, sort: str) -> CoverageContent:
    if story is None:
        return CoverageContent(None, sort, [], "Coverage", "", [], Text(""))
    entries = timeline(story)
    if sort != "time":
        entries = sort_related(entries, sort)
    # The story's own article is counted among the outlets, so it is named in the count.
    title = f"story + {len(story.related):,} related · {plural(distinct_outlets(story), 'outlet')}"
    bucket, counts, start = histogram(entries)
    # One bar would fill the chart's whole width, which reads as a lot of coverage.
    chart = counts if len(counts) > 1 else []
    if start is None:
        label = Text("no dates to chart", style="dim")
    else:
        # Hours are shown in local time; days and weeks are UTC ones, so their UTC date is said.
        since = f"{start.astimezone():%Y-%m-%d %H:%M}" if bucket == "hour" else f"{start:%Y-%m-%d} UTC"
        if len(counts) == 1:
            label = Text(f"{plural(counts[0], 'article')} in the {bucket} from {since}", style="dim")
        else:
            label = Text(f"per {bucket} from {since} · max {max(counts)}", style="dim")
    return CoverageContent(story, sort, entries, title, f"coverage by {sort}", chart, label)


class CoveragePane(Vertical):
    """The timeline above a preview of the highlighted article."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sort = "time"
        self.story: Story | None = None
        self.picked: TimelineEntry | None = None
        # Held, not queried: a late timer may fill the pane while the app is closing.
        self.chart_label = Static(id="coverage-chart-label")
        self.chart = Sparkline([], id="coverage-chart")
        self.list = CoverageList(id="coverage-list")
        self.preview = Static(id="coverage-preview-text")

    def build(self) -> None:
        """Mount the parts; the app calls this after its first frame, which they would only delay."""
        self.mount_all([self.chart_label, self.chart, self.list,
                        VerticalScroll(self.preview, id="coverage-preview", can_focus=False)])

    def show_content(self, content: CoverageContent) -> None:
        """Swap in what a worker prepared for a newly shown story."""
        self.story = content.story
        self.picked = None
        if content.sort != self.sort:  # the sort was cycled while the worker ran
            content = coverage_content(content.story, self.sort)
        self._apply(content, 0)

    def cycle_sort(self) -> str:
        self.sort = COVERAGE_SORTS[(COVERAGE_SORTS.index(self.sort) + 1) % len(COVERAGE_SORTS)]
        current = self.list.current_entry()
        self._apply(coverage_content(self.story, self.sort), None, keep=current)
        return self.sort

    def pick(self) -> TimelineEntry | None:
        """Pick the highlighted entry for a compare (again: unpick it)."""
        current = self.list.current_entry()
        self.picked = None if current is self.picked else current
        self._apply(coverage_content(self.story, self.sort), self.list.cursor)
        return self.picked

    def _apply(self, content: CoverageContent, cursor: int | None, keep: TimelineEntry | None = None) -> None:
        entries = content.entries
        if keep is not None:
            cursor = next((i for i, e in enumerate(entries) if e.article == keep.article), 0)
        picked = next((i for i, e in enumerate(entries) if self.picked and e.article == self.picked.article), None)
        self.list.set_source(TimelineSource(entries, picked), cursor or 0)
        self.border_title = content.title
        self.border_subtitle = content.subtitle
        self.chart_label.update(content.chart_label)
        self.chart.data = content.chart
        if content.story is None:
            self.show_article(None)

    def show_entry(self, entry: TimelineEntry | None) -> None:
        self.show_article(entry.article if entry else None, entry.duplicates if entry else 0)

    def show_article(self, article: Article | None, duplicates: int = 0) -> None:
        text = Text()
        if article is not None:
            text.append(article.title or "(no title)", style="bold")
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
                text.append(article.excerpt)
        self.preview.update(text)
