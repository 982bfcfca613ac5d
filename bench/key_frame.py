#!/usr/bin/env python3
"""What the frame a key draws costs the UI thread: the list's move, timed inside the process.

    python bench/key_frame.py [FOLDER] [--presses 40] [--keys j,pagedown,k]

Runs the reader headless (120x40, Textual's test driver: no terminal write), waits until the
folder is read, moves 20 rows down, then presses each key `--presses` times, 0.15 s apart, and
times each frame that draws the story list and nothing else beside it (Textual's screen update:
compositing and rendering; the terminal write is not in it). Prints the median and p90 per key.

The pty benches (keys_rhythm.py, run.py) time a key to its frame on screen, which is what a
person sees, but on this shared machine their floor moves by half from one hour to the next; a
frame's cost inside the process moves far less, so it is the figure to compare two versions by.
Standard library only (and the reader's own dependencies).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FOLDER = os.path.join(HERE, "corpora", "stories-5000")


async def frame_seconds(folder: str, keys: list[str], presses: int) -> dict[str, list[float]]:
    from textual.screen import Screen

    from reader.app import ReaderApp

    timed: dict[str, list[float]] = {key: [] for key in keys}
    current: list[str] = []
    update = Screen._on_timer_update

    def timed_update(screen: Screen) -> None:
        drawn = {type(widget).__name__ for widget in screen._dirty_widgets}
        # The list alone (its scrollbar, where it has one, moves with it).
        if current and "StoryList" in drawn and drawn <= {"StoryList", "ScrollBar"}:
            started = time.perf_counter()
            update(screen)
            timed[current[0]].append(time.perf_counter() - started)
        else:
            update(screen)

    Screen._on_timer_update = timed_update
    try:
        app = ReaderApp(folder, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(6000):
                await pilot.pause(0.01)
                if app.lists.loaded:
                    break
            await pilot.pause(1.0)
            for _ in range(20):
                await pilot.press("j")
            await pilot.pause(0.5)
            for key in keys:
                current[:] = [key]
                for _ in range(presses):
                    await pilot.press(key)
                    await pilot.pause(0.15)
                current.clear()
    finally:
        Screen._on_timer_update = update
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--keys", default="j,pagedown,k")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="reader-key-frame-")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = os.path.join(home, name.lower())
    timed = asyncio.run(frame_seconds(args.folder, args.keys.split(","), args.presses))
    print(f"| key | frames | median | p90 |  ({args.folder}; load {os.getloadavg()[0]:.2f})")
    print("|---|---:|---:|---:|")
    for key, seconds in timed.items():
        if not seconds:
            print(f"| {key} | 0 | – | – |")
            continue
        ordered = sorted(seconds)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        print(f"| {key} | {len(seconds)} | {statistics.median(seconds) * 1000:.2f} ms | {p90 * 1000:.2f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
