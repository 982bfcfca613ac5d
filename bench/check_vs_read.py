"""`reader check` on a cold cache, beside the time to read the same files' bytes.

    python bench/check_vs_read.py FOLDER [FOLDER ...] [--runs 3] [--no-fast]

Each run of `reader check` gets fresh XDG cache/data/config folders (no index:
every file is read, parsed and indexed). Reading the bytes walks the same
folder and reads every file whole, as the page cache serves them (the files
are read once first so that both sides see the same warm cache). Prints the
median of each and their ratio. `--no-fast` hides rapidyaml from the reader
(PyYAML reads every file), for the figure it replaces.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def read_bytes(folder: str) -> tuple[float, int, int]:
    """(seconds, files, bytes) to list the folder and read every file."""
    started = time.perf_counter()
    files = size = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            with open(os.path.join(root, name), "rb") as handle:
                size += len(handle.read())
            files += 1
    return time.perf_counter() - started, files, size


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def check_cold(folder: str, fast: bool) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the reader process, its last line)."""
    home = tempfile.mkdtemp(prefix="reader-check-")
    env = dict(os.environ)
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env[name] = os.path.join(home, name.lower())
    if not fast:
        # A module that fails to import, first on the path of the reader and of its
        # helper processes (which inherit the environment, not the parent's modules).
        hidden = os.path.join(home, "hidden")
        os.mkdir(hidden)
        with open(os.path.join(hidden, "ryml.py"), "w", encoding="utf-8") as module:
            module.write("raise ImportError('hidden by check_vs_read.py --no-fast')\n")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [hidden, env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "reader", "check", folder]
    try:
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu  # the helper processes are not counted: nothing waits for them
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return seconds, cpu, (done.stdout.strip().splitlines() or ["?"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-fast", action="store_true", help="PyYAML reads every file (rapidyaml hidden)")
    args = parser.parse_args()
    print("| folder | files | MB | read bytes (s) | reader check cold (s) | ratio | main process CPU (s) | runs | load before |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for folder in args.folders:
        read_bytes(folder)  # warm the page cache for both sides
        load = os.getloadavg()[0]
        reads, checks, cpus, said = [], [], [], ""
        for _ in range(args.runs):
            seconds, files, size = read_bytes(folder)
            reads.append(seconds)
            seconds, cpu, said = check_cold(folder, fast=not args.no_fast)
            checks.append(seconds)
            cpus.append(cpu)
        read, check = statistics.median(reads), statistics.median(checks)
        print(f"| {os.path.basename(os.path.normpath(folder))} ({said}) | {files:,} | {size / 1e6:,.0f} | "
              f"{read:.3f} | {check:.2f} | {check / read:.0f}x | {statistics.median(cpus):.1f} | {args.runs} | {load:.2f} |", flush=True)


if __name__ == "__main__":
    main()
