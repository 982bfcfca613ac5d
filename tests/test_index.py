"""The story index: used, invalidated and rebuilt correctly; a bad cache is survived."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.data import index as index_module
from reader.data.index import connections as connections_module
from reader.data.corpus import Corpus, cache_file
from reader.data.index import Index
from reader.data.query import Query, parse_query
from conftest import story_text


def titles(corpus: Corpus) -> list[str]:
    rows = corpus.rows(corpus.story_ids())
    return [rows[story_id].title for story_id in corpus.story_ids()]


@pytest.fixture
def folder(make_folder):
    return make_folder({
        f"s{number}.md": story_text(f"Story {number}", published=f"2020-06-{10 + number:02}T00:00:00Z")
        for number in range(5)
    })


def test_a_second_scan_reads_no_file(folder):
    first = Corpus(str(folder)).scan()
    assert (first.files_read, first.stories) == (5, 5)
    second_corpus = Corpus(str(folder))
    assert second_corpus.was_scanned
    assert titles(second_corpus) == ["Story 4", "Story 3", "Story 2", "Story 1", "Story 0"]
    second = second_corpus.scan()
    assert (second.files_read, second.stories) == (0, 5)
    assert Path(cache_file()).is_file()


def test_only_changed_added_and_removed_files_are_read_again(folder):
    Corpus(str(folder)).scan()
    (folder / "s1.md").write_text(story_text("Story 1, corrected", published="2020-06-11T00:00:00Z"))
    (folder / "s9.md").write_text(story_text("Story 9", published="2020-06-30T00:00:00Z"))
    (folder / "s0.md").unlink()
    corpus = Corpus(str(folder))
    progress = corpus.scan()
    assert progress.files_read == 2
    assert titles(corpus) == ["Story 9", "Story 4", "Story 3", "Story 2", "Story 1, corrected"]


def test_a_file_that_turns_bad_becomes_a_problem_and_back(folder):
    corpus = Corpus(str(folder))
    corpus.scan()
    (folder / "s2.md").write_text("---\ntitle: [\n---\n")
    assert corpus.scan().problems == 1
    assert corpus.story_count() == 4
    (folder / "s2.md").write_text(story_text("Story 2 again"))
    progress = corpus.scan()
    assert (progress.problems, progress.stories) == (0, 5)


def test_no_cache_reads_the_files_and_writes_no_cache(folder):
    corpus = Corpus(str(folder), use_cache=False)
    assert corpus.scan().stories == 5
    assert not corpus.cached
    assert not Path(cache_file()).exists()


def test_a_corrupt_cache_is_rebuilt_with_a_notice(folder):
    Corpus(str(folder)).scan()
    Path(cache_file()).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(cache_file() + suffix).unlink(missing_ok=True)
    corpus = Corpus(str(folder))
    assert any("damaged" in notice for notice in corpus.notices)
    assert corpus.scan().stories == 5
    assert corpus.cached
    # Written into the new file (a writer kept from the first scan would write into the old one).
    assert titles(corpus) == [f"Story {number}" for number in range(4, -1, -1)]
    assert corpus.index.unverified_count() == 0


def test_an_older_cache_format_is_rebuilt_with_a_notice(folder):
    Corpus(str(folder)).scan()
    db = sqlite3.connect(cache_file())
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    corpus = Corpus(str(folder))
    assert any("another version" in notice for notice in corpus.notices)
    assert not corpus.was_scanned
    assert corpus.scan().stories == 5


def test_an_unusable_cache_location_falls_back_to_memory(folder, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    corpus = Corpus(str(folder))
    assert not corpus.cached
    assert any("cannot be used" in notice for notice in corpus.notices)
    assert corpus.scan().stories == 5


def test_a_locked_cache_falls_back_to_memory(folder, monkeypatch):
    Corpus(str(folder)).scan()
    monkeypatch.setattr(connections_module, "BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(cache_file(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        corpus = Corpus(str(folder))
        progress = corpus.scan()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert progress.stories == 5
    assert not corpus.cached
    assert corpus.notices


def test_a_cache_that_fails_during_a_scan_is_survived(folder, monkeypatch):
    corpus = Corpus(str(folder))
    real_write = index_module.Index.write
    failures = iter([True])

    def failing_write(self, results, *args):
        if self.db_path is not None and next(failures, False):
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real_write(self, results, *args)

    monkeypatch.setattr(index_module.Index, "write", connections_module.guarded(failing_write))
    progress = corpus.scan()
    assert progress.stories == 5
    assert not corpus.cached
    assert titles(corpus)[0] == "Story 4"


def test_two_readers_on_one_folder_both_work(folder):
    results = {}

    def read(name: str) -> None:
        corpus = Corpus(str(folder))
        results[name] = (corpus.scan().stories, titles(corpus))

    threads = [threading.Thread(target=read, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["a"] == results["b"] == (5, ["Story 4", "Story 3", "Story 2", "Story 1", "Story 0"])


def test_folders_do_not_share_rows(make_folder):
    one = make_folder({"a.md": story_text("Only in one")})
    two = make_folder({"a.md": story_text("Only in two")})
    first, second = Corpus(str(one)), Corpus(str(two))
    first.scan()
    second.scan()
    assert titles(first) == ["Only in one"]
    assert titles(second) == ["Only in two"]


def test_a_large_cold_scan_reads_in_helper_processes_and_agrees(make_folder):
    files = {f"d{number % 7}/s{number:04}.md": story_text(f"Story {number:04}", published=f"2020-01-01T{number % 24:02}:{number % 60:02}:00Z")
             for number in range(700)}
    files["bad.md"] = "---\ntitle: [\n---\n"
    corpus = Corpus(str(make_folder(files)))
    progress = corpus.scan()
    assert (progress.stories, progress.problems, progress.files_read) == (700, 1, 701)
    assert len(set(titles(corpus))) == 700


def test_the_folder_is_never_written(folder):
    before = {path: path.stat().st_mtime_ns for path in [folder, *folder.rglob("*")]}
    Corpus(str(folder)).scan()
    corpus = Corpus(str(folder), use_cache=False)
    corpus.scan()
    corpus.marks.set_starred(corpus.rows(corpus.story_ids()[:1]).popitem()[1].key, True)
    corpus.close()
    after = {path: path.stat().st_mtime_ns for path in [folder, *folder.rglob("*")]}
    assert before == after  # the folder's own time too: nothing was made in it and removed again
    assert sorted(os.listdir(folder)) == [f"s{number}.md" for number in range(5)]


def double_or_die_in_a_helper(chunk, max_bytes):
    """A reading function whose helper processes die, as one would on a crash."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return [item * 2 for item in chunk]


