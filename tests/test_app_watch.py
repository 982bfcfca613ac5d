"""The folder watch through the app: a folder renamed while the reader runs stays watched."""

from __future__ import annotations

import sys

import pytest

from app_helpers import make_app, screen_text, settle, wait_for
from conftest import story_text

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the folder watch uses Linux's inotify")


async def test_a_story_in_a_new_folder_of_a_renamed_folder_comes_in(make_folder):
    folder = make_folder({"sub/a.md": story_text("First", published="2020-06-01T00:00:00Z",
                                                 url="https://example.com/a")})
    app = make_app(folder, watch=True, rescan_seconds=60)  # no walk in time: only the watch brings changes
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await wait_for(pilot, lambda: app.corpus.folder_watch() is not None)
        (folder / "sub").rename(folder / "moved")
        await wait_for(pilot, lambda: "moved/a.md" in app.corpus.index.known_files())
        (folder / "moved" / "newer").mkdir()
        (folder / "moved" / "b.md").write_text(story_text("Second", published="2020-06-02T00:00:00Z",
                                                          url="https://example.com/b"))
        await wait_for(pilot, lambda: "2 stories" in screen_text(app))
        (folder / "moved" / "newer" / "c.md").write_text(story_text("Third", published="2020-06-03T00:00:00Z",
                                                                    url="https://example.com/c"))
        await wait_for(pilot, lambda: "3 stories" in screen_text(app))
        assert "Third" in screen_text(app)
