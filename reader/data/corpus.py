"""A folder of stories as the app and the command line see it."""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable, Sequence

from reader.data.discover import FileInfo, find_files
from reader.data.index import NEWEST_FIRST, Index
from reader.data.parse import DEFAULT_MAX_BYTES, Entry, read_entry, read_raw, read_story
from reader.data.records import LoadProgress, NotAStory, Problem, Story, StoryRow

_BATCH_FILES = 250
_BATCH_SECONDS = 0.25


def cache_file() -> str:
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("reader", appauthor=False), "index.sqlite3")


class Corpus:
    """One opened folder (or single file): its index, and the stories on demand."""

    def __init__(self, root: str, *, use_cache: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = os.path.abspath(root)
        self.is_file = os.path.isfile(self.root)
        self.max_bytes = max_bytes
        self.index = Index(self.root, cache_file() if use_cache else None)

    @property
    def notices(self) -> list[str]:
        return self.index.notices

    @property
    def cached(self) -> bool:
        return self.index.db_path is not None

    def close(self) -> None:
        self.index.close()

    # ------------------------------------------------------------------ scanning

    def scan(
        self,
        on_progress: Callable[[LoadProgress], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> LoadProgress:
        """Bring the index up to date with the folder: only new and changed files are read."""
        progress = LoadProgress()
        known = self.index.known_files()
        seen: set[str] = set()
        batch: list[tuple[str, int, int, Entry | Problem | None]] = []
        flushed_at = time.monotonic()

        def flush() -> None:
            nonlocal flushed_at
            self.index.write(batch)
            batch.clear()
            flushed_at = time.monotonic()
            if on_progress is not None:
                on_progress(progress)

        for found in find_files(self.root):
            if cancelled():
                flush()
                return progress
            progress.files_seen += 1
            if isinstance(found, FileInfo):
                seen.add(found.rel)
                if known.get(found.rel) == (found.size, found.mtime_ns):
                    continue
                result = read_entry(found.path, found.rel, self.max_bytes)
                progress.files_read += 1
                batch.append((found.rel, found.size, found.mtime_ns,
                              None if isinstance(result, NotAStory) else result))
            else:
                # Link problems and special files are checked afresh every scan.
                seen.add(found.path)
                batch.append((found.path, -1, -1, found if isinstance(found, Problem) else None))
            if len(batch) >= _BATCH_FILES or time.monotonic() - flushed_at > _BATCH_SECONDS:
                flush()
        if batch:
            self.index.write(batch)
        gone = known.keys() - seen
        if gone:
            self.index.forget(gone)
        progress.stories = self.index.story_count()
        progress.problems = len(self.index.problems())
        progress.not_stories = self.index.count_other()
        progress.done = True
        if on_progress is not None:
            on_progress(progress)
        return progress

    # ------------------------------------------------------------------ reading

    def story_ids(self, order: str = NEWEST_FIRST) -> array:
        return self.index.story_ids(order)

    def rows(self, ids: Sequence[int]) -> dict[int, StoryRow]:
        return self.index.rows(ids)

    def story_count(self) -> int:
        return self.index.story_count()

    def problems(self) -> list[Problem]:
        return self.index.problems()

    def abs_path(self, rel: str) -> str:
        return self.root if self.is_file else os.path.join(self.root, *rel.split("/"))

    def load_story(self, story_id: int) -> Story | Problem:
        """The whole story behind a list row: one parse of its own file."""
        rel = self.index.path_of(story_id)
        if rel is None:
            return Problem("?", "this story is no longer in the folder")
        return self.load_path(rel)

    def load_path(self, rel: str) -> Story | Problem:
        result = read_story(self.abs_path(rel), rel, self.max_bytes)
        if isinstance(result, NotAStory):
            return Problem(rel, "no longer a story file")
        return result

    def raw_text(self, story_id: int) -> str | Problem:
        rel = self.index.path_of(story_id)
        if rel is None:
            return Problem("?", "this story is no longer in the folder")
        return read_raw(self.abs_path(rel), rel, self.max_bytes)
