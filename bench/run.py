#!/usr/bin/env python3
"""Benchmark the real `reader` command in a real (pseudo) terminal.

    python bench/run.py                      # real sample + 5,000 + 100,000 stories, 5 runs each
    python bench/run.py --runs 3 --sizes 5000 --skip-real
    python bench/run.py --corpus SOME/FOLDER # any folder, as well as the defaults (--only to skip them)

For each corpus it measures, in a 120x40 pty it opens itself:

1. cold start: spawn `reader PATH` with fresh, empty XDG_CACHE_HOME /
   XDG_DATA_HOME / XDG_CONFIG_HOME, and time until the screen shows
   `<N> stories` (the status line once loading is done);
2. warm start: the same, keeping the cache of the cold run;
3. the same start time for bench/bare_app.py (a Textual app showing one
   line), in the same loop, so each figure is also a ratio to bare Textual;
4. keypress-to-repaint: with the list loaded, write a key to the pty and time
   until Textual's end-of-frame marker (the synchronized-output sequence
   ESC[?2026l that closes each frame; the pty answers Textual's DECRQM query
   for mode 2026 so that Textual uses it) -- j x50, PgDn, End, Home;
5. memory: VmRSS once loaded and VmHWM at the end, from /proc/PID/status,
   for the reader and the bare app; bytes per story = (reader - bare) RSS / N.

Generated corpora are made with bench/generate.py when missing. Results are
printed as Markdown and written to bench/results.md; raw figures to
bench/out/results.json. Nothing is written into the corpus folders.

Note: "cold" means the reader's own cache is empty; the OS page cache is
not dropped, so the files themselves are usually in memory already.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import fcntl
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
REAL_SAMPLE = os.path.join(os.path.dirname(PROJECT), "shared", "corpus", "azure")
CORPORA = os.path.join(HERE, "corpora")
BARE_APP = os.path.join(HERE, "bare_app.py")
BARE_READY = "bare textual app ready"
# The reader's status line while it still works in the background.
BUSY = re.compile(r"Reading stories|checking for changes|verifying \d|computing events")
COLS, ROWS = 120, 40

KEYS = {
    "j": b"j",
    "PgDn": b"\x1b[6~",
    "End": b"\x1b[F",
    "Home": b"\x1b[H",
}


# ============================================================================ terminal


_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<str>\x1b[PX^_][\s\S]*?\x1b\\)"
    r"|(?P<esc2>\x1b[()#%][\s\S])"
    r"|(?P<esc>\x1b[^\[\]PX^_()#%])"
    r"|(?P<text>[^\x00-\x1f\x7f]+)"
    r"|(?P<ctl>[\x00-\x1a\x1c-\x1f\x7f])"
)
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFE0E, 0xFE0F}


def _char_width(ch: str) -> int:
    code = ord(ch)
    if code < 0x300:
        return 1
    if code in _ZERO_WIDTH or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


class Screen:
    """Just enough of a VT100/xterm to follow what Textual draws, and to answer its queries."""

    def __init__(self, cols: int = COLS, rows: int = ROWS) -> None:
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.frames_begun = 0
        self.frames_done = 0  # count of ESC[?2026l seen: a frame has been written
        self.replies: list[bytes] = []
        self._pending = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def text(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.cells)

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        pos, end = 0, len(text)
        match_token = _TOKEN.match
        while pos < end:
            m = match_token(text, pos)
            if m is None or (text[pos] == "\x1b" and m.lastgroup == "ctl"):
                # An escape sequence cut off at the end of this read: wait for the rest.
                rest = text[pos:]
                self._pending = rest if len(rest) < 4096 else ""
                return
            kind = m.lastgroup
            if kind == "text":
                self._write(m.group("text"))
            elif kind == "csi":
                self._csi(m.group("params"), m.group("inter"), m.group("final"))
            elif kind == "ctl":
                self._control(m.group("ctl"))
            pos = m.end()

    # ------------------------------------------------------------------ drawing
    def _write(self, run: str) -> None:
        row = self.cells[self.y]
        if run.isascii():
            x = self.x
            room = self.cols - x
            if room <= 0:
                row[-1] = run[-1]
                return
            part = run[:room]
            row[x : x + len(part)] = part
            self.x = min(x + len(run), self.cols)
            return
        for ch in run:
            width = _char_width(ch)
            if width == 0:
                if self.x > 0:
                    row[self.x - 1] += ch
                continue
            x = min(self.x, self.cols - width)
            row[x] = ch
            if width == 2:
                row[x + 1] = ""
            self.x = x + width

    def _control(self, ch: str) -> None:
        if ch == "\r":
            self.x = 0
        elif ch == "\n":
            if self.y == self.rows - 1:
                self.cells.pop(0)
                self.cells.append([" "] * self.cols)
            else:
                self.y += 1
        elif ch == "\b":
            self.x = max(0, self.x - 1)
        elif ch == "\t":
            self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)

    def _clear(self, y0: int, x0: int, y1: int, x1: int) -> None:
        """Blank from (y0, x0) up to, not including, (y1, x1), in reading order."""
        for y in range(y0, y1 + 1):
            start = x0 if y == y0 else 0
            stop = x1 if y == y1 else self.cols
            if y < self.rows:
                self.cells[y][start:stop] = [" "] * max(0, stop - start)

    def _csi(self, params: str, inter: str, final: str) -> None:
        private = params.startswith(("?", ">", "<", "="))
        numbers = [int(p) if p.isdigit() else 0 for p in params.lstrip("?><=").split(";")] if params else []
        first = numbers[0] if numbers and numbers[0] else 1
        if inter == "$" and final == "p" and params.startswith("?"):  # DECRQM: is mode N supported?
            mode = numbers[0] if numbers else 0
            self.replies.append(f"\x1b[?{mode};{2 if mode == 2026 else 0}$y".encode())
            return
        if private:
            if final in "hl" and params.startswith("?"):
                for mode in numbers:
                    if mode == 2026:
                        if final == "h":
                            self.frames_begun += 1
                        else:
                            self.frames_done += 1
                    elif mode in (47, 1047, 1049):
                        self._clear(0, 0, self.rows - 1, self.cols)
                        self.x = self.y = 0
            return
        if final in "Hf":
            row = numbers[0] if numbers and numbers[0] else 1
            col = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.y, self.x = min(row, self.rows) - 1, min(col, self.cols) - 1
        elif final == "A":
            self.y = max(0, self.y - first)
        elif final in "Be":
            self.y = min(self.rows - 1, self.y + first)
        elif final in "Ca":
            self.x = min(self.cols - 1, self.x + first)
        elif final == "D":
            self.x = max(0, self.x - first)
        elif final in "G`":
            self.x = min(first, self.cols) - 1
        elif final == "d":
            self.y = min(first, self.rows) - 1
        elif final == "E":
            self.y, self.x = min(self.rows - 1, self.y + first), 0
        elif final == "F":
            self.y, self.x = max(0, self.y - first), 0
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode == 0:
                self._clear(self.y, self.x, self.rows - 1, self.cols)
            elif mode == 1:
                self._clear(0, 0, self.y, self.x + 1)
            else:
                self._clear(0, 0, self.rows - 1, self.cols)
        elif final == "K":
            mode = numbers[0] if numbers else 0
            row = self.cells[self.y]
            if mode == 0:
                row[self.x :] = [" "] * (self.cols - self.x)
            elif mode == 1:
                row[: self.x + 1] = [" "] * (self.x + 1)
            else:
                row[:] = [" "] * self.cols
        elif final == "X":
            stop = min(self.cols, self.x + first)
            self.cells[self.y][self.x : stop] = [" "] * (stop - self.x)
        elif final == "n":
            if numbers and numbers[0] == 6:
                self.replies.append(f"\x1b[{self.y + 1};{self.x + 1}R".encode())
            elif numbers and numbers[0] == 5:
                self.replies.append(b"\x1b[0n")
        # m (colours), r (margins), t (window ops) and the rest change no text.


# ============================================================================ session


class AppExited(Exception):
    pass


class Session:
    """One program running in its own pty, with a Screen following its output."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int = COLS, rows: int = ROWS) -> None:
        self.screen = Screen(cols, rows)
        self.argv = argv
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.eof = False
        self.last_output = 0.0
        self.tree_peak = 0
        self.first_paint: float | None = None  # first frame written (or the alternate screen entered)
        self._sampled = 0.0
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
            start_new_session=True, preexec_fn=_take_terminal,
        )
        os.close(slave)

    # ------------------------------------------------------------------ output
    def pump(self, timeout: float) -> float | None:
        """Read one chunk (waiting up to timeout); the time it arrived, or None."""
        if self.eof:
            if timeout > 0:
                time.sleep(min(timeout, 0.05))
            return None
        deadline = time.perf_counter() + timeout
        while True:
            ready, _, _ = select.select([self.master], [], [], max(0.0, min(deadline - time.perf_counter(), 0.25)))
            if ready:
                break
            self.sample_tree()  # only while the program is quiet: never between a key and its frame
            if time.perf_counter() >= deadline:
                return None
        data = b""
        try:
            data = os.read(self.master, 1 << 16)
            # What else has come already is read before any of it is parsed: a frame ends when
            # its last byte arrives, not after this emulator (Python, far slower than a real
            # terminal: ~1 ms for a 4 KB frame) has parsed the bytes before it.
            while select.select([self.master], [], [], 0)[0]:
                more = os.read(self.master, 1 << 16)
                if not more:
                    break
                data += more
        except OSError:  # EIO: the program has gone and the pty is closed
            pass
        now = time.perf_counter()
        if not data:
            self.eof = True
            return None
        self.last_output = now
        self.screen.feed(data)
        if self.first_paint is None and (self.screen.frames_done or not self.screen.frames_begun and "\x1b[?1049h" in data.decode("latin-1")):
            self.first_paint = now - self.started
        if self.screen.replies:
            for reply in self.screen.replies:
                os.write(self.master, reply)
            self.screen.replies.clear()
        return now

    def drain(self) -> None:
        while self.pump(0) is not None:
            pass

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> float:
        """Seconds from spawn until the screen matches pattern."""
        deadline = time.perf_counter() + timeout
        checked_frames = -1
        next_note = time.perf_counter() + 30
        while True:
            if time.perf_counter() > next_note:
                next_note += 30
                status = [line for line in self.screen.text().splitlines() if line.strip()]
                print(f"    ... {time.perf_counter() - self.started:.0f} s: {status[-2].strip() if len(status) > 1 else ''}",
                      file=sys.stderr)
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{pattern.pattern!r} not on screen after {timeout:.0f} s")
            arrived = self.pump(min(remaining, 0.5))
            if arrived is None:
                if self.eof or self.proc.poll() is not None:
                    self.drain()
                    raise AppExited(f"the program exited (status {self.proc.poll()}) before {pattern.pattern!r}")
                continue
            # Inside a synchronized frame the screen is half drawn; look once each frame is done,
            # and after every chunk when the program does not use the markers.
            if self.screen.frames_begun and self.screen.frames_done == checked_frames:
                continue
            checked_frames = self.screen.frames_done
            if pattern.search(self.screen.text()):
                return arrived - self.started
            self.sample_tree()

    def wait_idle(self, limit: float) -> bool:
        """Read until the status line says no background work is left and the screen has
        been still for a second; False if that never happened within limit."""
        deadline = time.perf_counter() + limit
        while BUSY.search(self.screen.text()):
            if time.perf_counter() > deadline or self.eof or self.proc.poll() is not None:
                return False
            self.pump(0.5)
        return self.wait_quiet(1.0, max(0.0, deadline - time.perf_counter()))

    def wait_quiet(self, quiet: float = 0.5, limit: float = 15.0) -> bool:
        """Read until no output for `quiet` seconds; False if that never happened within limit."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.pump(quiet) is None:
                return True
        return False

    # ------------------------------------------------------------------ input
    def press(self, key: bytes, settle: float = 0.2, timeout: float = 5.0) -> dict:
        """Write key; time to the end of the first frame, and of the last before `settle` s of quiet."""
        self.drain()
        before = self.screen.text()
        frames = self.screen.frames_done
        sent = time.perf_counter()
        os.write(self.master, key)
        first = last = None
        deadline = sent + timeout
        while True:
            now = time.perf_counter()
            if now >= deadline:
                break
            wait = deadline - now if first is None else settle
            arrived = self.pump(wait)
            if arrived is None:
                if first is not None or self.eof:
                    break
                continue
            if self.screen.frames_done > frames:
                frames = self.screen.frames_done
                last = arrived - sent
                if first is None:
                    first = last
        return {"first": first, "last": last, "changed": self.screen.text() != before}

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM of the program in bytes; TreeRSS adds its helper processes."""
        out = _status(self.proc.pid)
        if "VmRSS" in out:
            out["TreeRSS"] = sum(_status(pid).get("VmRSS", 0) for pid in _tree(self.proc.pid))
        return out

    def sample_tree(self) -> None:
        """Track the largest RSS of the program and its helper processes seen so far."""
        now = time.perf_counter()
        if now - self._sampled < 0.25:
            return
        self._sampled = now
        total = sum(_status(pid).get("VmRSS", 0) for pid in _tree(self.proc.pid))
        self.tree_peak = max(self.tree_peak, total)

    def quit(self, key: bytes = b"q", timeout: float = 10.0) -> int | None:
        try:
            os.write(self.master, key)
        except OSError:
            pass
        deadline = time.perf_counter() + timeout
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self.pump(0.05)  # keep reading, so the program never blocks on a full pty
        status = self.proc.poll()
        if status is None:
            self.kill()
        self.close()
        return status

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(3)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.wait()

    def close(self) -> None:
        try:
            os.close(self.master)
        except OSError:
            pass


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (via /proc/PID/task/TID/children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
            except (OSError, ValueError):
                pass
    return found


def _take_terminal() -> None:  # runs in the child, after setsid()
    try:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except OSError:
        pass


# ============================================================================ runs


def make_env(home: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some build machines) would make every start
    # compile the reader's modules again: a user's Python keeps their bytecode.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "TERM_PROGRAM", "TMUX", "COLUMNS", "LINES", "NO_COLOR",
                                "PYTHONDONTWRITEBYTECODE"))}
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        folder = os.path.join(home, name.lower())
        os.makedirs(folder, exist_ok=True)
        env[name] = folder
    env["TERM"] = "xterm-256color"
    env["COLORTERM"] = "truecolor"
    env.setdefault("LANG", "C.UTF-8")
    return env


