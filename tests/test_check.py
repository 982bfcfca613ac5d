"""`reader check` reads every file for its verdict alone: the same verdict a scan records, no index written."""

from __future__ import annotations

import os

import pytest

from reader.data.check import check_folder
from reader.data.corpus import Corpus
from reader.data.parse import read_story, read_verdict
from reader.data.records import NotAStory, Problem, Story

from conftest import SEEDS
from test_hostile import BOMB, CASES


def scanned(root, **options) -> tuple[int, list[Problem], int]:
    """What a scan of the app records: (stories, problems, other files)."""
    corpus = Corpus(str(root), use_cache=False, **options)
    try:
        progress = corpus.scan(verify_workers=0)
        return progress.stories, corpus.problems(), progress.not_stories
    finally:
        corpus.close()


def hostile_folder(root):
    root.mkdir()
    for name, (content, filename, _outcome, _detail) in CASES.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / f"{name}-{filename}").write_bytes(data)
    (root / "bomb.md").write_text(BOMB)
    os.symlink("nowhere", root / "dangling.md")
    os.symlink(".", root / "loop")
    os.mkfifo(root / "fifo.md")
    return root


def test_the_verdict_of_every_hostile_file_is_the_full_parse_s(tmp_path):
    for name, (content, filename, _outcome, _detail) in CASES.items():
        path = tmp_path / f"{name}-{filename}"
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        assert read_verdict(str(path), path.name, 1 << 20) == verdict_of(read_story(str(path), path.name, 1 << 20)), name
    path = tmp_path / "bomb.md"
    path.write_text(BOMB)
    assert read_verdict(str(path), "bomb.md") == verdict_of(read_story(str(path), "bomb.md"))


def verdict_of(full: Story | Problem | NotAStory) -> Problem | NotAStory | None:
    return None if isinstance(full, Story) else full


def test_check_finds_what_a_scan_records(tmp_path):
    root = hostile_folder(tmp_path / "h")
    report = check_folder(str(root), 1 << 20)
    stories, problems, others = scanned(root, max_bytes=1 << 20)
    assert len(problems) > 30  # the hostile set is mostly problems
    assert (report.stories, report.problems, report.not_stories) == (stories, problems, others)


def test_check_in_helper_processes_finds_the_same(tmp_path):
    root = hostile_folder(tmp_path / "h")
    for number in range(300):  # more than a chunk read here first: helpers read the rest
        (root / f"s{number:03}.md").write_text(f"---\ntitle: S{number}\nquality: {number}\n---\n")
    report = check_folder(str(root), 1 << 20, workers=2)
    assert report.stories > 300
    assert (report.stories, report.problems, report.not_stories) == scanned(root, max_bytes=1 << 20)


def test_check_writes_no_index(tmp_path, monkeypatch):
    home = tmp_path / "home"
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    from reader.cli import main

    assert main(["check", str(SEEDS)]) == 0
    assert not home.exists()  # no cache, no marks: check reads and tells, nothing more


def test_check_of_one_file(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: [x]\n---\n")
    report = check_folder(str(path), 1 << 20)
    assert (report.stories, report.problems) == (0, [Problem("a.md", "title is a list, not text")])


def test_real_sample_verdicts_agree(real_corpus):
    names = sorted(os.listdir(real_corpus))
    assert names
    for name in names:
        path = str(real_corpus / name)
        assert read_verdict(path, name) == verdict_of(read_story(path, name)), name


@pytest.mark.parametrize("text", ["---\ntitle: a\n---\n", "not a story"])
def test_a_file_of_another_name_is_a_story_only_by_its_front_matter(tmp_path, text):
    path = tmp_path / "notes.csv"
    path.write_text(text)
    verdict = read_verdict(str(path), "notes.csv")
    assert verdict == verdict_of(read_story(str(path), "notes.csv"))
    assert (verdict is None) == text.startswith("---")