def test_a_helper_process_that_dies_does_not_lose_the_scan():
    from reader.data.readers import Readers

    notices: list[str] = []
    readers = Readers(double_or_die_in_a_helper, 0, 2, notices)
    taken: list[int] = []
    try:
        for number in range(6):
            readers.submit([number], taken.extend)
        readers.drain(taken.extend)
    finally:
        readers.close()
    assert sorted(taken) == [0, 2, 4, 6, 8, 10]
    assert any("helper process stopped" in notice for notice in notices)


def chunk_lengths(chunk, max_bytes):
    return [len(chunk)]


def test_files_are_read_in_chunks_of_a_bounded_count_and_size():
    # A folder's large files often lie together (a week of long related lists): a chunk of
    # 64 of them could take a helper six times as long as the others, alone at the end.
    from reader.data.readers import CHUNK_BYTES, CHUNK_FILES, Readers

    readers = Readers(chunk_lengths, 0, 0, [])
    lengths: list[int] = []
    for _ in range(CHUNK_FILES + 1):
        readers.add("small", lengths.extend, 10)
    for _ in range(5):
        readers.add("large", lengths.extend, CHUNK_BYTES // 2)
    readers.drain(lengths.extend)
    assert lengths == [CHUNK_FILES, 3, 2, 1]


def test_a_whole_list_query_does_not_hold_up_the_screen(folder):
    """Every id of a search runs on a connection of its own: the main one, through which
    the screen reads its rows, stays free (here: held by another thread all along)."""
    corpus = Corpus(str(folder))
    corpus.scan()
    held, done = threading.Event(), threading.Event()

    def hold_the_main_connection() -> None:
        with corpus.index._lock:
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold_the_main_connection)
    holder.start()
    try:
        held.wait(5)
        ids = []
        reader = threading.Thread(target=lambda: ids.append(corpus.story_ids("newest")))
        reader.start()
        reader.join(5)
        assert not reader.is_alive()
        assert len(ids) == 1 and len(ids[0]) == 5
    finally:
        done.set()
        holder.join()
    assert list(ids[0]) == list(corpus.story_ids("newest"))
    corpus.close()


