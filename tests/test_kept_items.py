"""Related items are read once per process, by their text: every story still reads as PyYAML reads it."""

from __future__ import annotations

import random

import pytest

from conftest import story_text
from reader.data import parse, yaml_fast
from reader.data.records import Problem, Story

pytestmark = pytest.mark.skipif(yaml_fast.ryml is None, reason="rapidyaml (module ryml) is not installed here")


@pytest.fixture(autouse=True)
def keeping(monkeypatch):
    """Read as the helpers read: they keep the articles they have read."""
    from reader.data import kept

    monkeypatch.setattr(kept, "_keeping", True)


def test_a_process_that_reads_a_story_at_a_time_keeps_nothing(tmp_path, monkeypatch):
    from reader.data import kept

    kept_here = parse._KeptItems(10)
    monkeypatch.setattr(parse, "_kept_items", kept_here)
    path = _write(tmp_path, "a.md", story_text("A", related=[{"title": "Kept nowhere of test_kept_items"}]))
    monkeypatch.setattr(kept, "_keeping", False)
    story = parse.read_story(str(path), "a.md")
    assert isinstance(story, Story) and [item.title for item in story.related] == ["Kept nowhere of test_kept_items"]
    assert not kept_here._items
    monkeypatch.setattr(kept, "_keeping", True)
    assert parse.read_story(str(path), "a.md") == story
    assert len(kept_here._items) == 1


def _reference(path, rel: str, monkeypatch) -> Story | Problem:
    with monkeypatch.context() as patch:
        patch.setattr(yaml_fast, "ryml", None)  # PyYAML alone, and nothing kept is used
        return parse.read_story(str(path), rel)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_an_item_read_before_is_not_parsed_again(tmp_path, monkeypatch):
    shared = [{"title": f"Shared {number} of test_kept_items", "url": f"https://kept.example/{number}"}
              for number in range(3)]
    first = _write(tmp_path, "a.md", story_text("A", related=shared))
    second = _write(tmp_path, "b.md", story_text("B", related=[
        shared[2], {"title": "New in b of test_kept_items"}, shared[0], shared[1]]))
    assert isinstance(parse.read_story(str(first), "a.md"), Story)
    parsed: list[str] = []
    real_load = yaml_fast.load

    def load(text, libyaml_accepts):
        parsed.append(text)
        return real_load(text, libyaml_accepts)

    monkeypatch.setattr(yaml_fast, "load", load)
    story = parse.read_story(str(second), "b.md")
    assert len(parsed) == 1 and "New in b" in parsed[0] and "Shared" not in parsed[0]
    assert [item.title for item in story.related] == [
        "Shared 2 of test_kept_items", "New in b of test_kept_items",
        "Shared 0 of test_kept_items", "Shared 1 of test_kept_items"]
    assert story == _reference(second, "b.md", monkeypatch)


def test_a_kept_item_s_warnings_name_its_place(tmp_path, monkeypatch):
    odd = {"title": "Odd of test_kept_items", "quality": "many"}
    first = _write(tmp_path, "a.md", story_text("A", related=[odd]))
    second = _write(tmp_path, "b.md", story_text("B", related=[{"title": "x"}, {"title": "y"}, odd]))
    assert parse.read_story(str(first), "a.md").warnings == ("related 1: quality 'many' is not a number; left out",)
    story = parse.read_story(str(second), "b.md")
    assert story.warnings == ("related 3: quality 'many' is not a number; left out",)
    assert story == _reference(second, "b.md", monkeypatch)


def test_the_items_kept_are_the_most_recently_used():
    kept = parse._KeptItems(2)
    items = [parse._BuiltItem(parse.Article(title=name), 1, ()) for name in "abc"]
    a, b, c = kept.keys(["a", "b", "c"])
    kept.put([a, b], items[:2])
    assert kept.get([a]) == [items[0]]  # now b is the oldest
    kept.put([c], items[2:])
    assert kept.get([a, b, c]) == [items[0], None, items[2]]


