"""The story list's behaviour, driven through its controller: no screen, no Pilot."""

from __future__ import annotations

import pytest

import reader.list_controller as list_module
from reader.data.corpus import Corpus
from reader.data.records import LoadProgress
from reader.data.state import MarkStore
from reader.list_controller import ListController, ListStatus
from reader.messages import ListReady, ScanProgress
from reader.widgets.status_line import status_text

from conftest import story_text


def controller(folder, sort: str = "newest") -> ListController:
    return ListController(Corpus(str(folder)), sort=sort, display_name="stories", watch=False, verify_workers=0)


def handed_back(body, take) -> list:
    """Run a thread body here, and hand what it posted back as the app does; what it posted."""
    posted: list = []
    body(posted.append, lambda: False)
    for message in posted:
        take(message)
    return posted


def scan(lists: ListController) -> list[ScanProgress]:
    return handed_back(lists.scan, lists.take_progress)


def fetch(lists: ListController) -> list[ListReady]:
    return handed_back(lists.fetch, lists.take_list)


def titles(lists: ListController, ids) -> list[str]:
    rows = lists.corpus.rows(ids)
    return [rows[story_id].title for story_id in ids]


def last_ids(posted):
    return [message.ids for message in posted if message.ids is not None][-1]


def test_a_scan_lists_every_story_newest_first(cloud_stories):
    lists = controller(cloud_stories)
    posted = scan(lists)
    assert lists.loaded and lists.list_complete and lists.total == 3
    assert titles(lists, last_ids(posted)) == ["Another cloud story", "Cloud prices fall", "Facial recognition pause"]
    assert str(status_text(lists.status(3))).startswith("3 stories · by newest")


def test_a_query_narrows_the_list_and_a_broken_one_keeps_the_last(cloud_stories):
    lists = controller(cloud_stories)
    scan(lists)
    assert lists.try_query("cloud") is None
    assert titles(lists, fetch(lists)[-1].ids) == ["Another cloud story", "Cloud prices fall"]
    error = lists.try_query("cloud quality>abc")
    assert error is not None and error.message
    assert lists.query_text == "cloud"
    assert str(status_text(lists.status(2))).startswith("2 of 3 stories")
    lists.clear_filter()
    assert not lists.filtered()
    assert titles(lists, fetch(lists)[-1].ids) == ["Another cloud story", "Cloud prices fall", "Facial recognition pause"]


def test_the_sort_cycles_through_every_order_and_back(cloud_stories):
    lists = controller(cloud_stories)
    scan(lists)
    assert lists.cycle_sort() == "oldest"
    assert titles(lists, fetch(lists)[-1].ids)[0] == "Facial recognition pause"
    assert [lists.cycle_sort() for _ in range(6)] == ["quality", "heat", "coverage", "provider", "title", "newest"]
    for _ in range(6):
        lists.cycle_sort()
    assert lists.sort == "title"
    assert titles(lists, fetch(lists)[-1].ids)[0] == "Another cloud story"


def test_a_query_on_a_large_folder_posts_its_first_rows_then_all(make_folder, monkeypatch):
    monkeypatch.setattr(list_module, "FIRST_ROWS", 2)
    folder = make_folder({f"s{n}.md": story_text(f"Cloud story {n}", published=f"2020-06-{n + 1:02}T00:00:00Z",
                                                 url=f"https://example.com/{n}") for n in range(7)})
    lists = controller(folder)
    scan(lists)
    lists.try_query("cloud")
    posted: list[ListReady] = []
    lists.fetch(posted.append, lambda: False)
    assert [(len(message.ids), message.partial) for message in posted] == [(2, True), (7, False)]
    lists.take_list(posted[0])
    assert str(status_text(lists.status(2))).startswith("2+ of 7 stories")
    lists.take_list(posted[1])
    assert titles(lists, posted[1].ids)[0] == "Cloud story 6"
    assert str(status_text(lists.status(7))).startswith("7 of 7 stories")


def test_a_cancelled_query_posts_nothing(cloud_stories):
    lists = controller(cloud_stories)
    scan(lists)
    posted: list[ListReady] = []
    lists.fetch(posted.append, lambda: True)
    assert posted == []


