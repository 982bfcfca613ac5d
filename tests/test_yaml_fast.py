"""rapidyaml reads the common front matter; PyYAML stays the reference: same data, same verdicts."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
import yaml

from conftest import SEEDS, story_text
from reader.data import parse, yaml_fast
from reader.data.records import Problem, Story
from test_hostile import CASES as HOSTILE_CASES

pytestmark = pytest.mark.skipif(yaml_fast.ryml is None, reason="rapidyaml (module ryml) is not installed here")

# Front matters where YAML 1.1 (PyYAML) and YAML 1.2 (rapidyaml) could part ways.
TRICKY = {
    "yaml11_plain": "title: T\na: yes\nb: No\nc: on\nd: OFF\ne: ~\nf: null\ng: Null\nh: 0x1f\ni: 017\nj: 0b101\n"
                    "k: 1_000\nl: .inf\nm: -.Inf\nn: .nan\no: 12:30:00\np: 190:20:30.15\nq: 1e5\nr: 1.0e5\n"
                    "s: 1.5e+3\nt: 2020-06-10\nu: 2020-06-10 12:00:00\nv: 2001-12-14t21:59:43.10-05:00\n"
                    "w: 2020-13-45\nx: =\ny: +1\nz: -0\naa: 00\nab:\nac: -\nad: 0o17\nae: 3.\naf: .5\n",
    "yaml11_quoted": "title: T\na: 'yes'\nb: \"No\"\ne: '~'\nh: \"0x1f\"\nk: '1_000'\nl: \".inf\"\no: '12:30:00'\n"
                     "t: \"2020-06-10\"\nu: '2020-06-10 12:00:00'\nq: \"1e5\"\nn: ''\nm: \"\"\n",
    "plain_and_quoted_alike": "title: T\na: 2020-06-10\nb: '2020-06-10'\nc: yes\nd: \"yes\"\n",
    "in_lists": "title: T\ntopics:\n  - yes\n  - 2020\n  - '2020'\n  - ~\nx: [yes, 2020-06-10, '3', 0x10, 1e5]\n"
                "y: {a: no, b: '4', c: 12:30}\n",
    "comment_after_plain": "title: T # c\npublished: yes # c\nquality: 5 # c\nd: 2020-06-10 # c\n",
    "keys": "title: T\n1: a\nyes: b\n~: c\n\"quoted\": d\n2020-06-10: e\n1.5: f\nnull: g\n",
    "duplicate_keys": "title: A\nquality: 1\ntitle: B\nquality: '2'\n",
    "anchors_aliases": "title: &t T\nexcerpt: *t\nprovider: &p {name: N}\nrelated:\n  - provider: *p\n",
    "merge_key": "title: T\nbase: &b {name: N, domain: d}\nprovider:\n  <<: *b\n  name: M\n",
    "tags": "title: !!str 2020\nquality: !!int '5'\nexcerpt: !!binary aGVsbG8=\n",
    "block_scalars": "title: T\nexcerpt: |\n  a\n   b\n\n  c\nsecured: >-\n  x\n  y\nz: |+\n  k\n\n",
    "multiline_plain": "title: A long\n  title over\n  lines\nexcerpt: one\n\n  two\n",
    "multiline_quoted": "title: \"A long\n  title\"\nexcerpt: 'x\n\n  y'\nd: \"2001-12-14\n  21:59:43\"\ne: 2001-12-14 21:59:43\n",
    "escapes": "title: \"\\x41\\u00e9\\t\\N\\_\\L\\P\\e\\\\ \\\" \\/\"\nexcerpt: 'it''s'\nd: \"\\x32020-06-10\"\ne: 2020-06-10\n",
    "escaped_quote_then_token": "title: T\nexcerpt: \"He said \\\"2020-01-01\"\nd: 2020-01-01\n",
    "crlf": "title: T\r\npublished: yes\r\nd: 2020-06-10\r\n",
    "unicode_breaks": "title: a\u2028b\u2029c\x85d\nexcerpt: \"x\u2028y\"\n",
    "tabs": "title:\tT\nexcerpt: \"a\tb\"\n",
    "numbers": "title: 1984\nquality: 1e3\nheat: 0x10\nx: 99999999999999999999\ny: -12.50\nz: 1.\n",
    "title_date": "title: 2020-06-10\n",
    "title_inf": "title: .inf\n",
    "published_words": "title: T\npublished: on\nremoved: Off\nsecured: yes\n",
    "flow_document": "{title: T, published: yes, d: 2020-06-10}\n",
    "invalid_mapping_value": "title: T\nexcerpt: a: b\n",
    "invalid_indent": "title: T\n  excerpt: x\n",
    "invalid_unclosed_quote": "title: \"T\n",
    "invalid_flow": "title: [a, b\n",
    "invalid_tab_indent": "title: T\nprovider:\n\tname: x\n",
    "undefined_alias": "title: *nope\n",
    "complex_key": "? title\n: T\n",
    "directive": "%YAML 1.1\ntitle: T\n",
    "empty": "",
    "only_comment": "# nothing\n",
    "a_list": "- a\n- b\n",
    "a_scalar": "just words\n",
    "plain_null_title": "title:\n",
    "nul_escape": "title: \"a\\0b\"\n",
    "bool_in_text": "title: T\nexcerpt: \"yes\"\nx: yes\ny: Yes\n",
    "empty_key": "title: T\n: v\n",
    "colon_in_key": "title: T\na:b: yes\n",
    "unindented_quoted_continuation": "title: T\nexcerpt: \"a\nb\"\n",  # YAML 1.1 takes it, 1.2 does not
    "odd_whitespace": "title:   T   \nd:   2020-06-10   \n",
    # A token quoted inside another text, and the same token plain in a flow list: the quoted
    # copies add up to the count, but one of them is no scalar of its own.
    "quoted_inside_text_plain_in_flow": "title: x\na: 'say \"yes\" now'\nb: [yes]\nc: \"yes\"\n",
    "quoted_inside_text_plain_in_flow_date": "title: x\na: 'on \"2020-06-10\" it'\nb: {d: 2020-06-10}\nc: '2020-06-10'\n",
}


def _same(a: object, b: object) -> bool:
    """Equal and of the same types all the way down (1 == 1.0 == True in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _front_of(text: str) -> str:
    return parse._split(text)[0]


def _reference(front: str) -> object:
    try:
        return parse._load_with_pyyaml(front)
    except parse._Unreadable as exc:
        return ("unreadable", exc.reason, exc.line, exc.column)


def _fast(front: str) -> object:
    return yaml_fast.load(front, parse._is_yaml)


def _check_front(front: str) -> bool:
    """Whether the fast reading served it; fails when it served it differently."""
    if parse._maybe_deep(front):  # never reaches either loader without the depth check
        return False
    try:
        fast = _fast(front)
    except yaml_fast.Declined:
        return False
    reference = _reference(front)
    assert _same(fast, reference), (front[:300], fast, reference)
    return True


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_front_matter_reads_as_pyyaml_reads_it(name):
    _check_front(TRICKY[name])


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_files_give_the_same_story_or_problem(tmp_path, monkeypatch, name, reading_process):
    path = tmp_path / "s.md"
    path.write_bytes(("---\n" + TRICKY[name] + "---\nbody\n").encode("utf-8"))
    fast = parse.read_story(str(path), "s.md")
    monkeypatch.setattr(yaml_fast, "ryml", None)
    assert fast == parse.read_story(str(path), "s.md")


@pytest.mark.parametrize("line", TRICKY["yaml11_plain"].splitlines()[1:] + TRICKY["numbers"].splitlines()[1:])
def test_each_yaml11_value_alone_reads_as_pyyaml_reads_it(line):
    _check_front(f"title: T\n{line}\n")


def test_what_yaml_11_resolves_is_resolved_as_pyyaml_does():
    front = "title: T\na: yes\nb: 2020-06-10\nc: 2019-11-06T07:00:18Z\nd: ~\ne: 0x1f\nf: '2020-06-11'\n"
    document = _fast(front)  # the fast reading serves it: plain and quoted are told apart
    assert document["a"] is True and document["b"] == date(2020, 6, 10) and document["d"] is None
    assert isinstance(document["c"], datetime) and document["e"] == 31 and document["f"] == "2020-06-11"


@pytest.mark.parametrize("text", [
    "2019-11-06T07:00:18Z", "2020-02-29T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    # not a date, though shaped as one: PyYAML keeps each as text
    "2019-02-29T07:00:18Z", "2020-13-01T00:00:00Z", "2020-00-10T00:00:00Z", "2020-01-32T00:00:00Z",
    "2020-01-01T24:00:00Z", "2020-01-01T23:60:00Z", "2020-01-01T23:59:60Z", "0000-01-01T00:00:00Z",
    # near the common shape: PyYAML's own reading of each
    "2019-11-06t07:00:18Z", "2019-11-06T07:00:18z", "2019-11-06T07:00:18", "2019-11-06T07:00:18.5Z",
    "2019-11-06T7:00:18Z", "2019-11-06 07:00:18Z", "2019-11-06T07:00:18+05:30", "2019-1-6T07:00:18Z",
])
def test_a_plain_timestamp_is_built_as_pyyaml_builds_it(text):
    expected = yaml.load(text, Loader=parse._StoryLoader)
    resolved = yaml_fast._resolved(text)
    assert (resolved, type(resolved)) == (expected, type(expected))
    assert getattr(resolved, "tzinfo", None) == getattr(expected, "tzinfo", None)


@pytest.mark.parametrize("front", [
    "title: &t T\n", "title: T\nx: *t\n", "title: !!str 5\n", "title: |\n  T\n", "title: T\nx:\n  <<: {a: 1}\n",
    "? title\n: T\n", "title: T\nx: yes # c\n", "title: T\nx: [yes]\n", "title: T\nx: 'yes'\ny: yes\n",
    "title: T\r\n", "title: T\nx: \"\\x41\"\n", "title: T\nexcerpt: a: b\n",
    # spaces and breaks YAML 1.1 and 1.2 read differently, in a quoted text both accept
    *(f'title: "a{space}b"\n' for space in ("\t", "\x85", "\u2028", "\u2029", "\ufeff")),
])
def test_anything_unusual_goes_to_pyyaml(front):
    with pytest.raises(yaml_fast.Declined):
        _fast(front)


def test_what_rapidyaml_refuses_goes_to_pyyaml_without_a_word_on_stderr(capfd):
    front = TRICKY["unindented_quoted_continuation"]
    with pytest.raises(yaml_fast.Declined):
        _fast(front)
    assert capfd.readouterr().err == ""  # in the app, stderr is the terminal
    assert parse._load_with_pyyaml(front)["excerpt"] == "a b"


def test_a_document_too_deep_for_rapidyaml_to_write_goes_to_pyyaml_without_a_word_on_stderr(capfd):
    # Nested past the emitter's own depth (64), not past the reader's: it is read, by PyYAML.
    front = "title: T\ntopics:\n" + "-  " * 100 + "x\n"
    with pytest.raises(yaml_fast.Declined):
        _fast(front)
    assert capfd.readouterr().err == ""  # in the app, stderr is the terminal
    assert parse._load_yaml(front)["title"] == "T"


def test_the_real_shape_is_read_fast():
    assert isinstance(_fast(_front_of(story_text("T", related=[{"title": "R"}] * 3))), dict)


def test_seeds_read_fast_and_alike():
    for path in sorted(SEEDS.iterdir()):
        assert _check_front(_front_of(path.read_text(encoding="utf-8"))), path.name


@pytest.mark.parametrize("name", [name for name, case in HOSTILE_CASES.items() if case[2] != "other"])
def test_hostile_files_give_the_same_verdict_with_both_engines(tmp_path, monkeypatch, name, reading_process):
    content, filename, _outcome, _detail = HOSTILE_CASES[name]
    path = tmp_path / filename
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    fast = parse.read_story(str(path), filename, 1024 * 1024)
    monkeypatch.setattr(yaml_fast, "ryml", None)
    reference = parse.read_story(str(path), filename, 1024 * 1024)
    assert fast == reference
    assert isinstance(fast, (Story, Problem))


def test_the_real_sample_reads_alike_and_fast(real_corpus, monkeypatch, reading_process):
    files = sorted(path for path in real_corpus.iterdir() if path.is_file())
    served = sum(_check_front(_front_of(path.read_text(encoding="utf-8"))) for path in files)
    assert served >= 0.95 * len(files)  # the sample is the common shape: nearly all of it is read fast
    fast = [parse.read_story(str(path), path.name) for path in files]
    monkeypatch.setattr(yaml_fast, "ryml", None)
    assert fast == [parse.read_story(str(path), path.name) for path in files]


def test_without_rapidyaml_pyyaml_reads_everything(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_fast, "ryml", None)
    front = _front_of(story_text("T"))
    with pytest.raises(yaml_fast.Declined):
        _fast(front)
    path = tmp_path / "s.md"
    path.write_text(story_text("T", related=[{"title": "R"}]), encoding="utf-8")
    story = parse.read_story(str(path), "s.md")
    assert isinstance(story, Story) and story.title == "T" and story.related[0].title == "R"


def test_pyyaml_is_not_asked_when_the_fast_reading_serves(tmp_path, monkeypatch):
    def refuse(front):
        raise AssertionError("PyYAML was asked")

    monkeypatch.setattr(parse, "_load_with_pyyaml", refuse)
    path = tmp_path / "s.md"
    path.write_text(story_text("T"), encoding="utf-8")
    assert isinstance(parse.read_story(str(path), "s.md"), Story)


def test_yaml_reference_loader_is_the_story_loader():
    # The fast reading builds YAML 1.1 values with the reference loader's own (lenient) constructors.
    assert yaml_fast._constructor().yaml_constructors["tag:yaml.org,2002:timestamp"] is \
        parse._StoryLoader.yaml_constructors["tag:yaml.org,2002:timestamp"]
    assert isinstance(yaml_fast._constructor(), yaml.constructor.SafeConstructor)


def test_random_mixes_of_yaml11_texts_read_as_pyyaml_reads_them():
    # Texts YAML 1.1 resolves, plain, quoted, quoted inside other texts and in flow collections,
    # mixed at random (a fixed seed): the fast reading serves many and never differs.
    import random

    chooser = random.Random(11)
    tokens = ["yes", "no", "on", "Off", "~", "null", "0x1f", "017", "1_000", ".inf", "12:30:00", "2020-06-10",
              "2020-06-10 12:00:00", "1e5", "3.", "", "-", "=", "12", "abc", "2020-13-45", "true"]

    def value() -> str:
        token, form = chooser.choice(tokens), chooser.random()
        if form < 0.3:
            return token or "''"
        if form < 0.5:
            return f'"{token}"'
        if form < 0.65:
            return f"'{token}'"
        if form < 0.8:
            return f"'say \"{token}\" now'"
        if form < 0.9:
            return f"\"say '{token}' now\""
        return f"[{token or 'x'}, {chooser.choice(tokens) or 'y'}]"

    served = 0
    for _ in range(1500):
        lines = ["title: T", *(f"k{number}: {value()}" for number in range(chooser.randint(1, 6)))]
        if chooser.random() < 0.3:
            lines.append(f"f: {{a: {chooser.choice(tokens) or 'z'}, b: {value()}}}")
        served += _check_front("\n".join(lines) + "\n")
    assert served > 300


def test_resolving_plain_values_holds_no_memory_for_the_next_file():
    # A helper reads tens of thousands of files, each with dates of its own: what one file's
    # dates were built into must not stay behind once the file is read.
    import tracemalloc

    def read_dates(first: int, count: int) -> None:
        for day in range(first, first + count):
            front = f"title: T\npublishedDateTime: {2000 + day // 365:04d}-01-01T00:{day % 60:02d}:{day % 59:02d}Z\n"
            front += f"quality: {day}\nx: 0x{day:x}\n"
            assert isinstance(yaml_fast.load(front, parse._is_yaml)["publishedDateTime"], datetime)

    tracemalloc.start()  # first: memory given back later counts only if its taking was traced
    try:
        read_dates(0, 6_000)  # past the cache of resolved texts: what stays from here on is held for good
        before = tracemalloc.get_traced_memory()[0]
        read_dates(6_000, 6_000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200_000, f"{grown:,} bytes kept after reading 6,000 more files"


# --------------------------------------------------------------------------- a verdict alone


def _verdicts(tmp_path, front: str) -> tuple[object, object]:
    """(read_verdict, the verdict of a full read by PyYAML alone) of a file with this front matter."""
    path = tmp_path / "v.md"
    path.write_bytes(("---\n" + front + "---\nbody\n").encode("utf-8"))
    verdict = parse.read_verdict(str(path), "v.md")
    fast = yaml_fast.ryml
    yaml_fast.ryml = None
    try:
        full = parse.read_story(str(path), "v.md")
    finally:
        yaml_fast.ryml = fast
    return verdict, None if isinstance(full, Story) else full


TITLES = ["T", "yes", "No", "~", "null", "NULL", "", "''", '""', "0x1f", "12:30:00", "2020-06-10", "2020-13-45",
          "1e5", "3.", ".inf", "=", "'='", "[a, b]", "{a: 1}", "[]", "\"  \"", "'\\t'", "\"\\e[31m\"", "-", "a: b",
          "multi\n  line", "\"quoted\n  over lines\"", "'yes'", "\"2020-06-10\"", "!!str 5", "&a T", "|\n  block"]


@pytest.mark.parametrize("title", TITLES)
def test_a_verdict_read_alone_is_pyyaml_s_whatever_the_title(tmp_path, title):
    for front in (f"title: {title}\nquality: 5\n", f"title: x\n\"title\": {title}\n", f"{{title: {title}}}\n"):
        verdict, reference = _verdicts(tmp_path, front)
        assert verdict == reference, front


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_front_matter_gives_pyyaml_s_verdict(tmp_path, name):
    verdict, reference = _verdicts(tmp_path, TRICKY[name])
    assert verdict == reference


@pytest.mark.parametrize("front", [
    "title: T\nx: =\n", "title: T\n=: x\n", "title: T\nx: [a, =]\n", "title: T\nx: {=: a}\n", "title: T\nx:\n  - =\n",
    "title: T\nx: {a: =}\n", "=: x\ntitle: T\n", "title: T\nx: [=]\n", "title: T\nx: = # c\n",
    "title: T\nx:\n  [a]: b\n", "title: T\n[a, b]: c\n", "title: T\nx: {[a]: b}\n", "title: T\nx: [a: b]\n",
    "title: T\nx: 'a = b'\ny: \"https://e.com/?a=b&c=d\"\n", "title: T\nx: a=b\n", "- title: T\n", "title\n", "",
    ": x\ntitle: T\n", "title: T\n: y\n", "title: T\n\"\": y\n", "title: T\n~: y\n", "title: T\nx: {: y}\n",
])
def test_what_pyyaml_refuses_anywhere_is_refused_in_a_verdict(tmp_path, front):
    # `=` is YAML 1.1's value type, which the safe loader has no constructor for; a list as a key
    # cannot be hashed: a file whose title is fine is still a problem.
    verdict, reference = _verdicts(tmp_path, front)
    assert verdict == reference


def test_random_mixes_give_pyyaml_s_verdict(tmp_path):
    import random

    chooser = random.Random(7)
    tokens = [token for token in TITLES if "\n" not in token] + ["abc", "1_000", "017", "on"]
    served = 0  # read by the title alone: what is compared here
    for _ in range(400):
        lines = [f"k{number}: {chooser.choice(tokens)}" for number in range(chooser.randint(0, 4))]
        lines.insert(chooser.randint(0, len(lines)), f"title: {chooser.choice(tokens)}")
        if chooser.random() < 0.2:
            lines.append(f"title: {chooser.choice(tokens)}")
        if chooser.random() < 0.3:
            lines.append(f"f: [{chooser.choice(tokens)}, {{a: {chooser.choice(tokens)}}}]")
        front = "\n".join(lines) + "\n"
        verdict, reference = _verdicts(tmp_path, front)
        assert verdict == reference, front
        try:
            yaml_fast.load_title(front, parse._is_yaml)
            served += 1
        except yaml_fast.Declined:
            pass
    assert served > 100


def test_a_verdict_reads_the_title_alone(tmp_path, monkeypatch):
    # `check` asks each file for its verdict alone: a file the fast reading serves is not built
    # whole (neither by PyYAML, nor as a document from rapidyaml's JSON).
    path = tmp_path / "s.md"
    path.write_text(story_text("A story", related=[{"title": f"R{number}", "publishedDateTime": "2020-06-10T10:00:00Z"}
                                                   for number in range(20)]), encoding="utf-8")
    assert parse.read_verdict(str(path), "s.md") is None

    def not_here(*args, **kwargs):
        raise AssertionError("the whole document was built")

    monkeypatch.setattr(parse, "_load_with_pyyaml", not_here)
    monkeypatch.setattr(yaml_fast, "load", not_here)
    assert parse.read_verdict(str(path), "s.md") is None
    path.write_text(story_text("", related=[{"title": "R"}]), encoding="utf-8")
    assert parse.read_verdict(str(path), "s.md") == Problem("s.md", "title is empty")
