"""find_files: recursion, single files, hidden entries, links, special files."""

from __future__ import annotations

import errno
import os

from reader.data.discover import FileInfo, find_files
from reader.data.records import NotAStory, Problem

STORY = "---\ntitle: T\n---\n"


def test_recursive_sorted_relative_paths(tmp_path):
    for rel in ("b.md", "a/z.txt", "a/b/c.yaml", "notes"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STORY)
    found = list(find_files(str(tmp_path)))
    assert all(isinstance(f, FileInfo) for f in found)
    assert sorted(f.rel for f in found) == ["a/b/c.yaml", "a/z.txt", "b.md", "notes"]
    info = next(f for f in found if f.rel == "a/z.txt")
    assert info.path == str(tmp_path / "a" / "z.txt") and info.size == len(STORY) and info.mtime_ns > 0


def test_single_file(tmp_path):
    (tmp_path / "one.md").write_text(STORY)
    [found] = find_files(str(tmp_path / "one.md"))
    assert isinstance(found, FileInfo) and found.rel == "one.md"


def test_missing_path(tmp_path):
    [found] = find_files(str(tmp_path / "nope"))
    assert isinstance(found, Problem) and found.path == "nope"


def test_hidden_root_is_still_read(tmp_path):
    root = tmp_path / ".stories"
    root.mkdir()
    (root / "s.md").write_text(STORY)
    (root / ".h.md").write_text(STORY)
    assert [f.rel for f in find_files(str(root))] == ["s.md"]


def test_links_and_special_files(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "s.md").write_text(STORY)
    os.symlink("real", tmp_path / "alias")  # the same folder twice: read once
    os.symlink("gone.md", tmp_path / "dangling.md")
    os.symlink("loop.md", tmp_path / "loop.md")
    os.mkfifo(tmp_path / "fifo")
    found = {f.rel if isinstance(f, FileInfo) else f.path: f for f in find_files(str(tmp_path))}
    stories = sorted(k for k, v in found.items() if isinstance(v, FileInfo))
    assert len(stories) == 1 and stories[0] in ("real/s.md", "alias/s.md")
    assert isinstance(found["dangling.md"], Problem) and "broken" in found["dangling.md"].reason
    assert found["loop.md"] == Problem("loop.md", "symbolic link loop")
    assert found["fifo"] == NotAStory("fifo")


def test_unlistable_folder(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "s.md").write_text(STORY)
    real_scandir = os.scandir

    def denied(target=".", *args, **kwargs):  # what listing a mode-0 folder gives anyone but root
        if os.fspath(target) == str(locked):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(target))
        return real_scandir(target, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", denied)
    assert list(find_files(str(tmp_path))) == [Problem("locked", "folder cannot be listed: Permission denied")]
