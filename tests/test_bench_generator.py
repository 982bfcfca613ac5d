"""The benchmark's corpus generator writes files the reader reads as stories."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from reader.cli import main
from reader.data.parse import read_story
from reader.data.records import Story


PROJECT = Path(__file__).resolve().parent.parent
COUNT = 30


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_corpus_is_all_stories(tmp_path, capsys):
    out = tmp_path / "corpus"
    manifest = _generator().generate(str(out), COUNT, seed=7, quiet=True)
    assert manifest["stories"] == COUNT
    assert json.loads((out / ".bench-manifest.json").read_text())["stories"] == COUNT

    status = main(["check", str(out)])
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert status == 0, summary
    assert summary.startswith(f"{COUNT} stories, 0 problems"), summary
    assert f"{manifest['other_files']} other files skipped" in summary

    files = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(out)
        for name in names
        if name.endswith((".md", ".txt")) and not name.startswith(".")
    )
    assert len(files) == COUNT
    assert any(path.endswith(".txt") for path in files) and any(path.endswith(".md") for path in files)
    related = 0
    for path in files[:10]:
        story = read_story(path, os.path.relpath(path, out))
        assert isinstance(story, Story), story
        assert story.title
        related += len(story.related)
    assert related > 0


def test_generator_is_deterministic(tmp_path):
    generate = _generator().generate
    for name in ("a", "b"):
        generate(str(tmp_path / name), 5, seed=3, quiet=True)
    names = sorted(os.listdir(tmp_path / "a"))
    assert names == sorted(os.listdir(tmp_path / "b"))
    for name in names:
        if (tmp_path / "a" / name).is_file() and name != ".bench-manifest.json":
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
