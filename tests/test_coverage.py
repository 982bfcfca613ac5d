"""Coverage insight, data side: articles counted once, outlets, lags, the timeline,
its chart, sorting the related list and the word diff of two articles."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from conftest import SEEDS, story_text
from reader.data.coverage import (
    distinct_articles, distinct_outlets, first_report, histogram, lag_text, outlet_key, sort_related,
    timeline, url_key, word_diff,
)
from reader.data.parse import read_story
from reader.data.records import Article, Provider, Story

T0 = datetime(2020, 6, 10, 23, 0, tzinfo=timezone.utc)


def at(**delta) -> datetime:
    return T0 + timedelta(**delta)


def art(title: str, when: datetime | None = None, url: str = "", *, amp: str = "", cdn: str = "",
        name: str = "", domain: str = "", quality: int | None = None) -> Article:
    return Article(title=title, published=when, web_url=url, amp_web_url=amp, cdn_amp_web_url=cdn,
                   provider=Provider(name, domain), quality=quality)


def story(own: Article, *related: Article) -> Story:
    return Story(path="s.md", article=own, related=related)


def seed(name: str = "001_90f718ba4762bd6a.txt") -> Story:
    result = read_story(str(SEEDS / name), name)
    assert isinstance(result, Story)
    return result


# --------------------------------------------------------------------------- lag text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "+0m"), (59, "+0m"), (60, "+1m"), (45 * 60 + 59, "+45m"), (3599, "+59m"),
    (3600, "+1h 0m"), (3 * 3600 + 12 * 60 + 30, "+3h 12m"), (86399, "+23h 59m"),
    (86400, "+1d 0h"), (2 * 86400 + 4 * 3600 + 3599, "+2d 4h"), (99 * 86400 + 23 * 3600, "+99d 23h"), (400 * 86400 + 5 * 3600, "+400d"), (1170 * 86400, "+1170d"),
    (59.9, "+0m"), (-45 * 60, "-45m"), (None, "?"),
])
def test_lag_text_floors(seconds, text):
    assert lag_text(seconds) == text


def test_lag_text_first():
    assert lag_text(0, is_first=True) == "first"
    assert lag_text(None, True) == "first"


# --------------------------------------------------------------------------- keys and outlets


def test_url_key_reads_through_the_amp_cache():
    amp = "https://www.cbsnews.com/amp/news/x/"
    assert url_key("https://www-cbsnews-com.cdn.ampproject.org/c/s/www.cbsnews.com/amp/news/x/") == url_key(amp)
    assert url_key("http://www-cbsnews-com.cdn.ampproject.org/c/www.cbsnews.com/amp/news/x") == "cbsnews.com/amp/news/x"
    assert (url_key("https://www-pcmag-com.cdn.ampproject.org/c/s/www.pcmag.com/news/a?amp=true")
            == url_key("https://www.pcmag.com/news/a?amp=true") == "pcmag.com/news/a?amp=true")
    assert url_key("https://WWW.Example.com/A/#top") == "example.com/A"
    assert url_key("") == url_key("   ") == ""
    assert url_key("https://x.cdn.ampproject.org/") == "x.cdn.ampproject.org"  # nothing embedded
    nested = "https://" + "a.cdn.ampproject.org/c/s/" * 3 + "www.site.com/x/"
    assert url_key(nested) == "site.com/x"
    hostile = "https://" + "a.cdn.ampproject.org/c/s/" * 40_000 + "www.site.com/x/"
    assert url_key(hostile).startswith("a.cdn.ampproject.org/c/s/a.cdn")  # quick, no recursion


# URLs the quick split must answer exactly as urlsplit does, or leave to it.
_ODD_URLS = [
    "https://example.com", "https://example.com/", "HTTPS://Example.COM/A?b=c#d", "http://a.b/c?#", "https://a.b#x?y",
    "https://a.b/c?d?e#f#g", "https://a.b:8080/x", "https://user@a.b/x", "https://[::1]/x", "https://[::1/x",
    "https://a.b/x y", "https://a.b/x\ty", "https://a.b/\u00e9t\u00e9", "https://\u00e9.com/x", "ftp://a.b/x",
    "//a.b/x", "a.b/x", "https:a.b/x", "https:///x", "https://a.b/x/../y", "https://a.b/%2F?q=%20",
    " https://a.b/x", "https://a.b\\x", "https://a.b;x=1/y", "javascript:alert(1)", "https://a..b/", "https://-a.b/",
]


def test_quick_url_split_agrees_with_urlsplit(real_corpus):
    from urllib.parse import urlsplit

    from reader.data.coverage import _quick_split

    urls = list(_ODD_URLS)
    for path in sorted(real_corpus.iterdir())[:200]:
        urls += re.findall(r"(?:webUrl|ampWebUrl|cdnAmpWebUrl|url): \"([^\"]*)\"", path.read_text(encoding="utf-8"))
    answered = 0
    for url in urls:
        quick = _quick_split(url)
        if quick is not None:
            answered += 1
            parts = urlsplit(url)
            assert quick == (parts.netloc, parts.path, parts.query), url
    assert answered > 0.9 * len(urls)  # the common URL never needs urlsplit


def test_outlet_key():
    assert outlet_key(Provider("CBS News", "www.CBSNews.com")) == "cbsnews.com"
    assert outlet_key(Provider(" The Loop ", "")) == "the loop"
    assert outlet_key(Provider("", "")) == ""


def test_distinct_outlets_hand_worked():
    s = story(
        art("own", name="CBS News", domain="cbsnews.com"),
        art("a", name="CBS", domain="www.cbsnews.com"),  # same domain, other name: the same outlet
        art("b", name="Forbes", domain="forbes.com"),
        art("c", name="FORBES", domain="Forbes.com"),
        art("d", name="The Loop"),  # no domain: its name
        art("e", name="the loop "),
        art("f"),  # nothing at all: no outlet
        art("g", name="Quartz", domain="qz.com"),
    )
    assert distinct_outlets(s) == 4  # cbsnews.com, forbes.com, the loop, qz.com
    assert distinct_outlets(story(art("own"))) == 0
    assert distinct_outlets(story(art("own", name="Solo"))) == 1
    # the story's own outlet counts even when no related article is from it
    assert distinct_outlets(story(art("own", domain="a.com"), art("x", domain="b.com"))) == 2


def test_seed_outlets():
    cbs = seed()
    assert len(cbs.related) == 28
    assert distinct_outlets(cbs) == 27  # Fast Company and Forbes twice each; CBS only as the story
    assert distinct_outlets(seed("000_f108da784733d8a4.txt")) == 2


# --------------------------------------------------------------------------- counting articles once


def test_web_amp_and_cdn_urls_are_one_article():
    web = "https://www.site.com/news/x/"
    amp = "https://www.site.com/amp/news/x/"
    cdn = "https://www-site-com.cdn.ampproject.org/c/s/www.site.com/amp/news/x/"
    s = story(
        art("own", at(), "https://own.example/1", name="Own"),
        art("Listed by web URL", at(hours=2), web, amp=amp, cdn=cdn, name="Site"),
        art("Listed by AMP URL", at(hours=1), amp, name="Site syndicated"),
        art("Listed by CDN AMP URL", at(hours=3), cdn, name="Site again"),
        art("http and no www", at(hours=4), "http://site.com/news/x", name="Plain"),
        art("Another article", at(hours=5), "https://www.site.com/news/y/", name="Site"),
    )
    groups = distinct_articles(s)
    assert [len(g.members) for g in groups] == [1, 4, 1]
    site = groups[1]
    assert not site.is_story and site.duplicates == 3
    assert site.published == at(hours=1)  # the earliest of the group
    assert site.article.title == "Listed by AMP URL"  # shown: the earliest one
    assert [m.title for m in site.members][0] == "Listed by web URL"  # file order kept


def test_repeats_are_one_article():
    s = story(
        art("own", at(), "https://own.example/1", name="Own"),
        art("Same story", at(hours=3), "https://reuters.com/a?feedType=RSS", name="Reuters", domain="reuters.com"),
        art("same  story".replace("  ", " "), at(hours=1), "https://reuters.com/a", name="Reuters", domain="www.reuters.com"),
        art("Same story", at(hours=2), "https://other.com/a", name="Other", domain="other.com"),  # other outlet
        art("", None, "", name="Reuters", domain="reuters.com"),  # no title: never a repeat
        art("", None, "", name="Reuters", domain="reuters.com"),
        art("Untitled outlet", None, ""),
        art("Untitled outlet", None, ""),  # no outlet: never a repeat
    )
    groups = distinct_articles(s)
    assert [len(g.members) for g in groups] == [1, 2, 1, 1, 1, 1, 1]
    assert groups[1].published == at(hours=1)


def test_identical_items_and_the_story_itself():
    own = art("Own", at(hours=1), "https://own.example/1", name="Own", domain="own.example")
    copy = art("Own", at(), "https://own.example/1/", name="Own", domain="own.example")
    s = story(own, copy, copy, art("x", at(hours=2), "https://b.example/", name="B"))
    groups = distinct_articles(s)
    assert [len(g.members) for g in groups] == [3, 1]
    assert groups[0].is_story and groups[0].article is own  # the story's own stays the one shown
    assert groups[0].published == at()  # yet the group is as early as its earliest copy


def test_sameness_is_transitive():
    s = story(
        art("own", at(), "https://own.example/", name="Own"),
        art("A", at(hours=1), "https://a.example/1", name="A"),
        art("B", at(hours=2), "https://b.example/1", amp="https://a.example/1/", name="B"),
        art("C", at(hours=3), "https://b.example/1", name="C"),
    )
    assert [len(g.members) for g in distinct_articles(s)] == [1, 3]


# --------------------------------------------------------------------------- timeline


def test_timeline_hand_worked():
    s = story(
        art("own", at(minutes=40), "https://own.example/", name="Own"),
        art("early", at(), "https://a.example/", name="A"),
        art("undated", None, "https://c.example/", name="C"),
        art("late", at(days=2, hours=4, minutes=59, seconds=59), "https://b.example/", name="B"),
        art("tie", at(minutes=40), "https://d.example/", name="D"),
        art("early again", at(hours=3, minutes=12, seconds=30), "https://a.example", name="A2"),
        art("undated too", None, "https://e.example/", name="E"),
    )
    entries = timeline(s)
    assert [(e.article.title, e.lag_text) for e in entries] == [
        ("early", "first"), ("own", "+40m"), ("tie", "+40m"), ("late", "+2d 4h"),
        ("undated", "?"), ("undated too", "?"),
    ]
    assert [e.lag for e in entries] == [0, 2400, 2400, 2 * 86400 + 4 * 3600 + 3599, None, None]
    assert [e.is_first for e in entries] == [True, False, False, False, False, False]
    assert [e.is_story for e in entries] == [False, True, False, False, False, False]
    assert entries[0].duplicates == 1 and len(entries[0].members) == 2


def test_timeline_across_time_zones():
    plus_two = timezone(timedelta(hours=2))
    s = story(art("own", datetime(2020, 6, 11, 1, 0, tzinfo=plus_two), "https://own/", name="O"),
              art("r", datetime(2020, 6, 10, 23, 30, tzinfo=timezone.utc), "https://r/", name="R"))
    assert [(e.article.title, e.lag_text) for e in timeline(s)] == [("own", "first"), ("r", "+30m")]


def test_timeline_without_dates():
    s = story(art("own", None, name="O"), art("r", None, "https://r/", name="R"))
    entries = timeline(s)
    assert [(e.article.title, e.lag_text, e.is_first) for e in entries] == [("own", "?", False), ("r", "?", False)]
    assert histogram(entries) == ("hour", [], None)
    assert [e.lag_text for e in timeline(story(art("alone", at())))] == ["first"]


def test_the_first_report_is_the_timelines_first_entry():
    plus_two = timezone(timedelta(hours=2))
    stories = [
        story(art("own", at(minutes=40), "https://own.example/", name="Own"),
              art("early", at(), "https://a.example/", name="A"), art("early again", at(hours=3), "https://a.example")),
        # equal times: the first in file order, the story's own before its related items
        story(art("own", at(), "https://own/", name="O"), art("r", at(), "https://r/", name="R")),
        story(art("own", None, name="O"), art("r", at(), "https://r/", name="R"), art("s", at(), "https://s/", name="S")),
        # the same instant in two zones; a later copy of the story's own article that is earlier in time
        story(art("own", datetime(2020, 6, 11, 1, 0, tzinfo=plus_two), "https://own/", name="O"),
              art("r", datetime(2020, 6, 10, 23, 0, tzinfo=timezone.utc), "https://r/", name="R")),
        story(art("own", at(hours=1), "https://own/", name="O"), art("own copy", at(), "https://own/", name="X")),
        # two groups earliest at the same moment: the one placed first, here by a later copy of its own
        story(art("own", at(hours=1), "https://own/", name="O"), art("r", at(), "https://r/", name="R"),
              art("own copy", at(), "https://own/", name="X")),
        story(art("own", None, name="O"), art("r", None, "https://r/", name="R")),
        seed(), seed("000_f108da784733d8a4.txt"),
    ]
    for s in stories:
        entries = timeline(s)
        first = first_report(s)
        if entries[0].is_first:
            assert first is not None and first.article == entries[0].article and first.published == entries[0].published
        else:
            assert first is None


def test_seed_cbs_timeline():
    entries = timeline(seed())
    assert len(entries) == 29  # the story and 28 related articles, none the same
    first = entries[0]
    # by hand from the file: the Washington Post, 2020-06-10T23:06Z, 40 minutes before CBS News
    assert first.is_first and first.lag_text == "first"
    assert first.article.provider.name == "Washington Post"
    assert first.published == datetime(2020, 6, 10, 23, 6, tzinfo=timezone.utc)
    by_outlet = {(e.article.provider.name, e.published.strftime("%m-%d %H:%M")): e for e in entries}
    assert by_outlet["CBS News", "06-10 23:46"].lag_text == "+40m"
    assert by_outlet["CBS News", "06-10 23:46"].is_story
    assert by_outlet["Mashable", "06-10 23:09"].lag_text == "+3m"
    assert by_outlet["TechCrunch", "06-11 03:45"].lag_text == "+4h 39m"  # 23:06 -> 03:45
    assert by_outlet["Quartz", "06-11 21:57"].lag_text == "+22h 51m"
    assert by_outlet["Forbes", "06-13 01:29"].lag_text == "+2d 2h"  # 50h 23m
    assert by_outlet["Forbes", "06-15 13:41"].lag_text == "+4d 14h"  # the last: 110h 35m
    assert entries[-1].lag == 110 * 3600 + 35 * 60
    times = [e.published for e in entries]
    assert times == sorted(times)
    assert sum(e.is_story for e in entries) == 1 and not any(e.duplicates for e in entries)


# --------------------------------------------------------------------------- histogram


def _entries(*offsets: timedelta | None):
    return timeline(story(*(art(f"t{i}", None if o is None else T0 + o, f"https://x/{i}", name=f"n{i}")
                             for i, o in enumerate(offsets))))


def test_histogram_hours_under_two_days():
    h = timedelta(hours=1)
    bucket, counts, start = histogram(_entries(timedelta(minutes=59), 3 * h, 3 * h + timedelta(minutes=5), None,
                                               47 * h + timedelta(minutes=58)))
    assert bucket == "hour"
    assert start == T0  # 23:00, the first report's hour
    assert len(counts) == 48 and counts[0] == 1 and counts[3] == 2 and counts[47] == 1 and sum(counts) == 4


def test_histogram_days_from_two_days():
    bucket, counts, start = histogram(_entries(timedelta(0), timedelta(hours=1, minutes=30), timedelta(days=2)))
    assert bucket == "day"
    assert start == datetime(2020, 6, 10, tzinfo=timezone.utc)  # midnight UTC
    assert counts == [1, 1, 1]  # 23:00, 00:30 the next day, and two days on


def test_histogram_single_time_and_absurd_spans():
    assert histogram(_entries(timedelta(minutes=30))) == ("hour", [1], T0)
    bucket, counts, start = histogram(_entries(timedelta(0), timedelta(days=5000)))
    assert bucket == "week" and start.weekday() == 0 and sum(counts) == 2 and len(counts) < 800
    bucket, counts, _ = histogram([e for e in _entries(timedelta(0), timedelta(days=999))])
    assert bucket == "day" and len(counts) == 1000


def test_seed_histogram():
    assert histogram(timeline(seed())) == ("day", [3, 23, 0, 2, 0, 1], datetime(2020, 6, 10, tzinfo=timezone.utc))


# --------------------------------------------------------------------------- sorting


def test_sort_related():
    items = [
        art("a", at(hours=2), name="beta", quality=50),
        art("b", None, name="Alpha", quality=None),
        art("c", at(hours=1), name="", domain="gamma.com", quality=90),
        art("d", at(hours=1), name="alpha", quality=50),
        art("e", None, name="", quality=90),
    ]
    titles = lambda xs: [x.title for x in xs]  # noqa: E731
    assert titles(sort_related(items, "time")) == ["c", "d", "a", "b", "e"]
    assert titles(sort_related(items, "quality")) == ["c", "e", "a", "d", "b"]
    assert titles(sort_related(items, "provider")) == ["b", "d", "a", "c", "e"]
    assert titles(items) == ["a", "b", "c", "d", "e"]  # not sorted in place
    entries = timeline(story(art("own", at(), name="Own", quality=1), *items))
    assert [e.article.title for e in sort_related(entries, "quality")][:2] == ["c", "e"]
    with pytest.raises(ValueError):
        sort_related(items, "colour")


# --------------------------------------------------------------------------- word diff


def _marked(parts):
    return [text for text, differs in parts if differs]


def test_word_diff():
    a = "Amazon pauses police use of its facial recognition software"
    b = "amazon bans POLICE use of facial-recognition software, for a year"
    left, right = word_diff(a, b)
    assert "".join(p for p, _ in left) == a and "".join(p for p, _ in right) == b
    assert _marked(left) == ["pauses", "its", " ", "facial", " ", "recognition"]
    assert _marked(right) == ["bans", "facial-recognition", "for", " ", "a", " ", "year"]
    # "software," matches "software": punctuation around a word does not count
    assert ("software,", False) in right


def test_word_diff_edges():
    assert word_diff("", "") == ([], [])
    left, right = word_diff("  same\ttext \n", "Same text")
    assert "".join(p for p, _ in left) == "  same\ttext \n"
    assert not _marked(left) and not _marked(right)
    left, right = word_diff("", "all new")
    assert left == [] and right == [("all", True), (" ", True), ("new", True)]


# --------------------------------------------------------------------------- the real sample


_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _raw_outlets(text: str) -> int:
    """Distinct outlets, counted straight from the YAML, independently of reader.data."""
    document = yaml.load(_FRONT.match(text).group(1), Loader=yaml.CSafeLoader)
    outlets = set()
    for item in [document, *(document.get("related") or [])]:
        provider = item.get("provider") or {}
        domain = str(provider.get("domain") or "").strip().lower()
        domain = domain[4:] if domain.startswith("www.") else domain
        name = str(provider.get("name") or "").strip().lower()
        if domain or name:
            outlets.add(domain or name)
    return len(outlets)


def test_real_sample_outlet_counts(real_corpus):
    names = sorted(os.listdir(real_corpus))
    assert len(names) == 600
    for name in names:
        path = real_corpus / name
        parsed = read_story(str(path), name)
        assert isinstance(parsed, Story), name
        assert distinct_outlets(parsed) == _raw_outlets(path.read_text(encoding="utf-8")), name
        entries = timeline(parsed)  # every item is in exactly one entry
        assert sum(len(e.members) for e in entries) == len(parsed.related) + 1, name


def _utc_time(value) -> datetime | None:
    if isinstance(value, str):
        from dateutil import parser
        value = parser.isoparse(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _raw_lag_text(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 60:
        return f"+{minutes}m"
    if minutes < 24 * 60:
        return f"+{minutes // 60}h {minutes % 60}m"
    days = minutes // (24 * 60)
    return f"+{days}d {minutes // 60 % 24}h" if days < 100 else f"+{days}d"


def test_real_sample_lags(real_corpus):
    """Each entry's lag against the earliest time in the file, read straight from the YAML."""
    lags = 0
    for name in sorted(os.listdir(real_corpus)):
        text = (real_corpus / name).read_text(encoding="utf-8")
        document = yaml.load(_FRONT.match(text).group(1), Loader=yaml.CSafeLoader)
        times = [_utc_time(item.get("publishedDateTime")) for item in [document, *(document.get("related") or [])]]
        known = [t for t in times if t is not None]
        entries = timeline(read_story(str(real_corpus / name), name))
        if not known:
            continue
        first = min(known)
        assert entries[0].is_first and entries[0].lag_text == "first", name
        assert _utc_time(entries[0].published) == first, name
        for entry in entries[1:]:
            if entry.published is None:
                assert entry.lag_text == "?", name
                continue
            seconds = int((_utc_time(entry.published) - first).total_seconds())
            assert entry.lag_text == _raw_lag_text(seconds), (name, entry.article.title)
            lags += 1
        # every time in the file is some entry's (folded copies keep the earliest of theirs)
        shown = {_utc_time(m.published) for e in entries for m in e.members}
        assert set(known) <= shown, name
    assert lags > 10_000


def test_story_files_round_trip(make_folder):
    related = [
        {"title": "Later", "published": "2020-06-11T01:46:00Z", "url": "https://other.example/x", "provider": "Other"},
        {"title": "Later", "published": "2020-06-11T00:46:00Z", "url": "https://other.example/y", "provider": "Other"},
    ]
    folder = make_folder({"a.md": story_text(related=related)})
    s = read_story(str(folder / "a.md"), "a.md")
    assert distinct_outlets(s) == 2  # example.com and other.example
    assert [(e.lag_text, e.duplicates) for e in timeline(s)] == [("first", 0), ("+1h 0m", 1)]
