"""The folder watch (Linux inotify): it says that something changed, at once, and nothing else."""

from __future__ import annotations

import os
import sys

import pytest

from reader.data.watch import FolderWatch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


@pytest.fixture
def watched(tmp_path):
    (tmp_path / "deep" / "deeper").mkdir(parents=True)
    (tmp_path / "a.md").write_text("---\ntitle: a\n---\n")
    watch = FolderWatch.start(str(tmp_path))
    assert watch is not None
    yield tmp_path, watch
    watch.close()


def test_nothing_happens_nothing_is_said(watched):
    _, watch = watched
    assert not watch.wait(0.1)


@pytest.mark.parametrize("change", ["create", "modify", "delete", "rename", "deep", "new folder"])
def test_every_kind_of_change_is_said(watched, change):
    folder, watch = watched
    if change == "create":
        (folder / "b.md").write_text("x")
    elif change == "modify":
        with open(folder / "a.md", "a") as file:
            file.write("more")
    elif change == "delete":
        (folder / "a.md").unlink()
    elif change == "rename":
        (folder / "a.md").rename(folder / "c.md")
    elif change == "deep":
        (folder / "deep" / "deeper" / "d.md").write_text("x")
    else:
        (folder / "new").mkdir()
        assert watch.wait(2)
        watch.settle(0.1)
        (folder / "new" / "e.md").write_text("x")  # inside the folder made after the start
    assert watch.wait(2)


def test_settle_reads_a_burst_as_one_change(watched):
    folder, watch = watched
    for number in range(50):
        (folder / f"f{number}.md").write_text("x")
    assert watch.wait(2)
    watch.settle(0.1)
    assert not watch.wait(0.1)


def test_hidden_folders_are_not_watched(watched):
    folder, watch = watched
    (folder / ".git").mkdir()
    assert watch.wait(2)  # the folder itself appearing is a change in the watched one
    watch.settle(0.1)
    (folder / ".git" / "index").write_text("x")
    assert not watch.wait(0.2)


def test_a_file_or_a_missing_folder_has_no_watch(tmp_path):
    (tmp_path / "one.md").write_text("x")
    assert FolderWatch.start(str(tmp_path / "one.md")) is None
    assert FolderWatch.start(str(tmp_path / "missing")) is None


def test_a_link_loop_is_watched_once(tmp_path):
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path, tmp_path / "sub" / "back")
    watch = FolderWatch.start(str(tmp_path))
    assert watch is not None
    try:
        (tmp_path / "sub" / "x.md").write_text("x")
        assert watch.wait(2)
    finally:
        watch.close()


def test_a_link_to_a_folder_outside_is_not_watched(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", tmp_path / "root" / "out")
    os.symlink("/", tmp_path / "root" / "everything")  # watched, it would use up the system's watches
    watch = FolderWatch.start(str(tmp_path / "root"))
    assert watch is not None
    try:
        assert sorted(watch._folders.values()) == [str(tmp_path / "root")]
        (tmp_path / "outside" / "x.md").write_text("x")
        assert not watch.wait(0.3)
    finally:
        watch.close()


def _settled(watch: FolderWatch) -> None:
    """Wait for the change just made to be said, then read the rest of its events."""
    assert watch.wait(2)
    watch.settle(0.1)


def test_a_renamed_folder_watches_its_new_subfolders(watched):
    folder, watch = watched
    (folder / "deep").rename(folder / "moved")
    _settled(watch)
    (folder / "moved" / "newer").mkdir()
    _settled(watch)
    (folder / "moved" / "newer" / "x.md").write_text("x")
    assert watch.wait(2)
    assert sorted(watch._folders.values()) == sorted(
        str(path) for path in (folder, folder / "moved", folder / "moved" / "deeper", folder / "moved" / "newer"))


def test_a_folder_moved_out_is_dropped_and_one_moved_in_is_read(watched, tmp_path_factory):
    folder, watch = watched
    outside = tmp_path_factory.mktemp("outside")
    (folder / "deep").rename(outside / "deep")
    _settled(watch)
    assert sorted(watch._folders.values()) == [str(folder)]
    (outside / "deep" / "deeper" / "x.md").write_text("x")
    assert not watch.wait(0.3)  # no longer under the folder: not a change of it
    (outside / "deep").rename(folder / "back")
    _settled(watch)
    (folder / "back" / "deeper" / "y.md").write_text("y")
    assert watch.wait(2)


def test_a_deleted_folder_is_dropped(watched):
    folder, watch = watched
    (folder / "deep" / "deeper").rmdir()
    _settled(watch)
    assert sorted(watch._folders.values()) == sorted(str(path) for path in (folder, folder / "deep"))


def test_a_new_folder_on_a_deleted_folders_inode_is_watched(watched, monkeypatch):
    folder, watch = watched
    gone = os.stat(folder / "deep" / "deeper")
    (folder / "deep" / "deeper").rmdir()
    _settled(watch)
    real_stat = os.stat

    def stat(path, *args, **kwargs):  # the file system gives the new folder the old one's inode
        found = real_stat(path, *args, **kwargs)
        if os.fspath(path).endswith("reborn"):
            return os.stat_result((found.st_mode, gone.st_ino, gone.st_dev, *tuple(found)[3:]))
        return found

    monkeypatch.setattr(os, "stat", stat)
    (folder / "reborn").mkdir()
    _settled(watch)
    (folder / "reborn" / "x.md").write_text("x")
    assert watch.wait(2)


def test_a_watch_sees_the_whole_folder_until_a_folder_cannot_be_watched(watched, monkeypatch):
    import ctypes

    folder, watch = watched
    assert watch.sees_everything
    real_libc = watch._libc

    class NoWatchesLeft:  # inotify_add_watch fails as it does at the system's limit (ENOSPC)
        def __getattr__(self, name):
            return getattr(real_libc, name)

        @staticmethod
        def inotify_add_watch(fd, path, mask):
            ctypes.set_errno(28)
            return -1

    monkeypatch.setattr(watch, "_libc", NoWatchesLeft())
    (folder / "new").mkdir()
    assert watch.wait(2)
    watch.settle(0.1)
    assert not watch.sees_everything  # a change in "new" would go unsaid: walks must find it


def test_a_watch_whose_folder_is_gone_sees_nothing(tmp_path):
    root = tmp_path / "stories"
    root.mkdir()
    watch = FolderWatch.start(str(root))
    assert watch is not None and watch.sees_everything
    root.rmdir()
    assert watch.wait(2)
    watch.settle(0.1)
    assert not watch.sees_everything
    watch.close()
