"""Read and starred marks: kept across runs, seen by the index, never lost to SIGKILL,
and a bad state file is survived."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from conftest import PROJECT, story_text

from reader.data import state as state_module
from reader.data.corpus import Corpus, state_file
from reader.data.query import compile_query, parse_query
from reader.data.state import MarkStore


def test_marks_start_unset_and_toggle(tmp_path):
    store = MarkStore(str(tmp_path / "state.sqlite3"))
    assert store.get("https://example.com/a") == (False, False)
    store.set_read("https://example.com/a", True)
    store.set_starred("https://example.com/a", True)
    assert store.get("https://example.com/a") == (True, True)
    store.set_read("https://example.com/a", False)
    assert store.get("https://example.com/a") == (False, True)
    store.set_starred("https://example.com/a", False)
    store.set_read("https://example.com/b", True)
    assert store.marks(["https://example.com/a", "https://example.com/b", "never"]) == {
        "https://example.com/a": (False, False),
        "https://example.com/b": (True, False),
        "never": (False, False),
    }
    assert store.notices == [] and store.persistent
    store.close()


def test_marks_survive_a_restart(tmp_path):
    path = str(tmp_path / "state.sqlite3")
    first = MarkStore(path)
    first.set_read("https://example.com/a", True)
    first.set_starred("story.md\nA story", True)
    first.remember("theme", "nord")
    first.close()
    second = MarkStore(path)
    assert second.get("https://example.com/a") == (True, False)
    assert second.get("story.md\nA story") == (False, True)
    assert second.recall("theme") == "nord"
    assert second.recall("nothing") is None
    second.remember("theme", None)
    assert second.recall("theme") is None


def test_the_default_file_is_the_one_the_index_attaches():
    store = MarkStore()
    store.set_starred("k", True)
    store.close()
    assert store.path == state_file() and Path(state_file()).is_file()


def test_many_keys_at_once(tmp_path):
    store = MarkStore(str(tmp_path / "state.sqlite3"))
    for number in range(0, 1500, 7):
        store.set_read(f"k{number}", True)
    found = store.marks(f"k{number}" for number in range(1500))
    assert len(found) == 1500
    assert [key for key, (read, _) in found.items() if read] == [f"k{n}" for n in range(0, 1500, 7)]


def test_shared_between_threads(tmp_path):
    store = MarkStore(str(tmp_path / "state.sqlite3"))
    threads = [threading.Thread(target=lambda n=n: [store.set_read(f"k{n}", value) for value in (True, False, True)])
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(store.get(f"k{n}") == (True, False) for n in range(8))
    assert store.notices == []


def _starred_titles(corpus: Corpus) -> list[str]:
    rows = corpus.rows(corpus.story_ids("newest", *compile_query(parse_query("is:starred"))))
    return sorted(row.title for row in rows.values())


def test_the_index_sees_the_marks_wherever_the_folder_is(make_folder):
    files = {
        "a.md": story_text("With a link", url="https://example.com/a"),
        "b.md": story_text("No link", url=""),
    }
    store = MarkStore()
    corpus = Corpus(str(make_folder(files)))
    corpus.scan(verify_workers=0)
    rows = {row.title: row for row in corpus.rows(corpus.story_ids()).values()}
    assert rows["With a link"].key == "https://example.com/a"
    assert rows["No link"].key == "b.md\nNo link"
    assert not any(row.read or row.starred for row in rows.values())

    store.set_starred(rows["With a link"].key, True)
    store.set_read(rows["No link"].key, True)
    after = {row.title: row for row in corpus.rows(corpus.story_ids()).values()}
    assert (after["With a link"].read, after["With a link"].starred) == (False, True)
    assert (after["No link"].read, after["No link"].starred) == (True, False)
    assert _starred_titles(corpus) == ["With a link"]
    corpus.close()

    # The same stories in another folder (the folder moved): same keys, same marks.
    moved = Corpus(str(make_folder(files)))
    moved.scan(verify_workers=0)
    again = {row.title: row for row in moved.rows(moved.story_ids()).values()}
    assert again["With a link"].key == rows["With a link"].key
    assert again["No link"].key == rows["No link"].key
    assert again["With a link"].starred and again["No link"].read
    assert _starred_titles(moved) == ["With a link"]
    assert moved.story_ids("newest", *compile_query(parse_query("is:unread"))) == moved.story_ids("newest", *compile_query(parse_query("is:starred")))
    moved.close()
    assert store.notices == []


def test_a_star_survives_sigkill(tmp_path):
    path = tmp_path / "state.sqlite3"
    code = textwrap.dedent(f"""
        import sys, time
        from reader.data.state import MarkStore
        store = MarkStore({str(path)!r})
        store.set_starred("https://example.com/a", True)
        store.set_read("https://example.com/b", True)
        print("done", store.notices, flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=PROJECT)
    try:
        line = child.stdout.readline()
        assert line.strip() == "done []", line
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    store = MarkStore(str(path))
    assert store.get("https://example.com/a") == (False, True)
    assert store.get("https://example.com/b") == (True, False)


