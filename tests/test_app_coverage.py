"""Coverage insight in the app: timeline order, compare, outlet view, linked stories, raw, export."""

from __future__ import annotations

import json

import pytest

from reader.screens.compare import CompareScreen
from reader.screens.export import ExportScreen
from reader.screens.outlet import OutletScreen
from reader.screens.raw import RawScreen
from reader.widgets.coverage import CoverageList, CoveragePane, Heading
from reader.widgets.detail import LinkedStories
from reader.widgets.story_list import StoryList

from app_helpers import highlight_second_story, lines_cut_on_the_ui_thread, make_app, screen_text, settle, wait_for
from conftest import ONE_NEWS, SEEDS, background_text, event_story_text, story_text


def _event_part(coverage: CoverageList) -> list:
    """The entries above the heading row (all of them when there is none): the story's event."""
    items = coverage.items
    return items[:next((i for i, item in enumerate(items) if isinstance(item, Heading)), len(items))]



async def test_c_orders_the_coverage_by_time_quality_and_provider():
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight_second_story(pilot, app)
        coverage = app.query_one(CoverageList)
        assert len(coverage.entries) == 31 and len(_event_part(coverage)) == 31  # the seeds: one event
        times = [entry.published for entry in _event_part(coverage)]
        assert times == sorted(times)
        await pilot.press("c")
        qualities = [entry.article.quality for entry in _event_part(coverage)]
        assert qualities[0] is not None and qualities == sorted(qualities, key=lambda q: (q is None, -(q or 0)))
        await pilot.press("c")
        names = [entry.article.provider.label.casefold() for entry in _event_part(coverage)]
        assert names == sorted(names)
        assert "coverage by provider" in screen_text(app)


async def test_x_compares_an_article_with_the_story_and_space_picks_another():
    app = make_app(SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await highlight_second_story(pilot, app)
        await pilot.press("enter")  # the event's first report: the Washington Post
        await pilot.press("x")
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.left.provider.name == "CBS News"
        assert app.screen.right.provider.name == "Washington Post"
        assert "Washington Post" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("space", "j", "x")
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.left.provider.name == "Washington Post"
        assert app.screen.right.provider.name == "Mashable"


async def test_outlet_view_lists_an_outlets_articles_and_goes_to_the_story():
    app = make_app(SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await highlight_second_story(pilot, app)
        await pilot.press("enter")
        await pilot.press("P")  # the Washington Post, the event's first report
        await wait_for(pilot, lambda: isinstance(app.screen, OutletScreen))
        text = screen_text(app)
        assert "Washington Post" in text
        # Its one article is an event of its own, first in it.
        assert "first to report 1 event (of 1 it reported)" in text
        await pilot.press("enter")
        assert not isinstance(app.screen, OutletScreen)
        story_list = app.query_one(StoryList)
        assert story_list.stories.story_row(story_list.cursor).provider == "CBS News"


def linked_folder(make_folder):
    """Two stories of one event (First, then Second), a newer unrelated one, and a background."""
    return make_folder({
        "a.md": event_story_text(f"First story: {ONE_NEWS[0]}", "https://alpha.example/1", "Alpha", "2020-06-01T00:00:00Z"),
        "b.md": event_story_text(f"Second story: {ONE_NEWS[1]}", "https://beta.example/2", "Beta", "2020-06-02T00:00:00Z"),
        "c.md": event_story_text("Unrelated story on Woodgrove earnings", "https://gamma.example/3", "Gamma",
                                 "2020-06-03T00:00:00Z"),
        "bg.md": background_text(),
    })


async def test_linked_stories_are_the_other_files_of_the_event_and_enter_goes_there(make_folder):
    folder = linked_folder(make_folder)
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        linked = app.query_one(LinkedStories)
        assert not linked.display  # the newest story's event has no other file
        await pilot.press("j")
        await settle(pilot, app)
        await wait_for(pilot, lambda: linked.display)
        assert "First story" in screen_text(app)
        linked.focus()
        await pilot.press("enter")
        story_list = app.query_one(StoryList)
        assert story_list.stories.story_row(story_list.cursor).title.startswith("First story")


@pytest.mark.parametrize("first_rows", [300, 2])
async def test_going_to_a_linked_story_the_search_hides_clears_the_search_and_lands_on_it(make_folder, monkeypatch,
                                                                                         first_rows):
    # With a first screenful of 2 rows, the story lies beyond the first part of the list to come.
    monkeypatch.setattr("reader.list_controller.FIRST_ROWS", first_rows)
    folder = linked_folder(make_folder)
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await pilot.press("slash", *"second", "enter")
        await wait_for(pilot, lambda: len(story_list.stories) == 1)
        await settle(pilot, app)
        linked = app.query_one(LinkedStories)
        await wait_for(pilot, lambda: linked.display)
        linked.focus()
        await pilot.press("enter")  # First story: hidden by the search
        await wait_for(pilot, lambda: story_list.stories is not None and len(story_list.stories) == 4)
        assert story_list.stories.story_row(story_list.cursor).title.startswith("First story")
        assert app.focused is story_list and app.lists.query_text == "" and not app.search_bar.display
        assert "4 stories" in screen_text(app) and "Listing" not in screen_text(app)


async def test_r_shows_the_file_as_it_is_on_disk(make_folder):
    text = story_text("Raw one", extra='unknownKey: "kept"\noriginalUrl: "https://example.com/o"')
    folder = make_folder({"a.md": text + "The body.\n"})
    app = make_app(folder)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RawScreen) and "The body." in screen_text(app))
        shown = screen_text(app)
        for expected in ("unknownKey", "secured:", "a.md"):
            assert expected in shown
        await pilot.press("G")  # the view scrolls with the keys the panes use
        await pilot.press("escape")
        assert not isinstance(app.screen, RawScreen)


