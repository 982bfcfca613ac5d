"""Events in the app: the coverage pane tells the event from the topic stream, `v` lists
events, Enter lists an event's story files, and a search ranks own matches first."""

from __future__ import annotations

import threading

from reader.screens.compare import CompareScreen
from rich.text import Text

from reader.widgets.coverage import CoverageContent, CoverageList, Heading
from reader.widgets.story_list import StoryList

from app_helpers import calls_on_the_ui_thread, make_app, screen_text, settle, wait_for
from conftest import event_story_text, related_item
from test_event_store import DEAL_STREAM, deal_folder

def titles(app) -> list[str]:
    source = app.story_list.stories
    return [source.story_row(index).title for index in range(len(source))] if source else []


async def show_story(pilot, app, title_start: str) -> None:
    """Highlight the story whose title starts so, and wait until its panes show it."""
    index = next(i for i, title in enumerate(titles(app)) if title.startswith(title_start))
    app.story_list.move_to(index)
    await settle(pilot, app)


async def test_the_coverage_pane_shows_the_event_then_the_topic_stream_dimmed(make_folder, monkeypatch):
    app = make_app(deal_folder(make_folder))
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.setattr("reader.links.no_browser", lambda: None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await show_story(pilot, app, "Contoso to acquire")
        text = screen_text(app)
        first_at = app.coverage.content.event.first.published.astimezone()
        assert f"event · 3 articles · 3 outlets · first Wire {first_at:%H:%M}" in text
        assert "── topic stream · 1 more ──" in text
        coverage = app.query_one(CoverageList)
        # The event in time order (the wire first, the other story file's article last), then the stream.
        assert [entry.article.provider.name for entry in coverage.entries] == ["Wire", "Alpha", "Beta", "Stream"]
        assert [entry.lag_text for entry in coverage.entries[:3]] == ["first", "+4h 0m", "+1d 1h"]
        assert isinstance(coverage.items[3], Heading)
        assert coverage.source.row(4).emphasis == "dim"  # the stream is secondary
        assert coverage.source.row(2).emphasis != "dim"
        await pilot.press("enter", "j", "j", "j")  # keys move from the event through the heading
        assert isinstance(coverage.current_item(), Heading)
        assert "The topic stream" in screen_text(app)  # the preview says what the rows below are
        await pilot.press("j", "o")
        assert opened == [DEAL_STREAM["url"]]
        await pilot.press("x")  # a stream article compares with the story too
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.right.title == DEAL_STREAM["title"]


async def test_the_pane_says_events_are_computing_and_shows_the_event_once_they_are(make_folder, monkeypatch):
    app = make_app(deal_folder(make_folder))
    release = threading.Event()
    update = app.corpus.events.update

    def held_update(*args) -> bool:
        release.wait(10)
        return update(*args)

    monkeypatch.setattr(app.corpus.events, "update", held_update)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.lists.loaded and app.shown_id is not None)
        assert "events: computing…" in screen_text(app)
        assert "· computing events…" in screen_text(app)  # the status line: the reader is still busy
        assert not app.coverage.content.events_ready
        release.set()
        await settle(pilot, app)
        assert "events: computing…" not in screen_text(app) and "computing events…" not in screen_text(app)
        assert "event · 3 articles" in screen_text(app)


async def test_v_lists_events_and_enter_lists_an_events_story_files_and_esc_goes_back(make_folder):
    app = make_app(deal_folder(make_folder))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        assert titles(app)[0].startswith("Fabrikam acquisition")
        await pilot.press("v")
        story_list = app.query_one(StoryList)
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 3)
        text = screen_text(app)
        assert "3 events" in text  # the deal, the bank, the background
        assert "Events · headline" in text
        headlines = [story_list.events.event_row(i).headline for i in range(3)]
        # Newest first report first: the bank's (10:00) before the deal's (the wire's 08:00).
        assert headlines[0] == "Woodgrove bank reports record quarterly earnings"
        assert "Contoso" in headlines[1]
        row = story_list.events.row(1).cells
        assert row[2:] == ("3 outlets", "Wire 2021-03-01", "25h", "2 files")
        await pilot.press("j")
        await settle(pilot, app)
        assert app.shown_story.title.startswith("Fabrikam acquisition")  # the panes show its newest file
        await pilot.press("enter")
        await wait_for(pilot, lambda: story_list.stories is not None)
        assert sorted(titles(app)) == ["Contoso to acquire Fabrikam for $2 billion in quantum storage deal",
                                       "Fabrikam acquisition: Contoso pays $2 billion for quantum storage maker"]
        assert "2 story files of the event" in screen_text(app)
        await pilot.press("j")
        await settle(pilot, app)
        assert app.shown_story.title.startswith("Contoso to acquire")  # a story opened from there shows as always
        await pilot.press("enter")
        assert app.focused is app.coverage.list
        await pilot.press("escape")  # to the list of the event's files
        assert app.focused is story_list and story_list.stories is not None
        await pilot.press("escape")  # to the events, at the same row
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 3)
        assert story_list.cursor == 1
        assert "3 events" in screen_text(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: story_list.stories is not None and len(titles(app)) == 4)
        assert "4 stories" in screen_text(app)


