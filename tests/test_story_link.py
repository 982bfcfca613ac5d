"""The story's link: webUrl, else originalUrl (videos may have only that), else none."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from conftest import story_text
from reader.data.digest import markdown_digest
from reader.data.export import story_to_dict
from reader.data.parse import read_story
from reader.data.records import Story

VIDEO_ONLY = ("---\ntitle: A video\ntype: video\noriginalUrl: \"https://www.youtube.com/watch?v=abc\"\n"
              "provider:\n  name: YouTube\n---\n")
BOTH = "---\ntitle: Both\nwebUrl: https://example.com/a\noriginalUrl: https://www.youtube.com/watch?v=abc\n---\n"
NO_LINK = "---\ntitle: Nowhere\nrelated:\n  - title: R\n---\n"


def _story(tmp_path, text: str) -> Story:
    path = tmp_path / "s.md"
    path.write_text(text, encoding="utf-8")
    story = read_story(str(path), "s.md")
    assert isinstance(story, Story), story
    return story


def test_the_link_is_the_web_url_first(tmp_path):
    assert _story(tmp_path, BOTH).link == "https://example.com/a"
    assert _story(tmp_path, story_text("T", url="https://example.com/b")).link == "https://example.com/b"


def test_a_video_with_only_an_original_url_has_that_link(tmp_path):
    story = _story(tmp_path, VIDEO_ONLY)
    assert story.article.web_url == "" and story.link == "https://www.youtube.com/watch?v=abc"


def test_the_export_gives_the_link_and_null_for_none(tmp_path):
    assert story_to_dict(_story(tmp_path, VIDEO_ONLY))["url"] == "https://www.youtube.com/watch?v=abc"
    exported = json.loads(json.dumps(story_to_dict(_story(tmp_path, NO_LINK))))
    assert _story(tmp_path, NO_LINK).link == ""
    assert exported["url"] is None and exported["related"][0]["url"] is None


def test_the_markdown_digest_shows_the_original_url_of_a_video(tmp_path):
    text = markdown_digest([_story(tmp_path, VIDEO_ONLY)], now=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert "- **URL:** <https://www.youtube.com/watch?v=abc>" in text
