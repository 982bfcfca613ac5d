"""Finding and keeping track in the app: search, sort, views, palette, read and starred."""

from __future__ import annotations


from reader.screens.pick import PickScreen
from reader.widgets.search_bar import SearchInput
from reader.widgets.story_list import StoryList

from app_helpers import calls_on_the_ui_thread, make_app, screen_text, settle, wait_for
from conftest import story_text


def titles(app) -> list[str]:
    source = app.query_one(StoryList).stories
    return [source.story_row(index).title for index in range(len(source))]


async def test_search_narrows_the_list_and_esc_clears_it(cloud_stories):
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchInput)
        await pilot.press(*"cloud")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert titles(app) == ["Another cloud story", "Cloud prices fall"]
        assert "2 of 3 stories" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(titles(app)) == 3)
        assert isinstance(app.focused, StoryList)
        assert "3 stories" in screen_text(app)


async def test_what_is_typed_right_after_the_slash_goes_to_the_query_bar(cloud_stories):
    # Keys already waiting when / is taken (a quick typist, a paste) went to the list: `o`
    # opened the story's link, `u` hid read stories.
    from textual import events

    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        opened: list[str] = []
        app.open_url = lambda url, **kwargs: opened.append(url)
        for key, character in [("slash", "/"), *((letter, letter) for letter in "cloud")]:
            app._driver.send_message(events.Key(key, character))  # all queued before any is taken
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.focused, SearchInput)
        assert app.query_one(SearchInput).value == "cloud"
        assert opened == [] and not app.lists.unread_only
        await pilot.press("slash", "x")  # in the query, a / is typed
        assert app.query_one(SearchInput).value == "cloud/x"


async def test_search_matches_related_coverage_and_enter_keeps_the_query(cloud_stories):
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"moratorium", "enter")
        await wait_for(pilot, lambda: titles(app) == ["Facial recognition pause"])
        assert isinstance(app.focused, StoryList)
        assert "1 of 3 stories" in screen_text(app)


async def test_a_broken_query_shows_its_error_and_keeps_the_last_result(cloud_stories):
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"provider:reuters")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        app.search_bar.input.value = "provider:reuters quality>abc"  # as if pasted
        await pilot.pause(0.1)
        assert len(titles(app)) == 2
        error = str(app.query_one("#query-error").render())
        assert error.strip()
        app.search_bar.input.value = "foo bar:baz"
        await pilot.pause(0.1)
        lines = screen_text(app).splitlines()
        typed = next(line for line in lines if "foo bar:baz" in line)
        caret = next(line for line in lines if "^ unknown field" in line)
        assert caret.index("^") == typed.index("bar:baz")  # the caret is under the field


async def test_s_cycles_the_sort(cloud_stories):
    """The whole cycle is tested on the ListController; here, that s drives it and the screen follows."""
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert titles(app)[0] == "Another cloud story"
        await pilot.press("s")
        await wait_for(pilot, lambda: titles(app)[0] == "Facial recognition pause")
        assert app.lists.sort == "oldest"
        assert "oldest" in screen_text(app)


async def test_topics_and_providers_views_filter_the_list(cloud_stories):
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        assert isinstance(app.screen, PickScreen)
        text = screen_text(app)
        assert "Reuters" in text and "CBS News" in text
        await pilot.press("enter")  # Reuters: 2 stories, first
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        await pilot.press("t")
        assert isinstance(app.screen, PickScreen)
        assert "AI" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, PickScreen)


async def test_marks_read_starred_and_unread_only(cloud_stories):
    app = make_app(cloud_stories, read_after=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await wait_for(pilot, lambda: story_list.stories.story_row(0).read)  # shown a moment: read
        await pilot.press("m")
        assert not story_list.stories.story_row(0).read
        await pilot.press("asterisk")
        assert story_list.stories.story_row(0).starred
        assert "★" in screen_text(app)
        await pilot.press("j")
        await wait_for(pilot, lambda: story_list.stories.story_row(1).read)
        await pilot.press("u")
        await wait_for(pilot, lambda: len(titles(app)) == 2)
        assert "Cloud prices fall" not in titles(app)
        assert "unread only" in screen_text(app)
    again = make_app(cloud_stories)  # no automatic read in the second run
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again)
        rows = [again.query_one(StoryList).stories.story_row(index) for index in range(3)]
        assert rows[0].starred and not rows[0].read
        assert rows[1].read


async def test_the_palette_finds_a_story_by_title(cloud_stories, monkeypatch):
    # Off the UI thread: a text few titles hold is looked for in every title, 0.35 s a keystroke
    # at 100,000 stories.
    from reader.data.corpus import Corpus

    on_ui_thread = calls_on_the_ui_thread(monkeypatch, {Corpus: ["find_titles"]})
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"prices")
        await wait_for(pilot, lambda: "Cloud prices fall" in screen_text(app))
        assert on_ui_thread == []
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query_one(StoryList).current_id() is not None
                       and app.query_one(StoryList).stories.story_row(app.query_one(StoryList).cursor).title == "Cloud prices fall")


async def test_the_palette_lists_every_action(cloud_stories):
    from textual.command import CommandList, CommandPalette

    from reader.commands import ACTIONS

    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette)
                       and app.screen.query_one(CommandList).option_count >= len(ACTIONS))
        listed = {option.hit.text: option.hit.command for option in app.screen.query_one(CommandList).options}
        for title, _, action in ACTIONS:
            assert title in listed, title
            assert listed[title].args == (action,), title  # it runs the action it names
            assert hasattr(app, f"action_{action}"), action


async def test_the_story_pane_follows_an_edit_of_the_highlighted_file(cloud_stories):
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert "Another cloud story" in screen_text(app)
        (cloud_stories / "c.md").write_text(story_text("Another cloud story, corrected", published="2020-06-12T10:00:00Z",
                                                 provider="Reuters", url="https://example.com/c"))
        app.scan_folder()
        await wait_for(pilot, lambda: app.shown_story.article.title == "Another cloud story, corrected")
        assert "Another cloud story, corrected" in screen_text(app)


async def test_no_match_leaves_no_linked_stories_behind(linked_pair):
    app = make_app(linked_pair)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await wait_for(pilot, lambda: "Other stories of this event" in screen_text(app))
        await pilot.press("slash", *"nothingmatches")
        await wait_for(pilot, lambda: "No story matches" in screen_text(app))
        await wait_for(pilot, lambda: "Other stories of this event" not in screen_text(app))


async def _pick(pilot, app, key: str, value: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
    labels = [label for label, _ in app.screen.rows]
    for _ in range(labels.index(value)):
        await pilot.press("j")
    await pilot.press("enter")


async def test_a_provider_or_topic_of_any_text_can_be_picked_and_found(make_folder):
    folder = make_folder({
        "a.md": story_text("Quoted outlet", provider='The "Register"', url="https://example.com/a")
        .replace("  - AI\n", "  - 'AI\\ML'\n"),
        "b.md": story_text("Plain outlet", provider="Reuters", url="https://example.com/b"),
    })
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await _pick(pilot, app, "p", 'The "Register"')
        await wait_for(pilot, lambda: titles(app) == ["Quoted outlet"])
        assert app.lists.query_text == 'provider:"The \\"Register\\""'
        await _pick(pilot, app, "t", "AI\\ML")
        await wait_for(pilot, lambda: app.lists.query_text == 'topic:"AI\\\\ML"')
        await wait_for(pilot, lambda: titles(app) == ["Quoted outlet"])
