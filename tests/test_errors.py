"""Error policy: a handler marked survivable turns a bug into a notice; nothing else is wrapped."""

from __future__ import annotations

import inspect

import pytest
from textual.app import App
from textual.binding import Binding

from reader.app import ReaderApp
from reader.errors import survivable
from reader.story_view import build_story_view

from app_helpers import FROZEN_NOW, make_app, settle
from conftest import SEEDS


class BrokenApp(App[None]):
    BINDINGS = [("b", "broken", "Broken"), ("h", "calls_helper", "Helper")]
    survive_errors = True

    @survivable
    def action_broken(self) -> None:
        raise RuntimeError("a bug in a handler")

    def _show_thing(self) -> None:  # a helper, named as the old prefix rule would have wrapped it
        raise RuntimeError("a bug in a helper")

    @survivable
    def action_calls_helper(self) -> None:
        self._show_thing()


@pytest.fixture(autouse=True)
def private_log(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


async def test_a_survivable_handler_s_exception_becomes_a_notice_and_a_log_entry(tmp_path):
    app = BrokenApp()
    async with app.run_test() as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert app.is_running
        messages = [note.message for note in app._notifications]
        assert len(messages) == 1
        assert messages[0].startswith("Something went wrong: RuntimeError: a bug in a handler. Details: ")
        log = messages[0].rsplit("Details: ", 1)[1]
        with open(log, encoding="utf-8") as file:
            assert "a bug in a handler" in file.read()


async def test_an_action_that_skips_leaves_the_key_to_the_widgets_and_is_no_error():
    from textual.actions import SkipAction
    from textual.widget import Widget

    class KeyTaker(Widget, can_focus=True):
        def __init__(self) -> None:
            super().__init__()
            self.keys: list[str] = []

        def on_key(self, event) -> None:
            self.keys.append(event.key)

    class SkippingApp(App[None]):
        BINDINGS = [Binding("z", "skip", "Skip", priority=True)]
        survive_errors = True

        def compose(self):
            yield KeyTaker()

        @survivable
        def action_skip(self) -> None:
            raise SkipAction()

    app = SkippingApp()
    async with app.run_test() as pilot:
        taker = app.query_one(KeyTaker)
        taker.focus()
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert taker.keys == ["z"]
        assert list(app._notifications) == []


async def test_an_undecorated_helper_is_not_wrapped():
    app = BrokenApp()
    async with app.run_test() as pilot:
        with pytest.raises(RuntimeError, match="a bug in a helper"):
            app._show_thing()
        await pilot.press("h")  # called from a handler: the handler's guard reports it, once
        await pilot.pause()
        assert [note.message.split(".")[0] for note in app._notifications] == [
            "Something went wrong: RuntimeError: a bug in a helper"]


async def test_with_survive_errors_off_the_exception_goes_through():
    app = BrokenApp()
    app.survive_errors = False

    with pytest.raises(RuntimeError, match="a bug in a handler"):
        async with app.run_test() as pilot:
            await pilot.press("b")
            await pilot.pause()


async def test_the_reader_s_own_helpers_are_not_wrapped(monkeypatch):
    app = make_app(SEEDS)
    app.survive_errors = True  # as for a user: only handlers turn errors into notices
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)

        def broken(content):
            raise RuntimeError("the detail pane broke")

        monkeypatch.setattr(app.detail, "show_content", broken)
        with pytest.raises(RuntimeError, match="the detail pane broke"):
            app._show_view(build_story_view(None, None, [], FROZEN_NOW, "time"))


def test_every_handler_of_the_reader_is_marked_survivable():
    # on_worker_state_changed reports worker errors itself; a guard around it would hide them.
    # on_event only notes the time and hands every event on to Textual's own dispatch.
    for name, member in inspect.getmembers(ReaderApp, inspect.isfunction):
        if not name.startswith(("action_", "on_")) or not member.__module__.startswith("reader."):
            continue
        if name in ("on_worker_state_changed", "on_event"):
            continue
        assert hasattr(member, "__wrapped__"), f"{name} is not marked @survivable"


def test_a_coroutine_cannot_be_marked_survivable():
    async def handler(self) -> None:
        pass

    with pytest.raises(TypeError):
        survivable(handler)