def test_a_kept_item_is_found_by_its_text_but_does_not_hold_it():
    # What is kept is what was built of an item, not its text: an item's YAML is ~1.5 KB (more
    # with a character beyond Latin-1), about as much as everything built of it.
    import tracemalloc

    kept = parse._KeptItems(4)
    items = [parse._BuiltItem(parse.Article(title=f"{number}"), 1, ()) for number in range(3)]

    def texts() -> list[str]:
        return [f"title: item {number} of test_kept_items\n" + "  excerpt: 😀 " * 2000 for number in range(3)]

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept.put(kept.keys(texts()), items)  # the texts are given, and let go of
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept.get(kept.keys(texts())) == items
    assert kept.get(kept.keys([texts()[0] + " "])) == [None]
    assert held < 1500  # the three texts take ~300 KB


def _items_kept_of(tmp_path, items: list[dict]) -> list[str]:
    """The items, read once (so kept), as story_text writes them: their texts."""
    first = _write(tmp_path, "kept.md", story_text("Kept", related=items))
    assert isinstance(parse.read_story(str(first), "kept.md"), Story)
    cut = parse._split_related(parse._split(first.read_text(encoding="utf-8"))[0])
    return cut.block.split("\n" + cut.indent + "- ")[1:]


def test_libyaml_and_the_depth_check_read_only_what_is_not_kept(tmp_path, monkeypatch):
    items = [{"title": f"Kept {number} of test_kept_items", "url": f"https://kept.example/{number}"}
             for number in range(4)]
    texts = _items_kept_of(tmp_path, items)
    second = _write(tmp_path, "b.md", story_text("B", related=[*items, {"title": "Not kept before, of test_kept_items"}]))
    read_by_libyaml: list[str] = []
    real_is_yaml, real_maybe_deep = parse._is_yaml, parse._maybe_deep

    def is_yaml(text):
        read_by_libyaml.append(text)
        return real_is_yaml(text)

    def maybe_deep(text):
        read_by_libyaml.append(text)
        return real_maybe_deep(text)

    monkeypatch.setattr(parse, "_is_yaml", is_yaml)
    monkeypatch.setattr(parse, "_maybe_deep", maybe_deep)
    story = parse.read_story(str(second), "b.md")
    assert [item.title for item in story.related][-1] == "Not kept before, of test_kept_items"
    assert any("Not kept before" in text for text in read_by_libyaml)
    assert not any(text in read for text in texts for read in read_by_libyaml)
    monkeypatch.undo()
    assert story == _reference(second, "b.md", monkeypatch)


def _assert_pyyaml_s_problem(path, read: str, monkeypatch) -> None:
    """`read` ("story": a full read; "verdict") gives the problem PyYAML's reading finds."""
    reference = _reference(path, path.name, monkeypatch)
    assert isinstance(reference, Problem)
    reader = parse.read_story if read == "story" else parse.read_verdict
    assert reader(str(path), path.name) == reference


@pytest.mark.parametrize("read", ["story", "verdict"])
def test_a_quote_that_joins_two_items_around_a_kept_one_has_pyyaml_s_verdict(tmp_path, monkeypatch, read):
    # Without the item between them, the quote closes in the next item; with it, it closes
    # inside it, and what follows the quote there is no YAML.
    alone = _write(tmp_path, "a.md", "---\ntitle: A\nrelated:\n  - b: c'd'\nsecured: s\n---\n")
    assert isinstance(parse.read_story(str(alone), "a.md"), Story)
    path = _write(tmp_path, "b.md", "---\ntitle: B\nrelated:\n  - t: 'a\n  - b: c'd'\n  - y: z'\nsecured: s\n---\n")
    _assert_pyyaml_s_problem(path, read, monkeypatch)