def test_a_look_for_changes_that_finds_none_leaves_an_unread_only_list_alone(cloud_stories):
    lists = controller(cloud_stories)
    scan(lists)
    lists.toggle_unread()
    ids = fetch(lists)[-1].ids
    assert len(ids) == 3
    marks = MarkStore()
    marks.set_read(lists.corpus.rows(ids)[ids[0]].key, True)
    for _ in range(2):  # what the folder watch does every few seconds
        assert all(message.ids is None for message in scan(lists))  # the story just read stays
    assert titles(lists, fetch(lists)[-1].ids) == ["Cloud prices fall", "Facial recognition pause"]
    marks.close()


def test_a_change_in_the_folder_is_listed_by_the_next_scan(cloud_stories):
    lists = controller(cloud_stories)
    scan(lists)
    (cloud_stories / "d.md").write_text(story_text("Newest", published="2020-06-13T00:00:00Z", url="https://example.com/d"))
    ids = last_ids(scan(lists))
    assert titles(lists, ids)[0] == "Newest"
    assert lists.total == 4


def test_a_warm_start_has_the_whole_list_before_the_scan(cloud_stories):
    scan(controller(cloud_stories))
    warm = controller(cloud_stories)
    ids, more = warm.start()
    assert len(ids) == 3 and not more
    assert warm.list_complete and warm.total == 3
    assert str(status_text(warm.status(3))).startswith("3 stories · checking for changes…")
    assert scan(warm)[-1].progress.files_read == 0  # nothing changed: no file was read again


def test_a_large_warm_start_shows_its_first_rows_and_fetches_the_rest(cloud_stories, monkeypatch):
    monkeypatch.setattr(list_module, "FIRST_ROWS", 2)
    scan(controller(cloud_stories))
    warm = controller(cloud_stories)
    ids, more = warm.start()
    assert len(ids) == 2 and more and warm.list_partial
    assert len(fetch(warm)[-1].ids) == 3 and not warm.list_partial


def test_what_an_empty_list_says(tmp_path, cloud_stories):
    empty = tmp_path / "empty"
    empty.mkdir()
    lists = controller(empty)
    assert lists.empty_text() is None  # not listed yet: it may still fill
    scan(lists)
    assert lists.empty_text().startswith("No stories in stories.")
    lists = controller(cloud_stories)
    scan(lists)
    lists.try_query("nothingmatches")
    assert lists.empty_text() == "No story matches. Esc in the query bar clears it."
    lists.toggle_unread()
    assert lists.empty_text().endswith("; u shows read ones too.")


def test_the_status_says_where_the_scan_stands():
    def status(**changes) -> str:
        base = ListStatus(scan_failed=False, list_complete=True, loaded=True, progress=LoadProgress(stories=5),
                          shown=5, partial=False, total=5, unread_only=False, query_text="", sort="newest",
                          display_name="news")
        return str(status_text(base._replace(**changes)))

    assert status() == "5 stories · by newest   news"
    assert status(list_complete=False, progress=LoadProgress(files_read=7, files_seen=9)).startswith(
        "⏳ Reading stories… 7 files read, 9 found")
    assert status(scan_failed=True, shown=2).startswith("Reading the folder stopped on an error (see the notice); 2 stories shown")
    assert "1 problem (press !)" in status(progress=LoadProgress(problems=1))
    assert " · verifying 3 of 8" in status(progress=LoadProgress(listed=True, verified=3, to_verify=8))
    assert status(loaded=False).startswith("5 stories · checking for changes…")
    # Every file parsed, the events still being worked out (~20 s at 100,000 stories): said, so
    # that nobody takes an empty event view, or a reader that is still busy, for the last word.
    assert status(progress=LoadProgress(stories=5, listed=True, done=True)) == \
        "5 stories · computing events… · by newest   news"
    assert status(progress=LoadProgress(stories=5, listed=True, done=True, events_ready=True)) == \
        "5 stories · by newest   news"
    assert status(unread_only=True, shown=2, query_text=" cloud ") == "2 of 5 stories · unread only · query: cloud · by newest   news"
    # Where the cursor is, as a number: the list has no scrollbar (13 cells could not say it).
    assert status(row=3) == "5 stories · 3/5 · by newest   news"
    assert status(row=1, shown=2, query_text="cloud").startswith("2 of 5 stories · 1/2 · query: cloud")
    assert status(row=1, list_complete=False, progress=LoadProgress(files_read=7, files_seen=9)).startswith(
        "⏳ Reading stories… 7 files read, 9 found · 1/5 ·")
    assert status(row=2, progress=LoadProgress(problems=1)).startswith("5 stories · 2/5 · 1 problem")
    # A view switched to, its ids on their way: not "0 events".
    assert status(mode="events", total=0, shown=0, listing="Listing events…") == "Listing events… · by newest   news"