def test_the_screens_reads_do_not_wait_for_a_batch_being_written(folder):
    """This process writes through the main connection with its lock held (the events; the scan's
    batches where helpers cannot write: ~65 ms each on a cold start of 20,000). The rows a key
    shows, and a search's first screenful, are read beside it on a connection of their own: they
    see what was committed, and never wait."""
    corpus = Corpus(str(folder))
    corpus.scan()
    ids = corpus.story_ids("newest")
    held, done = threading.Event(), threading.Event()

    def write_a_batch_slowly() -> None:
        with corpus.index._lock, corpus.index._transaction() as db:
            db.execute("UPDATE stories SET title = 'not committed yet'")
            held.set()
            done.wait(10)

    writer = threading.Thread(target=write_a_batch_slowly)
    writer.start()
    try:
        assert held.wait(5)
        seen: list = []
        reader = threading.Thread(target=lambda: seen.extend([
            corpus.rows(ids), corpus.first_story_ids("newest", Query(), 3),
            corpus.first_story_ids("newest", parse_query("Story"), 3),
        ]))
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "the screen waited for the write"
        rows, first, matching = seen
        assert sorted(row.title for row in rows.values()) == [f"Story {number}" for number in range(5)]
        assert list(first) == list(ids[:3]) and list(matching) == list(ids[:3])
    finally:
        done.set()
        writer.join()
    corpus.close()


def test_an_outlet_article_in_several_stories_coverage_is_one_row(make_folder):
    reuters = {"title": "The Reuters piece", "url": "https://www.reuters.com/a", "provider": "Reuters",
               "domain": "reuters.com", "published": "2020-06-01T12:00:00Z"}
    folder = make_folder({
        "old.md": story_text("Old story", url="https://example.com/1", published="2020-06-01T00:00:00Z",
                             related=[reuters, reuters]),  # listed twice in one file
        "new.md": story_text("New story", url="https://example.com/2", published="2020-06-05T00:00:00Z",
                             related=[{**reuters, "url": "https://reuters.com/a/"}]),
        "own.md": story_text("Reuters' own", url="https://www.reuters.com/own", provider="Reuters",
                             domain="www.reuters.com", published="2020-06-03T00:00:00Z"),
    })
    corpus = Corpus(str(folder))
    corpus.scan(verify_workers=0)
    rows = corpus.index.outlet_articles("reuters.com")
    by_title = {row[2]: row for row in rows}
    assert len(rows) == 2
    assert by_title["Reuters' own"][3] is None
    story_id, _, _, within, holders = by_title["The Reuters piece"]
    assert (within, holders) == ("New story", 2)  # goes to the newest story that holds it
    assert corpus.rows([story_id])[story_id].title == "New story"


def test_before_events_linked_stories_count_a_shared_article_once(make_folder, monkeypatch):
    monkeypatch.setattr(Corpus, "_after_scan_update_events", lambda *args: None)
    shared = {"title": "Shared", "url": "https://shared.example/x", "provider": "Shared"}
    folder = make_folder({
        "a.md": story_text("A", url="https://example.com/1", published="2020-06-01T00:00:00Z", related=[shared]),
        "b.md": story_text("B", url="https://example.com/2", published="2020-06-02T00:00:00Z",
                           related=[shared, shared, {"title": "Other", "url": "https://o.example/y"}]),
    })
    corpus = Corpus(str(folder))
    corpus.scan(verify_workers=0)
    ids = {corpus.rows([i])[i].title: i for i in corpus.story_ids()}
    assert corpus.index.linked_stories(ids["B"]) == [(ids["A"], "A", 1)]
    assert corpus.index.linked_stories(ids["A"]) == [(ids["B"], "B", 1)]


