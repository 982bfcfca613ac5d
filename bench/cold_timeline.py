#!/usr/bin/env python3
"""A cold scan's timeline, as the app runs it: when the list is whole, when every file is
parsed and indexed, when the events are ready.

    python bench/cold_timeline.py FOLDER [FOLDER ...] [--runs 3]

Each run starts from empty XDG cache/data folders in a fresh process and calls `Corpus.scan`
as the app's loader does (list pass, verify pass in helper processes, then the events),
noting the seconds since the process started when each report first says so. Also prints the
main process's CPU seconds (the helpers' are not counted: nothing waits for them but the
wall clock) and the load average before the run. Medians; standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)

_ONE_RUN = r"""
import json, os, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from reader.data.corpus import Corpus
marks = {}
def report(progress):
    now = time.perf_counter() - started
    if progress.listed:
        marks.setdefault("listed", now)
    if progress.done:
        marks.setdefault("parsed", now)
    if progress.events_ready:
        marks.setdefault("events", now)
corpus = Corpus(sys.argv[1])
progress = corpus.scan(on_progress=report)
marks["stories"] = progress.stories
marks["main_cpu"] = time.process_time()
corpus.close()
print(json.dumps(marks))
"""


def one_run(folder: str) -> dict:
    home = tempfile.mkdtemp(prefix="reader-timeline-")
    env = dict(os.environ)
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env[name] = os.path.join(home, name.lower())
    try:
        done = subprocess.run([sys.executable, "-c", _ONE_RUN, folder, PROJECT], env=env,
                              capture_output=True, text=True, check=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| folder | stories | list whole (s) | every file parsed and indexed (s) | events ready (s) "
          "| main process CPU (s) | runs | load before |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for folder in args.folders:
        load = os.getloadavg()[0]
        runs = [one_run(os.path.abspath(folder)) for _ in range(args.runs)]

        def median(key: str) -> str:
            values = [run[key] for run in runs if key in run]
            return f"{statistics.median(values):.2f}" if values else "–"

        print(f"| {os.path.basename(os.path.normpath(folder))} | {runs[0]['stories']:,} | {median('listed')} "
              f"| {median('parsed')} | {median('events')} | {median('main_cpu')} | {args.runs} | {load:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
