#!/usr/bin/env python3
"""Warm-start, keypress and memory figures on a cache that is already built.

    reader export FOLDER > /dev/null                 # with the XDG_* below: builds and verifies the cache
    python bench/warm.py FOLDER "N stories" CACHE_DIR [--runs 7]

CACHE_DIR is used as XDG_CACHE_HOME (and CACHE_DIR/d, CACHE_DIR/c as the data and config
folders). bench/run.py measures from a cold start, which on 100,000 stories leaves a
verify pass of ~12 minutes running behind the warm figures; this measures the steady state.
Standard library only; runs the real `reader` in a pty, 120x40.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READER = Path(sys.executable).parent / "reader"
SYNC_QUERY, SYNC_ANSWER, FRAME_END = b"\x1b[?2026$p", b"\x1b[?2026;2$y", b"\x1b[?2026l"


class Pty:
    """A program in a 120x40 pseudo-terminal that says it supports synchronized output."""

    def __init__(self, argv: list[str], env: dict) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.seen = b""

    def pump(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 1 << 20)
        if SYNC_QUERY in data:
            os.write(self.fd, SYNC_ANSWER)
        self.seen += data
        return data

    def wait_for(self, text: str, limit: float = 60) -> float:
        while time.perf_counter() - self.started < limit:
            self.pump(0.02)
            if text.encode() in self.seen:
                return time.perf_counter() - self.started
        raise SystemExit(f"{text!r} never appeared")

    def quiet(self, seconds: float, limit: float = 120) -> None:
        last = time.perf_counter()
        while time.perf_counter() - last < seconds and time.perf_counter() - self.started < limit:
            if self.pump(0.05) is not None:
                last = time.perf_counter()

    def key_to_frame(self, key: bytes) -> float:
        """ms from writing a key to the end of the first frame after it."""
        start = time.perf_counter()
        got = b""
        os.write(self.fd, key)
        while time.perf_counter() - start < 2:
            data = self.pump(0.5)
            if data is None:
                break
            got += data
            if FRAME_END in got:
                break
        return (time.perf_counter() - start) * 1000

    def rss_mib(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) // 1024

    def close(self) -> None:
        try:
            os.write(self.fd, b"q")
            time.sleep(0.3)
            os.kill(self.pid, 9)
        except OSError:
            pass
        os.waitpid(self.pid, 0)


def cache_env(cache: str) -> dict:
    """The environment of a reader on the built cache CACHE_DIR (see the module's docstring)."""
    env = dict(os.environ, TERM="xterm-256color", XDG_CACHE_HOME=cache,
               XDG_DATA_HOME=f"{cache}/d", XDG_CONFIG_HOME=f"{cache}/c")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as bench/run.py: a user's Python keeps bytecode
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("ready", help="what the status line says once loaded, e.g. '100,000 stories'")
    parser.add_argument("cache", help="XDG_CACHE_HOME holding a built cache")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    env = cache_env(args.cache)
    bare_times, reader_times = [], []
    for _ in range(args.runs):
        for argv, ready, times in (([sys.executable, str(HERE / "bare_app.py")], "bare textual app ready", bare_times),
                                   ([str(READER), args.folder], args.ready, reader_times)):
            session = Pty(argv, env)
            times.append(session.wait_for(ready))
            session.close()
    bare, warm = statistics.median(bare_times), statistics.median(reader_times)
    print(f"warm start: reader {warm:.2f} s, bare {bare:.2f} s, ratio {warm / bare:.2f}")
    for label, keys in (("j", [b"j"]), ("PgDn", [b"\x1b[6~"]), ("G/g", [b"G", b"g"])):
        session = Pty([str(READER), args.folder], env)
        session.wait_for(args.ready)
        session.quiet(1.0)
        times = []
        for press in range(args.presses):
            times.append(session.key_to_frame(keys[press % len(keys)]))
            session.quiet(0.35)  # the story pane follows the list; let it finish
        rss = session.rss_mib()
        session.close()
        print(f"{label}: median {statistics.median(times):.1f} ms, p90 {sorted(times)[int(len(times) * 0.9)]:.1f} ms;"
              f" reader RSS {rss} MiB")


if __name__ == "__main__":
    main()
