"""Find the candidate story files under a folder, safely.

Hidden files and folders are skipped; links are followed, but a link back to
a folder already read, or to nothing, is a problem rather than a hang.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from typing import NamedTuple

from reader.data.records import NotAStory, Problem

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
        if stat.S_ISREG(info.st_mode):
            yield FileInfo(root, name, info.st_size, info.st_mtime_ns)
        else:
            yield NotAStory(name)
        return
    visited = {(info.st_dev, info.st_ino)}
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
                visited.add(key)
                pending.append((entry.path, rel + "/"))
            elif stat.S_ISREG(info.st_mode):
                yield FileInfo(entry.path, rel, info.st_size, info.st_mtime_ns)
            else:
                yield NotAStory(rel)  # FIFOs, sockets, devices: never opened


def _link_problem(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link: it points to nothing"
