"""The search query language (issue 4): parsing, errors, SQL, and answers checked
against a direct reading of the real sample."""

from __future__ import annotations

import json
import os
import random
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import pytest

from reader.data.corpus import Corpus
from reader.data.parse import read_story
from reader.data.query import Query, QueryError, Term, compile_query, parse_query, quoted
from conftest import story_text


def terms(text: str) -> list[tuple]:
    """A parsed query without positions: (field, op, value, negated, phrase) per term."""
    return [(t.field, t.op, t.value, t.negated, t.phrase) for t in parse_query(text).terms]


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("text", ["", "   ", "\t\n", " & ", '"--"'])
def test_an_empty_query_matches_everything(text):
    query = parse_query(text)
    assert query.is_empty
    assert compile_query(query) == ("", [])


def test_words_and_phrases():
    assert terms('Azure  "Facial   recognition" -cloud -"machine learning"') == [
        ("", ":", "Azure", False, False),
        ("", ":", "Facial recognition", False, True),
        ("", ":", "cloud", True, False),
        ("", ":", "machine learning", True, True),
    ]


def test_only_the_first_minus_leaves_out():
    assert terms("--cloud ---") == [("", ":", "-cloud", True, False)]


def test_a_quote_ends_a_bare_word():
    assert terms('foo"bar baz"') == [("", ":", "foo", False, False), ("", ":", "bar baz", False, True)]


def test_punctuation_alone_is_ignored_but_words_with_punctuation_are_kept():
    assert terms("& -- node.js covid-19 — ,") == [
        ("", ":", "node.js", False, False), ("", ":", "covid-19", False, False)]


@pytest.mark.parametrize("text, expected", [
    ("provider:Microsoft", ("provider", ":", "microsoft")),
    ('provider:"CBS  News"', ("provider", ":", "cbs news")),
    ('PROVIDER:" CBS News "', ("provider", ":", "cbs news")),
    ("domain:ZDNet.com", ("domain", ":", "zdnet.com")),
    ("domain:www.zdnet.com", ("domain", ":", "zdnet.com")),
    ("domain:https://www.zdnet.com/article/x/", ("domain", ":", "zdnet.com")),
    ("topic:AI", ("topic", ":", "ai")),
    ('topic:"Developer Tools"', ("topic", ":", "developer tools")),
    ("after:2020-06-10", ("after", ":", date(2020, 6, 10))),
    ('Before:"2020-06-10"', ("before", ":", date(2020, 6, 10))),
    ("quality>50", ("quality", ">", 50)),
    ("quality<50", ("quality", "<", 50)),
    ("quality>=50", ("quality", ">=", 50)),
    ("quality<=50", ("quality", "<=", 50)),
    ("quality=50", ("quality", "=", 50)),
    ("quality:50", ("quality", "=", 50)),
    ("heat>-1", ("heat", ">", -1)),
    ("heat<=+3", ("heat", "<=", 3)),
    ("related>5", ("related", ">", 5)),
    ("Related:0", ("related", "=", 0)),
    ("is:read", ("is", ":", "read")),
    ("IS:Unread", ("is", ":", "unread")),
    ("is:starred", ("is", ":", "starred")),
])
def test_fields(text, expected):
    assert terms(text) == [(*expected, False, False)]
    assert terms("-" + text) == [(*expected, True, False)]


def test_terms_combine_and_keep_their_positions():
    query = parse_query('cloud -provider:"CBS News"  quality>5 "a b"')
    assert [(t.field, t.position) for t in query.terms] == [("", 0), ("provider", 6), ("quality", 28), ("", 38)]


def test_the_plain_form_parses_back_to_the_same_query():
    text = 'Azure "facial recognition" -cloud provider:"CBS News" -domain:www.cnbc.com topic:AI ' \
           "after:2020-01-01 -before:2021-01-01 quality>=50 -heat<3 related:4 is:unread -is:starred"
    query = parse_query(text)
    again = parse_query(str(query))
    assert [(t.field, t.op, t.value, t.negated, t.phrase) for t in again.terms] == terms(text)


