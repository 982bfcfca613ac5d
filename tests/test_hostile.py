"""Hostile and broken story files, generated here: each one a problem, a story or skipped, never a crash or hang."""

from __future__ import annotations

import errno
import os
import signal

import pytest

from reader.data.discover import FileInfo, find_files
from reader.data.parse import Entry, read_entry, read_story
from conftest import indexed_outcome
from reader.data.records import NotAStory, Problem, Story

BOMB = """---
title: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
related: *i
topics: *i
---
"""
ESC = "\\e"

# name: (file bytes or text, file name, outcome, detail)
#   outcome "problem": detail is a start of the reason; "story": detail checks the Story;
#   "other": not a story (counted, not a problem).
CASES = {
    "empty_file": (b"", "e.md", "problem", "no front matter"),
    "empty_file_no_ext": (b"", "e", "other", None),
    "only_fence": ("---", "s.md", "problem", "front matter is not closed"),
    "only_fence_newline": ("---\n", "s.md", "problem", "front matter is not closed"),
    "unclosed": ("---\ntitle: T\n", "s.md", "problem", "front matter is not closed"),
    "empty_front": ("---\n---\n", "s.md", "problem", "front matter is empty"),
    "front_list": ("---\n- a\n- b\n---\n", "s.md", "problem", "front matter is a list"),
    "front_scalar": ("---\njust words\n---\n", "s.md", "problem", "front matter is text"),
    "no_title": ("---\nexcerpt: e\n---\n", "s.md", "problem", "no title"),
    "title_list": ("---\ntitle: [a]\n---\n", "s.md", "problem", "title is a list"),
    "title_mapping": ("---\ntitle: {a: b}\n---\n", "s.md", "problem", "title is a mapping"),
    "title_number": ("---\ntitle: 1984\n---\n", "s.md", "story", lambda s: s.title == "1984"),
    "title_bool": ("---\ntitle: yes\n---\n", "s.md", "problem", "title is true/false"),
    "title_empty": ("---\ntitle: ''\n---\n", "s.md", "problem", "title is empty"),
    "title_whitespace": ("---\ntitle: \"\\t \\n \"\n---\n", "s.md", "problem", "title is empty"),
    "invalid_yaml": ("---\ntitle: T\nexcerpt: \"a\" b\n---\n", "s.md", "problem", "front matter is not valid YAML"),
    "tab_indent": ("---\ntitle: T\nprovider:\n\tname: x\n---\n", "s.md", "problem", "front matter is not valid YAML"),
    "non_utf8": (b"---\ntitle: caf\xe9\n---\n", "s.md", "problem", "not valid UTF-8: first bad byte at offset 14"),
    "non_utf8_after_bom": (b"\xef\xbb\xbf---\ntitle: \xff\n---\n", "s.md", "problem", "not valid UTF-8: first bad byte at offset 14"),
    "utf16": ("---\ntitle: T\n---\n".encode("utf-16"), "s.md", "problem", "UTF-16 text"),
    "utf16_no_ext": ("---\ntitle: T\n---\n".encode("utf-16"), "s.bin", "other", None),
    "nul_bytes": (b"---\ntitle: T\x00\n---\n", "s.md", "problem", "binary file"),
    "binary_story_ext": (bytes(range(256)) * 4, "s.txt", "problem", "binary file"),
    "binary_other": (bytes(range(256)) * 4, "s.png", "other", None),
    # Aliases are shared, never expanded: the bomb is read in no time, its unknown
    # keys shown as bounded text, its nested lists left out with warnings.
    "alias_bomb": (BOMB, "s.md", "story", lambda s: s.related == () and s.topics == ()
                   and all(len(text) <= 2_001 for _, text in s.article.extra) and s.warnings),
    "recursive_alias": ("---\ntitle: T\nx: &a [*a]\nrelated: &r [*r]\n---\n", "s.md", "story", lambda s: len(s.article.extra[0][1]) < 200 and s.related == ()),
    "recursive_alias_mapping": ("---\ntitle: T\nx: &a {y: *a}\nprovider: &p {name: *p}\n---\n", "s.md", "story", lambda s: s.provider.name == ""),
    "deep_flow": ("---\ntitle: T\nx: " + "[" * 100_000 + "]" * 100_000 + "\n---\n", "s.md", "problem", "front matter is nested too deeply"),
    "deep_flow_unclosed": ("---\ntitle: T\nx: " + "[" * 100_000 + "\n---\n", "s.md", "problem", "front matter is nested too deeply"),
    "deep_mapping": ("---\ntitle: T\nx: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n---\n", "s.md", "problem", "front matter is nested too deeply"),
    "deep_block_seq": ("---\ntitle: T\nx:\n  " + "- " * 100_000 + "1\n---\n", "s.md", "problem", "front matter is nested too deeply"),
    "moderate_nesting_ok": ("---\ntitle: T\nx: " + "[" * 50 + "]" * 50 + "\n---\n", "s.md", "story", lambda s: s.title == "T"),
    "python_tag": ("---\ntitle: T\nx: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n", "s.md", "problem", "front matter is not valid YAML"),
    "huge_integers": ("---\ntitle: T\nquality: 99999999999999999999999\nheat: '-1e30'\nrelated:\n  - title: R\n"
                      "    quality: 18446744073709551616\n---\n", "s.md", "story",
                      lambda s: s.article.quality is None and s.article.heat is None and s.related[0].quality is None
                      and sum("too large a number" in w for w in s.warnings) == 3),
    "python_name": ("---\ntitle: !!python/name:os.system\n---\n", "s.md", "problem",
                    "front matter is not valid YAML: the tag !!python/name:os.system is not read"),
    "local_tag": ("---\ntitle: !shout T\n---\n", "s.md", "problem", "front matter is not valid YAML: the tag !shout is not read"),
    "binary_tag": ("---\ntitle: T\nexcerpt: !!binary aGVsbG8=\nsecured: !!binary aGVsbG8=\nx: !!binary aGVsbG8=\n---\n", "s.md", "story",
                   lambda s: s.article.excerpt == "" and s.secured == "" and ("x", "(5 bytes of binary data)") in s.article.extra),
    "timestamp_out_of_range": ("---\ntitle: T\npublishedDateTime: 2020-13-45\n---\n", "s.md", "story",
                               lambda s: s.published is None and s.published_text == "2020-13-45" and s.warnings),
    "timestamp_year_zero": ("---\ntitle: T\npublishedDateTime: 0000-01-01\n---\n", "s.md", "story", lambda s: s.published is None),
    "timestamp_past_max_utc": ("---\ntitle: T\npublishedDateTime: 9999-12-31T23:00:00-05:00\n---\n", "s.md", "story", lambda s: s.published is None),
    "escapes_everywhere": (
        "---\n"
        f'title: "A{ESC}[31mred{ESC}[0m {ESC}]8;;https://evil.example{ESC}\\\\link{ESC}]8;;{ESC}\\\\ \\u202eevil\\u202c {ESC}]0;pwn\\a"\n'
        f'excerpt: "x{ESC}[2Jy\\x9b1mz\\u2066w"\n'
        f'webUrl: "https://ok.example/{ESC}[8m\\u202e"\n'
        f'provider: {{name: "P{ESC}c\\x07", domain: "d\\u202e.com"}}\n'
        f'related:\n  - title: "R{ESC}[5m"\n    webUrl: "u{ESC}]8;;x\\a"\n'
        "---\n",
        "s.md", "story",
        lambda s: (s.title, s.article.excerpt, s.article.web_url, s.provider.name, s.provider.domain,
                   s.related[0].title, s.related[0].web_url)
        == ("Ared link evil", "xyzw", "https://ok.example/", "P", "d.com", "R", "u"),
    ),
    "markup_is_data": ("---\ntitle: \"[@click=app.quit]x[/]\"\nexcerpt: \"[bold]b[/bold] [link=http://e]l[/link]\"\n---\n", "s.md", "story",
                       lambda s: s.title == "[@click=app.quit]x[/]" and s.article.excerpt == "[bold]b[/bold] [link=http://e]l[/link]"),
    "control_chars_escaped": ('---\ntitle: "a\\x00b\\x01c\\x7fd\\x85e\\tf\\ng"\nexcerpt: "l1\\nl2\\tt\\x00"\n---\n', "s.md", "story",
                              lambda s: s.title == "abcd e f g" and s.article.excerpt == "l1\nl2\tt"),
    "raw_control_char": ("---\ntitle: a\x1bb\n---\n", "s.md", "problem", "front matter is not valid YAML: unacceptable character U+001B"),
    "very_long_title": ("---\ntitle: " + "word " * 20_000 + "\n---\n", "s.md", "story", lambda s: len(s.title) == 99_999),
    "ten_thousand_related": ("---\ntitle: T\nrelated:\n" + "  - title: r\n    quality: 1\n" * 10_000 + "---\n", "s.md", "story",
                             lambda s: len(s.related) == 10_000),
    "related_not_mappings": ("---\ntitle: T\nrelated:\n  - text\n  - 5\n  - [x]\n  -\n  - title: ok\n---\n", "s.md", "story",
                             lambda s: [r.title for r in s.related] == ["ok"] and len(s.warnings) == 4),
    "duplicate_keys": ("---\ntitle: First\ntitle: Second\n---\n", "s.md", "story", lambda s: s.title == "Second"),
    "fence_in_body": ("---\ntitle: T\n---\nbody\n---\ntitle: Evil\n---\n", "s.md", "story", lambda s: s.title == "T" and "Evil" in s.body),
    "closing_dots": ("---\ntitle: T\n...\nbody\n", "s.md", "story", lambda s: s.body == "body"),
    "bom": ("\ufeff---\ntitle: T\n---\n", "s.md", "story", lambda s: s.title == "T"),
    "crlf": ("---\r\ntitle: T\r\nexcerpt: |\r\n  a\r\n  b\r\n---\r\nbody\r\n", "s.md", "story",
             lambda s: s.article.excerpt == "a\nb" and s.body == "body"),
    "cr_only": ("---\rtitle: T\r---\r", "s.md", "problem", "no front matter"),
    "yaml_no_front_matter": ("title: T\n", "s.yaml", "problem", "no front matter"),
    "yml_no_front_matter": ("title: T\n", "s.yml", "problem", "no front matter"),
    "md_no_front_matter": ("# Heading\n", "s.md", "problem", "no front matter"),
    "markdown_no_front_matter": ("# Heading\n", "s.markdown", "problem", "no front matter"),
    "txt_no_front_matter": ("plain\n", "s.TXT", "problem", "no front matter"),
    "other_no_front_matter": ("plain\n", "notes.csv", "other", None),
    "story_any_name": ("---\ntitle: T\n---\n", "README", "story", lambda s: s.title == "T"),
    "fence_not_first_line": ("\n---\ntitle: T\n---\n", "s.md", "problem", "no front matter"),
    "fence_with_text": ("--- title: T\n---\n", "s.md", "problem", "no front matter"),
    "huge_over_cap": (b"---\ntitle: T\nx: '" + b"a" * (2 * 1024 * 1024) + b"'\n---\n", "s.md", "problem", "file is 2 MiB, over the 1 MiB limit"),
}

