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
_IN_IGNORED = 0x8000  # the watch is gone (its folder deleted, or the watch removed)
_IN_ONLYDIR = 0x1000000
_IN_ISDIR = 0x40000000
_WATCHED = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE
            | _IN_DELETE | _IN_DELETE_SELF | _IN_MOVE_SELF)
_EVENT = struct.Struct("iIII")  # watch descriptor, mask, cookie, length of the name that follows


class FolderWatch:
    """inotify watches on a folder and every folder under it (hidden ones left out, as the scan does).

    Each watch is known by its descriptor and by the folder's path now: a folder
    renamed or moved inside the tree is read again (inotify gives its existing
    watches back, now under the new path), one moved out or deleted is dropped.
    """

    def __init__(self, fd: int, libc: ctypes.CDLL, root: str) -> None:
        self._fd = fd
        self._libc = libc
        self._inside = real_folder(root)  # links that lead out of here are not followed
        self._folders: dict[int, str] = {}  # watch descriptor -> the folder's path now
        self._descriptors: dict[str, int] = {}  # the folder's path now -> watch descriptor
        self._inodes: dict[int, tuple[int, int]] = {}  # watch descriptor -> (device, inode) of its folder
        self._missed = False  # a folder under it could not be watched (the system's limit on watches)

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
        watch = cls(fd, libc, root)
        if not watch._add_tree(root):
            watch.close()
            return None
        return watch

    @property
    def sees_everything(self) -> bool:
        """Whether every folder under the root is watched: a change anywhere is then said.
        Not once a folder could not be watched, nor once the root itself is gone."""
        return bool(self._folders) and not self._missed

    def _add_tree(self, top: str) -> bool:
        """Watch `top` and the folders under it, or take up their watches again under
        these paths; False when the system has no watches left."""
        pending = [top]
        walked: set[tuple[int, int]] = set()  # a link loop is walked once
        while pending:
            folder = pending.pop()
            try:
                info = os.stat(folder)
            except OSError:
                continue
            inode = (info.st_dev, info.st_ino)
            if inode in walked:
                continue
            walked.add(inode)
            descriptor = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _WATCHED | _IN_ONLYDIR)
            if descriptor < 0:
                if folder == top or ctypes.get_errno() == 28:  # ENOSPC: the limit on watches
                    return False
                continue
            known = self._folders.get(descriptor)
            if known is not None and known != folder and _is_folder(known, inode):
                continue  # the same folder reached again through a link: watched already
            self._remember(descriptor, folder, inode)
            try:
                with os.scandir(folder) as listing:
                    pending.extend(entry.path for entry in listing
                                   if not entry.name.startswith(".") and entry.is_dir()
                                   and link_stays_inside(entry, self._inside))
            except OSError:
                continue
        return True

    def _remember(self, descriptor: int, folder: str, inode: tuple[int, int]) -> None:
        old = self._folders.get(descriptor)
        if old is not None and self._descriptors.get(old) == descriptor:
            del self._descriptors[old]
        replaced = self._descriptors.get(folder)
        if replaced is not None and replaced != descriptor:
            self._forget(replaced)
        self._folders[descriptor] = folder
        self._descriptors[folder] = descriptor
        self._inodes[descriptor] = inode

    def _forget(self, descriptor: int) -> None:
        folder = self._folders.pop(descriptor, None)
        self._inodes.pop(descriptor, None)
        if folder is not None and self._descriptors.get(folder) == descriptor:
            del self._descriptors[folder]

    def _drop_moved(self, descriptor: int) -> None:
        """A watched folder moved. Moved inside the tree, its new path was read already (or
        will be, by the event in its new parent); moved out, it and the folders under it go."""
        folder = self._folders.get(descriptor)
        if folder is None or _is_folder(folder, self._inodes.get(descriptor)):
            return
        under = os.path.join(folder, "")
        for other, path in list(self._folders.items()):
            if other == descriptor or path.startswith(under):
                self._libc.inotify_rm_watch(self._fd, other)
                self._forget(other)

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
            if mask & _IN_IGNORED or mask & _IN_DELETE_SELF:
                self._forget(descriptor)
            elif mask & _IN_MOVE_SELF:
                self._drop_moved(descriptor)
            folder = self._folders.get(descriptor)
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO) and folder and not name.startswith(b"."):
                if not self._add_tree(os.path.join(folder, os.fsdecode(name))):
                    self._missed = True

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass


def _is_folder(path: str, inode: tuple[int, int] | None) -> bool:
    """Whether `path` is still the folder with this (device, inode)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == inode
