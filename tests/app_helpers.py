"""Driving the app in tests: a frozen clock, and waiting for the loader threads."""

from __future__ import annotations

from datetime import datetime, timezone

from reader.app import ReaderApp
from reader.widgets.story_list import StoryList

FROZEN_NOW = datetime(2020, 6, 20, 12, 0, tzinfo=timezone.utc)


def make_app(path, **options) -> ReaderApp:
    options.setdefault("now", lambda: FROZEN_NOW)
    options.setdefault("watch", False)
    options.setdefault("display_name", "stories")
    options.setdefault("read_after", 3600)  # no story turns read by itself unless a test asks
    app = ReaderApp(str(path), **options)
    app.survive_errors = False  # a bug fails the test instead of becoming a notice
    app.animation_level = "none"
    return app


async def settle(pilot, app: ReaderApp, rounds: int = 1000) -> None:
    """Wait until the folder is loaded, its events computed, and the highlighted story shown
    with its event."""
    for _ in range(rounds):
        await pilot.pause(0.01)
        story_list = app.query_one(StoryList)
        current = story_list.current_id()
        shown = current is not None and app.shown_id == current and app.coverage.content.events_ready
        if app.lists.loaded and app.lists.events_ready and (current is None or shown):
            await pilot.pause()
            return
    raise AssertionError("the app did not settle")


def screen_text(app: ReaderApp) -> str:
    """Everything on the current screen, as plain text lines."""
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip) for line in update.strips
    )


async def wait_for(pilot, condition, rounds: int = 300) -> None:
    """Let the app run until `condition()` holds (a few seconds at most)."""
    for _ in range(rounds):
        await pilot.pause(0.01)
        if condition():
            return
    raise AssertionError("condition never held")


async def highlight_second_story(pilot, app: ReaderApp) -> None:
    """Settle, highlight the second story (on the seeds: CBS News, 28 related), settle again."""
    await settle(pilot, app)
    await pilot.press("j")
    await settle(pilot, app)


def lines_cut_on_the_ui_thread(monkeypatch) -> list[int]:
    """From now on, the number of lines of each text cut into a pane's lines on the UI thread
    (reader.widgets.detail.pane_lines); a worker's are not counted."""
    import threading

    import reader.widgets.detail

    counted: list[int] = []
    cut = reader.widgets.detail.pane_lines

    def spy(renderable, console, options):
        lines = cut(renderable, console, options)
        if threading.current_thread() is threading.main_thread():
            counted.append(len(lines))
        return lines

    monkeypatch.setattr(reader.widgets.detail, "pane_lines", spy)
    return counted


def calls_on_the_ui_thread(monkeypatch, watched: dict, held: dict | None = None) -> list[str]:
    """From now on, the name of each watched method ({class: [method names]}) called on the UI
    thread; a call of a method in `held` ({name: threading.Event}) waits for its event first."""
    import threading

    called: list[str] = []
    held = held or {}

    def watch(owner, name: str) -> None:
        original = getattr(owner, name)

        def call(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                called.append(name)
            if name in held:
                held[name].wait(10)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, call)

    for owner, names in watched.items():
        for name in names:
            watch(owner, name)
    return called
