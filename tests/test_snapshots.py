"""What the screen looks like: fixed size, fixed theme, no animation, frozen clock.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from app_helpers import make_app, screen_text, settle, wait_for
from conftest import SEEDS, story_text
from test_event_store import deal_folder


def seeds_app():
    app = make_app(SEEDS, display_name="seeds")
    app.theme = "textual-dark"
    return app


async def _loaded(pilot) -> None:
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_main_screen(snap_compare, size):
    assert snap_compare(seeds_app(), terminal_size=size, run_before=_loaded)


def test_main_screen_on_the_second_story_with_coverage_focused(snap_compare):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("j")
        await settle(pilot, pilot.app)
        await pilot.press("enter", "j", "j")
        await pilot.pause()

    assert snap_compare(seeds_app(), terminal_size=(120, 40), run_before=before)


def test_help_screen(snap_compare):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(seeds_app(), terminal_size=(120, 40), run_before=before)


def test_problems_screen(snap_compare, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text(story_text("A readable story"))
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    (folder / "no-title.md").write_text("---\nexcerpt: hello\n---\n")
    (folder / "latin1.txt").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    (folder / "plain.txt").write_text("just some notes\n")

    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("exclamation_mark")
        await pilot.pause()

    app = make_app(folder, display_name="mixed")
    app.theme = "textual-dark"
    assert snap_compare(app, terminal_size=(120, 40), run_before=before)


def test_compare_screen(snap_compare):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("j")
        await settle(pilot, pilot.app)
        await pilot.press("enter")  # the event's first report: the Washington Post
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(seeds_app(), terminal_size=(120, 40), run_before=before)


def test_raw_screen(snap_compare):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("r")
        await wait_for(pilot, lambda: "Laying out" not in screen_text(pilot.app) and "title:" in screen_text(pilot.app))

    assert snap_compare(seeds_app(), terminal_size=(120, 40), run_before=before)


def deal_app(make_folder):
    app = make_app(deal_folder(make_folder), display_name="deal")
    app.theme = "textual-dark"
    return app


def test_coverage_pane_with_an_event_and_its_topic_stream(snap_compare, make_folder):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("j")  # Alpha's story: the wire's, its own and Beta's articles, then the stream
        await settle(pilot, pilot.app)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(deal_app(make_folder), terminal_size=(120, 40), run_before=before)


def test_events_view(snap_compare, make_folder):
    async def before(pilot):
        await settle(pilot, pilot.app)
        await pilot.press("v", "j")  # the deal's row
        await settle(pilot, pilot.app)

    assert snap_compare(deal_app(make_folder), terminal_size=(120, 40), run_before=before)
