"""The app's behaviour, driven with Pilot: every key in the help screen."""

from __future__ import annotations

import os
import sys
import time

import pytest
from textual import events

from reader.links import web_url_or_reason
from reader.screens.help import KEYS, HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.widgets.coverage import CoverageList
from reader.widgets.detail import DetailPane, LinkedStories
from reader.widgets.key_bar import KeyBar
from reader.widgets.story_list import StoryList

from app_helpers import make_app, screen_text as _lines, settle, highlight_second_story, wait_for
from conftest import SEEDS, story_text


def many_stories(count: int) -> dict[str, str]:
    return {
        f"s{number:03}.md": story_text(f"Story {number:03}", published=f"2020-01-01T00:{number % 60:02}:{number // 60:02}Z")
        for number in range(count)
    }


async def test_seeds_load_and_show_two_stories():
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        assert story_list.row_count == 2
        assert "2 stories" in _lines(app)
        # newest first
        assert story_list.stories.story_row(0).title.startswith("Amazon Implements")
        assert app.focused is story_list


async def test_once_the_first_frame_is_drawn_young_passes_are_as_usual_and_full_ones_wait():
    import gc

    from reader import collector

    usual = gc.get_threshold()
    collector.hold_off()  # as reader.cli.main does before it imports the app
    assert gc.get_threshold() != usual
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        young, middle, full = gc.get_threshold()
        assert (young, middle) == usual[:2] and full > usual[2]  # full passes: while idle