@pytest.mark.parametrize("read", ["story", "verdict"])
@pytest.mark.parametrize("broken", [
    ("related:", "related: # a bell \x07 in a comment"),  # a character libyaml refuses
    ("secured:", "secured: [not closed\nsecured:"),  # not YAML after the list
    ("secured:", "deep: " + "[" * 600 + "]" * 600 + "\nsecured:"),  # too deep after the list
    ("title:", "other: 'not closed\ntitle:"),  # not YAML before the list
])
def test_a_file_of_kept_items_broken_elsewhere_has_pyyaml_s_verdict(tmp_path, monkeypatch, broken, read):
    items = [{"title": f"Kept {number} of test_kept_items"} for number in range(3)]
    _items_kept_of(tmp_path, items)
    text = story_text("B", related=items)
    old, new = broken
    assert old in text
    path = _write(tmp_path, "b.md", text.replace(old, new, 1))
    _assert_pyyaml_s_problem(path, read, monkeypatch)


# Item texts for random files: the common shape, and every way an item's text could read
# differently alone than in place, or differently in YAML 1.1 and 1.2.
ITEMS = [
    "title: Plain title\n  excerpt: \"Quoted excerpt\"\n  publishedDateTime: 2020-06-11T01:00:00Z\n"
    "  webUrl: \"https://a.example/1\"\n  provider:\n    name: A\n    domain: a.example\n  quality: 70\n",
    "title: \"Same shape\"\n  publishedDateTime: 2020-06-12T01:00:00Z\n  images:\n    - url: \"https://i.example/1.jpg\"\n"
    "      width: 640\n      isCached: true\n",
    "title: yes\n  quality: 0x1f\n  heat: 1_000\n  publishedDateTime: 2020-06-10\n",
    "title: 'yes'\n  quality: \"12\"\n  excerpt: '2020-06-10'\n",
    "title: Long plain\n    over two lines\n  excerpt: one\n\n    two\n",
    "title: \"A quoted text\n    over lines\"\n  quality: many\n",
    "title: flow\n  provider: {name: F, domain: f.example}\n  images: [{url: \"https://i.example/2\"}]\n",
    "title: T # a comment\n  # a comment line\n  quality: 5\n",
    "title: \"say \\\"yes\\\" now\"\n  excerpt: [yes, no]\n",
    "title: T\n  extraKey: {a: 1, b: [2, 3]}\n  removed: true\n",
    "title: ~\n  excerpt: null\n",
    "title: 12:30:00\n  quality: 1e5\n  heat: .inf\n",
    "title: T\n\n  quality: 3\n\n",  # blank lines inside
    "title: &anchor T\n",  # an anchor: the whole reading
    "title: *anchor\n",  # an alias (refers outside the item)
    "title: \"unclosed\n",  # a text that runs into the next item
    "title: |\n    block\n",
    "title: T\n  quality: 5\n  quality: 6\n",  # a duplicate key: the last wins
    "title: \"tab\tinside\"\n",
    "title: T\n   - a deeper dash\n",
    "title: T\n  quality: =\n",  # a value the safe loader will not build: the whole file is refused
    "title: T\n  x: [a, b\n",  # no YAML
]
QUOTE_FREE = [text for text in ITEMS if not any(mark in text for mark in "\"'&*|\t=[")]


