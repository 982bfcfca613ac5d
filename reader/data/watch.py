"""Know that a folder changed without walking it: Linux's inotify, through ctypes.

A walk of 100,000 files takes a second or two, so looking for changes by walking
can only happen every few seconds. inotify says at once that something under
the folder was written, created, removed or moved; the scan that follows finds
what. Where inotify is missing (another system, or no watches left), `start`
gives None and the app goes on walking the folder every few seconds.
"""

from __future__ import annotations

import ctypes
import os
import select
import struct
import sys
import time

from reader.data.discover import link_stays_inside, real_folder

_IN_MODIFY = 0x2
_IN_ATTRIB = 0x4
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_ONLYDIR = 0x1000000
_IN_ISDIR = 0x40000000
_WATCHED = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE
            | _IN_DELETE | _IN_DELETE_SELF | _IN_MOVE_SELF)
_EVENT = struct.Struct("iIII")  # watch descriptor, mask, cookie, length of the name that follows


class FolderWatch:
    """inotify watches on a folder and every folder under it (hidden ones left out, as the scan does)."""

    def __init__(self, fd: int, libc: ctypes.CDLL) -> None:
        self._fd = fd
        self._libc = libc
        self._folders: dict[int, str] = {}  # watch descriptor -> folder
        self._seen: set[tuple[int, int]] = set()  # (device, inode) of each watched folder: links loop

    @classmethod
    def start(cls, root: str) -> FolderWatch | None:
        if not sys.platform.startswith("linux") or not os.path.isdir(root):
            return None
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        watch = cls(fd, libc)
        if not watch._add_tree(root):
            watch.close()
            return None
        return watch

    def _add_tree(self, top: str) -> bool:
        """Watch `top` and the folders under it; False when the system has no watches left."""
        pending = [top]
        inside = real_folder(top)
        while pending:
            folder = pending.pop()
            try:
                info = os.stat(folder)
            except OSError:
                continue
            if (info.st_dev, info.st_ino) in self._seen:
                continue
            descriptor = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _WATCHED | _IN_ONLYDIR)
            if descriptor < 0:
                if folder == top or ctypes.get_errno() == 28:  # ENOSPC: the limit on watches
                    return False
                continue
            self._seen.add((info.st_dev, info.st_ino))
            self._folders[descriptor] = folder
            try:
                with os.scandir(folder) as listing:
                    pending.extend(entry.path for entry in listing
                                   if not entry.name.startswith(".") and entry.is_dir()
                                   and link_stays_inside(entry, inside))
            except OSError:
                continue
        return True

    def wait(self, seconds: float) -> bool:
        """Whether something under the folder changed within `seconds` (then the events are read)."""
        ready, _, _ = select.select([self._fd], [], [], max(0.0, seconds))
        if not ready:
            return False
        self._read_events()
        return True

    def settle(self, quiet: float, longest: float = 1.0) -> None:
        """Read events until none came for `quiet` seconds (at most `longest`): a file being
        written, or many files being copied, is one change, not many."""
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline and self.wait(min(quiet, deadline - time.monotonic())):
            pass

    def _read_events(self) -> None:
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return
        offset = 0
        while offset + _EVENT.size <= len(data):
            descriptor, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            folder = self._folders.get(descriptor)
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO) and folder and not name.startswith(b"."):
                self._add_tree(os.path.join(folder, os.fsdecode(name)))

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass
