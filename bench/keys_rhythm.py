#!/usr/bin/env python3
"""Keys at a reading rhythm: j, k and PgDn, each sent 100 ms after the screen last changed.

    python bench/keys_rhythm.py                      # real sample + synthetic 5,000
    python bench/keys_rhythm.py --corpus FOLDER --presses 40 --gap 0.1

For each corpus, in one run: the floor (bench/bare_keys.py, a Textual app that redraws one
line per key), the reader during a cold start's background work (fresh XDG dirs; keys from
the first story row drawn until the status line no longer says it is busy; also split by
the stage the status line names: the list pass, then the verify pass), and the reader warm
(the same dirs, once idle), in the story list and then in the events view (`v`). A press is timed from the key written to the end of the first
frame that draws the story list (rows above the story pane); frames that only touch the status
line are not the key's. Before each key the bench waits until nothing has
been drawn for --gap seconds (at most 1 s while background work keeps the status line
changing). Uses bench/run.py's pty and terminal; standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402  (bench/run.py: Session, Screen, make_env, ...)

BARE_KEYS = os.path.join(HERE, "bare_keys.py")
BARE_READY = re.compile(re.escape("bare textual app ready"))
SEQUENCE = ("j", "PgDn", "k")
KEY_BYTES = {"j": b"j", "k": b"k", "PgDn": run.KEYS["PgDn"]}
STORY_PANE_TOP = re.compile(r"^╭─ Story\b")
EVENTS_LISTED = re.compile(r"^ [\d,]+ events · ", re.M)  # the status line once the events view is listed
FIRST_ROW = re.compile(r"^│ [ •] .*\d{4}-\d\d-\d\d", re.M)  # a story row in the list (read or unread)


class RowScreen(run.Screen):
    """run.Screen that also records, for each finished frame, the rows it wrote."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.touched: set[int] = set()
        self.frame_rows: list[set[int]] = []

    def _write(self, text: str) -> None:
        self.touched.add(self.y)
        super()._write(text)

    def _csi(self, params: str, inter: str, final: str) -> None:
        if final in "KXJ":
            self.touched.add(self.y)
        done = self.frames_done
        super()._csi(params, inter, final)
        if self.frames_done > done:
            self.frame_rows.append(self.touched)
            self.touched = set()


def start(argv: list[str], home: str) -> run.Session:
    session = run.Session(argv, run.make_env(home))
    session.screen = RowScreen(run.COLS, run.ROWS)
    return session


def list_rows(session: run.Session) -> range:
    """The rows the story list is drawn on: above the story pane's top border (all, for the bare app)."""
    for number, line in enumerate(session.screen.text().splitlines()):
        if STORY_PANE_TOP.match(line):
            return range(0, number)
    return range(0, run.ROWS)


def wait_for_gap(session: run.Session, gap: float, limit: float = 1.0) -> None:
    """Until nothing has been drawn for `gap` seconds (or `limit` has passed)."""
    deadline = time.perf_counter() + limit
    while True:
        quiet_for = time.perf_counter() - session.last_output
        left = gap - quiet_for
        if left <= 0 or time.perf_counter() >= deadline:
            return
        if session.pump(min(left, max(0.0, deadline - time.perf_counter()))) is None and \
                time.perf_counter() - session.last_output >= gap:
            return


def press(session: run.Session, key: str, rows: range, timeout: float = 5.0) -> float | None:
    """Seconds from the key written to the end of the first frame that draws the list."""
    session.drain()
    screen = session.screen
    seen = len(screen.frame_rows)
    sent = time.perf_counter()
    os.write(session.master, KEY_BYTES[key])
    deadline = sent + timeout
    while time.perf_counter() < deadline:
        arrived = session.pump(deadline - time.perf_counter())
        if arrived is None:
            if session.eof:
                return None
            continue
        while seen < len(screen.frame_rows):
            frame = screen.frame_rows[seen]
            seen += 1
            if any(row in rows for row in frame):
                return arrived - sent
    return None


