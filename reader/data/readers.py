"""Reading files in chunks: here for the first few, then in helper processes."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

from reader.data.records import NotAStory, Story, entry_of

CHUNK_FILES = 64  # files read per task, at most
CHUNK_BYTES = 1 << 20  # and their bytes: large files come together, and a helper alone at the end waits for none
_READ_HERE_FIRST = 1  # chunks read in this process first: a small folder needs no helpers
_CHUNKS_IN_FLIGHT = 8
_HELPER_NICENESS = 10  # where the idle policy is not to be had


def read_chunk(chunk: list[tuple[str, str, int, int, bool]], max_bytes: int) -> list:
    """List entries for a chunk of files (path, rel, size, mtime_ns, whether the index has never
    seen it); runs in a helper process on a cold start."""
    from reader.data.parse import read_entry  # YAML is imported only when files are read

    read = []
    for path, rel, size, mtime, _new in chunk:
        result = read_entry(path, rel, max_bytes)
        read.append((rel, size, mtime, None if isinstance(result, NotAStory) else result))
    return read


def read_whole_chunk(chunk: list[tuple[str, str, int, int, bool]], max_bytes: int) -> list:
    """A full parse of a chunk of files (as read_chunk's), for a scan nobody watches: each file's list entry
    and its verified figures from one reading (path, size, mtime_ns, Entry | Problem | None,
    Verified | None)."""
    from reader.data.index import verified_figures  # not imported by `check`, which needs no index
    from reader.data.parse import read_story

    read = []
    for path, rel, size, mtime, _new in chunk:
        result = read_story(path, rel, max_bytes)
        if isinstance(result, Story):
            read.append((rel, size, mtime, entry_of(result), verified_figures(result)))
        else:
            read.append((rel, size, mtime, None if isinstance(result, NotAStory) else result, None))
    return read


def list_and_write_chunk(chunk: list[tuple[str, str, int, int, bool]], max_bytes: int, db_path: str,
                         folder_id: int, whole: bool):
    """A list pass's reading of a chunk (read_chunk, or read_whole_chunk for a `whole` one), written
    to the cache file from where it is read (a helper process): the number of files read, or the
    sqlite3.Error that stopped the writing (the main process then goes on in memory)."""
    read = (read_whole_chunk if whole else read_chunk)(chunk, max_bytes)
    new = {rel for _path, rel, _size, _mtime, is_new in chunk if is_new}

    def write(writer) -> None:
        writer.write([item[:4] for item in read], new)
        if whole:
            writer.write_verified([(item[0], item[4]) for item in read if item[4] is not None])

    return _written_here(db_path, folder_id, write, len(read))


def verify_chunk(chunk: list[tuple[str, str]], max_bytes: int) -> list:
    """Full parses for a chunk of stories, as the index records them (Verified, or the
    Problem); None for a file that is no story now."""
    from reader.data.index import verified_figures
    from reader.data.parse import read_story

    read = []
    for path, rel in chunk:
        result = read_story(path, rel, max_bytes)
        if isinstance(result, Story):
            result = verified_figures(result)
        read.append((rel, None if isinstance(result, NotAStory) else result))
    return read


def read_story_chunk(chunk: list[tuple[str | None, str | None]], max_bytes: int) -> list:
    """Whole stories for a chunk of files, as records (an export's): (rel, Story | Problem |
    NotAStory), None for a story the index no longer places; runs in a helper process."""
    from reader.data.parse import read_story

    return [(rel, None if path is None else read_story(path, rel, max_bytes)) for path, rel in chunk]


def verify_and_write_chunk(chunk: list[tuple[str, str]], max_bytes: int, db_path: str, folder_id: int):
    """verify_chunk, its results written to the cache file from where they are made (a helper
    process): the number of files written, or the sqlite3.Error that stopped the writing (the
    main process then goes on in memory, as when its own write fails)."""
    read = verify_chunk(chunk, max_bytes)
    return _written_here(db_path, folder_id, lambda writer: writer.write_verified(read), len(read))


def _written_here(db_path: str, folder_id: int, write: Callable, files: int):
    """`write(writer)` through this thread's ChunkWriter: `files`, or the sqlite3.Error that
    stopped the writing (the writer is closed: the next chunk opens another)."""
    import sqlite3

    try:
        write(_chunk_writer(db_path, folder_id))
    except sqlite3.Error as error:
        _close_chunk_writer()
        return error
    return files


# A thread's ChunkWriter, kept for its next chunk: a helper's one thread, or a scan's thread
# in the main process when a chunk is read there.
_chunk_writers = threading.local()


def _chunk_writer(db_path: str, folder_id: int):
    from reader.data.index.writes import ChunkWriter

    key = (db_path, folder_id)
    if getattr(_chunk_writers, "key", None) != key:
        _close_chunk_writer()
        _chunk_writers.writer, _chunk_writers.key = ChunkWriter(db_path, folder_id), key
    return _chunk_writers.writer


def _close_chunk_writer() -> None:
    writer = getattr(_chunk_writers, "writer", None)
    if writer is not None:
        writer.close()
    _chunk_writers.writer = _chunk_writers.key = None


def cores() -> int:
    return min(4, os.cpu_count() or 1)


class Readers:
    """Runs a reading function over chunks of files: here for the first few, then
    in helper processes.

    A cold start of thousands of files is bound by YAML parsing, which one
    Python thread cannot spread over the cores; processes can.
    """

    def __init__(self, function: Callable[[list, int], list], max_bytes: int, workers: int,
                 notices: list[str], here_first: int = _READ_HERE_FIRST, beside_a_screen: bool = False) -> None:
        self.function = function
        self.beside_a_screen = beside_a_screen  # helpers yield to the process that draws
        self.here_first = here_first
        self.max_bytes = max_bytes
        self.workers = workers
        self.notices = notices
        self.pool = None
        self.chunks = 0
        self.in_flight: deque = deque()
        self.held: deque = deque()  # chunks to read here
        self.gathering: list = []  # items given one at a time (add), not yet a whole chunk
        self.gathered_bytes = 0

    def submit(self, chunk: list, take: Callable[[list], None]) -> None:
        self.chunks += 1
        if self.pool is None and self.chunks <= self.here_first:
            # Held until it is known whether helpers are needed: if so, they start
            # first (which takes a while) and this chunk is read here meanwhile.
            self.held.append(chunk)
            return
        if self.pool is None and self.workers > 0:
            self.pool, problem = _start_pool(self.workers, self.beside_a_screen)
            if problem and problem not in self.notices:
                self.notices.append(problem)
                self.workers = 0  # no second try
        if self.pool is None:
            self._read_held(take)
            take(self.function(chunk, self.max_bytes))
            return
        self.in_flight.append((self.pool.submit(self.function, chunk, self.max_bytes), chunk))
        self._read_held(take)
        while self.in_flight and (len(self.in_flight) > _CHUNKS_IN_FLIGHT or self.in_flight[0][0].done()):
            self._take_oldest(take)

    def add(self, item, take: Callable[[list], None], size: int = 0) -> None:
        """One file's item (of `size` bytes): a chunk is submitted each time CHUNK_FILES or
        CHUNK_BYTES have come (drain sends the rest)."""
        self.gathering.append(item)
        self.gathered_bytes += size
        if len(self.gathering) >= CHUNK_FILES or self.gathered_bytes >= CHUNK_BYTES:
            self._submit_gathered(take)

    def drain(self, take: Callable[[list], None]) -> None:
        if self.gathering:
            self._submit_gathered(take)
        self._read_held(take)
        while self.in_flight:
            self._take_oldest(take)

    def _submit_gathered(self, take: Callable[[list], None]) -> None:
        chunk, self.gathering, self.gathered_bytes = self.gathering, [], 0
        self.submit(chunk, take)

    def _read_held(self, take: Callable[[list], None]) -> None:
        while self.held:
            take(self.function(self.held.popleft(), self.max_bytes))

    def _take_oldest(self, take: Callable[[list], None]) -> None:
        future, chunk = self.in_flight.popleft()
        try:
            read = future.result()
        except Exception as error:  # noqa: BLE001 - a helper died (BrokenProcessPool) or failed
            self._give_up_helpers(error)
            read = self.function(chunk, self.max_bytes)
        take(read)

    def _give_up_helpers(self, error: Exception) -> None:
        """Read the rest here: slower, and one bad helper does not lose the scan. The
        chunks still in flight fail too, and _take_oldest reads each of them here."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            self.workers = 0
            self.notices.append(f"Reading in one process, slower: a helper process stopped ({error or type(error).__name__}).")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        # A chunk read here wrote through this thread's writer: it goes with the pass, as a
        # helper's goes with the helper (a cache file rebuilt before the next pass is another file).
        _close_chunk_writer()


def _helper_context():
    import multiprocessing

    # A process with one thread (the command line) forks its helpers: they start at
    # once. Forking the app, threads and all, is not safe: a forkserver imports the
    # parser once, and every helper is forked from it instead.
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        # The parser imported here, once, before the helpers are forked: each of them would
        # import it again (~50 ms of CPU each, while the command's first chunk is read here).
        import reader.data.parse  # noqa: F401
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reader.data.parse"])
    return context


def _start_resource_tracker() -> None:
    """Start Python's resource tracker, which helper pools need, with the real stderr.

    The tracker is started with sys.stderr's file descriptor. Inside a Textual
    app sys.stderr is a capture object whose descriptor is -1, and every pool
    would fail; the real stream stands in for the moment of the start. A
    start that finds nothing to read never gets here.
    """
    import sys

    captured = sys.stderr
    try:
        from multiprocessing import resource_tracker

        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    except (OSError, ValueError, ImportError):
        pass  # then the pool fails to start, and files are read in this process
    finally:
        sys.stderr = captured


def _start_helper(beside_a_screen: bool) -> None:
    """A helper reads files in bulk: it keeps the related articles it reads (reader.data.kept).
    Beside the app it runs only on a core the app leaves idle (Linux's SCHED_IDLE, as desktop
    indexers run): with as many helpers as cores, the process that takes keys and draws would
    otherwise wait its turn for a core. A niced helper (elsewhere) still holds a core until
    its time slice ends, and a key waited for that. (From the command line nothing is drawn
    meanwhile, and the command waits for them.)"""
    from reader.data.kept import keep_articles

    keep_articles()
    if beside_a_screen:
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return
        except (AttributeError, OSError):
            pass  # no such policy here, or refused: niced instead
        try:
            os.nice(_HELPER_NICENESS)
        except OSError:
            pass  # not allowed here: they read at the usual priority


def _start_pool(workers: int, lower_priority: bool):
    """(a pool, "") or (None, why not)."""
    try:
        from concurrent.futures import ProcessPoolExecutor

        _start_resource_tracker()
        return ProcessPoolExecutor(workers, mp_context=_helper_context(), initializer=_start_helper,
                                   initargs=(lower_priority,)), ""
    except (OSError, ValueError, ImportError) as error:
        return None, f"Reading in one process, slower: helper processes did not start ({error})."
