"""read_story / read_entry / read_raw: every field, every coercion, and their agreement."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from reader.data.parse import Entry, read_entry, read_raw, read_story
from conftest import SEEDS, indexed_outcome
from reader.data.records import NotAStory, Problem, Provider, Story

UTC = timezone.utc

FULL = """---
category: news
title: "Main title"
excerpt: "Main excerpt"
publishedDateTime: 2020-06-17T15:49:00Z
webUrl: "https://example.com/a"
ampWebUrl: "https://example.com/a/amp"
cdnAmpWebUrl: "https://cdn.example.com/a/amp"
type: article
quality: 21
heat: -1
published: false
originalUrl: "https://orig.example.com/a"
removed: true
shareCount: 7
provider:
  name: Example News
  domain: example.com
topics:
  - AWS AI
  - AI
images:
  - url: "https://example.com/i.png"
    width: 1024
    height: 413
    isCached: true
    title: "Image title"
related:
  - title: "Related one"
    excerpt: "Rel excerpt"
    publishedDateTime: 2020-06-17T18:01:00Z
    webUrl: "https://other.example/1"
    provider:
      name: Other
      domain: other.example
    quality: 81
    images:
      - url: "https://other.example/i.png"
  - title: "Related two"
    publishedDateTime: "2020-06-18T10:00:00+02:00"
secured: "abc+/==;def=="
---
Body line one.