async def test_r_lays_out_a_large_file_off_the_ui_thread_and_only_its_start(make_folder, monkeypatch):
    from reader.screens.raw import SHOWN_CHARS

    body = "\n".join(f"Body line {number}" for number in range(30_000))
    folder = make_folder({"a.md": story_text("Raw large") + body})
    on_ui_thread = lines_cut_on_the_ui_thread(monkeypatch)
    app = make_app(folder)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot, app)
        on_ui_thread.clear()
        await pilot.press("r")
        await wait_for(pilot, lambda: "Raw large" in screen_text(app))
        await pilot.press("G")
        await wait_for(pilot, lambda: "more characters not shown" in screen_text(app))
        size = (folder / "a.md").stat().st_size
        assert f"… {size - SHOWN_CHARS:,} more characters not shown" in screen_text(app)
        assert on_ui_thread == [1]  # "Laying out the file…", until the worker's lines come


async def test_e_exports_the_view_outside_the_story_folder(make_folder, monkeypatch, tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(documents))
    folder = make_folder({"a.md": story_text("Export me", related=[{"title": "Other view"}])})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("j")
        await wait_for(pilot, lambda: list(documents.glob("*.json")))
        exported = json.loads(next(documents.glob("*.json")).read_text())
        assert [story["title"] for story in exported] == ["Export me"]
        await pilot.press("e", "m")
        await wait_for(pilot, lambda: list(documents.glob("*.md")))
        assert "Export me" in next(documents.glob("*.md")).read_text()
    assert sorted(path.name for path in folder.iterdir()) == ["a.md"]


async def test_lags_of_months_show_whole_and_a_lone_article_draws_no_bar(make_folder):
    folder = make_folder({
        "late.md": story_text("Followed months later", published="2020-06-01T00:00:00Z",
                              related=[{"title": "Much later", "published": "2020-12-01T12:00:00Z",
                                        "url": "https://other.example/late"}]),
        "alone.md": story_text("Nobody else", published="2020-05-01T10:30:00Z"),
    })
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "+183d " in text  # days alone past a hundred: the lag column holds them whole
        # Its event is itself alone: the chart (of the event) has one article, so no bar.
        assert app.coverage.chart.data == []
        assert "event · this story alone" in text
        assert "No other article reports this story's news; 1 related" in text  # said in words, wrapped
        assert app.coverage.content.chart_label.plain == (
            "No other article reports this story's news; 1 related article below is its topic stream.")
        await pilot.press("j")
        await settle(pilot, app)
        coverage = app.query_one(CoveragePane)
        assert coverage.chart.data == []  # one bar would fill the chart's whole width
        assert coverage.content.chart_label.plain == (
            "No other article reports this story's news, and it lists no related articles.")


