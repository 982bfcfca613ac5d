"""The related-coverage pane: every other outlet's article, and the highlighted one's excerpt."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from reader.data.records import Article, Story
from reader.widgets.row_list import Column, Row, RowList
from reader.widgets.text import short_date


class ArticleSource:
    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles

    def __len__(self) -> int:
        return len(self.articles)

    def row(self, index: int) -> Row | None:
        article = self.articles[index]
        quality = "" if article.quality is None else str(article.quality)
        return Row((article.provider.label, short_date(article.published), quality,
                    article.title or "(no title)"))


class CoverageList(RowList):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            [Column(14, dim=True), Column(10, dim=True, hide_below=50), Column(3, align="right"), Column(0)],
            empty_text="No related coverage.",
            **kwargs,
        )

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.source.articles if isinstance(self.source, ArticleSource) else ()

    def current(self) -> Article | None:
        articles = self.articles
        return articles[self.cursor] if articles else None


class CoveragePane(Vertical):
    """The list of related articles above a preview of the highlighted one."""

    def compose(self) -> ComposeResult:
        yield CoverageList(id="coverage-list")
        with VerticalScroll(id="coverage-preview", can_focus=False):
            yield Static(id="coverage-preview-text")

    def show_story(self, story: Story | None) -> None:
        articles = story.related if story else ()
        coverage = self.query_one(CoverageList)
        coverage.set_source(ArticleSource(articles), 0)
        self.border_title = f"Coverage ({len(articles)})" if story else "Coverage"
        if not articles:
            self.show_article(None)

    def show_article(self, article: Article | None) -> None:
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
            if article.excerpt:
                text.append(article.excerpt)
        self.query_one("#coverage-preview-text", Static).update(text)