def count_pattern(count: int) -> re.Pattern[str]:
    """`600 stories`, `100,000 stories`, `100 000 stories`, ..."""
    digits = str(count)
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    sep = "[,.\u00a0\u202f\u2009' _]?"
    noun = "story" if count == 1 else "stories"
    return re.compile(r"(?<![\d,.])" + sep.join(groups) + r"\s+" + noun + r"\b")


def code_stamp() -> float:
    """Latest modification time of the reader's source: a change between cold and warm runs voids the warm figure."""
    newest = 0.0
    for folder, _, names in os.walk(os.path.join(PROJECT, "reader")):
        for name in names:
            if name.endswith((".py", ".tcss")):
                try:
                    newest = max(newest, os.path.getmtime(os.path.join(folder, name)))
                except OSError:
                    pass
    return newest


def one_start(argv: list[str], home: str, ready: re.Pattern[str], timeout: float,
              keys: dict[str, int] | None = None, verbose: bool = False, until_idle: bool = False) -> dict:
    """Spawn, time until `ready` is on screen, measure memory (and keys), quit.

    Before quitting it waits up to 15 s for the screen to stop changing, or with
    `until_idle` up to `timeout` for the background work to end (so that a cold run
    leaves a complete cache)."""
    session = Session(argv, make_env(home))
    result: dict = {"argv": argv, "code_stamp": code_stamp()}
    try:
        result["start"] = session.wait_for(ready, timeout)
        result["first_paint"] = session.first_paint
        result["quiet"] = session.wait_idle(timeout) if until_idle else session.wait_quiet(0.5, 15.0)
        result.update({f"{k}_loaded": v for k, v in session.memory().items()})
        result["sync_frames"] = session.screen.frames_done
        if keys:
            # Keys are timed on an idle app: wait until background work (e.g. a verify pass) stops drawing.
            result["idle"] = session.wait_idle(timeout)
            result["idle_at"] = session.last_output - session.started
            result["keys"] = measure_keys(session, keys)
        result.update({f"{k}_end": v for k, v in session.memory().items()})
        result["TreePeak"] = session.tree_peak
        result["screen"] = session.screen.text()
        quit_sent = time.perf_counter()
        result["exit_status"] = session.quit()
        result["quit_seconds"] = time.perf_counter() - quit_sent
    except (TimeoutError, AppExited) as error:
        session.drain()
        result["error"] = str(error)
        result["screen"] = session.screen.text()
        session.kill()
        session.close()
        print(f"    FAILED: {error}\n    last screen:\n" + _indent(result["screen"], "    | "), file=sys.stderr)
    if verbose and "error" not in result:
        print(_indent(result["screen"], "    | "), file=sys.stderr)
    return result