def test_before_events_linked_stories_rank_by_distinct_shared_articles(make_folder, monkeypatch):
    monkeypatch.setattr(Corpus, "_after_scan_update_events", lambda *args: None)
    one = {"title": "One", "url": "https://shared.example/1", "provider": "Shared"}
    two = {"title": "Two", "url": "https://shared.example/2", "provider": "Shared"}
    folder = make_folder({
        "x.md": story_text("X", url="https://example.com/x", published="2020-06-01T00:00:00Z", related=[one, two]),
        "a.md": story_text("Newer, one article three times", url="https://example.com/a",
                           published="2020-06-03T00:00:00Z", related=[one, one, one]),
        "b.md": story_text("Older, two articles", url="https://example.com/b",
                           published="2020-06-02T00:00:00Z", related=[one, two]),
    })
    corpus = Corpus(str(folder))
    corpus.scan(verify_workers=0)
    ids = {corpus.rows([i])[i].title: i for i in corpus.story_ids()}
    assert corpus.index.linked_stories(ids["X"]) == [
        (ids["Older, two articles"], "Older, two articles", 2),
        (ids["Newer, one article three times"], "Newer, one article three times", 1),
    ]
    corpus.close()


def test_a_cache_written_by_other_reading_code_is_read_again(folder, monkeypatch):
    """A reader whose parsing changed (an upgrade, with or without a schema bump) reads every file again."""
    assert Corpus(str(folder)).scan().files_read == 5
    assert Corpus(str(folder)).scan().files_read == 0
    monkeypatch.setattr(connections_module, "reading_code", lambda: "other parsing code")
    corpus = Corpus(str(folder))
    assert not corpus.was_scanned
    assert corpus.scan().files_read == 5
    assert any("another version" in notice for notice in corpus.notices)
    assert Corpus(str(folder)).scan().files_read == 0  # and then it is trusted


def test_the_reading_code_key_covers_the_parsing_modules():
    key = index_module.reading_code()
    assert key == index_module.reading_code() and len(key) >= 16
    assert set(index_module.READING_MODULES) >= {
        "reader.data.parse", "reader.data.yaml_fast", "reader.data.discover", "reader.data.records",
        "reader.data.sanitize", "reader.data.dates", "reader.data.coverage"}


def _index_contents(corpus: Corpus) -> tuple:
    """Everything a scan leaves in the index about the folder's stories, ids aside."""
    db = corpus.index
    stories = db.query("SELECT path, key, title, provider_name, outlet, url_key, first_outlet, published, "
                       "related_count, outlets, quality, heat, excerpt, url, verified FROM stories ORDER BY path")
    related = db.query("SELECT s.path, r.position, r.title, r.outlet, r.url_key, r.published, r.quality "
                       "FROM related r JOIN stories s ON s.id = r.story ORDER BY s.path, r.position")
    problems = [(p.path, p.reason, p.line, p.column) for p in corpus.problems()]
    return stories, related, problems