Body line two.
"""


def write(tmp_path, text, name="s.md", raw=False):
    path = tmp_path / name
    if raw:
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return str(path)


def story(tmp_path, text, name="s.md") -> Story:
    result = read_story(write(tmp_path, text, name), name)
    assert isinstance(result, Story), result
    return result


def problem(tmp_path, text, name="s.md") -> Problem:
    result = read_story(write(tmp_path, text, name), name)
    assert isinstance(result, Problem), result
    return result


def fm(body: str) -> str:
    return f"---\n{body}---\n"


def test_every_field(tmp_path):
    s = story(tmp_path, FULL)
    a = s.article
    assert s.path == "s.md"
    assert (s.title, a.excerpt, s.category, a.type) == ("Main title", "Main excerpt", "news", "article")
    assert s.published == datetime(2020, 6, 17, 15, 49, tzinfo=UTC)
    assert (a.web_url, a.amp_web_url, a.cdn_amp_web_url) == (
        "https://example.com/a", "https://example.com/a/amp", "https://cdn.example.com/a/amp")
    assert (a.quality, a.heat, s.is_published, s.removed) == (21, -1, False, True)
    assert s.original_url == "https://orig.example.com/a"
    assert s.provider == Provider("Example News", "example.com")
    assert s.topics == ("AWS AI", "AI")
    assert len(a.images) == 1 and a.images[0].url == "https://example.com/i.png"
    assert (a.images[0].width, a.images[0].height, a.images[0].is_cached, a.images[0].title) == (1024, 413, True, "Image title")
    assert s.secured == "abc+/==;def=="  # opaque: kept exactly
    assert ("shareCount", "7") in a.extra
    assert [r.title for r in s.related] == ["Related one", "Related two"]
    r1, r2 = s.related
    assert (r1.excerpt, r1.web_url, r1.quality, r1.provider.name, r1.provider.domain) == (
        "Rel excerpt", "https://other.example/1", 81, "Other", "other.example")
    assert r1.images[0].url == "https://other.example/i.png"
    assert r2.published == datetime(2020, 6, 18, 8, tzinfo=UTC)
    assert r2.published.tzinfo is not None
    assert s.body == "Body line one.\n\nBody line two."
    assert s.warnings == ()


def test_records_are_immutable(tmp_path):
    s = story(tmp_path, FULL)
    with pytest.raises(Exception):
        s.path = "x"  # type: ignore[misc]
    with pytest.raises(Exception):
        s.article.title = "x"  # type: ignore[misc]
    assert isinstance(s.related, tuple) and isinstance(s.topics, tuple)


def test_only_title_required(tmp_path):
    s = story(tmp_path, fm("title: Only\n"))
    assert s.title == "Only" and s.published is None and s.related == () and s.provider == Provider()


@pytest.mark.parametrize(
    "title_yaml, expected",
    [("42", "42"), ("4.5", "4.5"), ("2020-01-01", "2020-01-01"), ('"  spaced\\n  out  "', "spaced out"),
     ("|\n  two\n  lines", "two lines")],
)
def test_title_coercion(tmp_path, title_yaml, expected):
    assert story(tmp_path, fm(f"title: {title_yaml}\n")).title == expected


@pytest.mark.parametrize(
    "title_yaml, reason",
    [("[a, b]", "title is a list"), ("{a: b}", "title is a mapping"), ('""', "title is empty"),
     ('"   "', "title is empty"), ("true", "title is true/false"), ("~", "no title"), ("", "no title"),
     ('"\\e[31m"', "title is empty"), ("!!binary aGVsbG8=", "title is binary data")],
)
def test_bad_titles(tmp_path, title_yaml, reason):
    assert problem(tmp_path, fm(f"title: {title_yaml}\n")).reason.startswith(reason)


def test_missing_title(tmp_path):
    assert problem(tmp_path, fm("excerpt: x\n")).reason.startswith("no title")


@pytest.mark.parametrize(
    "yaml_text, check, warning",
    [
        ("related: {title: x}", lambda s: [r.title for r in s.related] == ["x"], "related is a mapping, not a list"),
        ("related: [a, {title: b}]", lambda s: [r.title for r in s.related] == ["b"], "related item 1 is text"),
        ("topics: AI", lambda s: s.topics == ("AI",), "topics is text, not a list"),
        ("topics: [a, 5, [x], '']", lambda s: s.topics == ("a", "5"), "a topic is a list"),
        ("provider: Just A Name", lambda s: s.provider == Provider("Just A Name", ""), "provider is plain text"),
        ("provider: [x]", lambda s: s.provider == Provider(), "provider is a list"),
        ("quality: high", lambda s: s.article.quality is None, "quality 'high' is not a number"),
        ("quality: true", lambda s: s.article.quality is None, "quality is true/false"),
        ("quality: .nan", lambda s: s.article.quality is None, "not a number"),
        ("quality: '17'", lambda s: s.article.quality == 17, None),
        ("heat: 2.6", lambda s: s.article.heat == 3, None),
        ("published: yes", lambda s: s.is_published is True, None),
        ("published: 'no'", lambda s: s.is_published is False, None),
        ("published: maybe", lambda s: s.is_published is None, "published 'maybe' is not true or false"),
        ("removed: 1", lambda s: s.removed is True, None),
        ("publishedDateTime: soon", lambda s: s.published is None and s.published_text == "soon", "is not a date"),
        ("publishedDateTime: 2020-13-45", lambda s: s.published is None and s.published_text == "2020-13-45", "is not a date"),
        ("publishedDateTime: [1]", lambda s: s.published is None, "is not a date"),
        ("publishedDateTime: 2020-06-10", lambda s: s.published == datetime(2020, 6, 10, tzinfo=UTC), None),
        ("publishedDateTime: 1591833960", lambda s: s.published == datetime(2020, 6, 11, 0, 6, tzinfo=UTC), None),
        ("images: https://x/i.png", lambda s: s.article.images[0].url == "https://x/i.png", "images is text"),
        ("images: [5]", lambda s: s.article.images == (), "an item of images is a number"),
        ("excerpt: [a]", lambda s: s.article.excerpt == "", "excerpt is a list"),
        ("excerpt: 12", lambda s: s.article.excerpt == "12", None),
        ("secured: 12", lambda s: s.secured == "", None),
        ("heat: 0b_", lambda s: s.article.heat is None, "heat '0b_' is not a number"),
    ],
)
def test_lenient_coercion(tmp_path, yaml_text, check, warning):
    s = story(tmp_path, fm(f"title: T\n{yaml_text}\n"))
    assert check(s), s
    if warning is None:
        assert s.warnings == ()
    else:
        assert any(warning in w for w in s.warnings), s.warnings


def test_body_bom_crlf(tmp_path):
    text = "\ufeff---\r\ntitle: T\r\nexcerpt: |\r\n  a\r\n  b\r\n---\r\nbody\r\n---\r\nmore\r\n"
    s = story(tmp_path, text)
    assert s.title == "T" and s.article.excerpt == "a\nb"
    assert s.body == "body\n---\nmore"  # a later --- is body


def test_closing_dots_and_trailing_spaces(tmp_path):
    assert story(tmp_path, "---  \ntitle: T\n...\nbody\n").body == "body"
    assert story(tmp_path, "---\ntitle: T\n---").title == "T"  # no final newline


@pytest.mark.parametrize(
    "front, line, column",
    [("title: T\nexcerpt: [unclosed\n", 4, 1), ("title: T\n  bad: indent\n", 3, 6),
     ("title: T\nx: \"open\n", 4, 1), ("title: T\n\tx: 1\n", 3, 1), ("title: T\nexcerpt: a\x1bb\n", 3, 11)],
)
def test_yaml_errors_have_line_and_column(tmp_path, front, line, column):
    p = problem(tmp_path, "---\n" + front + "---\n")
    assert p.reason.startswith("front matter is not valid YAML")
    assert (p.line, p.column) == (line, column), p
    assert f"line {line}" in p.describe()


def test_not_a_story_and_read_raw(tmp_path):
    path = write(tmp_path, "just notes\n", "notes")
    assert isinstance(read_story(path, "notes"), NotAStory)
    assert isinstance(read_entry(path, "notes"), NotAStory)
    assert read_raw(path, "notes").reason == "not a story file"
    good = write(tmp_path, "---\ntitle: \"a\\e[31mb\"\n---\nx\x1b[2Jy\n", "g.md")
    raw = read_raw(good, "g.md")
    assert raw.startswith("---\ntitle:") and "\x1b" not in raw and "xy" in raw


# ------------------------------------------------------------------ read_entry == read_story

RELATED_SHAPES = {
    "none": "title: T\n",
    "plain": FULL.split("---\n")[1],
    "indent0": "title: T\nrelated:\n- title: a\n  excerpt: x\n- title: b\nheat: 3\n",
    "flow": "title: T\nrelated: [{title: a}, {title: b}]\n",
    "flow_multiline": "title: T\nrelated: [\n  {title: a},\n  {title: b}\n  ]\n",
    "comments": "title: T\nrelated: # the coverage\n  # a comment\n  - title: a # trailing\n# col0 comment\n  - title: b\nexcerpt: e\n",
    "blank_lines": "title: T\nrelated:\n\n  - title: a\n\n\n  - title: b\n\nexcerpt: e\n",
    "empty_value": "title: T\nrelated:\nexcerpt: e\n",
    "empty_list": "title: T\nrelated: []\n",
    "duplicate_key": "title: T\nrelated:\n  - title: a\nrelated:\n  - title: b\n  - title: c\n",
    "duplicate_flow_first": "title: T\nrelated: []\nrelated:\n  - title: b\n",
    "in_excerpt_quoted": 'title: T\nexcerpt: "foo\nrelated:\n  - title: x\nbar"\n',
    "in_excerpt_block": "title: T\nexcerpt: |\n  related:\n    - title: x\n",
    "in_excerpt_plain": "title: T\nexcerpt: see related: coverage\n",
    "quoted_key": 'title: T\n"related":\n  - title: a\n',
    "scalar_items": "title: T\nrelated:\n  - just text\n  - title: b\n  - 5\n  -\n",
    "nested_lists": "title: T\nrelated:\n  - - title: a\n  - title: b\n",
    "bad_indent_in_block": "title: T\nrelated:\n  - title: b\n     excerpt: c\n",
    "unclosed_quote_in_block": 'title: T\nrelated:\n  - title: "b\nexcerpt: c\n',
    "error_after_block": "title: T\nrelated:\n  - title: b\nexcerpt: [x\n",
    "anchor_used_after": "title: T\nrelated:\n  - title: &t b\nexcerpt: *t\n",
    "alias_in_block": "title: &t T\nrelated:\n  - title: *t\n",
    "merge_key": "title: T\nrelated:\n  - <<: {title: m}\n    excerpt: e\n",
    "bad_merge": "title: T\nrelated:\n  - <<: 5\n",
    "complex_key": "title: T\nrelated:\n  - ? [a]\n    : b\n",
    "tag_in_block": "title: T\nrelated:\n  - title: !!python/object/apply:os.system [ls]\n",
    "binary_in_block": "title: T\nrelated:\n  - title: !!binary aGVsbG8=\n",
    "bad_date_in_block": "title: T\nrelated:\n  - title: a\n    publishedDateTime: 2020-13-45\n",
    "related_not_last": "related:\n  - title: a\ntitle: T\nprovider: {name: P}\n",
    "related_first_bad_title": "related:\n  - title: a\ntitle: [x]\n",
    "title_in_block_only": "related:\n  - title: a\n",
    "deeper_items": "title: T\nrelated:\n    - title: a\n      provider:\n        name: n\n    - title: b\n",
    "seq_same_indent": "title: T\nrelated:\n  - title: a\n    images:\n    - url: u\n  - title: b\n",
    "ampersand_text": 'title: T\nrelated:\n  - title: "Q & A &amp; R&D *star* !bang"\n',
    "value_key": "title: T\nrelated:\n  - title: a\n    x: =\n",
    "trailing_spaces_key": "title: T\nrelated:   \n  - title: a\n",
    "tab_in_block": "title: T\nrelated:\n  - title: a\n\texcerpt: b\n",
    "scalar_related": "title: T\nrelated: some text\n",
    "document_flow": "{title: T, related: [{title: a}]}\n",
}


def _agree(tmp_path, front: str, crlf: bool = False):
    text = "---\n" + front + "---\nbody\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path = write(tmp_path, text)
    full = read_story(path, "s.md")
    entry = read_entry(path, "s.md")
    indexed = indexed_outcome(tmp_path, "s.md")
    if isinstance(full, Problem):
        # The list pass may take it for a story at first; the verify pass has the last word.
        assert entry == full or isinstance(entry, Entry)
        assert indexed == full
        return full
    assert indexed.related_count == len(full.related) and indexed.title == full.title
    assert isinstance(entry, Entry), (entry, full)
    assert entry.title == full.title
    assert entry.related_count == len(full.related)
    assert (entry.provider_name, entry.provider_domain) == (full.provider.name, full.provider.domain)
    assert entry.published == full.published
    assert entry.excerpt == full.article.excerpt
    assert entry.url == full.article.web_url
    return full


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("shape", list(RELATED_SHAPES))
def test_read_entry_agrees_with_read_story(tmp_path, shape, crlf):
    _agree(tmp_path, RELATED_SHAPES[shape], crlf)


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_the_list_pass_cuts_the_bytes_where_the_full_parse_cuts_the_text(crlf):
    # The list pass cuts a file's bytes, the full parse its text: one cut, two kinds of string.
    from reader.data.parse import _split, _split_related

    texts = ["---\n" + RELATED_SHAPES[shape] + "---\nbody\n" for shape in RELATED_SHAPES]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.iterdir())]
    for text in texts:
        if crlf:
            text = text.replace("\n", "\r\n")
        front, body = _split(text)
        assert _split(text.encode()) == (front.encode(), body.encode())
        cut = _split_related(front)
        in_bytes = _split_related(front.encode())
        if cut is None:
            assert in_bytes is None, text
        else:
            assert in_bytes == cut._replace(before=cut.before.encode(), block=cut.block.encode(),
                                            after=cut.after.encode(), indent=cut.indent.encode()), text


def test_agreement_spot_checks(tmp_path):
    assert len(_agree(tmp_path, RELATED_SHAPES["duplicate_key"]).related) == 2  # last key wins
    assert _agree(tmp_path, RELATED_SHAPES["in_excerpt_quoted"]).related == ()
    assert len(_agree(tmp_path, RELATED_SHAPES["scalar_items"]).related) == 1
    assert isinstance(_agree(tmp_path, RELATED_SHAPES["bad_indent_in_block"]), Problem)
    assert _agree(tmp_path, RELATED_SHAPES["error_after_block"]).line == 6  # of the whole file, not of the cut text
    assert isinstance(_agree(tmp_path, RELATED_SHAPES["tag_in_block"]), Problem)


def test_many_related_items_are_not_an_alias_bomb(tmp_path):
    item = "  - title: t\n    excerpt: e\n    provider: {name: n, domain: d}\n    quality: 5\n"
    s = _agree(tmp_path, "title: T\nrelated:\n" + item * 10_000)
    assert len(s.related) == 10_000


def test_without_libyaml_the_pure_python_loader_reads_the_same(tmp_path):
    """Where PyYAML has no libyaml, its pure-Python safe loader is used, with the same outcome."""
    import subprocess
    import sys

    (tmp_path / "bad.md").write_text("---\ntitle: [oops\n---\n")
    (tmp_path / "deep.md").write_text("---\ntitle: T\nx: " + "[" * 600 + "]" * 600 + "\n---\n")
    (tmp_path / "tag.md").write_text("---\ntitle: !!python/name:os.system\n---\n")
    files = [str(path) for path in sorted(SEEDS.iterdir())] + [str(tmp_path / n) for n in ("bad.md", "deep.md", "tag.md")]
    script = (
        "import sys, json\n"
        "if sys.argv[1] == 'pure': sys.modules['yaml._yaml'] = None\n"  # as if libyaml were not built
        "import yaml\n"
        "from reader.data.parse import read_story\n"
        "out = []\n"
        "for path in sys.argv[2:]:\n"
        "    s = read_story(path, path.rsplit('/', 1)[-1])\n"
        # the two YAML libraries word their errors differently: the kind and the place must agree
        "    out.append(repr(s) if type(s).__name__ == 'Story' else [s.reason.split(':')[0], s.line])\n"
        "print(json.dumps([yaml.__with_libyaml__, out]))\n"
    )
    results = {}
    for kind in ("c", "pure"):
        done = subprocess.run([sys.executable, "-c", script, kind, *files], capture_output=True, text=True, check=True)
        results[kind] = json.loads(done.stdout)
    assert results["pure"][0] is False
    assert results["pure"][1] == results["c"][1]


@pytest.mark.parametrize("title_yaml", ["~", "", "null"])
def test_a_title_key_without_a_value_is_said_so(tmp_path, title_yaml):
    # "has no title key" would send the reader looking for a key that is there.
    assert problem(tmp_path, fm(f"title: {title_yaml}\n")).reason == "no title: the title key has no value"
    assert problem(tmp_path, fm("excerpt: x\n")).reason == "no title: the front matter has no title key"


def test_a_file_is_read_without_asking_for_the_whole_limit(tmp_path, monkeypatch):
    """The end of a file is found with a small read: a read of the limit allocates the limit
    (10 MiB by default) for every file, and the memory allocators keep some of it."""
    import reader.data.parse as parse

    path = tmp_path / "a.md"
    path.write_text(FULL, encoding="utf-8")
    asked: list[int] = []
    real_read = parse.os.read

    def read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(parse.os, "read", read)
    assert isinstance(read_story(str(path), "a.md", 10 * 1024 * 1024), Story)
    assert asked and max(asked) <= len(FULL.encode()) + 64 * 1024, asked


def test_a_file_that_grows_while_read_is_still_held_to_the_limit(tmp_path, monkeypatch):
    import reader.data.parse as parse

    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: T\n---\n" + b"x" * 300_000)
    real_fstat = parse.os.fstat

    def fstat(fd: int):  # the size it had when the folder was listed: smaller than now
        info = real_fstat(fd)
        return parse.os.stat_result((info.st_mode, *info[1:6], 100, *info[7:]))

    monkeypatch.setattr(parse.os, "fstat", fstat)
    result = read_story(str(path), "a.md", 200_000)
    assert isinstance(result, Problem) and "grew over the 195 KiB limit" in result.reason, result
    whole = read_story(str(path), "a.md", 400_000)
    assert isinstance(whole, Story) and whole.body.endswith("x" * 1000)


@pytest.mark.parametrize("text", [
    "---\ntitle: T\n---\nbody\n", "---\ntitle: T\n...\nbody\n", "---\ntitle: T\n---", "---\ntitle: T\n...",
    "---\ntitle: T\n--- \t\r\nbody", "---\ntitle: T\n---x\n---\nbody", "---\ntitle: T\n...x\n---\nbody",
    "---\nexcerpt: a\n  ...and more\n...\n", "---\ntitle: T\n----\n...\n", "---\ntitle: T\n--- x\n---\n",
    "---\ntitle: T\n...\n---\n", "---\ntitle: T\n---\n...\n", "---\n---\n", "---\n...\n", "---\r\ntitle: T\r\n---\r\n",
    "---\ntitle: T\n---\r\r\n---\n", "---\ntitle: T\n.. .\n--\n---\n",
])
def test_the_closing_fence_is_the_first_line_of_three_dashes_or_dots(text):
    import re

    from reader.data.parse import _split

    # The rule as one pattern, searched from the end of the first line: the reference.
    closing = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\r?\n|$)").search(text, text.find("\n"))
    assert _split(text) == (text[text.find("\n") + 1 : closing.start() + 1], text[closing.end() :].lstrip("\r\n"))


def test_a_front_matter_never_closed_is_said_so(tmp_path):
    for text in ("---\ntitle: T\n---x\n", "---\ntitle: T\n....\n", "---\ntitle: T\n -- -\n", "---\ntitle: T\n--- x",
                 "---\ntitle: T\n---\r"):
        assert problem(tmp_path, text).reason == "front matter is not closed: no second --- line"
