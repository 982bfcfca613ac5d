"""A folder of stories as the app and the command line see it."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from reader.data.event_keeper import EventKeeper
from reader.data.discover import DEFAULT_MAX_BYTES, FileInfo, find_files
from reader.data.index import SORTS, Index
from reader.data.coverage import url_key
from reader.data.dates import from_epoch
from reader.data.event_view import EVENT_SORTS, EventFirst, EventRow, StoryEvent
from reader.data.event_view import story_event as build_story_event
from reader.data.index.event_queries import article_record
from reader.data.query import Query, Term, compile_parts, compile_query
from reader.data.readers import (
    CHUNK_FILES, Readers, cores, list_and_write_chunk, read_chunk, read_story_chunk, read_whole_chunk,
    verify_and_write_chunk, verify_chunk,
)
from reader.data.records import Entry, LoadProgress, NotAStory, Problem, Story, StoryRow, Verified
from reader.data.state import MarkStore

if TYPE_CHECKING:
    from reader.data.watch import FolderWatch

_BATCH_FILES = 250
_BATCH_SECONDS = 0.25
# After the list pass, this long the verify pass waits: the whole list should be on screen
# before the verifying competes with drawing it (its parsing for the cores; and where there is
# no cache file, its writes, done in this process, for the GIL).
_LIST_SHOWN_SECONDS = 0.15
# The order of a search beside SORTS: stories whose own text matches first (see Corpus.query_ids).
RELEVANCE = "relevance"


def _loaded(rel: str | None, read: Story | Problem | NotAStory | None) -> Story | Problem:
    """A story as its list row asks for it: a file gone from the index, or no longer a story, is a Problem."""
    if rel is None:
        return Problem("?", "this story is no longer in the folder")
    if isinstance(read, NotAStory):
        return Problem(rel, "no longer a story file")
    return read


def cache_file() -> str:
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("reader", appauthor=False), "index.sqlite3")


def state_file() -> str:
    """Read and starred marks: user data, not cache, so they outlive the index."""
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("reader", appauthor=False), "state.sqlite3")


class _ChunkTaker:
    """Takes what a pass's readers give back for each chunk: the number of files a helper wrote
    into the cache file itself (`counted`), rows to write in this process (`to_write_here`: no
    cache file), or the sqlite3.Error that stopped a helper's writing. Then the index goes on in
    memory, and what comes after is dropped: the scan reads the folder again."""

    def __init__(self, index: Index, counted: Callable[[int], None], to_write_here: Callable[[list], None]) -> None:
        self.index = index
        self.counted = counted
        self.to_write_here = to_write_here
        self.failed = False

    def __call__(self, read: list | int | sqlite3.Error) -> None:
        if self.failed:
            return
        if isinstance(read, sqlite3.Error):
            self.failed = True
            self.index.failed_elsewhere(read)
        elif isinstance(read, int):
            self.index.written_elsewhere()
            self.counted(read)
        else:
            self.to_write_here(read)


class Corpus:
    """One opened folder (or single file): its index, and the stories on demand."""

    def __init__(self, root: str, *, use_cache: bool = True, max_bytes: int = DEFAULT_MAX_BYTES,
                 marks: MarkStore | None = None) -> None:
        self.root = os.path.abspath(root)
        self.is_file = os.path.isfile(self.root)
        self.max_bytes = max_bytes
        # The one owner of the read and starred marks: the list, the filters and the actions use it.
        self._owns_marks = marks is None
        self.marks = MarkStore(state_file()) if marks is None else marks
        self.index = Index(self.root, cache_file() if use_cache else None, max_bytes, self.marks)
        self._watch: FolderWatch | None = None
        self._watch_started = False
        self.events = EventKeeper(self.index)
        self._scanning = threading.Lock()

    @property
    def notices(self) -> list[str]:
        return self.index.notices

    @property
    def cached(self) -> bool:
        return self.index.db_path is not None

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        self.index.close()
        if self._owns_marks:
            self.marks.close()

    def folder_watch(self) -> FolderWatch | None:
        """A watch that says when the folder changes (started on first use), or None where
        the system offers none: then only a walk of the folder finds changes."""
        if not self._watch_started:
            from reader.data.watch import FolderWatch

            self._watch_started = True
            self._watch = FolderWatch.start(self.root)
        return self._watch

    # ------------------------------------------------------------------ scanning

    def scan(
        self,
        on_progress: Callable[[LoadProgress], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        verify_workers: int | None = None,
        whole: bool = False,
        events: bool = True,
    ) -> LoadProgress:
        """Bring the index up to date with the folder: only new and changed files are read.

        Two passes: the list pass reads new and changed files fast, for the
        list; the verify pass then parses each of them whole, in
        `verify_workers` helper processes (default: every core; 0 reads here).
        `whole`: one full parse of each file instead, for the command line, where nobody
        looks at the list before everything is read (each file is parsed once, not twice).
        `events`: bring the folder's events up to date at the end (`check` has no use for them).
        """
        workers = cores() if verify_workers is None else verify_workers
        # One scan at a time: one told to stop goes on to where it checks (a chunk, a page of
        # the events), and one beside it would write what that one then clears as done.
        with self._scanning:
            while True:
                generation = self.index.generation
                progress = self._scan_once(on_progress, cancelled, workers, whole, events)
                if self.index.generation == generation or cancelled():
                    return progress
                # The cache failed under the scan and the index is new and empty: read again.

    def _scan_once(self, on_progress, cancelled, workers, whole: bool, events: bool) -> LoadProgress:
        progress = LoadProgress()
        report = on_progress or (lambda progress: None)
        self._list_pass(progress, report, cancelled, whole)
        if cancelled():
            return progress
        self._count(progress)
        progress.listed = True
        self.index.mark_scanned()  # the list is whole now; a verify cut short goes on next time
        report(progress)
        if progress.files_read and not whole:  # nobody looks at a whole scan's list meanwhile
            time.sleep(_LIST_SHOWN_SECONDS)
        self._verify_pass(progress, report, cancelled, workers, beside_a_screen=not whole)
        if cancelled():
            return progress
        self._count(progress)
        progress.done = True
        progress.events_ready = self.events_ready  # as they stand: a report follows if they change
        report(progress)
        if events:
            self._after_scan_update_events(progress, report, cancelled)
        return progress

    def _after_scan_update_events(self, progress: LoadProgress, report, cancelled) -> None:
        """After the full parse: the events of what changed (all of them the first time)."""
        if self.events.update(cancelled):
            progress.events_ready = True
            report(progress)

    def _count(self, progress: LoadProgress) -> None:
        progress.stories = self.index.story_count()
        progress.problems = self.index.problem_count()
        progress.not_stories = self.index.count_other()

    def _list_pass(self, progress: LoadProgress, report, cancelled, whole: bool = False) -> None:
        """New and changed files into the index, read fast for the list (`whole`: parsed
        completely, verified figures included, so the verify pass finds nothing left)."""
        known = self.index.known_files()  # what is left in it at the end is gone
        new: set[str] = set()  # files the index has never seen: nothing to delete before writing them
        results: list[tuple[str, int, int, Entry | Problem | None]] = []
        verified: list[tuple[str, Verified]] = []  # whole reads: written after their entries
        reading = read_whole_chunk if whole else read_chunk
        helpers_write = self.index.db_path is not None
        if helpers_write:
            # What a helper reads, it writes: this process, which draws, only counts (its writing
            # took the interpreter's lock from the keys for the whole list pass).
            reading = functools.partial(list_and_write_chunk, db_path=self.index.db_path,
                                        folder_id=self.index.folder_id, whole=whole)
        readers = Readers(reading, self.max_bytes, cores(), self.notices, beside_a_screen=not whole)
        flushed_at, flushed_files = time.monotonic(), 0

        def flush() -> None:
            # A batch: files read (by helpers, which wrote them) or results to write here.
            nonlocal flushed_at, flushed_files
            if (max(len(results), progress.files_read - flushed_files) >= _BATCH_FILES
                    or time.monotonic() - flushed_at > _BATCH_SECONDS):
                self.index.write(results, new)
                self.index.write_verified(verified)
                new.difference_update(result[0] for result in results)  # others may still be in flight
                results.clear()
                verified.clear()
                flushed_at, flushed_files = time.monotonic(), progress.files_read
                report(progress)

        def counted(files: int) -> None:
            progress.files_read += files
            flush()

        def to_write_here(read: list) -> None:
            results.extend(item[:4] for item in read)
            if whole:
                verified.extend((item[0], item[4]) for item in read if item[4] is not None)
            counted(len(read))

        take = _ChunkTaker(self.index, counted, to_write_here)

        try:
            for found in find_files(self.root):
                if cancelled() or take.failed:
                    return
                progress.files_seen += 1
                if isinstance(found, FileInfo):
                    before = known.pop(found.rel, None)
                    if before == (found.size, found.mtime_ns):
                        continue
                    if before is None and not helpers_write:  # each chunk says which of its files are new
                        new.add(found.rel)
                    readers.add((found.path, found.rel, found.size, found.mtime_ns, before is None), take,
                                found.size)
                else:
                    # Link problems and special files are checked afresh every scan.
                    known.pop(found.path, None)
                    results.append((found.path, -1, -1, found if isinstance(found, Problem) else None))
                    flush()
            readers.drain(take)
        finally:
            readers.close()
        if cancelled() or take.failed:
            return
        self.index.write(results, new)
        self.index.write_verified(verified)
        if known:
            self.index.forget(known)

    def _verify_pass(self, progress: LoadProgress, report, cancelled, workers: int, beside_a_screen: bool) -> None:
        """A full parse of every story the list pass read: it has the last word."""
        progress.to_verify = self.index.unverified_count()
        # A full parse holds the GIL ~5 ms a file: more than a chunk goes to helpers from the start.
        here_first = 1 if progress.to_verify <= CHUNK_FILES else 0
        reading = verify_chunk
        if self.index.db_path is not None:
            # What a helper parses, it writes: this process, which draws, only counts.
            reading = functools.partial(verify_and_write_chunk, db_path=self.index.db_path,
                                        folder_id=self.index.folder_id)
        readers = Readers(reading, self.max_bytes, workers, self.notices, here_first, beside_a_screen)

        def counted(files: int) -> None:
            progress.verified += files
            report(progress)

        def write_here(read: list) -> None:
            self.index.write_verified(read)
            counted(len(read))

        take = _ChunkTaker(self.index, counted, write_here)

        try:
            after = ""  # pages of paths, not a list of them all: 100,000 paths cost memory
            while not cancelled() and not take.failed:
                page = self.index.unverified(after, CHUNK_FILES)
                if not page:
                    break
                after = page[-1][0]
                for rel, size in page:
                    readers.add((self.abs_path(rel), rel), take, size)
            if cancelled() or take.failed:
                return
            readers.drain(take)
        finally:
            readers.close()

    # ------------------------------------------------------------------ reading

    @property
    def was_scanned(self) -> bool:
        return self.index.was_scanned()

    def story_ids(self, sort: str = "newest", where: str = "", params: Sequence = (),
                  limit: int | None = None) -> array:
        """Story ids in a named order (index.SORTS), filtered by an SQL condition (reader.data.query)."""
        return self.index.story_ids(SORTS[sort], where, params, limit)

    def first_story_ids(self, sort: str, query: Query, limit: int) -> array:
        """The first `limit` story ids of a query in a named order, as quickly as the index allows."""
        sort = self.applied_sort(sort, query)
        if sort == RELEVANCE:
            return self.query_ids(sort, query, limit)
        parts = compile_parts(query, first_rows=True)
        found = None
        if sort == "newest" and parts.match is not None:
            found = self.index.first_ids_by_text(parts.match, parts.where, parts.params, limit)
        elif sort == "newest" and parts.exclude is not None:
            found = self.index.first_ids_without_text(parts.exclude, parts.where, parts.params, limit)
        if found is not None:
            return found
        return self.story_ids(sort, *compile_query(query, first_rows=True), limit=limit)

    def query_ids(self, sort: str, query: Query, limit: int | None = None) -> array:
        """Story ids of a query in a named order (SORTS, or RELEVANCE: the stories whose own
        title, excerpt or provider match before those that match only through their related
        coverage, newest first within each; see applied_sort)."""
        where, params = compile_query(query, first_rows=limit is not None)
        sort = self.applied_sort(sort, query)
        if sort != RELEVANCE:
            return self.story_ids(sort, where, params, limit)
        own = "{title excerpt provider} : (" + compile_parts(query).match + ")"
        order = f"s.search_rowid IN (SELECT rowid FROM search WHERE search MATCH ?) DESC, {SORTS['newest']}"
        return self.index.story_ids(order, where, [*params, own], limit)

    @staticmethod
    def applied_sort(sort: str, query: Query) -> str:
        """The order a list in `sort` is really in, for the status: relevance needs words to match,
        else it is newest first."""
        if sort == RELEVANCE and compile_parts(query).match is None:
            return "newest"
        return sort

    def rows(self, ids: Sequence[int]) -> dict[int, StoryRow]:
        return self.index.rows(ids)

    # ------------------------------------------------------------------ events

    @property
    def events_ready(self) -> bool:
        """Whether the folder's events are computed (the scan computes them after the full parse)."""
        return self.events.ready

    def story_event(self, story_id: int, story: Story) -> StoryEvent | None:
        """The story's event and the rest of its related list; None while events are not ready
        (or for a story with no URL of its own)."""
        if not self.events_ready:
            return None
        found = self.index.story_event_members(story_id)
        if found is None:
            return None
        event_id, rows = found
        own = url_key(story.article.web_url)
        # The story's own copy of an article, where it lists one, as its file has it (quality too).
        listed = {url_key(article.web_url): article for article in story.related}
        members = [listed.get(row[0]) or article_record(row) for row in rows if row[0] != own]
        return build_story_event(event_id, story, members, {row[0] for row in rows} | {own})

    def event_ids(self, sort: str = "newest", query: Query = Query(), unread_only: bool = False,
                  limit: int | None = None) -> array:
        """Ids of the events (those holding a story file) in a named order (EVENT_SORTS): an event
        matches the query when any of its story files does, and is unread while any of them is.
        The first `limit` only, when given."""
        if unread_only:
            query = Query((*query.terms, Term("is", "unread")))
        return self.index.event_ids(EVENT_SORTS[sort], *compile_query(query), limit=limit)

    def event_count(self) -> int:
        """How many events hold a story file."""
        return self.index.event_count()

    def article_event_ids(self, story: Story) -> dict[str, int]:
        """URL key -> event id for the story's own article and its related items ({} while not ready)."""
        if not self.events_ready:
            return {}
        return self.index.event_ids_of({url_key(a.web_url) for a in (story.article, *story.related)} - {""})

    def event_rows(self, ids: Sequence[int]) -> dict[int, EventRow]:
        return {row[0]: EventRow(row[0], row[1], row[2], row[3], row[4],
                                 EventFirst(row[5], row[6], row[7], from_epoch(row[8]), row[9]),
                                 from_epoch(row[10]), bool(row[11]))
                for row in self.index.event_rows(ids)}

    def event_story_ids(self, event_id: int) -> array:
        """The event's story files, newest first (the same as the query event:ID)."""
        return self.index.event_story_ids(event_id)

    def marks_of(self, key: str) -> tuple[bool, bool]:
        """(read, starred) for a story key."""
        return self.marks.get(key)

    def find_titles(self, text: str, limit: int) -> list[tuple[int, str]]:
        """Stories whose title holds `text` (any case), for the command palette."""
        needle = text.casefold()
        return self.index.query(
            "SELECT id, title FROM stories WHERE folder = ? AND instr(casefold(title), ?) > 0"
            " ORDER BY published IS NULL, published DESC LIMIT ?",
            (self.index.folder_id, needle, limit),
        )

    def story_count(self) -> int:
        return self.index.story_count()

    def problems(self) -> list[Problem]:
        return self.index.problems()

    def abs_path(self, rel: str) -> str:
        return self.root if self.is_file else os.path.join(self.root, *rel.split("/"))

    def load_story(self, story_id: int) -> Story | Problem:
        """The whole story behind a list row: one parse of its own file."""
        rel = self.index.path_of(story_id)
        return _loaded(None, None) if rel is None else self.load_path(rel)

    def load_path(self, rel: str) -> Story | Problem:
        from reader.data.parse import read_story

        return _loaded(rel, read_story(self.abs_path(rel), rel, self.max_bytes))

    def load_stories(self, story_ids: Iterable[int], workers: int | None = None,
                     beside_a_screen: bool = False) -> Iterator[Story | Problem]:
        """load_story for each id, in their order: parsed in helper processes when there
        are many (an export of thousands: one after the other here took longer than the scan)."""
        ready: deque = deque()
        readers = Readers(read_story_chunk, self.max_bytes, cores() if workers is None else workers, self.notices,
                          beside_a_screen=beside_a_screen)
        try:
            for story_id in story_ids:
                rel = self.index.path_of(story_id)
                readers.add((None if rel is None else self.abs_path(rel), rel), ready.extend)
                while ready:
                    yield _loaded(*ready.popleft())
            readers.drain(ready.extend)
            while ready:
                yield _loaded(*ready.popleft())
        finally:
            readers.close()

    def raw_text(self, story_id: int) -> str | Problem:
        rel = self.index.path_of(story_id)
        if rel is None:
            return Problem("?", "this story is no longer in the folder")
        from reader.data.parse import read_raw

        return read_raw(self.abs_path(rel), rel, self.max_bytes)