LIST_PASS = re.compile(r"Reading stories")  # the status line while the list grows; after it, "checking", "verifying"


def stage_of(session: run.Session) -> str:
    """Which part of a cold start's work the status line says runs now."""
    return "list pass" if LIST_PASS.search(session.screen.text()) else "verify pass"


def rhythm(session: run.Session, presses: int, gap: float, rows: range,
           keep_going=lambda: True, block: int | None = None,
           stages: list | None = None) -> dict[str, list[float | None]]:
    """`presses` of each key in SEQUENCE (j, then PgDn, then k back up), one every `gap` after the last frame.
    As many PgDn as the others: the p90 of ten presses was the slowest of them.
    `block`: the keys take turns, `block` presses at a time (while a cold start works, each key then
    meets every stage of it: one after another, the last key would only meet its end).
    `stages`: each press's (stage_of before it, seconds) is added to it."""
    out: dict[str, list[float | None]] = {key: [] for key in SEQUENCE}
    turns = [(key, presses) for key in SEQUENCE] if block is None else \
        [(key, min(block, presses - done)) for done in range(0, presses, block) for key in SEQUENCE]
    for key, count in turns:
        for _ in range(count):
            if not keep_going():
                return out
            wait_for_gap(session, gap)
            stage = stage_of(session) if stages is not None else None
            out[key].append(press(session, key, rows))
            if stages is not None:
                stages.append((stage, out[key][-1]))
    return out


def median(values):
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def p90(values):
    values = sorted(v for v in values if v is not None)
    return values[min(len(values) - 1, int(len(values) * 0.9))] if values else None


def bench_corpus(path: str, reader: str, args) -> dict:
    count = run.expected_count(path, reader)
    ready = run.count_pattern(count)
    print(f"\n## {path} ({count:,} stories)", file=sys.stderr)
    uptime_before = os.getloadavg()
    result: dict = {"path": path, "stories": count, "load_before": uptime_before}
    with tempfile.TemporaryDirectory(prefix="reader-keys-") as home:
        bare = start([sys.executable, BARE_KEYS], os.path.join(home, "bare"))
        bare.wait_for(BARE_READY, 60)
        bare.wait_quiet(0.5, 10)
        result["floor"] = rhythm(bare, args.presses, args.gap, range(0, run.ROWS))
        bare.quit()

        cold = start([reader, path], os.path.join(home, "reader"))
        # Keys from the first story row on: the rest of the list, and the work after it, still running.
        result["first_row"] = cold.wait_for(FIRST_ROW, args.timeout)
        busy = lambda: bool(run.BUSY.search(cold.screen.text()))  # noqa: E731
        result["busy_at_first_row"] = busy()
        rows = list_rows(cold)
        pressed_busy: dict[str, list] = {key: [] for key in SEQUENCE}
        result["busy_stages"] = []
        rounds = 0
        while busy() and rounds < args.cold_rounds:
            rounds += 1
            got = rhythm(cold, args.presses, args.gap, rows, keep_going=busy, block=args.block,
                         stages=result["busy_stages"])
            for key, values in got.items():
                pressed_busy[key] += values
        result["busy"] = pressed_busy
        result["cold_start"] = cold.wait_for(ready, args.timeout)
        result["idle"] = cold.wait_idle(args.timeout)
        cold.quit()

        warm = start([reader, path], os.path.join(home, "reader"))
        result["warm_start"] = warm.wait_for(ready, args.timeout)
        warm.wait_idle(args.timeout)
        result["warm"] = rhythm(warm, args.presses, args.gap, list_rows(warm))
        # The events view (v): each move there asks the index for the event's story files.
        os.write(warm.master, b"v")
        warm.wait_for(EVENTS_LISTED, args.timeout)
        warm.wait_quiet(0.5, 10)
        result["warm_events"] = rhythm(warm, args.presses, args.gap, list_rows(warm))
        warm.quit()
    result["load_after"] = os.getloadavg()
    return result