def test_the_wait_for_a_change_ends_when_cancelled(cloud_stories):
    lists = controller(cloud_stories)
    assert lists.wait_for_change(0.01, lambda: False)
    assert not lists.wait_for_change(60, lambda: True)


def test_a_scan_reports_its_counts_a_few_times_a_second_and_every_change_of_state(make_folder, monkeypatch):
    # Each report redraws the status line: a frame every chunk made a key wait for the next
    # one (frames are at most 60 a second). Counts alone go out a few times a second; the list
    # order, the list complete and the scan done always go out.
    from test_app import many_stories

    folder = make_folder(many_stories(300))

    def counts_only(posted):
        return [m for m in posted if m.ids is None and not m.progress.done]

    monkeypatch.setattr(list_module, "_PROGRESS_SECONDS", 0.0)
    every = scan(controller(folder))
    assert len(counts_only(every)) >= 4  # one a chunk

    monkeypatch.setattr(list_module, "_PROGRESS_SECONDS", 3600.0)
    lists = controller(make_folder(many_stories(300)))
    posted = scan(lists)
    assert counts_only(posted) == []
    assert any(m.progress.listed and not m.progress.done for m in posted)
    assert posted[-1].progress.done and lists.loaded and lists.total == 300
    assert titles(lists, last_ids(posted))[:2] == ["Story 299", "Story 239"]


def test_while_the_verify_pass_runs_the_list_order_is_not_sent_again(make_folder, monkeypatch):
    # A full parse changes no story's place in the newest-first list, only its figures: the list
    # is sent when it is complete and when the scan is done, not every second in between (each
    # redrew the list under the keys).
    from test_app import many_stories

    monkeypatch.setattr(list_module, "_LOADING_LIST_SECONDS", 0.0)
    monkeypatch.setattr(list_module, "_PROGRESS_SECONDS", 0.0)
    lists = controller(make_folder(many_stories(300)))
    posted = scan(lists)
    verifying = [m for m in posted if m.progress.listed and not m.progress.done]
    assert len(verifying) >= 4  # its counts still go out
    assert [m.ids is not None for m in verifying] == [True] + [False] * (len(verifying) - 1)
    assert posted[-1].progress.done and posted[-1].ids is not None
    assert any(m.ids is not None for m in posted if not m.progress.listed)  # the list as it grows


def test_with_a_folder_watch_the_folder_is_walked_rarely(cloud_stories):
    # An idle reader walked 100,000 files every ~10 s (a sixth of a core, and ~100 MiB of memory
    # churned) although the watch says at once what changed; the walk is a rare look for what
    # the watch cannot see.
    watched = ListController(Corpus(str(cloud_stories)), sort="newest", display_name="stories", watch=True,
                             rescan_seconds=2.0, verify_workers=0)
    scan(watched)
    if watched.corpus.folder_watch() is None:
        pytest.skip("no folder watch on this system")
    assert watched.next_look_seconds() >= 60
    unwatched = controller(cloud_stories)  # watch=False: walks are the only way to see changes
    scan(unwatched)
    assert unwatched.next_look_seconds() == 2.0
    watched.corpus.folder_watch()._missed = True  # a folder it could not watch
    assert watched.next_look_seconds() == 2.0
    watched.corpus.close()


def test_an_empty_events_view_says_the_events_are_still_being_worked_out(cloud_stories):
    # It said "No stories in <folder>" while 5,000 stories were being read.
    lists = controller(cloud_stories)
    scan(lists)
    lists.toggle_events()
    lists.events_ready = False
    assert lists.empty_text() == "The events are worked out once every file is read: they will be listed here."
    lists.events_ready = True
    assert "No stories in" in lists.empty_text()