def test_one_whole_pass_leaves_the_index_the_two_passes_leave(make_folder):
    # The command line reads each file once; the app reads a list pass, then verifies.
    files = {f"s{number:03}.md": story_text(f"Story {number:03}", published=f"2020-01-01T{number % 24:02}:00:00Z",
                                           related=[{"title": f"Related {number}", "url": f"https://o.example/{number % 9}"}])
             for number in range(150)}
    files["bad.md"] = "---\ntitle: [\n---\n"
    # A list pass reads this one (its related block is not parsed); the full parse makes it a problem.
    files["broken-related.md"] = story_text("Broken related", related=[{"title": "x"}]).replace(
        "  - title:", "  - [title:", 1)
    files["notes.txt"] = "no front matter"
    files["other.bin"] = "not a story"
    folder = make_folder(files)
    two_passes = Corpus(str(folder), use_cache=False)
    two_passes.scan()
    whole = Corpus(str(folder), use_cache=False)
    progress = whole.scan(whole=True)
    assert progress.verified == 0  # nothing was left for a second pass
    contents = _index_contents(whole)
    assert contents == _index_contents(two_passes)
    assert len(contents[0]) == 150 and len(contents[1]) == 150
    assert [path for path, *_ in contents[2]] == ["bad.md", "broken-related.md", "notes.txt"]
    assert whole.index.unverified_count() == 0


def _verify_pass_folder(make_folder):
    files = {f"s{number:03}.md": story_text(f"Story {number:03}", published=f"2020-01-01T{number % 24:02}:00:00Z",
                                           related=[{"title": f"Related {number}", "url": f"https://o.example/{number % 9}"}])
             for number in range(150)}
    files["broken-related.md"] = story_text("Broken related", related=[{"title": "x"}]).replace(
        "  - title:", "  - [title:", 1)
    return make_folder(files)


def test_helpers_write_what_they_parse_into_the_cache_file(make_folder, monkeypatch):
    # The process that draws only counts: a full parse's figures are written where they are made.
    folder = _verify_pass_folder(make_folder)
    written_here: list[int] = []
    write_verified = Index.write_verified

    def counted(index, results):
        written_here.extend(1 for _ in results)
        return write_verified(index, results)

    monkeypatch.setattr(Index, "write_verified", counted)
    cached = Corpus(str(folder))
    progress = cached.scan(verify_workers=2)
    assert cached.index.db_path is not None and progress.verified == progress.to_verify > 100
    assert written_here == []
    in_memory = Corpus(str(folder), use_cache=False)
    in_memory.scan(verify_workers=0)
    assert _index_contents(cached) == _index_contents(in_memory)
    assert cached.index.unverified_count() == 0
    assert [problem.path for problem in cached.problems()] == ["broken-related.md"]


@pytest.mark.parametrize("whole", [False, True])
def test_helpers_write_the_list_pass_into_the_cache_file(make_folder, monkeypatch, whole):
    # During a list pass the app's process only counts: the rows are written where they are read,
    # and the keys never wait for the interpreter's lock behind the writing.
    folder = _verify_pass_folder(make_folder)
    written_here: list[str] = []
    write = Index.write

    def counted(index, results, new=frozenset()):
        written_here.extend(path for path, *_ in results)
        return write(index, results, new)

    monkeypatch.setattr(Index, "write", counted)
    cached = Corpus(str(folder))
    progress = cached.scan(verify_workers=2, whole=whole)
    assert cached.index.db_path is not None and progress.files_read == 151
    assert written_here == []
    in_memory = Corpus(str(folder), use_cache=False)
    in_memory.scan(verify_workers=0, whole=whole)
    assert len(written_here) == 151  # in memory, this process writes
    assert _index_contents(cached) == _index_contents(in_memory)
    assert [problem.path for problem in cached.problems()] == ["broken-related.md"]


@pytest.mark.parametrize("failing", ["write", "write_verified"])  # the list pass's rows, the verify pass's figures
def test_a_helper_write_that_fails_goes_on_in_memory(make_folder, monkeypatch, failing):
    from reader.data import corpus as corpus_module
    from reader.data.index.writes import ChunkWriter

    def disk_fails(writer, *_results):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ChunkWriter, failing, disk_fails)
    monkeypatch.setattr(corpus_module, "cores", lambda: 0)  # every file read here: the patch holds
    folder = _verify_pass_folder(make_folder)
    corpus = Corpus(str(folder))
    progress = corpus.scan(verify_workers=0)
    assert corpus.index.db_path is None
    assert any("disk I/O error" in notice for notice in corpus.notices)
    assert progress.done and progress.stories == 150 and corpus.index.unverified_count() == 0
    in_memory = Corpus(str(folder), use_cache=False)
    in_memory.scan(verify_workers=0)
    assert _index_contents(corpus) == _index_contents(in_memory)