async def test_full_collections_run_while_nobody_presses_keys(make_folder, monkeypatch):
    # A full pass took 6-40 ms, and Python started them between a key and its frame.
    import reader.app as app_module
    from reader import collector

    monkeypatch.setattr(app_module, "_IDLE_SECONDS", 0.4)
    ran: list[float] = []
    monkeypatch.setattr(collector, "collect_while_idle", lambda: ran.append(time.monotonic()) or True)
    app = make_app(make_folder(many_stories(60)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.pause(0.6)
        ran.clear()
        pressing_since = time.monotonic()
        for _ in range(8):  # a key every 0.15 s: never idle
            await pilot.press("j")
            await pilot.pause(0.15)
        assert not ran, [moment - pressing_since for moment in ran]
        await pilot.pause(0.8)
        assert ran  # idle again


async def test_cursor_keys_move_and_jump(make_folder):
    app = make_app(make_folder(many_stories(60)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await pilot.press("j", "j", "down")
        assert story_list.cursor == 3
        await pilot.press("k", "up")
        assert story_list.cursor == 1
        await pilot.press("G")
        assert story_list.cursor == 59
        await pilot.press("g")
        assert story_list.cursor == 0
        await pilot.press("end")
        assert story_list.cursor == 59
        await pilot.press("home")
        assert story_list.cursor == 0
        await pilot.press("pagedown")
        page = story_list.cursor
        assert page > 5
        await pilot.press("pagedown", "pageup")
        assert story_list.cursor == page
        await pilot.press("k", "k")
        assert story_list.cursor == page - 2
        await settle(pilot, app)
        detail = _lines(app)
        assert story_list.stories.story_row(story_list.cursor).title in detail


async def test_the_story_pane_scrolls_with_the_keys_and_the_wheel_and_starts_at_the_top():
    from textual import events

    app = make_app(SEEDS)
    async with app.run_test(size=(120, 30)) as pilot:
        await highlight_second_story(pilot, app)
        detail = app.query_one(DetailPane)
        await pilot.press("tab")
        assert app.focused is detail and detail.max_scroll_y > 0  # the story is longer than its pane
        await pilot.press("j", "j")
        assert detail.scroll_offset.y == 2
        assert "Amazon pauses police use" not in _lines(app).split("Story", 1)[1].split("╰", 1)[0]
        await pilot.press("G")
        assert detail.scroll_offset.y == detail.max_scroll_y
        assert "Signature" in _lines(app)  # the last field, once scrolled to
        await pilot.press("g")
        assert detail.scroll_offset.y == 0
        detail.post_message(events.MouseScrollDown(detail, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert detail.scroll_offset.y > 0
        await pilot.press("escape", "k")  # back in the list, to the other story: its pane from the top
        await settle(pilot, app)
        assert detail.scroll_offset.y == 0 and "Campus Safety" in _lines(app)


async def test_tab_enter_and_escape_move_between_panes():
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight_second_story(pilot, app)
        assert isinstance(app.focused, StoryList)
        await pilot.press("tab")
        assert isinstance(app.focused, DetailPane)
        await pilot.press("tab")  # the other story of the seeds' one event, below the story
        assert isinstance(app.focused, LinkedStories)
        await pilot.press("tab")
        assert isinstance(app.focused, CoverageList)
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(app.focused, DetailPane)
        await pilot.press("escape")
        assert isinstance(app.focused, StoryList)
        await pilot.press("enter")
        assert isinstance(app.focused, CoverageList)
        coverage = app.query_one(CoverageList)
        # The seeds' one event: the story and its 28 related articles, all of them news of it.
        assert len(coverage.entries) == 31 and coverage.row_count == 31
        assert coverage.entries[0].lag_text == "first"
        assert [entry.is_story for entry in coverage.entries].count(True) == 1
        await pilot.press("j", "j")
        await pilot.pause()
        article = coverage.current()
        assert article.title[:30] in _lines(app)  # the preview shows the highlighted article
        assert article.web_url[:30] in _lines(app)


async def test_open_uses_the_browser_for_web_links_only(make_folder, monkeypatch):
    folder = make_folder({
        "a.md": story_text("Web", url="https://example.com/web", published="2020-06-02T00:00:00Z"),
        "b.md": story_text("Script", url="javascript:alert(1)", published="2020-06-01T00:00:00Z"),
    })
    app = make_app(folder)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.setattr("reader.links.no_browser", lambda: None)  # as on a desktop
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        assert opened == ["https://example.com/web"]
        await pilot.press("j")
        await settle(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert opened == ["https://example.com/web"]
        assert any("Refused" in note.message for note in app._notifications)



async def test_o_and_y_use_the_original_url_of_a_story_without_a_web_url(make_folder, monkeypatch):
    video = story_text("A video", url="").replace('webUrl: ""\n', 'originalUrl: "https://www.youtube.com/watch?v=x"\n')
    app = make_app(make_folder({"a.md": video}))
    opened: list[str] = []
    copied: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    monkeypatch.setattr("reader.links.no_browser", lambda: None)  # as on a desktop
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("o", "y")
        await pilot.pause()
        assert opened == ["https://www.youtube.com/watch?v=x"]
        assert copied == ["https://www.youtube.com/watch?v=x"]

async def test_open_on_the_coverage_pane_opens_the_related_article(monkeypatch):
    app = make_app(SEEDS)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    monkeypatch.setattr("reader.links.no_browser", lambda: None)  # as on a desktop
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")  # the coverage's first row: the Washington Post's first report
        await pilot.press("o")
        assert opened == ["https://www.washingtonpost.com/technology/2020/06/10/amazon-rekognition-police/"]
        assert [entry.is_story for entry in app.query_one(CoverageList).entries].count(True) == 1


async def test_open_says_when_there_is_no_browser_to_open_with(monkeypatch):
    import webbrowser

    app = make_app(SEEDS)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))

    def no_browser():
        raise webbrowser.Error("could not locate runnable browser")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        monkeypatch.setattr(webbrowser, "get", no_browser)
        await pilot.press("o")
        monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.GenericBrowser("lynx"))
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        messages = [note.message for note in app._notifications]
        assert any(m.startswith("No web browser was found") and "y copies the URL" in m for m in messages)
        assert any("lynx, which would take over this screen" in m for m in messages)

def test_only_http_and_https_are_opened():
    assert web_url_or_reason("https://a.example/x")[0] == "https://a.example/x"
    assert web_url_or_reason("HTTP://a.example/x")[0] == "HTTP://a.example/x"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x", "", "//x.example", "data:text/html,hi"):
        assert web_url_or_reason(bad)[0] is None


async def test_y_copies_the_url(monkeypatch):
    app = make_app(SEEDS)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("y")
        url = "https://www.campussafetymagazine.com/news/amazon-implements-1-year-moratorium-on-police-use-of-facial-recognition-tech/"
        assert copied == [url]
        # The terminal may ignore the clipboard sequence: the notice says what was sent, not that it was copied.
        messages = [note.message for note in app._notifications]
        assert f"Sent {url} to the terminal's clipboard" in messages
        assert not any(message.startswith("Copied") for message in messages)


async def test_help_and_problems_screens(make_folder):
    folder = make_folder({"good.md": story_text("Fine"), "bad.md": "---\ntitle: [oops\n---\n"})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert "1 problem" in _lines(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        for keys, _ in KEYS:
            assert keys in _lines(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        text = _lines(app)
        assert "bad.md" in text and "not valid YAML" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


async def test_the_problems_screen_shows_the_highlighted_reason_whole(make_folder):
    deep = "a" * 70
    folder = make_folder({f"{deep}/bad.md": "---\ntitle: !!python/name:os.system x\n---\n",
                          "good.md": story_text("Fine")})
    app = make_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("exclamation_mark")
        detail = app.screen.query_one("#problem-detail")
        await wait_for(pilot, lambda: f"{deep}/bad.md" in str(detail.render()))
        shown = str(detail.render())
        assert "os.system" in shown and "line 2" in shown


async def test_the_problems_list_measures_wide_characters_in_cells(make_folder):
    from rich.cells import cell_len

    broken = "---\ntitle: [oops\n---\n"
    folder = make_folder({"記事/壊れた.md": broken, "plain.md": broken, "good.md": story_text("Fine")})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        rows = [line for line in _lines(app).splitlines() if "not valid YAML" in line and ".md" in line]
        assert len(rows) == 2
        wide = next(row for row in rows if "記事" in row)
        assert "記事/壊れた.md" in wide  # the whole path: its column is as wide as it is on screen
        reason_columns = {cell_len(row[:row.index("not valid YAML")]) for row in rows}
        assert len(reason_columns) == 1  # the reasons line up


async def test_help_explains_the_marks():
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        text = _lines(app)
        for mark in ("•", "★", "▶", "◆"):
            assert f"  {mark} " in text
        assert "the event's first report" in text

async def test_a_scan_that_fails_says_so_instead_of_reading_for_ever(make_folder, monkeypatch):
    folder = make_folder({"a.md": story_text("Fine")})
    app = make_app(folder)
    app.survive_errors = True  # as for a user: the error becomes a notice

    def broken_scan(*args, **kwargs):
        raise RuntimeError("a bug in the scan")

    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app.corpus, "scan", broken_scan)
        app.scan_folder()
        await wait_for(pilot, lambda: app.lists.scan_failed)
        await pilot.pause()
        assert "Reading the folder stopped on an error" in _lines(app)
        assert any("a bug in the scan" in note.message for note in app._notifications)

def test_help_names_every_bound_key():
    from reader.app import ReaderApp
    from reader.widgets.row_list import RowList

    help_text = " ".join(keys for keys, _ in KEYS).lower()
    names = {"question_mark": "?", "exclamation_mark": "!", "shift+tab": "shift+tab", "pagedown": "pgdn",
             "pageup": "pgup", "down": "↓", "up": "↑", "escape": "esc", "slash": "/", "asterisk": "*", "space": "space", "P": "shift+p"}
    for binding in [*ReaderApp.BINDINGS, *RowList.BINDINGS]:
        for key in binding.key.split(","):
            assert names.get(key, key).lower() in help_text, key


async def test_q_quits():
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.return_code is None
        await pilot.press("q")
        assert app.return_code == 0  # q asked the app to exit
    assert not app.is_running


async def test_mouse_click_selects_and_wheel_scrolls(make_folder):
    app = make_app(make_folder(many_stories(80)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await pilot.click(StoryList, offset=(10, 3))  # border row, then rows 0, 1, 2
        assert story_list.cursor == 2
        await pilot.double_click(StoryList, offset=(10, 2))  # as Enter on row 1: over to the coverage
        assert story_list.cursor == 1
        assert isinstance(app.focused, CoverageList)
        for _ in range(5):
            story_list.post_message(events.MouseScrollDown(story_list, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause(0.1)
        assert story_list.scroll_offset.y > 0


async def test_markup_and_escapes_in_a_title_show_literally(make_folder):
    title = "[@click=app.quit]x[/] [b]bold[/b] \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
    folder = make_folder({"evil.md": story_text(title, url="https://example.com/[red]x[/red]")})
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        text = _lines(app)
        assert "[@click=app.quit]x[/] [b]bold[/b] red link" in text
        assert "\x1b" not in text
        await pilot.click(DetailPane, offset=(3, 1))
        await pilot.click(StoryList, offset=(3, 1))
        await pilot.pause()
        assert app.is_running


async def test_empty_folder_shows_a_friendly_empty_state(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(empty)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = _lines(app)
        assert "0 stories" in text
        assert "No stories in" in text


async def test_a_story_that_breaks_after_indexing_shows_its_problem(make_folder):
    folder = make_folder({"a.md": story_text("Soon broken")})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        (folder / "a.md").write_text("---\ntitle: [\n---\n")
        app.query_one(StoryList).reload()
        app.shown_id = None
        app._load_current()
        for _ in range(100):
            await pilot.pause(0.01)
            if "cannot be shown" in _lines(app):
                break
        assert "cannot be shown" in _lines(app)


async def test_changes_on_disk_show_up_without_a_restart_and_keep_the_cursor(make_folder):
    folder = make_folder({
        "a.md": story_text("Older", published="2020-06-01T00:00:00Z"),
        "b.md": story_text("Newer", published="2020-06-05T00:00:00Z"),
    })
    app = make_app(folder, watch=True, rescan_seconds=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight_second_story(pilot, app)
        story_list = app.query_one(StoryList)
        assert story_list.stories.story_row(story_list.cursor).title == "Older"
        (folder / "c.md").write_text(story_text("Newest", published="2020-06-09T00:00:00Z"))
        (folder / "b.md").write_text(story_text("Newer, corrected", published="2020-06-05T00:00:00Z"))
        for _ in range(300):
            await pilot.pause(0.02)
            if story_list.row_count == 3 and "Newer, corrected" in _lines(app):
                break
        assert story_list.row_count == 3
        assert "3 stories" in _lines(app)
        assert story_list.stories.story_row(story_list.cursor).title == "Older"  # the cursor stayed
        (folder / "c.md").unlink()
        for _ in range(300):
            await pilot.pause(0.02)
            if story_list.row_count == 2:
                break
        assert story_list.row_count == 2
        assert story_list.stories.story_row(story_list.cursor).title == "Older"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the folder watch uses Linux's inotify")
async def test_a_change_is_seen_at_once_where_the_system_says_so(make_folder):
    """With a walk only every minute, the folder watch alone can bring the new story in."""
    folder = make_folder({"a.md": story_text("First", published="2020-06-01T00:00:00Z")})
    app = make_app(folder, watch=True, rescan_seconds=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.pause(0.3)  # the watch starts after the first scan
        (folder / "sub").mkdir()
        (folder / "sub" / "b.md").write_text(story_text("Second", published="2020-06-02T00:00:00Z"))
        await wait_for(pilot, lambda: "2 stories" in _lines(app))
        (folder / "sub" / "b.md").write_text(story_text("Second, corrected", published="2020-06-02T00:00:00Z"))
        await wait_for(pilot, lambda: "Second, corrected" in _lines(app))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the folder watch uses Linux's inotify")
async def test_a_change_made_while_the_folder_is_read_is_seen(make_folder, monkeypatch):
    folder = make_folder({"a.md": story_text("First", published="2020-06-01T00:00:00Z")})
    app = make_app(folder, watch=True, rescan_seconds=60)
    scan = app.corpus.scan
    added = []

    def scan_then_add(*args, **kwargs):
        progress = scan(*args, **kwargs)
        if not added:  # after the walk, before the watch for the next change begins
            added.append(True)
            (folder / "b.md").write_text(story_text("Second", published="2020-06-02T00:00:00Z"))
        return progress

    monkeypatch.setattr(app.corpus, "scan", scan_then_add)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "2 stories" in _lines(app))


async def test_a_warm_start_shows_the_whole_list_before_the_scan(make_folder):
    folder = make_folder({f"s{n}.md": story_text(f"Story {n}") for n in range(3)})
    first = make_app(folder)
    async with first.run_test() as pilot:
        await settle(pilot, first)
    second = make_app(folder)
    async with second.run_test() as pilot:
        await pilot.pause()
        assert second.lists.list_complete
        assert second.query_one(StoryList).row_count == 3
        assert "3 stories" in _lines(second)
        await settle(pilot, second)
        assert second.lists.progress.files_read == 0  # nothing changed: no file was read again


async def test_a_bug_in_an_action_becomes_a_notice_not_a_traceback(monkeypatch, tmp_path):
    app = make_app(SEEDS)
    app.survive_errors = True

    def broken(story_id: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.corpus, "raw_text", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await wait_for(pilot, lambda: any("boom" in note.message for note in app._notifications))
        assert app.is_running


async def test_the_key_bar_shows_the_main_keys_and_a_click_presses_one(make_folder):
    folder = make_folder({"one.md": story_text("Fine")})
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        bar = _lines(app).splitlines()[-1]
        for shown in ("q Quit", "? Help", "/ Search", "s Sort", "* Star", "^p palette"):
            assert shown in bar
        await pilot.click(KeyBar, offset=(bar.index("? Help") + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_key_bar_shows_keys_rebound_in_the_settings(make_folder):
    from reader.data.config import config_file

    os.makedirs(os.path.dirname(config_file()), exist_ok=True)
    with open(config_file(), "w", encoding="utf-8") as file:
        file.write('[keys]\nstar = "f"\n')
    app = make_app(make_folder({"one.md": story_text("Fine")}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert "f Star" in _lines(app).splitlines()[-1]


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_a_dimmed_row_is_drawn_dimmer_than_a_plain_one(theme):
    # The topic stream's rows are dimmed: drawn in the dim columns' colour, never brighter
    # than plain text (a partial "muted" style has no background to mute against: white).
    from textual.app import App

    from reader.widgets.row_list import Column, ItemSource, Row, RowList

    rows = [Row(("plain", "x")), Row(("dimmed", "x"), "dim")]
    row_list = RowList([Column(), Column(4)], ItemSource(rows, lambda row: row))
    app = App()
    app.compose = lambda: iter([row_list])
    async with app.run_test(size=(40, 6)) as pilot:
        app.theme = theme
        await pilot.pause()
        background = row_list.rich_style.bgcolor.get_truecolor()
        brightness = lambda rgb: 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]  # noqa: E731

        def contrast(index: int) -> float:
            strip = row_list._render_row(index, 30, "")
            text = next(segment for segment in strip if segment.text.strip())
            return abs(brightness(text.style.color.get_truecolor()) - brightness(background))

        assert 40 < contrast(1) < contrast(0)


@pytest.mark.parametrize("theme", ["catppuccin-latte", "textual-light", "nord", "textual-dark"])
async def test_dim_columns_stay_readable_on_every_theme(theme):
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.theme = theme
        await pilot.pause()
        story_list = app.query_one(StoryList)
        strip = story_list._render_row(1, 100, "")
        outlet = next(segment for segment in strip if segment.text.startswith("CBS News"))
        background = story_list.rich_style.bgcolor.get_truecolor()
        dim = outlet.style.color.get_truecolor()
        plain = story_list.rich_style.color.get_truecolor()
        brightness = lambda rgb: 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]  # noqa: E731
        assert abs(brightness(dim) - brightness(background)) > 60  # readable
        assert abs(brightness(dim) - brightness(background)) < abs(brightness(plain) - brightness(background))  # dimmer


async def test_a_star_shows_in_the_row_and_the_filter_when_the_data_folder_cannot_be_made(tmp_path, monkeypatch):
    # The marks fall back to memory; the row, `is:starred` and the action must all use that one store.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert not app.marks.persistent
        await pilot.press("asterisk")
        await wait_for(pilot, lambda: "★" in _lines(app).splitlines()[1])
        app.set_query("is:starred")
        await wait_for(pilot, lambda: "1 of 2 stories" in _lines(app) or "1 story" in _lines(app))
        assert app.query_one(StoryList).row_count == 1


async def test_a_new_order_keeps_the_cursor_on_its_story_when_its_first_rows_come_without_it(cloud_stories,
                                                                                            monkeypatch):
    # On a large folder a new order's first screenful comes first: the story under the cursor
    # may lie beyond it, and the cursor then lands on it when the rest comes.
    monkeypatch.setattr("reader.list_controller.FIRST_ROWS", 1)
    app = make_app(cloud_stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.story_list

        def current_title() -> str:
            return story_list.stories.story_row(story_list.cursor).title

        await pilot.press("j")
        await settle(pilot, app)
        assert current_title() == "Cloud prices fall"
        await pilot.press("s")  # oldest first: the first row is another story
        await wait_for(pilot, lambda: len(story_list.stories) == 3
                       and story_list.stories.story_row(0).title == "Facial recognition pause")
        assert current_title() == "Cloud prices fall"
        assert "2/3 · by oldest" in _lines(app)