@pytest.mark.parametrize("text, position, words", [
    ("foo:bar", 0, 'unknown field "foo"'),
    ("cloud -Foo:bar", 7, 'unknown field "Foo"'),
    ("http://example.com", 0, "put it in quotes"),
    ('cloud "facial recognition', 6, "unclosed quote"),
    ('provider:"CBS News', 9, "unclosed quote"),
    ("quality>abc", 8, "quality> needs a whole number"),
    ("heat<5.5", 5, "whole number"),
    ("related>", 8, "needs a value"),
    ("quality>99999999999999999999", 8, "too large"),
    ("after:2020-13-01", 6, "month must be in 1..12"),
    ("before:2021-02-29", 7, "day is out of range"),
    ("after:2020-1-1", 6, "YYYY-MM-DD"),
    ("after:yesterday", 6, "YYYY-MM-DD"),
    ("provider:", 9, "needs a value"),
    ("provider: CBS", 9, "needs a value"),
    ('provider:""', 9, "needs a value"),
    ("domain:https://", 7, "needs a domain"),
    ("-", 0, "minus sign"),
    ("cloud - azure", 6, "minus sign"),
    ("cloud -", 6, "minus sign"),
    ("is:maybe", 3, "read, unread or starred"),
    ("is:", 3, "needs a value"),
    ("is>read", 2, "takes a colon"),
    ("provider>cbs", 8, "takes a colon"),
    ("after>2020-01-01", 5, "takes a colon"),
    ('""', 0, "empty quotes"),
    ('cloud -""', 7, "empty quotes"),
])
def test_broken_queries_say_what_and_where(text, position, words):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert words in error.message
    assert str(error) == error.message
    assert error.position == position
    assert error.pointer(text).splitlines()[1] == " " * position + "^"


def test_any_text_parses_or_raises_a_query_error():
    alphabet = 'ab: -"<>=19 \tprovider:is:quality>after:2020-01-01()*^.,\'\\é\x00'
    generator = random.Random(4)
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 14)))
        try:
            query = parse_query(text)
        except QueryError as error:
            assert 0 <= error.position <= len(text), text
            continue
        sql, params = compile_query(query)
        assert sql.count("?") == len(params), text


# --------------------------------------------------------------------------- compiling


def test_all_free_text_goes_into_one_match():
    sql, params = compile_query(parse_query('azure "facial recognition" -cloud -"machine learning"'))
    assert sql == "s.id IN (SELECT rowid & 134217727 FROM search WHERE search MATCH ?)"
    assert params == ['("azure" AND "facial recognition") NOT ("cloud" OR "machine learning")']


def test_only_negated_text_is_one_not_in():
    sql, params = compile_query(parse_query("-cloud -azure"))
    assert sql == "NOT s.id IN (SELECT rowid & 134217727 FROM search WHERE search MATCH ?)"
    assert params == ['"cloud" OR "azure"']


def test_user_text_is_never_fts_or_sql_syntax():
    query = Query((Term("", 'a" OR title:b* NEAR(c'),))
    assert compile_query(query)[1] == ['"a"" OR title:b* NEAR(c"']
    sql, params = compile_query(parse_query("provider:\"x'); DROP TABLE stories; --\""))
    assert "DROP" not in sql and params[0] == "x'); drop table stories; --"


def test_fields_compile_to_parameters():
    sql, params = compile_query(parse_query(
        "domain:www.cnbc.com -quality>50 after:2020-06-10 is:read provider:www.CNBC.com topic:AI"))
    assert sql == (
        "(s.id IN (SELECT id FROM stories WHERE outlet = ? AND provider_domain != ''))"
        " AND NOT (s.id IN (SELECT id FROM stories WHERE quality > ?))"
        " AND (ifnull(s.published >= ?, 0))"
        " AND (s.id IN (SELECT x.id FROM state.marks k CROSS JOIN stories x ON x.key = k.key WHERE k.read != 0))"
        " AND (s.id IN (SELECT id FROM stories WHERE provider_sort = ? OR outlet = ?))"
        " AND (s.id IN (SELECT story FROM topics WHERE topic = ?))")
    assert params == ["cnbc.com", 50, int(datetime(2020, 6, 10, tzinfo=timezone.utc).timestamp()),
                      "www.cnbc.com", "cnbc.com", "ai"]


# --------------------------------------------------------------------------- a small folder


def _without(text: str, *lines: str) -> str:
    for line in lines:
        assert line in text
        text = text.replace(line, "")
    return text