def _random_front(chooser: random.Random) -> str:
    indent = chooser.choice(["", "  ", "    "])
    lines = ["title: Story", "publishedDateTime: 2020-06-10T23:46:00Z"]
    roll = chooser.random()
    if roll < 0.1:
        lines.append("excerpt: \"before the list\n  over lines\"")
    elif roll < 0.2:
        lines.append("excerpt: \"a text holding what looks like the list")  # closed after it
    lines.append("related:" + chooser.choice(["", " # items"]))
    inside_a_text = 0.1 <= roll < 0.2
    for _ in range(chooser.randint(1, 6)):
        # Inside a quoted text, items without a quote leave the whole valid: only the cut is wrong.
        choices = QUOTE_FREE if inside_a_text else ITEMS[:2] if chooser.random() < 0.5 else ITEMS
        text = chooser.choice(choices).replace("\n  ", "\n" + indent + "  ")
        lines.append(indent + "- " + text.rstrip("\n"))
    tail = chooser.random()
    if inside_a_text:
        lines.append('end of the text"')
    elif tail < 0.1:
        lines.append("related: []")  # another related key: the last wins
    elif tail < 0.2:
        lines.append("# a comment at the left")
    elif tail < 0.3:
        lines.append("topics: [a, yes]")
    lines.append('secured: "abc=="')
    return "\n".join(lines) + "\n"


def _random_files(tmp_path, seed: int, count: int = 600):
    """(front matter, path) of `count` random files of shared items."""
    chooser = random.Random(seed)
    for number in range(count):
        front = _random_front(chooser)
        yield front, _write(tmp_path, f"{number}.md", f"---\n{front}---\n")


def test_files_made_of_shared_items_read_as_pyyaml_reads_them(tmp_path, monkeypatch):
    served = 0
    for front, path in _random_files(tmp_path, 19):
        served += parse._document_of_items(front) is not None
        assert parse.read_story(str(path), path.name) == _reference(path, path.name, monkeypatch), front
    assert served > 150  # the kept items served a good part of them


def _verdict_of(read: Story | Problem) -> Problem | None:
    return None if isinstance(read, Story) else read


def test_files_made_of_shared_items_have_pyyaml_s_verdict(tmp_path, monkeypatch):
    # Verdicts and full reads in turn: what one keeps of an item, the other finds.
    problems = 0
    for number, (front, path) in enumerate(_random_files(tmp_path, 23)):
        reference = _verdict_of(_reference(path, path.name, monkeypatch))
        problems += reference is not None
        if number % 2:
            assert parse.read_verdict(str(path), path.name) == reference, front
        else:
            assert _verdict_of(parse.read_story(str(path), path.name)) == reference, front
    assert 30 < problems < 400


def test_an_item_a_verdict_vouched_for_is_still_built_by_a_full_read(tmp_path, monkeypatch):
    items = [{"title": f"Vouched {number} of test_kept_items"} for number in range(3)]
    first = _write(tmp_path, "a.md", story_text("A", related=items))
    second = _write(tmp_path, "b.md", story_text("B", related=items[::-1]))
    assert parse.read_verdict(str(first), "a.md") is None
    assert parse.read_verdict(str(second), "b.md") is None
    story = parse.read_story(str(second), "b.md")
    assert [item.title for item in story.related] == [item["title"] for item in items[::-1]]
    assert story == _reference(second, "b.md", monkeypatch)


def test_a_verdict_reads_only_what_no_verdict_read_before(tmp_path, monkeypatch):
    items = [{"title": f"Vouched again {number} of test_kept_items"} for number in range(4)]
    first = _write(tmp_path, "a.md", story_text("A", related=items))
    assert parse.read_verdict(str(first), "a.md") is None
    cut = parse._split_related(parse._split(first.read_text(encoding="utf-8"))[0])
    texts = cut.block.split("\n" + cut.indent + "- ")[1:]
    second = _write(tmp_path, "b.md", story_text("B", related=[*items, {"title": "Not vouched for, of test_kept_items"}]))
    read: list[str] = []
    for name in ("_is_yaml", "_maybe_deep"):
        real = getattr(parse, name)
        monkeypatch.setattr(parse, name, lambda text, real=real: read.append(text) or real(text))
    assert parse.read_verdict(str(second), "b.md") is None
    assert any("Not vouched for" in text for text in read)
    assert not any(text in seen for text in texts for seen in read)


