"""Find the candidate story files under a folder, safely.

Hidden files and folders are skipped; links are followed, but a link back to
a folder already read, to a folder outside the one opened (a link to `/` would
read the whole machine), or to nothing, is a problem rather than a hang. A
name that is not UTF-8 is a problem too: every path here is text the index
stores and the screen shows.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from typing import NamedTuple

from reader.data.records import NotAStory, Problem
from reader.data.sanitize import shown_path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # larger files are problems, not read (--max-file-size)


class FileInfo(NamedTuple):
    path: str  # absolute
    rel: str  # relative to the opened folder, "/"-separated
    size: int
    mtime_ns: int


def find_files(root: str) -> Iterator[FileInfo | Problem | NotAStory]:
    """Every regular file under root (or root itself when it is a file)."""
    root = os.path.abspath(root)
    try:
        info = os.stat(root)
    except OSError as exc:
        yield Problem(os.path.basename(root), f"cannot be opened: {exc.strerror}")
        return
    if not stat.S_ISDIR(info.st_mode):
        name = os.path.basename(root)
        if not _is_utf8(name):
            yield Problem(shown_path(name), _NOT_UTF8_NAME)
        elif stat.S_ISREG(info.st_mode):
            yield FileInfo(root, name, info.st_size, info.st_mtime_ns)
        else:
            yield NotAStory(name)
        return
    visited = {(info.st_dev, info.st_ino)}
    inside = real_folder(root)
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name, reverse=True)
        except OSError as exc:
            yield Problem(prefix.rstrip("/") or ".", f"folder cannot be listed: {exc.strerror}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if not _is_utf8(entry.name):
                yield Problem(shown_path(rel), _NOT_UTF8_NAME)
                continue
            try:
                info = entry.stat()  # follows links
            except OSError:
                if entry.is_symlink():
                    yield Problem(rel, _link_problem(entry.path))
                else:
                    yield Problem(rel, "cannot be read: it vanished while the folder was listed")
                continue
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in visited:
                    yield Problem(rel, "symbolic link to a folder already read (a loop); skipped")
                    continue
                if not link_stays_inside(entry, inside):
                    yield Problem(rel, "symbolic link to a folder outside the one opened; not followed")
                    continue
                visited.add(key)
                pending.append((entry.path, rel + "/"))
            elif stat.S_ISREG(info.st_mode):
                yield FileInfo(entry.path, rel, info.st_size, info.st_mtime_ns)
            else:
                yield NotAStory(rel)  # FIFOs, sockets, devices: never opened


def real_folder(root: str) -> str:
    """The folder's real path with a final separator, for `link_stays_inside`."""
    return os.path.join(os.path.realpath(root), "")


def link_stays_inside(entry: os.DirEntry, inside: str) -> bool:
    """Whether a folder entry is no link, or a link that leads inside `inside` (a `real_folder`)."""
    return not entry.is_symlink() or os.path.realpath(entry.path).startswith(inside)


_NOT_UTF8_NAME = "the name is not UTF-8; rename it to have it read"


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode kept the bad bytes as lone surrogates
        return False
    return True


def _link_problem(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link: it points to nothing"