@pytest.fixture
def small(make_folder):
    files = {
        "a.md": story_text("Facial recognition in the city", url="https://example.com/a",
                           published="2020-06-10T00:00:00Z", provider="CBS News",
                           related=[{"title": "Café owners react", "excerpt": "Police used it."}]),
        "b.md": story_text("Recognition of faces, facial or not", url="https://example.com/b",
                           published="2020-06-10T23:59:59Z", provider="CBS")
        .replace("domain: example.com", "domain: WWW.Example.COM").replace("quality: 50", "quality: 80"),
        "c.md": _without(story_text("No date, no quality, no heat", url="https://example.com/c",
                                    published="", provider=""),
                         "quality: 50\n", "heat: 10\n"),
        "d.md": story_text("Topics", url="https://example.com/d", published="2020-06-11T00:00:00Z",
                           extra="").replace("  - AI", "  - Developer Tools\n  - Ünïcode"),
    }
    corpus = Corpus(str(make_folder(files)), use_cache=False)
    corpus.scan(verify_workers=0)
    assert corpus.story_count() == 4
    yield corpus
    corpus.close()


def found(corpus: Corpus, text: str) -> set[str]:
    sql, params = compile_query(parse_query(text))
    ids = corpus.story_ids(where=sql, params=params)
    return {row.path[0] for row in corpus.rows(ids).values()}


@pytest.mark.parametrize("text, expected", [
    ("", "abcd"),
    ("facial", "ab"),
    ("FACIAL recognition", "ab"),
    ('"facial recognition"', "a"),
    ('-"facial recognition"', "bcd"),
    ("cafe", "a"),  # accents do not count, related titles are searched
    ("police", "a"),  # related excerpts too
    ("cbs", "ab"),  # the provider's name is searched as text
    ("recog", ""),  # whole words only
    ('provider:"cbs news"', "a"),
    ("provider:CBS", "b"),  # a whole name
    ("-provider:cbs", "acd"),
    ("provider:example.com", "abcd"),  # the domain too, www. or not
    ("domain:example.com", "abcd"),
    ("domain:www.example.com", "abcd"),
    ("domain:other.example", ""),
    ("topic:ai", "abc"),
    ("topic:AI -topic:ai", ""),
    ('topic:"developer tools"', "d"),
    ("topic:developer", ""),
    ("topic:ünïcode", "d"),
    ("after:2020-06-10", "abd"),
    ("after:2020-06-11", "d"),
    ("before:2020-06-11", "ab"),  # before: leaves its own day out
    ("before:2020-06-10", ""),
    ("-after:2020-06-11", "abc"),  # unknown dates never match after:, so -after: has them
    ("-before:2020-06-11", "cd"),
    ("after:2020-06-10 before:2020-06-11", "ab"),
    ("quality>50", "b"),
    ("quality>=50", "abd"),
    ("quality<80", "ad"),
    ("quality=80", "b"),
    ("-quality>50", "acd"),  # no quality: not quality>50
    ("-quality<=80", "c"),
    ("heat>0", "abd"),
    ("-heat>0", "c"),
    ("related>0", "a"),
    ("related=0", "bcd"),
    ("-related>0", "bcd"),
    ("facial -provider:cbs quality>10", "a"),
])
def test_queries_over_a_small_folder(small, text, expected):
    assert found(small, text) == set(expected)


def test_read_and_starred_marks(small):
    db = small.index._db
    db.execute("INSERT INTO state.marks(key, read, starred) VALUES ('https://example.com/a', 1, 0)")
    db.execute("INSERT INTO state.marks(key, read, starred) VALUES ('https://example.com/b', 1, 1)")
    db.execute("INSERT INTO state.marks(key, read, starred) VALUES ('https://example.com/c', 0, 1)")
    assert found(small, "is:read") == set("ab")
    assert found(small, "is:unread") == set("cd")  # d has no marks row at all
    assert found(small, "-is:read") == set("cd")
    assert found(small, "-is:unread") == set("ab")
    assert found(small, "is:starred") == set("bc")
    assert found(small, "-is:starred") == set("ad")
    assert found(small, "is:unread is:starred") == set("c")
    assert found(small, "facial is:read -is:starred") == set("a")


@pytest.mark.parametrize("text, expected", [
    # Each would find other stories if it reached FTS5 or SQL as syntax.
    ('"facial" OR "topics"', ""),  # as FTS: a, b and d; as text: the word "or" too
    ("NEAR(facial city)", ""),  # as FTS: a
    ("recog*", ""),  # as FTS, a prefix: a and b
    ("^facial", "ab"),
    ("AND", ""),
    ("OR NOT", "b"),  # the words "or" and "not", in b's title
    ("'; DROP TABLE stories; --", ""),
    ("provider:\"'\"", ""),
    ('-"(" -")"', "abcd"),  # punctuation only: nothing to leave out
    ("\x00facial", "ab"),  # a control character separates like a space
    ("a\u200bb", ""),
])
def test_hostile_text_is_just_text(small, text, expected):
    assert found(small, text) == set(expected)
    assert small.story_count() == 4