def summarize(result: dict) -> list[dict]:
    floor_all = [v for values in result["floor"].values() for v in values]
    floor = median(floor_all)
    rows = [{"phase": "floor (bare app, one line)", "key": "j/k/PgDn", "n": len(floor_all),
             "median": floor, "p90": p90(floor_all)}]
    for phase, label in (("warm", "warm"), ("warm_events", "warm, the events view (v)"),
                         ("busy", "cold start, background work running")):
        if phase not in result:  # a result from before the events view was measured
            continue
        for key in SEQUENCE:
            values = result[phase][key]
            rows.append({"phase": label, "key": key, "n": len([v for v in values if v is not None]),
                         "missed": sum(v is None for v in values), "median": median(values), "p90": p90(values)})
    for stage in ("list pass", "verify pass"):
        values = [value for pressed_in, value in result.get("busy_stages", []) if pressed_in == stage]
        if values:
            rows.append({"phase": f"cold start, during the {stage}", "key": "j/k/PgDn",
                         "n": len([v for v in values if v is not None]), "missed": sum(v is None for v in values),
                         "median": median(values), "p90": p90(values)})
    for row in rows[1:]:
        row["median_ratio"] = row["median"] / floor if row["median"] and floor else None
        row["p90_ratio"] = row["p90"] / floor if row["p90"] and floor else None
    return rows


def _ms(value):
    return "–" if value is None else f"{value * 1000:.1f} ms"


def _x(value):
    return "–" if value is None else f"{value:.1f}×"


def markdown(results: list[dict], info: dict, args) -> str:
    lines = [
        "# Keys at a reading rhythm",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}, Textual {info['textual']}; "
        f"{info['date']}. Command: `python bench/keys_rhythm.py {' '.join(args.argv)}`".rstrip(),
        f"Each key is sent {args.gap * 1000:.0f} ms after the screen last changed; timed to the end of the "
        "first frame that draws the list. Ratios are to the floor's median. During a cold start the keys "
        f"take turns, {args.block} presses at a time.",
    ]
    for result in results:
        load = " / ".join(f"{a:.2f}" for a in result["load_before"])
        lines += [
            "",
            f"## {result['path']} ({result['stories']:,} stories; load average before: {load})",
            "",
            "| phase | key | presses | median | p90 | median ÷ floor | p90 ÷ floor |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in summarize(result):
            lines.append(f"| {row['phase']} | {row['key']} | {row['n']} | {_ms(row['median'])} | {_ms(row['p90'])} "
                         f"| {_x(row.get('median_ratio'))} | {_x(row.get('p90_ratio'))} |")
        if not any(result["busy"].values()):
            lines.append("")
            lines.append("The background work was over before the first key: no figures while it runs.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", default=[], metavar="DIR",
                        help="folder to measure (default: the real sample and bench/corpora/stories-5000)")
    parser.add_argument("--presses", type=int, default=40, help="presses of each key per round")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds of a still screen before each key")
    parser.add_argument("--cold-rounds", type=int, default=5, help="rounds of keys at most while a cold start works")
    parser.add_argument("--block", type=int, default=5, help="while a cold start works, each key's presses in a row")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--reader", help="the reader command (default: the venv's `reader`)")
    parser.add_argument("--out", default=os.path.join(HERE, "out", "keys_rhythm.md"))
    args = parser.parse_args(argv)
    args.argv = argv
    reader = run.find_reader(args.reader)
    run.compile_reader()
    corpora = args.corpus or [c for c in (run.REAL_SAMPLE, os.path.join(run.CORPORA, "stories-5000"))
                              if os.path.isdir(c)]
    info = run.machine()
    results = [bench_corpus(path, reader, args) for path in corpora]
    report = markdown(results, info, args)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(report)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as handle:
        json.dump({"machine": info, "results": results}, handle, indent=1, default=str)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