def measure_keys(session: Session, plan: dict[str, int]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for name, times in plan.items():
        if name == "End/Home":
            for _ in range(times):
                for key in ("End", "Home"):
                    out.setdefault(key, []).append(session.press(KEYS[key]))
        else:
            out[name] = [session.press(KEYS[name]) for _ in range(times)]
    return out


def expected_count(path: str, reader: str) -> int:
    manifest = os.path.join(path, ".bench-manifest.json")
    if os.path.isfile(manifest):
        with open(manifest, encoding="utf-8") as handle:
            return int(json.load(handle)["stories"])
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as home:
        done = subprocess.run([reader, "check", "--no-cache", path], env=make_env(home),
                              capture_output=True, text=True)
    match = re.search(r"^(\d+) stor(?:y|ies),", done.stdout, re.M)
    if not match:
        raise SystemExit(f"run: cannot count the stories in {path}: {done.stdout[-500:]}{done.stderr[-500:]}")
    return int(match.group(1))


def bench_corpus(label: str, path: str, reader: str, args) -> dict:
    count = expected_count(path, reader)
    ready = count_pattern(count) if not args.ready_regex else re.compile(args.ready_regex)
    print(f"\n## {label}: {path} ({count:,} stories; waiting for /{ready.pattern}/)", file=sys.stderr)
    runs: dict[str, list[dict]] = {"bare": [], "cold": [], "warm": []}
    plan = {"j": args.presses, "PgDn": args.pages, "End/Home": args.ends}
    bare_ready = re.compile(re.escape(BARE_READY))
    runs_wanted = args.large_runs if count >= args.large else args.runs
    for run in range(runs_wanted):
        with tempfile.TemporaryDirectory(prefix="reader-bench-") as home:
            bare = one_start([sys.executable, BARE_APP], os.path.join(home, "bare"), bare_ready, 60)
            runs["bare"].append(bare)
            # Below --large the cold run stays until its verify pass is over, so that the warm
            # start finds what a user's second start finds: a complete index of an unchanged folder.
            cold = one_start([reader, path], os.path.join(home, "reader"), ready, args.timeout,
                             verbose=args.verbose and run == 0,
                             until_idle=count < args.large)
            runs["cold"].append(cold)
            warm = one_start([reader, path], os.path.join(home, "reader"), ready, args.timeout,
                             keys=plan if run == 0 and not args.no_keys else None)
            if warm.get("code_stamp") != cold.get("code_stamp"):
                warm["start_void"] = "the reader's source changed after the cold run (the cache may be rebuilt)"
            runs["warm"].append(warm)
        print(f"  run {run + 1}/{runs_wanted}: bare {_s(bare.get('start'))}  cold {_s(cold.get('start'))}"
              f"  warm {_s(warm.get('start'))}", file=sys.stderr)
        if "error" in cold and "error" in warm:
            break
    return {"label": label, "path": path, "stories": count, "bytes": _folder_bytes(path), "runs": runs}


# ============================================================================ report


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _p90(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[min(len(values) - 1, max(0, -(-9 * len(values) // 10) - 1))]  # nearest rank


def _s(seconds):
    return "—" if seconds is None else f"{seconds:.2f} s"


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def _mb(n):
    return "—" if n is None else f"{n / 2**20:.0f} MiB"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


def _folder_bytes(path: str) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(folder, name))
            except OSError:
                pass
    return total


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "?"
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
            ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "textual": version("textual"),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def summarize(result: dict) -> dict:
    runs = result["runs"]
    ok = {kind: [r for r in items if "error" not in r] for kind, items in runs.items()}
    out = {kind: {
        "start": _median([r["start"] for r in ok[kind] if not r.get("start_void")]),
        "void": sum(bool(r.get("start_void")) for r in ok[kind]),
        "paint": _median([r.get("first_paint") for r in ok[kind]]),
        "rss": _median([r.get("VmRSS_loaded") for r in ok[kind]]),
        "hwm": _median([r.get("VmHWM_end") for r in ok[kind]]),
        "tree": _median([max(r.get("TreePeak", 0), r.get("VmHWM_end", 0)) or None for r in ok[kind]]),
        "ok": len(ok[kind]), "n": len(runs[kind]),
    } for kind in runs}
    keys: dict[str, list[dict]] = {}
    for r in ok["warm"]:
        for name, presses in r.get("keys", {}).items():
            keys.setdefault(name, []).extend(presses)
    out["keys"] = {name: {
        "median": _median([p["first"] for p in presses]),
        "p90": _p90([p["first"] for p in presses]),
        "settled_median": _median([p["last"] for p in presses]),
        "settled_p90": _p90([p["last"] for p in presses]),
        "count": len(presses),
        "no_frame": sum(p["first"] is None for p in presses),
        "unchanged": sum(not p["changed"] for p in presses),
    } for name, presses in keys.items()}
    out["sync"] = any(r.get("sync_frames") for r in ok["warm"] + ok["cold"])
    return out


def markdown(results: list[dict], info: dict[str, str], args) -> str:
    lines = [
        "# reader benchmark",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}; "
        f"Python {info['python']}, Textual {info['textual']}; {info['date']}.",
        f"Terminal: pty {COLS}x{ROWS}; {args.runs} runs per start figure ({args.large_runs} for corpora of "
        f"{args.large:,}+ stories), medians; "
        f"keys on the first warm run. Command: `python bench/run.py {' '.join(args.argv)}`".rstrip(),
        "",
        "## Start: spawn until `<N> stories` is on screen",
        "",
        "| corpus | stories | size | bare Textual | cold | cold ÷ bare | warm | warm ÷ bare | first frame: cold / warm |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    summaries = [(r, summarize(r)) for r in results]
    for r, s in summaries:
        bare, cold, warm = s["bare"]["start"], s["cold"]["start"], s["warm"]["start"]
        ratio = lambda a: "—" if a is None or not bare else f"{a / bare:.1f}×"  # noqa: E731
        fails = "".join(f" ({s[k]['n'] - s[k]['ok']} {k} failed)" for k in ("cold", "warm") if s[k]["ok"] < s[k]["n"])
        lines.append(f"| {r['label']}{fails} | {r['stories']:,} | {r['bytes'] / 1e6:,.0f} MB | {_s(bare)} | "
                     f"{_s(cold)} | {ratio(cold)} | {_s(warm)} | {ratio(warm)} | "
                     f"{_s(s['cold']['paint'])} / {_s(s['warm']['paint'])} |")
    lines += [
        "",
        "## Keypress to repaint (ms; key written to the pty until the frame's closing ESC[?2026l)",
        "",
        "First frame after the key, median / p90; in brackets the last frame before 0.2 s of quiet "
        "(when a key causes more than one frame, e.g. the highlight moves at once and the story pane "
        "follows). \"no text change\": the screen's text was the same after the key (colours are not compared).",
        "",
        "Keys are sent once the app has stopped drawing for 1 s; \"idle at\" is when it last drew before "
        "that (seconds from spawn, warm start): background work such as a verify pass is over by then.",
        "",
        "| corpus | idle at | " + " | ".join(KEYS) + " |",
        "|---|---:|" + "---:|" * len(KEYS),
    ]
    for r, s in summaries:
        cells = []
        for name in KEYS:
            k = s["keys"].get(name)
            if not k:
                cells.append("—")
                continue
            cell = f"{_ms(k['median'])} / {_ms(k['p90'])}"
            if k["settled_median"] is not None and k["settled_median"] - (k["median"] or 0) > 0.001:
                cell += f" [{_ms(k['settled_median'])} / {_ms(k['settled_p90'])}]"
            cell += f" (n={k['count']}"
            if k["no_frame"]:
                cell += f", {k['no_frame']} no frame"
            if k["unchanged"]:
                cell += f", {k['unchanged']} no text change"
            cells.append(cell + ")")
        idle = [w for w in r["runs"]["warm"] if w.get("idle_at") is not None]
        idle_cell = "—" if not idle else f"{idle[0]['idle_at']:.1f} s" + ("" if idle[0]["idle"] else " (never idle)")
        lines.append(f"| {r['label']} | {idle_cell} | " + " | ".join(cells) + " |")
    for r, _ in summaries:
        void = [w for w in r["runs"]["warm"] if w.get("start_void")]
        if void:
            lines.append(f"\nNote: {len(void)} warm start(s) of {r['label']} left out of the median "
                         f"({', '.join(_s(w.get('start')) for w in void)}): {void[0]['start_void']}.")
    if not all(s["sync"] for _, s in summaries):
        lines.append("\nWarning: no synchronized-output frames seen for some corpora; key figures may be missing.")
    lines += [
        "",
        "## Memory (medians; RSS once loaded and quiet, peak = VmHWM at quit)",
        "",
        "Bytes per story = (reader RSS - bare RSS) / N. The last column sums the RSS of the reader and "
        "its child processes, sampled every 0.25 s while loading (children's own peaks can be missed).",
        "",
        "| corpus | bare RSS / peak | cold RSS / peak | warm RSS / peak | bytes per story (cold, warm) "
        "| with helper processes: cold / warm peak |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r, s in summaries:
        per = []
        for kind in ("cold", "warm"):
            a, b = s[kind]["rss"], s["bare"]["rss"]
            per.append("—" if a is None or b is None else f"{(a - b) / r['stories']:,.0f}")
        lines.append(f"| {r['label']} | {_mb(s['bare']['rss'])} / {_mb(s['bare']['hwm'])} | "
                     f"{_mb(s['cold']['rss'])} / {_mb(s['cold']['hwm'])} | "
                     f"{_mb(s['warm']['rss'])} / {_mb(s['warm']['hwm'])} | {per[0]}, {per[1]} | "
                     f"{_mb(s['cold']['tree'])} / {_mb(s['warm']['tree'])} |")
    sized = [(r["stories"], s["warm"]["rss"], r["label"]) for r, s in summaries if s["warm"]["rss"]]
    if len(sized) >= 2:
        (n0, m0, l0), (n1, m1, l1) = min(sized), max(sized)
        if n1 > n0:
            lines.append(f"\nMarginal memory per story (warm RSS, {l0} → {l1}): "
                         f"{(m1 - m0) / (n1 - n0):,.0f} bytes.")
    lines += [
        "",
        "Cold = empty reader cache (fresh XDG dirs); the OS page cache is not dropped, so story files "
        "are read from memory. Warm = the cache the cold run left. Start = when the status line first "
        "shows `<N> stories`, whatever the app still does in the background (e.g. verifying); "
        "first frame = the first complete frame on screen. The machine is shared, so figures are noisy.",
        "",
    ]
    return "\n".join(lines)


# ============================================================================ main


def find_reader(given: str | None) -> str:
    if given:
        return given
    beside = os.path.join(os.path.dirname(sys.executable), "reader")
    found = beside if os.access(beside, os.X_OK) else shutil.which("reader")
    if not found:
        raise SystemExit("run: no `reader` command; activate the project's venv (pip install -e .)")
    return found


def compile_reader() -> None:
    """Bytecode for the reader's modules before the first start, as an installed copy has:
    otherwise the first cold run would also pay for compiling them."""
    import compileall

    import reader

    compileall.compile_dir(os.path.dirname(reader.__file__), quiet=1)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start runs per corpus (default 5)")
    parser.add_argument("--sizes", default="5000,100000",
                        help="generated corpus sizes, comma-separated (default 5000,100000; '' for none)")
    parser.add_argument("--seed", type=int, default=1, help="seed for generated corpora (default 1)")
    parser.add_argument("--skip-real", action="store_true", help="leave out the real sample")
    parser.add_argument("--corpus", action="append", default=[], metavar="DIR", help="also measure this folder")
    parser.add_argument("--only", action="store_true", help="measure only the --corpus folders")
    parser.add_argument("--large", type=int, default=50_000,
                        help="a corpus of at least this many stories is large (default 50000)")
    parser.add_argument("--large-runs", type=int, default=2,
                        help="start runs for a large corpus (default 2: a cold start of 100,000 takes minutes)")
    parser.add_argument("--presses", type=int, default=50, help="j presses (default 50)")
    parser.add_argument("--pages", type=int, default=10, help="PgDn presses (default 10)")
    parser.add_argument("--ends", type=int, default=5, help="End+Home pairs (default 5)")
    parser.add_argument("--no-keys", action="store_true", help="skip the keypress figures")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds to wait for a start (default 1200)")
    parser.add_argument("--ready-regex", help="what marks a loaded list (default: '<N> stories')")
    parser.add_argument("--reader", help="the reader command (default: the venv's `reader`)")
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"),
                        help="Markdown results file (default bench/results.md; raw figures in bench/out/results.json, "
                        "or beside OUT as .json)")
    parser.add_argument("--verbose", action="store_true", help="print the loaded screen of each first cold run")
    args = parser.parse_args(argv)
    args.argv = argv
    reader = find_reader(args.reader)
    compile_reader()

    corpora: list[tuple[str, str]] = []
    if not args.only:
        if args.skip_real:
            pass
        elif os.path.isdir(REAL_SAMPLE):
            corpora.append(("real sample (azure)", REAL_SAMPLE))
        else:
            print(f"run: the real sample is not here ({REAL_SAMPLE}); skipping it", file=sys.stderr)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            folder = os.path.join(CORPORA, f"stories-{size}")
            if not os.path.isfile(os.path.join(folder, ".bench-manifest.json")):
                print(f"run: generating {folder} ...", file=sys.stderr)
                sys.path.insert(0, HERE)
                from generate import generate

                if os.path.isdir(folder):
                    shutil.rmtree(folder)
                generate(folder, size, args.seed)
            corpora.append((f"synthetic {size:,}", folder))
    corpora += [(os.path.basename(os.path.abspath(c)), c) for c in args.corpus]
    if not corpora:
        print("run: nothing to measure", file=sys.stderr)
        return 2

    info = machine()
    results = []
    default_out = os.path.abspath(args.out) == os.path.join(HERE, "results.md")
    raw = os.path.join(HERE, "out", "results.json") if default_out else os.path.splitext(args.out)[0] + ".json"
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    for label, path in corpora:
        results.append(bench_corpus(label, path, reader, args))
        report = markdown(results, info, args)  # written after each corpus: a long run leaves partial results
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(report)
        with open(raw, "w", encoding="utf-8") as handle:
            json.dump({"machine": info, "results": results}, handle, indent=1, default=str)
    print(report)
    print(f"\nwritten: {args.out}, {raw}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