CAP = 1024 * 1024


def _run(path: str, rel: str):
    return read_story(path, rel, CAP), read_entry(path, rel, CAP)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file(tmp_path, name):
    content, filename, outcome, detail = CASES[name]
    path = tmp_path / filename
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    full, entry = _run(str(path), filename)
    if outcome == "problem":
        assert isinstance(full, Problem), full
        assert full.reason.startswith(detail), full.reason
        # The list pass may take it for a story at first; the verify pass has the last word.
        assert entry == full or isinstance(entry, Entry)
        assert indexed_outcome(tmp_path, filename, max_bytes=CAP) == full
    elif outcome == "other":
        assert isinstance(full, NotAStory) and isinstance(entry, NotAStory)
    else:
        assert isinstance(full, Story), full
        assert detail(full), full
        assert isinstance(entry, Entry) and entry.title == full.title
        assert entry.related_count == len(full.related) and entry.published == full.published


def test_yaml_error_position(tmp_path):
    path = tmp_path / "s.md"
    path.write_text("---\ntitle: T\nexcerpt: \"a\" b\n---\n")
    full = read_story(str(path), "s.md")
    assert (full.line, full.column) == (3, 14)
    path.write_text("---\ntitle: a\x1bb\n---\n")
    assert read_story(str(path), "s.md").line == 2


