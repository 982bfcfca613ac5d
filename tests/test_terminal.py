"""The real `reader` command in a real terminal (tmux), read off the screen."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS, story_text

TMUX = shutil.which("tmux")
READER = Path(sys.executable).parent / "reader"

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


@pytest.fixture
def terminal(tmp_path):
    # A server of its own for each test: the last test's server may still be exiting under its socket.
    socket = f"reader-test-{os.getpid()}-{tmp_path.name}"
    sessions = []

    def start(*args: str, width: int = 120, height: int = 40) -> str:
        name = f"s{len(sessions)}"
        env = " ".join(f"{key}={tmp_path / key.lower()}" for key in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"))
        command = f"env {env} TERM=xterm-256color {READER} {' '.join(args)}; sleep 5"
        subprocess.run([TMUX, "-L", socket, "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command], check=True)
        # A detached session may still get tmux's default 80x24: set the size outright.
        subprocess.run([TMUX, "-L", socket, "resize-window", "-t", name, "-x", str(width), "-y", str(height)])
        sessions.append(name)
        return name

    def screen(name: str) -> str:
        return subprocess.run([TMUX, "-L", socket, "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout

    def wait_for(name: str, text: str, seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        shown = ""
        while time.monotonic() < deadline:
            shown = screen(name)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")

    def pane_pid(name: str) -> str:
        return subprocess.run([TMUX, "-L", socket, "display-message", "-p", "-t", name, "#{pane_pid}"], capture_output=True, text=True).stdout.strip()

    def keys(name: str, *typed: str) -> None:
        subprocess.run([TMUX, "-L", socket, "send-keys", "-t", name, *typed], check=True)

    yield start, wait_for, keys, screen, pane_pid
    subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)


def test_reader_shows_the_seeds_in_a_real_terminal(terminal):
    start, wait_for, keys, screen, pane_pid = terminal
    session = start(str(SEEDS))
    shown = wait_for(session, "2 stories")
    assert "Amazon Implements 1 Year Moratorium" in shown
    keys(session, "j")
    # The CBS story's event, once events are computed: every one of its 28 related articles
    # reports it, and so does the other story (its own article and one more).
    wait_for(session, "event · 31 articles")
    keys(session, "v")
    shown = wait_for(session, "1 event ")
    assert "2 files" in shown  # the event holds both story files
    assert "Events · headline" in shown
    keys(session, "q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Stories" in screen(session):
        time.sleep(0.1)
    assert "Stories" not in screen(session), "q did not quit"


def test_reader_without_a_path_opens_the_bundled_seeds(terminal):
    start, wait_for, keys, _, _ = terminal
    session = start()
    wait_for(session, "2 stories")
    wait_for(session, "bundled seeds")
    keys(session, "q")


def test_a_star_survives_killing_the_reader(terminal, make_folder):
    start, wait_for, keys, screen, pane_pid = terminal
    folder = make_folder({"only.md": story_text("The one story", url="https://example.com/one")})
    session = start(str(folder))
    wait_for(session, "1 story")
    keys(session, "*")
    wait_for(session, "★")
    time.sleep(1.0)  # "on screen a second before"
    # Kill the reader alone, not the pane's shell: a shell killed ends the only session, and the
    # tmux server exits under the next new-session.
    found = subprocess.run(["pgrep", "-P", pane_pid(session)], capture_output=True, text=True).stdout.split()
    assert found, "the reader process was not found"
    for pid in found:
        os.kill(int(pid), signal.SIGKILL)
    again = start(str(folder))
    shown = wait_for(again, "1 story")
    assert "★" in shown


def test_a_cold_start_in_the_app_reads_in_helper_processes(terminal, make_folder):
    start, wait_for, keys, screen, pane_pid = terminal
    folder = make_folder({f"s{n:03}.md": story_text(f"Story {n:03}", url=f"https://example.com/{n}")
                          for n in range(400)})
    session = start(str(folder))
    # The scan is over when the status says no more than the count and the row (no "verifying",
    # no "checking").
    wait_for(session, "/400 · by newest")
    # A notice of that scan is drawn before a key pressed after it takes effect.
    keys(session, "s")
    wait_for(session, "/400 · by oldest")
    # Inside Textual, stdio are not real files: the pool would fail and say so.
    assert "Reading in one" not in screen(session)
    keys(session, "q")