def test_an_unwritable_place_means_memory_with_a_notice(tmp_path):
    (tmp_path / "blocked").write_text("a file where the folder should be")
    store = MarkStore(str(tmp_path / "blocked" / "state.sqlite3"))
    assert not store.persistent and store.path is None
    assert len(store.notices) == 1 and "cannot be saved" in store.notices[0]
    store.set_starred("k", True)
    assert store.get("k") == (False, True)
    store.remember("theme", "nord")
    assert store.recall("theme") == "nord"


def test_a_damaged_file_is_moved_aside_and_marks_go_on(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not a database, just some junk " * 200)
    store = MarkStore(str(path))
    assert len(store.notices) == 1 and "damaged" in store.notices[0]
    assert store.persistent
    assert list(tmp_path.glob("state.sqlite3.damaged-*"))  # kept, in case it can be saved
    store.set_starred("k", True)
    store.close()
    assert MarkStore(str(path)).get("k") == (False, True)


def test_a_file_locked_for_too_long_means_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "BUSY_SECONDS", 0.1)
    path = str(tmp_path / "state.sqlite3")
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("CREATE TABLE t (x)")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        store = MarkStore(path)
        assert not store.persistent and "locked" in store.notices[0]
        store.set_read("k", True)
        assert store.get("k") == (True, False)
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_a_lock_while_in_use_keeps_the_marks_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "BUSY_SECONDS", 0.1)
    path = str(tmp_path / "state.sqlite3")
    store = MarkStore(path)
    store.set_read("before", True)
    store.remember("theme", "nord")
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        store.set_starred("after", True)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert not store.persistent and "locked" in store.notices[0]
    assert store.get("before") == (True, False)  # what the file held came along
    assert store.get("after") == (False, True)
    assert store.recall("theme") == "nord"


def _corpus_with_one_story(make_folder) -> tuple[Corpus, str]:
    corpus = Corpus(str(make_folder({"a.md": story_text("Starred one", url="https://example.com/a")})))
    corpus.scan(verify_workers=0)
    return corpus, "https://example.com/a"


def _star_shows_everywhere(corpus: Corpus, key: str, read: bool = False) -> None:
    corpus.marks.set_starred(key, True)
    assert corpus.marks.get(key) == (read, True)
    assert corpus.marks_of(key) == (read, True)
    assert [(row.read, row.starred) for row in corpus.rows(corpus.story_ids()).values()] == [(read, True)]
    assert _starred_titles(corpus) == ["Starred one"]


def test_marks_have_one_owner_when_the_data_folder_cannot_be_made(make_folder, tmp_path, monkeypatch):
    (tmp_path / "plain").write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "plain"))
    corpus, key = _corpus_with_one_story(make_folder)
    assert not corpus.marks.persistent
    _star_shows_everywhere(corpus, key)
    assert len(corpus.marks.notices) == 1 and not [n for n in corpus.notices if "marks" in n]
    corpus.close()


def test_marks_have_one_owner_when_the_state_file_is_locked_at_start(make_folder, monkeypatch):
    monkeypatch.setattr(state_module, "BUSY_SECONDS", 0.1)
    os.makedirs(os.path.dirname(state_file()), exist_ok=True)
    locker = sqlite3.connect(state_file(), isolation_level=None)
    locker.execute("CREATE TABLE t (x)")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        corpus, key = _corpus_with_one_story(make_folder)
        assert not corpus.marks.persistent
        _star_shows_everywhere(corpus, key)
        corpus.close()
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_marks_have_one_owner_when_the_state_file_is_locked_in_use(make_folder, monkeypatch):
    monkeypatch.setattr(state_module, "BUSY_SECONDS", 0.1)
    corpus, key = _corpus_with_one_story(make_folder)
    corpus.marks.set_read(key, True)
    locker = sqlite3.connect(state_file(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        _star_shows_everywhere(corpus, key, read=True)  # the read mark in the file came along
        assert not corpus.marks.persistent
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    corpus.close()
