"""`reader export --format markdown`: the digest's content, and file text kept literal."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from conftest import SEEDS, story_text
from reader.data.digest import escape, link, markdown_digest, safe_url, sparkline
from reader.data.parse import read_story
from reader.data.records import Story

NOW = datetime(2024, 1, 2, 3, 4, tzinfo=timezone.utc)


def seeds() -> list[Story]:
    stories = [read_story(str(path), path.name) for path in sorted(SEEDS.iterdir())]
    assert all(isinstance(s, Story) for s in stories)
    return stories


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_seed_digest():
    text = markdown_digest(seeds(), now=NOW)
    assert text.startswith("# Story digest\n")
    assert "2 stories · made 2024-01-02 03:04 UTC" in text
    assert text == markdown_digest(seeds(), now=NOW)  # the same stories, the same digest

    cbs = _section(text, "Amazon pauses police use of its facial recognition software for year")
    assert "- **Outlet:** CBS News (cbsnews.com)" in cbs
    assert "- **Published:** 2020-06-10 23:46 UTC" in cbs
    assert "- **Topics:** Computer Vision, AI, AWS AI" in cbs
    assert "- **Quality:** 61" in cbs and "- **Heat:** -1" in cbs
    assert ("- **URL:** <https://www.cbsnews.com/news/amazon-rekognition-facial-recognition-"
            "software-technology-police-pause/>") in cbs
    assert "- **Outlets:** 27 distinct · related articles: 28\n" in cbs
    assert "\n> Amazon said Wednesday that it will pause police use" in cbs
    assert "Articles per day from 2020-06-10: `" in cbs and "(3, 23, 0, 2, 0, 1)" in cbs
    rows = [line for line in cbs.splitlines() if line.startswith("| ") and not line.startswith(("| Lag", "| ---"))]
    assert len(rows) == 29
    assert rows[0].startswith("| first | 2020-06-10 23:06 | Washington Post (washingtonpost.com) | "
                              "[Amazon bans police use of its facial-recognition technology for a year]"
                              "(https://www.washingtonpost.com/technology/2020/06/10/amazon-rekognition-police/)")
    assert rows[2].startswith("| +40m | 2020-06-10 23:46 | CBS News (cbsnews.com) | [Amazon pauses")
    assert rows[2].endswith("*(this story)* |")
    assert rows[9].startswith("| +4h 39m | 2020-06-11 03:45 | TechCrunch (techcrunch.com) | "
                              "[Amazon’s facial recognition moratorium has major loopholes]")
    assert rows[-1].startswith("| +4d 14h | 2020-06-15 13:41 | Forbes (forbes.com) | "
                               "[Amazon, Microsoft & IBM Slightly Social Distancing")
    assert all(row.count(" | ") == 3 for row in rows)

    campus = _section(text, "Amazon Implements 1 Year Moratorium on Police Use of Facial Recognition Tech")
    assert "| first | 2020-06-17 15:49 | Campus Safety Magazine" in campus
    assert "| +2h 12m | 2020-06-17 18:01 | GeekWire (geekwire.com) | [Congressman slams" in campus
    assert "- **File:** 000\\_f108da784733d8a4.txt" in campus


HOSTILE = [
    {"title": "| pipe | and `code` and *stars*", "url": "javascript:alert(1)", "provider": "Evil | Co",
     "published": "2020-06-11T00:00:00Z"},
    {"title": "<script>alert(1)</script> [link](https://evil.example)", "url": "https://ok.example/a b(c)|d",
     "provider": "[x](y)", "published": "2020-06-11T01:00:00Z"},
    {"title": "# heading? 1. no", "url": "data:text/html,hi", "provider": "- bullet",
     "published": "2020-06-11T02:00:00Z"},
]


def hostile_story(make_folder) -> Story:
    text = story_text("[@click=app.quit]x[/]", url="javascript:alert(document.cookie)", related=HOSTILE,
                      provider="Bad*Outlet_")
    folder = make_folder({"h.md": text})
    story = read_story(str(folder / "h.md"), "h.md")
    assert isinstance(story, Story)
    return story


def test_hostile_titles_are_escaped(make_folder):
    text = markdown_digest([hostile_story(make_folder)], now=NOW)
    assert "## \\[@click=app.quit\\]x\\[/\\]\n" in text
    assert "[@click" not in text.replace("\\[@click", "")
    assert "\\| pipe \\| and \\`code\\` and \\*stars\\*" in text
    assert "\\<script\\>alert(1)\\</script\\> \\[link\\](https://evil.example)" in text
    assert "Evil \\| Co" in text and "\\[x\\](y)" in text and "Bad\\*Outlet\\_" in text
    assert "\\# heading? 1. no" in text
    # every table row still has exactly its four cells: no | from the file splits one
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 4
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 5 for row in rows), rows
    # no unescaped `<` (raw HTML) and no backtick outside the chart's code span
    for line in text.splitlines():
        if not line.startswith("Articles per"):
            assert not re.search(r"(?<!\\)[<`]", line.replace("- **URL:** <", "")), line


def test_only_http_urls_become_links(make_folder):
    text = markdown_digest([hostile_story(make_folder)], now=NOW)
    assert "](javascript" not in text and "<javascript" not in text
    assert "- **URL:** javascript:alert(document.cookie)" in text  # shown as text, not linked
    assert "| \\| pipe \\| and \\`code\\` and \\*stars\\* |" in text  # its javascript: URL left out
    assert "](data:" not in text
    assert "](https://ok.example/a%20b%28c%29%7Cd)" in text
    assert re.findall(r"(?<!\\)\]\(([^)]*)\)", text) == ["https://ok.example/a%20b%28c%29%7Cd"]


def test_helpers():
    assert escape("1986. A year") == "1986\\. A year"
    assert escape("- not a list") == "\\- not a list"
    assert escape("+ neither") == "\\+ neither"
    assert escape("=====") == "\\====="
    assert escape("AT&T &amp; &copy &#64;") == "AT&T &amp;amp; &copy &\\#64;"  # no entity survives
    assert escape("  folded \n  lines ") == "folded lines"
    assert escape("> quote") == "\\> quote"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("JAVASCRIPT://x") is None
    assert safe_url("https:no-host") is None
    assert safe_url("HTTPS://Example.com/ü") == "HTTPS://Example.com/%C3%BC"
    assert link("t", "ftp://x") == "t"
    assert link("a]b", "http://x/") == "[a\\]b](http://x/)"
    assert sparkline([]) == "" and sparkline([0, 0]) == ""
    assert sparkline([1, 0, 8, 4]) == "▁ █▄"


def test_empty_digest():
    assert markdown_digest([], now=NOW) == "# Story digest\n\n0 stories · made 2024-01-02 03:04 UTC by reader · times in UTC\n\nNo stories.\n"
    assert markdown_digest(iter(seeds()[:1]), now=NOW).count("\n## ") == 1


def test_a_long_span_lists_the_days_with_articles_instead_of_drawing_them(make_folder):
    folder = make_folder({"a.md": story_text(
        "Spread out", published="2020-01-01T10:00:00Z",
        related=[{"title": "Months on", "published": "2020-06-01T10:00:00Z", "url": "https://o.example/1"},
                 {"title": "Same again", "published": "2020-06-01T12:00:00Z", "url": "https://o.example/1/"}])})
    story = read_story(str(folder / "a.md"), "a.md")
    text = markdown_digest([story], now=NOW)
    assert "Articles per day from 2020-01-01: 153 days; with articles: 2020-01-01 1, 2020-06-01 1\n" in text
    assert "- **Outlets:** 2 distinct · related articles: 2 (1 distinct)\n" in text
