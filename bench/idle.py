#!/usr/bin/env python3
"""What the reader costs while a person reads: CPU while idle, and memory while browsing.

    python bench/idle.py FOLDER "N stories" CACHE_DIR [--idle 60] [--presses 150]

Runs the real `reader` in a 120x40 pty on a cache that is already built (see bench/warm.py for
CACHE_DIR), waits until the screen is quiet, then:

1. idle: the reader's own CPU seconds (user + system, from /proc) and RSS, every 10 s for
   `--idle` seconds, with no key pressed;
2. browsing: `j` pressed `--presses` times, each after the story's panes have been drawn
   (0.35 s without output), RSS every 30 presses.

Standard library only (Linux: /proc).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from warm import READER, Pty, cache_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("ready", help="what the status line says once loaded, e.g. '100,000 stories'")
    parser.add_argument("cache", help="XDG_CACHE_HOME holding a built cache")
    parser.add_argument("--idle", type=int, default=60, help="seconds without a key")
    parser.add_argument("--presses", type=int, default=150)
    args = parser.parse_args()
    env = cache_env(args.cache)
    session = Pty([str(READER), args.folder], env)
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds() -> float:
        fields = Path(f"/proc/{session.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    try:
        session.wait_for(args.ready)
        session.quiet(3.0)
        start_cpu, start = cpu_seconds(), time.perf_counter()
        print(f"ready: RSS {session.rss_mib()} MiB")
        for mark in range(10, args.idle + 1, 10):
            while time.perf_counter() - start < mark:
                session.pump(0.1)  # the screen's output is read, as a terminal would
            print(f"idle {mark:3d} s: CPU {cpu_seconds() - start_cpu:.2f} s, RSS {session.rss_mib()} MiB", flush=True)
        for press in range(1, args.presses + 1):
            session.key_to_frame(b"j")
            session.quiet(0.35)
            if press % 30 == 0:
                print(f"after {press} stories read: RSS {session.rss_mib()} MiB", flush=True)
    finally:
        session.close()


if __name__ == "__main__":
    main()
