"""`reader check`: every file's verdict, read in helper processes, with no index written.

A check asks one thing of each file, the verdict a scan would record (a story,
a problem and its reason, or not a story at all); it builds a file's records only
where they could change that verdict (see parse.read_verdict) and leaves no cache
behind.
"""

from __future__ import annotations

from typing import NamedTuple

from reader.data.discover import FileInfo, find_files
from reader.data.readers import Readers, cores
from reader.data.records import NotAStory, Problem


class CheckReport(NamedTuple):
    stories: int
    problems: list[Problem]  # by path, as the app's problems list shows them
    not_stories: int  # files that are not stories at all (other names, special files)
    notices: list[str]  # how the reading went, when not as usual (helpers that did not start)


def verdict_chunk(chunk: list[tuple[str, str]], max_bytes: int) -> list[tuple[str, Problem | NotAStory | None]]:
    """Each file's verdict (see parse.read_verdict); runs in a helper process."""
    from reader.data.parse import read_verdict

    return [(rel, read_verdict(path, rel, max_bytes)) for path, rel in chunk]


def check_folder(root: str, max_bytes: int, workers: int | None = None) -> CheckReport:
    """The verdict on every file under `root` (a folder, or one file)."""
    stories = not_stories = 0
    problems: list[Problem] = []

    def take(read: list[tuple[str, Problem | NotAStory | None]]) -> None:
        nonlocal stories, not_stories
        for _rel, verdict in read:
            if verdict is None:
                stories += 1
            elif isinstance(verdict, Problem):
                problems.append(verdict)
            else:
                not_stories += 1

    notices: list[str] = []
    readers = Readers(verdict_chunk, max_bytes, cores() if workers is None else workers, notices)
    try:
        for found in find_files(root):
            if isinstance(found, FileInfo):
                readers.add((found.path, found.rel), take, found.size)
            else:
                take([(found.path, found)])
        readers.drain(take)
    finally:
        readers.close()
    problems.sort(key=lambda problem: problem.path)
    return CheckReport(stories, problems, not_stories, notices)