def test_python_tag_is_not_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "s.md"
    path.write_text(f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    assert isinstance(read_story(str(path), "s.md"), Problem)
    assert not marker.exists()


# ------------------------------------------------------------------ folder-level cases

def _scan(root) -> dict[str, object]:
    """rel -> what the data layer makes of it: Story, Problem or NotAStory."""
    out: dict[str, object] = {}
    for found in find_files(str(root)):
        if isinstance(found, FileInfo):
            out[found.rel] = read_story(found.path, found.rel)
        else:
            out[found.path] = found
    return out


STORY = "---\ntitle: T\n---\n"


def test_symlink_loop(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "s.md").write_text(STORY)
    os.symlink("..", tmp_path / "a" / "up")
    os.symlink("self", tmp_path / "self")
    found = _scan(tmp_path)
    assert isinstance(found["a/s.md"], Story)
    assert isinstance(found["a/up"], Problem) and "loop" in found["a/up"].reason
    assert isinstance(found["self"], Problem) and found["self"].reason == "symbolic link loop"


def test_dangling_symlink(tmp_path):
    os.symlink(tmp_path / "nowhere.md", tmp_path / "d.md")
    found = _scan(tmp_path)
    assert found == {"d.md": Problem("d.md", "broken symbolic link: it points to nothing")}


def test_symlink_to_file_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text(STORY)
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "o.md", root / "link.md")
    found = _scan(root)
    assert isinstance(found["link.md"], Story)  # followed, read like any file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "s.md").write_text(STORY)

    def timeout(*_):
        raise AssertionError("reading a FIFO hung")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    try:
        found = _scan(tmp_path)
        assert found["pipe.md"] == NotAStory("pipe.md")  # listed, never opened
        # Even if something opens it directly (it appeared after the listing):
        assert read_story(str(tmp_path / "pipe.md"), "pipe.md") == Problem("pipe.md", "not a regular file")
        assert read_entry(str(tmp_path / "pipe.md"), "pipe.md") == Problem("pipe.md", "not a regular file")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "s.md"
    path.write_text(STORY)
    real_open = os.open

    def denied(target, *args, **kwargs):  # what opening a mode-0 file gives anyone but root
        if os.fspath(target) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(target))
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    assert _scan(tmp_path)["s.md"] == Problem("s.md", "permission denied: the file cannot be read")