def priority_in_a_helper(chunk, max_bytes):
    import multiprocessing

    return [(multiprocessing.parent_process() is not None, os.sched_getscheduler(0), os.nice(0))]


def _read_in_one_helper(function, beside_a_screen: bool) -> tuple[list, list[str]]:
    """(what `function` gave in a helper process, the notices)."""
    from reader.data.readers import Readers

    notices: list[str] = []
    readers = Readers(function, 0, 1, notices, here_first=0, beside_a_screen=beside_a_screen)
    taken: list = []
    try:
        readers.submit([0], taken.extend)
        readers.drain(taken.extend)
    finally:
        readers.close()
    return taken, notices


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's; elsewhere helpers are niced")
@pytest.mark.parametrize("beside_a_screen", [True, False])
def test_helpers_beside_the_app_run_only_when_the_app_leaves_a_core_idle(beside_a_screen):
    # Niced helpers still kept a key waiting for the end of their time slice (the list pass's
    # p90 over 4x the floor); an idle-policy task gives way to a waking one at once.
    taken, notices = _read_in_one_helper(priority_in_a_helper, beside_a_screen)
    usual = os.sched_getscheduler(0), os.nice(0)
    assert notices == [] and taken == [(True, os.SCHED_IDLE, usual[1]) if beside_a_screen else (True, *usual)]


def test_helpers_are_niced_where_the_idle_policy_is_refused(monkeypatch):
    from reader.data import kept, readers

    def refused(*_args):
        raise OSError(1, "Operation not permitted")

    niced: list[int] = []
    monkeypatch.setattr(kept, "_keeping", kept.keeping_articles())  # the call below turns it on here
    monkeypatch.setattr(os, "sched_setscheduler", refused, raising=False)
    monkeypatch.setattr(os, "nice", niced.append)
    readers._start_helper(beside_a_screen=True)
    assert niced == [10]


def keeping_in_a_helper(chunk, max_bytes):
    from reader.data.kept import keeping_articles

    return [keeping_articles()]


@pytest.mark.parametrize("beside_a_screen", [True, False])
def test_helpers_keep_the_articles_they_read_and_this_process_does_not(beside_a_screen):
    # Helpers read files in bulk, where the same related items come back file after file; the
    # app's own process reads a story at a time, and would keep them for nothing.
    from reader.data.kept import keeping_articles

    taken, notices = _read_in_one_helper(keeping_in_a_helper, beside_a_screen)
    assert notices == [] and taken == [True] and not keeping_articles()


def test_a_scan_started_while_another_runs_waits_for_it(folder, monkeypatch):
    """The app starts a scan when the folder changes, and the one before may still be computing
    events (it stops only where it checks): the second waits, or what it notes for the events
    would be cleared by the first as it finishes."""
    corpus = Corpus(str(folder), use_cache=False)
    steps: list[str] = []
    first_in_events, go_on = threading.Event(), threading.Event()
    update, list_pass = corpus.events.update, corpus._list_pass

    def held_update(*args):
        steps.append("events")
        if not first_in_events.is_set():
            first_in_events.set()
            go_on.wait(5)
        return update(*args)

    def noted_list_pass(*args, **kwargs):
        steps.append("list")
        return list_pass(*args, **kwargs)

    monkeypatch.setattr(corpus.events, "update", held_update)
    monkeypatch.setattr(corpus, "_list_pass", noted_list_pass)
    first = threading.Thread(target=corpus.scan)
    first.start()
    assert first_in_events.wait(5)
    second = threading.Thread(target=corpus.scan)
    second.start()
    second.join(0.3)
    assert steps == ["list", "events"]  # the second has not begun
    go_on.set()
    first.join(5)
    second.join(5)
    assert not first.is_alive() and not second.is_alive()
    assert steps == ["list", "events", "list", "events"]
    corpus.close()