def _pyyaml_as_the_fast_reading(text: str, _libyaml_accepts) -> object:
    """A fast reading that takes what libyaml takes (rapidyaml refuses more)."""
    try:
        return parse._load_with_pyyaml(text)
    except parse._Unreadable:
        raise yaml_fast.Declined from None


def test_a_related_line_inside_a_text_is_no_cut(tmp_path, monkeypatch):
    # libyaml takes a quoted text whose lines are not indented; so would the head's reading
    # (here PyYAML's): only the text before the key, read alone, shows the cut is wrong.
    item = "  - title: what looks like an item of test_kept_items"
    kept = _write(tmp_path, "a.md", f"---\ntitle: A\nrelated:\n{item}\nsecured: s\n---\n")
    assert parse._document_of_items(parse._split(kept.read_text())[0]) is not None  # now kept
    front = f'title: T\nexcerpt: "a text holding\nrelated:\n{item}\nend of the text"\n'
    assert parse._is_yaml(front)
    monkeypatch.setattr(yaml_fast, "load", _pyyaml_as_the_fast_reading)
    assert parse._document_of_items(front) is None


@pytest.mark.parametrize("second_read_first", [False, True])
def test_a_quoted_text_running_over_an_item_line_is_read_whole(tmp_path, monkeypatch, second_read_first):
    # libyaml takes the text on the `- ` line as the title's continuation: one item, not two.
    front = "title: T\nrelated:\n  - title: 'abc\n  - x: it'\n  - title: x\nsecured: s\n"
    assert parse._is_yaml(front) and parse._split_related(front).items == 3
    if second_read_first:  # the second half, kept from a file of its own, changes nothing
        alone = _write(tmp_path, "a.md", "---\ntitle: A\nrelated:\n  - x: it'\nsecured: s\n---\n")
        kept = parse.read_story(str(alone), "a.md")
        assert kept.related[0].extra == (("x", "it'"),)
    assert parse._document_of_items(front) is None
    path = _write(tmp_path, "b.md", f"---\n{front}---\n")
    story = parse.read_story(str(path), "b.md")
    assert [item.title for item in story.related] == ["abc - x: it", "x"]
    assert story == _reference(path, "b.md", monkeypatch)


def test_fewer_items_read_than_were_cut_is_no_cut(monkeypatch):
    # rapidyaml refuses a quoted text running over an item's line; a reading that takes it
    # (here PyYAML's) reads two items where the cut made three: the count declines the cut.
    front = "title: T\nrelated:\n  - title: 'abc\n  - y: its'\n  - title: y\nsecured: s\n"
    monkeypatch.setattr(yaml_fast, "load", _pyyaml_as_the_fast_reading)
    assert len(parse._load_with_pyyaml(front)["related"]) == 2
    assert parse._document_of_items(front) is None


def test_fewer_items_read_than_were_left_is_no_verdict_of_the_items(tmp_path, monkeypatch):
    # As above, for a verdict: a reading that takes a quote running over an item's line (here
    # PyYAML's) reads one item where two were left; the count declines the reading without
    # the item kept between them, and the whole file is read.
    alone = _write(tmp_path, "a.md", "---\ntitle: A\nrelated:\n  - b: c'd'\nsecured: s\n---\n")
    assert parse.read_verdict(str(alone), "a.md") is None

    def pyyaml_counting_items(text, _libyaml_accepts):
        document = _pyyaml_as_the_fast_reading(text, _libyaml_accepts)
        related = document.get("related")
        return {"title": document["title"]}, len(related) if isinstance(related, list) else 0

    monkeypatch.setattr(yaml_fast, "load_title_counting_items", pyyaml_counting_items)
    path = _write(tmp_path, "b.md", "---\ntitle: B\nrelated:\n  - t: 'a\n  - b: c'd'\n  - y: z'\nsecured: s\n---\n")
    verdict = parse.read_verdict(str(path), "b.md")
    monkeypatch.undo()
    assert isinstance(verdict, Problem) and verdict == _reference(path, "b.md", monkeypatch)
