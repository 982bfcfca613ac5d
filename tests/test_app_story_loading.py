"""Showing a story: its panes are built in the loader's worker, and a load the cursor left is dropped."""

from __future__ import annotations

import gc
import threading

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

import reader.app
import reader.data.event_view
from reader.messages import StoryLoaded
from reader.story_view import StoryView, build_story_view
from reader.widgets.detail import LaidOut, pane_lines

from app_helpers import FROZEN_NOW, lines_cut_on_the_ui_thread, make_app, screen_text, settle, wait_for
from conftest import story_text


# Three pieces of news apart (words in common would make them one event), each with a related article.
_NEWS = {"a": ("Contoso buys Fabrikam", "Shipping lanes reopen"),
         "b": ("Northwind raises funding", "Volcano erupts offshore"),
         "c": ("Tailspin airline outage", "Museum opens gallery")}


def _three_stories(make_folder):
    return make_folder({
        f"{name}.md": story_text(f"Story {name.upper()} title {_NEWS[name][0]}", published=f"2020-06-{day}T10:00:00Z",
                                 url=f"https://example.com/{name}",
                                 related=[{"title": f"Related to {name} {_NEWS[name][1]}", "url": f"https://other.com/{name}"}])
        for name, day in (("a", "13"), ("b", "12"), ("c", "11"))
    })


async def test_a_load_the_cursor_left_is_dropped_and_the_panes_show_the_story_under_the_cursor(make_folder):
    app = make_app(_three_stories(make_folder))
    reading_b, release_b = threading.Event(), threading.Event()
    built: list[int | None] = []
    load = app.corpus.load_story
    build = reader.app.build_story_view

    def slow_load(story_id):
        story = load(story_id)
        if story.article.title.startswith("Story B title"):
            reading_b.set()
            release_b.wait(10)  # the reader has moved on by the time this file is read
        return story

    def spy_build(story_id, *args, **kwargs):
        built.append(story_id)
        return build(story_id, *args, **kwargs)

    app.corpus.load_story = slow_load
    reader.app.build_story_view = spy_build
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, app)
            ids = list(app.story_list.stories.ids)  # newest first: A, B, C
            await pilot.press("j")
            await wait_for(pilot, reading_b.is_set)
            await pilot.press("j")
            await settle(pilot, app)
            assert app.shown_id == ids[2]
            release_b.set()
            await wait_for(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "detail"))
            await pilot.pause()
            assert ids[1] not in built  # dropped before its panes were built, so never posted
            assert app.shown_id == ids[2] == app.story_list.current_id()
            assert "Story C title" in screen_text(app)
            assert app.shown_story.article.title.startswith("Story C title")

            # A view that arrives for a story the cursor has left is not shown either.
            stale = build_story_view(ids[0], app.corpus.load_story(ids[0]), [], FROZEN_NOW, "time")
            app.post_message(StoryLoaded(stale))
            await pilot.pause()
            await pilot.pause()
            assert app.shown_id == ids[2]
            assert app.shown_story.article.title.startswith("Story C title")
    finally:
        release_b.set()
        reader.app.build_story_view = build


async def test_the_panes_are_built_in_the_worker_and_the_ui_thread_swaps_a_prepared_view(make_folder, monkeypatch):
    app = make_app(_three_stories(make_folder))
    timeline_threads: list[str] = []
    shown: list = []
    timeline = reader.data.event_view.timeline

    def spy_timeline(story):
        timeline_threads.append(threading.current_thread().name)
        return timeline(story)

    monkeypatch.setattr(reader.data.event_view, "timeline", spy_timeline)  # the event's timeline
    show_view = type(app)._show_view

    def spy_show(self, view):
        shown.append(view)
        return show_view(self, view)

    monkeypatch.setattr(type(app), "_show_view", spy_show)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        timeline_threads.clear()
        shown.clear()
        await pilot.press("j")
        await settle(pilot, app)
        assert [view.story_id for view in shown] == [app.story_list.current_id()]
        view = shown[0]
        assert isinstance(view, StoryView)
        assert isinstance(view.detail, LaidOut)  # laid out at the pane's width already
        assert view.detail.width == app.detail.layout_width()
        assert sorted(entry.article.title for entry in view.coverage.entries) == [
            "Related to b Volcano erupts offshore", "Story B title Northwind raises funding"]
        assert timeline_threads and threading.main_thread().name not in timeline_threads
        assert "Related to b" in screen_text(app)


def test_laid_out_content_holds_the_panes_lines_of_the_original_at_its_width():
    console = Console(width=80, color_system=None)
    fields = Table.grid(padding=(0, 1))
    fields.add_column(no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row(Text("URL"), Text("https://example.com/" + "long-path-" * 8))
    group = Group(Text("A title", style="bold"), fields)
    options = console.options.update_width(40)
    laid_out = LaidOut(group, console, options)
    assert laid_out.width == 40 and laid_out.renderable is group
    assert [strip.text for strip in laid_out.lines] == [strip.text for strip in pane_lines(group, console, options)]
    assert len(laid_out.lines) > 2 and all(strip.cell_length == 40 for strip in laid_out.lines)
    wider = pane_lines(group, console, console.options.update_width(70))
    assert [strip.text for strip in wider] != [strip.text for strip in laid_out.lines]


async def test_a_story_with_a_long_body_is_cut_into_lines_off_the_ui_thread(make_folder, monkeypatch):
    # A body of 60,000 lines took the UI thread 8 s to cut into lines, every key waiting.
    body = "\n".join(f"Line {number} of a long body" for number in range(3000))
    folder = make_folder({"a.md": story_text("Long body", published="2020-06-10T10:00:00Z") + body,
                          "b.md": story_text("Short", published="2020-06-11T10:00:00Z")})
    on_ui_thread = lines_cut_on_the_ui_thread(monkeypatch)
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        on_ui_thread.clear()
        await pilot.press("j")
        await settle(pilot, app)
        assert app.shown_story.title == "Long body"
        app.detail.focus()
        await pilot.press("G")
        await pilot.pause()
        # The pane lays out its first 20,000 characters, and says what it left to `r`.
        text = screen_text(app)
        assert "Line 836 of a long body" in text and "Line 837 of a long body" not in text
        assert "… 53,911 more characters (2,163 lines) not shown" in text
        assert on_ui_thread == []


async def test_what_exists_once_the_folder_is_read_is_left_out_of_full_collections(make_folder):
    gc.unfreeze()  # a test before this one may have left objects frozen
    app = make_app(_three_stories(make_folder))
    async with app.run_test(size=(120, 40)) as pilot:
        assert gc.get_freeze_count() == 0
        await settle(pilot, app)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
        assert gc.get_freeze_count() > 0


async def test_the_shown_story_is_read_again_when_the_full_parse_ends_not_at_each_report_while_it_runs(make_folder):
    # While the verify pass runs, the list's order is sent again every second: showing the
    # story again each time (its linked stories may have grown) rebuilt both panes under the keys.
    from dataclasses import replace

    from reader.messages import ScanProgress

    app = make_app(_three_stories(make_folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        loads: list[int] = []
        app.load_story = loads.append
        ids = app.story_list.listed.ids
        running = replace(app.lists.progress, listed=True, done=False, to_verify=3, verified=1, events_ready=False)
        app.post_message(ScanProgress(running, ids, len(ids), app.lists.view, len(ids)))
        await pilot.pause()
        assert loads == []
        ended = replace(running, verified=3, done=True, events_ready=app.lists.events_ready)
        app.post_message(ScanProgress(ended, ids, len(ids), app.lists.view, len(ids)))
        await pilot.pause()
        assert loads == [app.story_list.current_id()]