async def test_a_short_terminal_gives_the_coverage_list_the_chart_label_and_preview_rows():
    app = make_app(SEEDS)
    async with app.run_test(size=(80, 24)) as pilot:
        await highlight_second_story(pilot, app)
        coverage = app.query_one(CoveragePane)
        assert not coverage.chart_label.display or coverage.chart_label.region.height == 0
        assert coverage.list.region.height >= 6
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight_second_story(pilot, app)
        assert app.coverage.content.chart_label.plain in screen_text(app)


async def test_an_article_listed_twice_is_one_row_marked_with_its_copies(make_folder):
    twice = {"title": "Said twice", "url": "https://other.example/twice", "published": "2020-06-11T00:00:00Z"}
    folder = make_folder({"a.md": story_text("Story", related=[twice, {**twice, "url": "https://www.other.example/twice/"}])})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter", "j", "j")  # past the story (its event alone) and the stream's heading
        text = screen_text(app)
        assert "2× Said twice" in text
        assert "Listed 2 times" in text


async def test_linked_stories_say_when_they_are_cut_to_the_ones_sharing_most(make_folder):
    # 52 outlets carry one press release: one event, whose words are rare only among many other articles
    files = {f"s{n:02}.md": event_story_text(ONE_NEWS[0], f"https://outlet{n}.example/{n}", f"Outlet {n}",
                                             f"2020-06-01T{n % 24:02}:{n // 24:02}:00Z") for n in range(52)}
    files.update({f"bg{n}.md": background_text(150, f"bg{n}") for n in range(8)})
    app = make_app(make_folder(files))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await wait_for(pilot, lambda: "Other stories of this event (the 50 sharing most)" in screen_text(app))


async def test_raw_view_jumps_to_its_ends_with_g_and_G(make_folder):
    folder = make_folder({"a.md": story_text("Long", extra="\n".join(f"key{n}: value {n}" for n in range(200)))})
    app = make_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RawScreen) and "key199" in app.screen.text)
        box = app.screen.query_one("#raw-text")
        await wait_for(pilot, lambda: box.max_scroll_y > 0)  # its lines laid out
        await pilot.press("G")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y > 0)
        assert "key199: value 199" in screen_text(app)
        await pilot.press("g")
        await wait_for(pilot, lambda: box.scroll_y == 0)


async def test_e_with_nothing_in_view_says_so(make_folder):
    app = make_app(make_folder({"a.md": story_text("Only one")}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"zzzz", "enter")
        await wait_for(pilot, lambda: "No story matches. Esc in the query bar clears it." in screen_text(app))
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert any("no stories in view" in note.message for note in app._notifications)


async def test_going_to_a_story_the_query_hides_closes_the_query_bar(linked_pair):
    app = make_app(linked_pair)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"first", "enter")
        await settle(pilot, app)
        linked = app.query_one(LinkedStories)
        await wait_for(pilot, lambda: linked.display)
        linked.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.lists.query_text == "")
        assert not app.search_bar.display


async def test_the_preview_wraps_the_start_of_a_long_excerpt_and_compare_shows_it_whole(make_folder):
    # Every move onto an article with an excerpt of 460,000 characters wrapped all of it: up to 0.25 s a key.
    long_excerpt = "Start of the excerpt. " + "word " * 20_000
    folder = make_folder({"a.md": story_text("Long excerpt", related=[
        {"title": "Other", "excerpt": long_excerpt, "webUrl": "https://other.example/x",
         "provider": {"name": "Other", "domain": "other.example"}}])})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        coverage = app.coverage.list
        index = next(i for i, item in enumerate(coverage.items)
                     if not isinstance(item, Heading) and item.article.title == "Other")
        coverage.move_to(index)
        await wait_for(pilot, lambda: "Start of the excerpt." in screen_text(app))
        shown = str(app.coverage.preview.content)
        assert shown.startswith("Other\n") and len(shown) < 2_200
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert app.screen.right.excerpt == long_excerpt.strip()
