"""`reader check` and `reader export`: output, exit statuses, and never a traceback; PATH is never written."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from reader import __version__
from reader.cli import main

from conftest import PROJECT, SEEDS

STORY = "---\ntitle: {title}\npublishedDateTime: {date}\nprovider: {{name: P, domain: p.com}}\nquality: 5\n" \
        "related:\n  - title: R\n    webUrl: https://r\n    quality: 9\n---\n"


def make_folder(root):
    root.mkdir(exist_ok=True)
    (root / "b.md").write_text(STORY.format(title="B", date="2020-06-10T23:46:00Z"))
    (root / "a.md").write_text(STORY.format(title="A", date="2020-06-10T23:46:00Z"))
    (root / "new.md").write_text(STORY.format(title="New", date="2021-01-01T00:00:00+02:00"))
    (root / "undated.md").write_text("---\ntitle: Undated\n---\n")
    (root / "bad.md").write_text("---\ntitle: [x]\n---\n")
    (root / "yaml.md").write_text("---\ntitle: T\nx: [\n---\n")
    (root / "evil.md").write_text('---\ntitle: "E\\e[31m\\u202e[@click=app.quit]x[/]"\n---\n')
    (root / "notes.csv").write_text("a,b\n")
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_check_seeds(capsys):
    code, out, _ = run(capsys, "check", str(SEEDS))
    assert (code, out) == (0, "2 stories, 0 problems\n")


def test_check_problems(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(make_folder(tmp_path / "f")))
    assert code == 1
    lines = out.splitlines()
    assert lines == [
        "bad.md: title is a list, not text",
        "yaml.md: front matter is not valid YAML: did not find expected node content (line 4, column 1)",
        "5 stories, 2 problems, 1 other file skipped",
    ]


def test_check_empty_and_missing(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run(capsys, "check", str(tmp_path / "empty"))[:2] == (0, "0 stories, 0 problems\n")
    code, out, err = run(capsys, "check", str(tmp_path / "missing"))
    assert (code, out) == (2, "") and "no such file or folder" in err
    assert run(capsys, "export", str(tmp_path / "missing"))[0] == 2


def test_check_single_file(tmp_path, capsys):
    folder = make_folder(tmp_path / "f")
    assert run(capsys, "check", str(folder / "bad.md"))[:2] == (1, "bad.md: title is a list, not text\n0 stories, 1 problem\n")


def test_max_file_size(tmp_path, capsys):
    (tmp_path / "big.md").write_text("---\ntitle: T\nx: '" + "a" * 3000 + "'\n---\n")
    code, out, _ = run(capsys, "check", "--no-cache", "--max-file-size", "2K", str(tmp_path))
    assert code == 1 and out.startswith("big.md: file is 3 KiB, over the 2 KiB limit")
    assert run(capsys, "check", "--no-cache", "--max-file-size", "1M", str(tmp_path))[0] == 0
    assert run(capsys, "check", "--max-file-size", "lots", str(tmp_path))[0] == 2


def test_export_seeds(capsys):
    code, out, _ = run(capsys, "export", str(SEEDS), "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 2
    keys = {"path", "title", "excerpt", "published", "url", "provider", "topics", "quality", "heat", "related"}
    for item in data:
        assert keys <= item.keys()
        assert set(item["provider"]) == {"name", "domain"}
        for rel in item["related"]:
            assert {"title", "excerpt", "published", "url", "provider", "quality"} <= rel.keys()
    assert [d["published"] for d in data] == sorted((d["published"] for d in data), reverse=True)


def test_export_order_and_values(tmp_path, capsys):
    code, out, _ = run(capsys, "export", str(make_folder(tmp_path / "f")))
    data = json.loads(out)
    assert code == 0
    assert [d["path"] for d in data] == ["new.md", "a.md", "b.md", "evil.md", "undated.md"]
    new = data[0]
    assert new["published"] == "2020-12-31T22:00:00Z" and new["url"] is None
    assert new["provider"] == {"name": "P", "domain": "p.com"} and new["quality"] == 5 and new["heat"] is None
    related_event = new["related"][0].pop("event")
    assert new["related"] == [{"title": "R", "excerpt": "", "published": None, "url": "https://r",
                               "provider": {"name": "", "domain": ""}, "quality": 9}]
    assert isinstance(related_event, int) and new["event"] is None  # no URL of its own: no event
    assert data[3]["title"] == "E[@click=app.quit]x[/]" and data[4]["published"] is None


def test_export_empty(tmp_path, capsys):
    assert run(capsys, "export", str(tmp_path))[:2] == (0, "[]\n")


def test_version_help_and_bad_args(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"reader {__version__}"
    for argv in (["--help"], ["check", "--help"], ["export", "--help"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "usage:" in out
    assert run(capsys, "check")[0] == 2
    assert run(capsys, "export", "x", "--format", "xml")[0] == 2
    assert run(capsys, "--bogus")[0] == 2


def test_hostile_folder_never_tracebacks(tmp_path, capsys):
    root = tmp_path / "h"
    root.mkdir()
    (root / "deep.md").write_text("---\ntitle: T\nx: " + "[" * 50_000 + "\n---\n")
    (root / "nul.md").write_bytes(b"---\ntitle: \x00\n---\n")
    (root / "date.md").write_text("---\ntitle: T\npublishedDateTime: 9999-12-31T23:00:00-05:00\n---\n")
    (root / "bad.txt").write_bytes(b"---\ntitle: \xff\n---\n")
    os.symlink("nowhere", root / "dangling.md")
    os.symlink(".", root / "loop")
    os.mkfifo(root / "fifo.md")
    code, out, _ = run(capsys, "check", str(root))
    assert code == 1 and out.splitlines()[-1].startswith("1 story, 5 problems")
    code, out, _ = run(capsys, "export", str(root))
    assert code == 0 and [d["path"] for d in json.loads(out)] == ["date.md"]


def test_odd_names_and_huge_numbers_neither_stop_a_run_nor_reach_the_terminal(tmp_path, capsys):
    root = tmp_path / "h"
    root.mkdir()
    (root / "big.md").write_text("---\ntitle: Big\nquality: 99999999999999999999999\n---\n")
    (root / "\x1b]0;PWNED\x07\x1b[31mesc.md").write_text("---\n- a list\n---\n")
    (root / "two\nlines.md").write_text("---\n- a list\n---\n")
    with open(os.fsencode(root) + b"/bad\xff.md", "wb") as file:
        file.write(b"---\ntitle: T\n---\n")
    (root / "notes.bin").write_bytes(b"plain")
    code, out, _ = run(capsys, "check", str(root))
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines() == [
        "\\x1b]0;PWNED\\x07\\x1b[31mesc.md: front matter is a list, not a set of keys and values",
        "bad\\xff.md: the name is not UTF-8; rename it to have it read",
        "two\\x0alines.md: front matter is a list, not a set of keys and values",
        "1 story, 3 problems, 1 other file skipped",
    ]
    code, out, _ = run(capsys, "export", str(root))
    assert code == 0 and [(d["path"], d["quality"]) for d in json.loads(out)] == [("big.md", None)]


def test_a_path_that_is_a_link_loop_is_named_so(tmp_path, capsys):
    os.symlink("loop", tmp_path / "loop")
    code, _, err = run(capsys, "check", str(tmp_path / "loop"))
    assert code == 2 and "a symbolic link to nothing, or a link loop" in err

def test_subprocess_no_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    (tmp_path / "bad.md").write_text("---\n- a\n---\n")
    result = subprocess.run([sys.executable, "-m", "reader", "check", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout == "bad.md: front matter is a list, not a set of keys and values\n0 stories, 1 problem\n"
    result = subprocess.run([sys.executable, "-m", "reader", "export", str(SEEDS)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0 and len(json.loads(result.stdout)) == 2


def _snapshot(root) -> dict[str, tuple[int, int]]:
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            out[os.path.relpath(path, root)] = (info.st_mtime_ns, info.st_size)
    info = os.lstat(root)
    out["."] = (info.st_mtime_ns, info.st_size)
    return out


@pytest.mark.parametrize("argv", [["check"], ["export"], ["check", "--no-cache"], ["export", "--no-cache"]])
def test_folder_is_never_written(tmp_path, capsys, argv):
    root = make_folder(tmp_path / "f")
    before = _snapshot(root)
    run(capsys, *argv, str(root))
    run(capsys, *argv, str(root))  # a warm start too
    from reader.data.corpus import Corpus

    corpus = Corpus(str(root))
    corpus.scan()
    for story_id in corpus.story_ids():
        corpus.load_story(story_id)
        corpus.raw_text(story_id)
    corpus.close()
    assert _snapshot(root) == before


def test_export_gives_outlets_and_marks(tmp_path, capsys):
    from reader.data.state import MarkStore

    folder = make_folder(tmp_path / "f")
    code, out, _ = run(capsys, "export", str(folder))
    first = {item["title"]: item for item in json.loads(out)}
    assert first["A"]["outlets"] == 1 and first["Undated"]["outlets"] == 0  # R names no outlet
    assert (first["A"]["read"], first["A"]["starred"]) == (False, False)
    store = MarkStore()
    store.set_starred("a.md\nA", True)  # no URL: the key is path and title
    store.set_read("a.md\nA", True)
    store.close()
    code, out, _ = run(capsys, "export", str(folder))
    again = {item["title"]: item for item in json.loads(out)}
    assert (again["A"]["read"], again["A"]["starred"]) == (True, True)
    assert (again["B"]["read"], again["B"]["starred"]) == (False, False)


def test_export_filter(tmp_path, capsys):
    folder = make_folder(tmp_path / "f")
    code, out, _ = run(capsys, "export", str(folder), "--filter", "after:2020-12-31")
    assert code == 0 and [item["title"] for item in json.loads(out)] == ["New"]
    code, out, _ = run(capsys, "export", str(folder), "--filter=-related>0")  # a leading - needs the = form
    titles = [item["title"] for item in json.loads(out)]
    assert "Undated" in titles and not {"A", "B", "New"} & set(titles)
    code, out, err = run(capsys, "export", str(folder), "--filter", "quality>abc")
    assert code == 2 and out == "" and "--filter" in err and "character" in err


def test_export_markdown(capsys):
    code, out, _ = run(capsys, "export", str(SEEDS), "--format", "markdown")
    assert code == 0
    assert "## Amazon pauses police use of its facial recognition software for year" in out
    assert "Washington Post" in out and "first" in out and "+40m" in out
    code, out, _ = run(capsys, "export", str(SEEDS), "--format", "markdown", "--filter", "provider:\"CBS News\"")
    assert "CBS News" in out and "Campus Safety" not in out.split("##", 1)[1]


def test_the_collector_is_as_usual_after_start_up(capsys):
    """reader.collector holds young passes off while the program starts; check
    and export (which allocate per file) run with the usual one."""
    import gc

    usual = gc.get_threshold()
    assert main(["check", str(SEEDS)]) == 0
    assert gc.get_threshold() == usual


def test_an_export_of_many_stories_is_parsed_in_helper_processes_in_order(tmp_path, monkeypatch):
    # Each exported story is a full parse of its file: thousands of them, one after the other in
    # this process, took longer than the scan before them.
    import io

    from reader.data import parse
    from reader.data.corpus import Corpus
    from reader.data.export import write
    from reader.data.readers import CHUNK_FILES

    root = tmp_path / "many"
    root.mkdir()
    for number in range(CHUNK_FILES * 4 + 7):
        (root / f"s{number:03}.md").write_text(STORY.format(title=f"S{number}", date=f"2020-06-{number % 28 + 1:02d}T10:{number % 60:02d}:00Z"))
    (root / "gone.md").write_text(STORY.format(title="Gone", date="2020-06-01T00:00:00Z"))
    corpus = Corpus(str(root), use_cache=False)
    try:
        corpus.scan(whole=True)
        ids = corpus.story_ids()
        os.remove(root / "gone.md")  # vanished since the scan: left out, as before
        alone = io.StringIO()
        write(corpus, ids, "json", alone, workers=0)
        parsed_here = []
        read_story = parse.read_story

        def counted(*args, **kwargs):
            parsed_here.append(args[1])
            return read_story(*args, **kwargs)

        monkeypatch.setattr(parse, "read_story", counted)
        with_helpers = io.StringIO()
        write(corpus, ids, "json", with_helpers)
        assert len(parsed_here) <= CHUNK_FILES  # the first chunk, read here while the helpers start
    finally:
        corpus.close()
    assert with_helpers.getvalue() == alone.getvalue()
    paths = [item["path"] for item in json.loads(alone.getvalue())]
    assert len(paths) == CHUNK_FILES * 4 + 7 and "gone.md" not in paths