def test_backslash_escapes_inside_quotes():
    assert terms(r'provider:"The \"Register\""') == [("provider", ":", 'the "register"', False, False)]
    assert terms(r'topic:"AI\\ML"') == [("topic", ":", "ai\\ml", False, False)]
    assert terms(r'topic:"AI\ML"') == [("topic", ":", "ai\\ml", False, False)]  # a lone backslash is itself
    assert terms(r'"say \"hi\"" x') == [("", ":", 'say "hi"', False, True), ("", ":", "x", False, False)]
    with pytest.raises(QueryError) as raised:
        parse_query(r'provider:"The \"')
    assert raised.value.position == 9 and "unclosed" in raised.value.message


_AWKWARD = ['The "Register"', "AI\\ML", "Ünïcödé Néws", "a: b", "C:\\", '"', "\\", '\\"', "-x", "is:read",
            "日本 経済", "tab\tin", "end\\"]


def test_quoted_reads_back_as_the_same_text():
    rng = random.Random(12)
    alphabet = 'aZ09 :-"\\\'()*^é日\t'
    texts = _AWKWARD + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for text in texts:
        wanted = re.sub(r"\s+", " ", text).strip().casefold()
        for field in ("provider", "topic"):
            query = f"{field}:{quoted(text)}"
            if not wanted:
                with pytest.raises(QueryError):
                    parse_query(query)
                continue
            parsed = parse_query(query)
            assert parsed.terms == (Term(field, wanted),), (text, query)
            assert parse_query(str(parsed)) == parsed, (text, str(parsed))


def test_any_provider_or_topic_can_be_searched(make_folder):
    files = {}
    for number, name in enumerate(_AWKWARD):
        text = story_text(f"Story {number}", url=f"https://example.com/{number}", provider=name, domain="")
        files[f"{number:02}.md"] = text.replace("  - AI", f"  - {json.dumps(name)}")
    corpus = Corpus(str(make_folder(files)), use_cache=False)
    corpus.scan(verify_workers=0)
    try:
        assert corpus.story_count() == len(_AWKWARD)
        by_path = {}
        for number, name in enumerate(_AWKWARD):
            by_path[number] = {f"{number:02}"}
            for field in ("provider", "topic"):
                sql, params = compile_query(parse_query(f"{field}:{quoted(name)}"))
                rows = corpus.rows(corpus.story_ids(where=sql, params=params)).values()
                assert {row.path[:2] for row in rows} == {f"{number:02}"}, (field, name)
    finally:
        corpus.close()


def test_hostile_fields_are_errors_not_syntax(small):
    with pytest.raises(QueryError) as raised:
        found(small, "title:facial")
    assert raised.value.position == 0 and "unknown field" in raised.value.message


# --------------------------------------------------------------------------- the real sample

_SAMPLE: dict = {}


@pytest.fixture
def sample(real_corpus):
    """The real sample, scanned once for this module, and its stories as a full parse reads them."""
    if not _SAMPLE:
        corpus = Corpus(str(real_corpus), use_cache=False)
        # The scan reads in helper processes: read the stories here meanwhile.
        with ThreadPoolExecutor(1) as pool:
            scanned = pool.submit(corpus.scan)
            names = sorted(name for name in os.listdir(real_corpus) if not name.startswith("."))
            stories = [read_story(os.path.join(real_corpus, name), name) for name in names]
            assert scanned.result().done
        _SAMPLE.update(corpus=corpus, stories=stories)
    return _SAMPLE["corpus"], _SAMPLE["stories"]


@pytest.fixture(scope="module", autouse=True)
def _close_sample():
    yield
    if _SAMPLE:
        _SAMPLE.pop("corpus").close()
        _SAMPLE.clear()
        _COLUMNS.clear()


# An independent reading of the spec, in plain Python over read_story's stories.

_WORD = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer sees them: letters and digits, no case, no accents."""
    words = _WORD.findall(text.casefold())
    return [w if w.isascii() else
            "".join(c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c))
            for w in words]


def _columns(story) -> tuple[str, ...]:
    """The story's searched texts, each as its words between spaces."""
    key = id(story)
    if key not in _COLUMNS:
        coverage = "\n".join(f"{item.title}\n{item.excerpt}" for item in story.related)
        provider = f"{story.provider.name} {story.provider.domain}"
        _COLUMNS[key] = tuple(f" {' '.join(_tokens(text))} "
                              for text in (story.title, story.article.excerpt, provider, coverage))
    return _COLUMNS[key]