def test_hidden_files_and_folders_skipped(tmp_path):
    (tmp_path / ".hidden.md").write_text("---\ntitle: [broken\n---\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "s.md").write_text(STORY)
    (tmp_path / "ok.md").write_text(STORY)
    assert list(_scan(tmp_path)) == ["ok.md"]


def test_directory_named_like_a_file(tmp_path):
    (tmp_path / "x.md").mkdir()
    (tmp_path / "x.md" / "inner.md").write_text(STORY)
    found = _scan(tmp_path)
    assert list(found) == ["x.md/inner.md"] and isinstance(found["x.md/inner.md"], Story)
    assert read_story(str(tmp_path / "x.md"), "x.md") == Problem("x.md", "not a regular file")


def test_non_story_files_counted_not_problems(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "notes").write_text("hello\n")
    (tmp_path / "s.md").write_text(STORY)
    found = _scan(tmp_path)
    assert found["image.png"] == NotAStory("image.png") and found["notes"] == NotAStory("notes")
    assert isinstance(found["s.md"], Story)


def test_a_folder_link_out_of_the_opened_folder_is_not_followed(tmp_path):
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "s.md").write_text(STORY)
    os.symlink("/", root / "everything")  # followed, it would read the whole machine
    os.symlink("real", root / "alias")  # inside: the same folder, read once
    found = _scan(root)
    assert found["everything"] == Problem("everything", "symbolic link to a folder outside the one opened; not followed")
    assert sum(isinstance(v, Story) for v in found.values()) == 1


def test_a_file_name_that_is_not_utf8_is_a_problem_shown_escaped(tmp_path):
    os.makedirs(os.fsencode(tmp_path / "folder") + b"\xff")
    with open(os.fsencode(tmp_path) + b"/bad\xfe.md", "wb") as file:
        file.write(STORY.encode())
    (tmp_path / "good.md").write_text(STORY)
    found = _scan(tmp_path)
    assert found["bad\\xfe.md"] == Problem("bad\\xfe.md", "the name is not UTF-8; rename it to have it read")
    assert isinstance(found["folder\\xff"], Problem)
    assert isinstance(found["good.md"], Story)