async def test_the_lists_of_a_view_and_the_pickers_counts_are_read_off_the_ui_thread(make_folder, monkeypatch):
    # At 100,000 stories the events took 1.2 s to list and the topics 0.3 s to count: keys waited.
    from reader.data.corpus import Corpus
    from reader.data.index import Index

    release = threading.Event()
    release.set()
    on_ui_thread = calls_on_the_ui_thread(monkeypatch, {
        Corpus: ["event_ids", "event_count", "query_ids", "story_ids"],
        Index: ["topic_counts", "provider_counts"],
    }, held={"event_ids": release})
    app = make_app(deal_folder(make_folder))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        on_ui_thread.clear()  # the first frame reads the indexed list at once, by design
        release.clear()
        await pilot.press("v")
        await wait_for(pilot, lambda: "Listing events…" in screen_text(app))
        assert story_list.events is not None and not len(story_list.events)
        assert str(app.status.render()).startswith("Listing events…")  # the status line too, not "0 events"
        release.set()
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 3)
        assert story_list.cursor == 0 and "3 events" in screen_text(app)
        await pilot.press("j", "enter")  # the deal's story files
        await wait_for(pilot, lambda: story_list.stories is not None and len(titles(app)) == 2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 3)
        assert story_list.cursor == 1
        for key, title in (("t", "Topics"), ("p", "Providers")):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
            assert title in screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        assert on_ui_thread == []


async def test_sort_search_unread_and_marks_work_in_the_events_view(make_folder):
    app = make_app(deal_folder(make_folder))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("v")
        story_list = app.query_one(StoryList)
        await pilot.press("s")  # newest -> oldest
        await wait_for(pilot, lambda: story_list.events is not None
                       and story_list.events.event_row(0).headline.startswith("Background"))
        assert "by oldest" in screen_text(app)
        await pilot.press("slash", *"fabrikam", "enter")
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 1)
        assert "1 of 3 events" in screen_text(app)
        deal = story_list.current_event()
        assert deal.unread
        await pilot.press("m")  # both its story files read
        assert not story_list.current_event().unread
        await pilot.press("u")
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 0)
        await pilot.press("u")
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 1)
        await pilot.press("asterisk")
        await pilot.press("enter")
        await wait_for(pilot, lambda: story_list.stories is not None and len(story_list.stories) == 2)
        rows = [story_list.stories.story_row(i) for i in range(2)]
        assert all(row.read and row.starred for row in rows)


async def test_a_search_lists_own_matches_first_and_s_cycles_the_other_orders(make_folder):
    folder = make_folder({
        "new.md": event_story_text("Other news of the day", "https://a.example/1", "A", "2021-03-05T00:00:00Z",
                                   related=[related_item("Northwind opens Oslo region", "https://s.example/1", "S",
                                                         "2021-03-01T00:00:00Z")]),
        "old.md": event_story_text("Northwind news from Oslo", "https://b.example/2", "B", "2021-03-01T00:00:00Z"),
    })
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert titles(app) == ["Other news of the day", "Northwind news from Oslo"]
        await pilot.press("slash", *"northwind", "enter")
        await wait_for(pilot, lambda: titles(app) == ["Northwind news from Oslo", "Other news of the day"])
        assert "by relevance" in screen_text(app)
        await pilot.press("s")
        await wait_for(pilot, lambda: titles(app) == ["Other news of the day", "Northwind news from Oslo"])
        assert "by newest" in screen_text(app)
        await pilot.press("slash", "ctrl+u", "escape")  # the query cleared: the list's own order again
        await wait_for(pilot, lambda: "query:" not in screen_text(app))
        assert app.lists.sort == "newest"
        await pilot.press("slash", *"oslo", "enter")  # a new search starts at relevance
        await wait_for(pilot, lambda: "by relevance" in screen_text(app))


def test_the_pane_heading_cuts_the_first_outlets_name_so_its_time_shows():
    content = CoverageContent(None, "time", [], "event · 18 articles · 18 outlets", "", [], Text(""),
                              first_report=("Bleeping Computer News", " 02:01"))
    assert content.heading(80) == "event · 18 articles · 18 outlets · first Bleeping Computer News 02:01"
    assert content.heading(53) == "event · 18 articles · 18 outlets · first Bleep… 02:01"
    assert content.heading(40) == "event · 18 articles · 18 outlets"  # no room: the first row says it


async def test_e_in_the_events_view_exports_the_listed_events_as_reader_events_does(make_folder, monkeypatch,
                                                                                     tmp_path):
    import io
    import json

    from reader.data.event_export import write_events
    from reader.screens.export import ExportScreen

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(documents))
    folder = deal_folder(make_folder)
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("v")
        story_list = app.query_one(StoryList)
        await pilot.press("slash", *"fabrikam", "enter")  # the listed events only: one of three
        await wait_for(pilot, lambda: story_list.events is not None and len(story_list.events) == 1)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert "1 event in view" in screen_text(app)
        await pilot.press("j")
        await wait_for(pilot, lambda: list(documents.glob("*.json")))
        await wait_for(pilot, lambda: any("Wrote 1 event to" in note.message for note in app._notifications))
        exported = json.loads(next(documents.glob("*.json")).read_text())
        same = io.StringIO()
        write_events(app.corpus, list(story_list.events.ids), "json", same)
        assert exported == json.loads(same.getvalue())
        assert [event["title"] for event in exported] == [story_list.current_event().headline]
        assert sorted(exported[0]["stories"]) == ["a.md", "b.md"]
        await pilot.press("e", "m")
        await wait_for(pilot, lambda: list(documents.glob("*.md")))
        digest = next(documents.glob("*.md")).read_text()
        assert digest.startswith("# Event digest") and "Woodgrove" not in digest
    assert sorted(path.name for path in folder.iterdir()) == ["a.md", "b.md", "background.md", "c.md"]