_COLUMNS: dict[int, tuple[str, ...]] = {}


def has(words: str):
    wanted = f" {' '.join(_tokens(words))} "
    return lambda story: any(wanted in column for column in _columns(story))


def provider(name: str):
    return lambda s: s.provider.name.casefold() == name or s.provider.domain.casefold().removeprefix("www.") == name


def domain(name: str):
    return lambda s: s.provider.domain.casefold().removeprefix("www.") == name


def topic(name: str):
    return lambda s: name in [t.casefold() for t in s.topics]


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def after(text: str):
    return lambda s: s.published is not None and s.published >= day(text)


def before(text: str):
    return lambda s: s.published is not None and s.published < day(text)


def number(field: str, test):
    def value(s):
        return {"quality": s.article.quality, "heat": s.article.heat, "related": len(s.related)}[field]
    return lambda s: value(s) is not None and test(value(s))


def not_(test):
    return lambda s: not test(s)


def all_(*tests):
    return lambda s: all(test(s) for test in tests)


REAL_QUERIES = [
    ("kubernetes", has("kubernetes")),
    ("Security COVID", all_(has("security"), has("covid"))),
    ('"machine learning"', has("machine learning")),
    ('"Azure SQL" -"managed instance"', all_(has("azure sql"), not_(has("managed instance")))),
    ("sql -database", all_(has("sql"), not_(has("database")))),
    ("-microsoft", not_(has("microsoft"))),
    ("cosmos -cosmos", lambda s: False),
    ("provider:Microsoft", provider("microsoft")),
    ('provider:"business insider"', provider("business insider")),
    ("provider:zdnet.com", provider("zdnet.com")),
    ("domain:WWW.zdnet.com", domain("zdnet.com")),
    ("-domain:microsoft.com openai", all_(not_(domain("microsoft.com")), has("openai"))),
    ("topic:security", topic("security")),
    ('topic:"Developer tools"', topic("developer tools")),
    ("ai -topic:ai", all_(has("ai"), not_(topic("ai")))),
    ("after:2021-01-01", after("2021-01-01")),
    ("before:2020-03-01", before("2020-03-01")),
    ("after:2020-06-01 before:2020-07-01", all_(after("2020-06-01"), before("2020-07-01"))),
    ("-after:2020-06-01", not_(after("2020-06-01"))),
    ("quality>50", number("quality", lambda v: v > 50)),
    ("quality<=40 quantum", all_(number("quality", lambda v: v <= 40), has("quantum"))),
    ("heat>-1", number("heat", lambda v: v > -1)),
    ("-heat=-1", not_(number("heat", lambda v: v == -1))),
    ("related>=10", number("related", lambda v: v >= 10)),
    ("related:0", number("related", lambda v: v == 0)),
    ("-related<3 provider:microsoft", all_(not_(number("related", lambda v: v < 3)), provider("microsoft"))),
    ("is:unread -is:starred", lambda s: True),
    ("is:read", lambda s: False),
]


@pytest.mark.needs_shared
@pytest.mark.parametrize("text, test", REAL_QUERIES, ids=[text for text, _ in REAL_QUERIES])
def test_real_sample_agrees_with_a_direct_reading(sample, text, test):
    corpus, stories = sample
    assert len(stories) == corpus.story_count() == 600
    sql, params = compile_query(parse_query(text))
    assert len(corpus.story_ids(where=sql, params=params)) == sum(1 for story in stories if test(story))


@pytest.mark.needs_shared
def test_real_sample_queries_are_not_trivial(sample):
    """Most of the queries above pick some of the stories, not none or all."""
    _, stories = sample
    picked = [sum(1 for story in stories if test(story)) for _, test in REAL_QUERIES]
    assert sum(1 for count in picked if 0 < count < len(stories)) >= 22


def test_domain_needs_a_domain_and_provider_takes_either(make_folder):
    """outlet falls back to the name when there is no domain: domain: must not."""
    text = story_text("Named like a domain", provider="ZDNet.com").replace("  domain: example.com\n", "")
    corpus = Corpus(str(make_folder({"z.md": text})), use_cache=False)
    corpus.scan(verify_workers=0)
    try:
        assert found(corpus, "provider:zdnet.com") == {"z"}
        assert found(corpus, "domain:zdnet.com") == set()
        assert found(corpus, "-domain:zdnet.com") == {"z"}
    finally:
        corpus.close()


