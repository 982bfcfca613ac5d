#!/usr/bin/env python3
"""UI-thread CPU per story shown: what showing a story still costs the thread that takes keys.

    python bench/ui_thread.py [FOLDER] [--presses 40]

Runs the reader headless (120x40, Textual's test driver: everything but the terminal write),
presses j `--presses` times, each time waiting until the highlighted story's panes are shown,
and reads the UI thread's CPU time (time.thread_time) around the presses. The same again with
the story loader switched off gives the cost of a list move alone; the difference is what
showing a story leaves on the UI thread. `--profile` prints where that time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_SAMPLE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "corpus", "azure")


async def ui_seconds_per_key(path: str, presses: int, show_panes: bool, profile: cProfile.Profile | None) -> float:
    from reader.app import ReaderApp

    app = ReaderApp(path, watch=False)
    app.animation_level = "none"
    if not show_panes:
        app.load_story = lambda story_id: None  # the list still moves; no story is read or shown
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(1000):  # the folder indexed and its first story shown
            await pilot.pause(0.01)
            if app.lists.loaded and app.shown_id is not None:
                break
        await pilot.pause(0.5)
        if profile:
            profile.enable()
        started = time.thread_time()
        for _ in range(presses):
            await pilot.press("j")
            deadline = time.perf_counter() + 1.0
            while time.perf_counter() < deadline:
                await pilot.pause(0.01)
                if not show_panes and time.perf_counter() > deadline - 0.85:
                    break
                if show_panes and app.shown_id == app.story_list.current_id():
                    break
            await pilot.pause(0.05)
        spent = time.thread_time() - started
        if profile:
            profile.disable()
    return spent / presses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=REAL_SAMPLE)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3, help="repeat both measures; medians are reported")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="reader-ui-")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = os.path.join(home, name.lower())
    with_panes, list_only = [], []
    for _ in range(args.rounds):
        with_panes.append(asyncio.run(ui_seconds_per_key(args.folder, args.presses, True, None)))
        list_only.append(asyncio.run(ui_seconds_per_key(args.folder, args.presses, False, None)))
    shown, moved = sorted(with_panes)[len(with_panes) // 2], sorted(list_only)[len(list_only) // 2]
    print(f"UI-thread CPU per j: {shown * 1000:.1f} ms with the story shown, {moved * 1000:.1f} ms for the list "
          f"move alone; showing a story: {(shown - moved) * 1000:.1f} ms  (load {os.getloadavg()[0]:.2f})")
    if args.profile:
        profile = cProfile.Profile()
        asyncio.run(ui_seconds_per_key(args.folder, args.presses, True, profile))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"reader|rich/(table|console)|_compositor", 25)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