def test_the_first_rows_form_finds_the_same_stories(make_folder):
    from conftest import story_text

    files = {}
    for number in range(12):
        text = story_text(f"Story {number}", published=f"2020-06-{number + 1:02}T00:00:00Z",
                          url=f"https://example.com/{number}")
        text = text.replace("quality: 50", f"quality: {number * 9}" if number % 4 else "quality: none")
        files[f"s{number}.md"] = text
    corpus = Corpus(str(make_folder(files)), use_cache=False)
    corpus.scan(verify_workers=0)
    for text in ["quality>40", "-quality>40", "quality<=27 heat=10", "related<1", "-related>0 quality>=9", "story quality>60"]:
        query = parse_query(text)
        assert corpus.story_ids("newest", *compile_query(query, first_rows=True)) == \
            corpus.story_ids("newest", *compile_query(query)), text


@pytest.mark.needs_shared
@pytest.mark.parametrize("text", [text for text, _ in REAL_QUERIES] + ["azure", "cloud security", '"azure active directory"'])
def test_real_sample_first_rows_are_the_first_of_all(sample, text):
    corpus, _ = sample
    query = parse_query(text)
    every = corpus.story_ids("newest", *compile_query(query))
    for limit in (1, 7, 300):
        assert corpus.first_story_ids("newest", query, limit) == every[:limit], (text, limit)


def test_first_rows_of_a_search_keep_the_order_of_ties(make_folder, monkeypatch):
    """The full-text rows are read in date order; stories of the same second (and the
    undated ones) are put in path order, as the whole list has them."""
    import reader.data.index.reads as reads_module

    dates = ["2020-06-10T10:00:00Z"] * 6 + ["2020-06-11T09:00:00Z", "1950-01-01T00:00:00Z", "1940-01-01T00:00:00Z",
                                             "2600-01-01T00:00:00Z", "not a date", "not a date", "2020-06-09T00:00:00Z"]
    names = ["f", "c", "a", "e", "b", "d", "k", "m", "l", "z", "y", "x", "g"]
    files = {f"{name}.md": story_text(f"Cloud {name}", published=date, url=f"https://example.com/{name}")
             for name, date in zip(names, dates)}
    corpus = Corpus(str(make_folder(files)), use_cache=False)
    corpus.scan(verify_workers=0)
    try:
        counts = {"cloud": 13, "cloud -quality>90": 13, "cloud provider:example.com": 13, "-cloud": 0,
                  "-f -quality>90": 12, "-c -e -z": 10, "-a -b": 11}
        for text, count in counts.items():
            query = parse_query(text)
            every = corpus.story_ids("newest", *compile_query(query))
            assert len(every) == count, text
            for limit in range(1, 15):
                assert corpus.first_story_ids("newest", query, limit) == every[:limit], (text, limit)
            assert corpus.first_story_ids("quality", query, 4) == corpus.story_ids("quality", *compile_query(query))[:4]
        # Too many stories in one second at the cut: the plain query answers instead.
        monkeypatch.setattr(reads_module, "_MAX_TIES", 2)
        assert corpus.index.first_ids_by_text('"cloud"', "", [], 3) is None
        assert corpus.first_story_ids("newest", parse_query("cloud"), 3) == corpus.story_ids("newest")[:3]
    finally:
        corpus.close()


def test_a_story_whose_date_changes_moves_in_search_results(make_folder):
    folder = make_folder({"old.md": story_text("Cloud old", published="2020-01-01T00:00:00Z", url="https://e.com/o"),
                          "new.md": story_text("Cloud new", published="2021-01-01T00:00:00Z", url="https://e.com/n")})
    corpus = Corpus(str(folder), use_cache=False)
    corpus.scan(verify_workers=0)
    try:
        def titles() -> list[str]:
            ids = corpus.first_story_ids("newest", parse_query("cloud"), 5)
            rows = corpus.rows(ids)
            return [rows[story_id].title for story_id in ids]

        assert titles() == ["Cloud new", "Cloud old"]
        (folder / "old.md").write_text(story_text("Cloud old", published="2022-01-01T00:00:00Z", url="https://e.com/o"))
        os.utime(folder / "old.md", ns=(1, 1))
        corpus.scan(verify_workers=0)
        assert titles() == ["Cloud old", "Cloud new"]
        assert corpus.index.query("SELECT count(*) FROM search", ()) == [(2,)]  # the old row went
    finally:
        corpus.close()
