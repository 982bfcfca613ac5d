"""The 600 real story files: no problems, and the same values as a direct YAML reading."""

from __future__ import annotations

import os

import yaml

from reader.data.dates import to_datetime
from reader.data.parse import Entry, read_entry, read_story
from reader.data.records import Story
from reader.data.sanitize import clean_line, clean_text


def _direct(path: str) -> dict:
    text = open(path, encoding="utf-8-sig").read()
    front = text.split("\n---", 1)[0].split("\n", 1)[1]
    return yaml.load(front, Loader=yaml.CSafeLoader)


def _files(root) -> list[str]:
    return sorted(os.path.join(root, name) for name in os.listdir(root) if not name.startswith("."))


def test_real_corpus_loads_and_agrees(real_corpus):
    files = _files(real_corpus)
    assert len(files) == 600
    for path in files:
        rel = os.path.basename(path)
        story = read_story(path, rel)
        assert isinstance(story, Story), story
        raw = _direct(path)
        a = story.article
        assert story.title == clean_line(str(raw["title"])), rel
        assert a.excerpt == clean_text(raw.get("excerpt") or "").strip(), rel
        assert story.published == to_datetime(raw.get("publishedDateTime")), rel
        provider = raw.get("provider") or {}
        assert (story.provider.name, story.provider.domain) == (
            clean_line(provider.get("name") or ""), clean_line(provider.get("domain") or "")), rel
        assert list(story.topics) == [clean_line(str(t)) for t in raw.get("topics") or []], rel
        assert (a.quality, a.heat) == (raw.get("quality"), raw.get("heat")), rel
        assert a.web_url == clean_line(raw.get("webUrl") or ""), rel  # one has no-break spaces
        related = raw.get("related") or []
        assert [r.title for r in story.related] == [clean_line(str(r.get("title") or "")) for r in related], rel
        assert [r.published for r in story.related] == [to_datetime(r.get("publishedDateTime")) for r in related], rel
        assert story.secured == (raw.get("secured") or ""), rel

        entry = read_entry(path, rel)
        assert isinstance(entry, Entry), entry
        assert (entry.title, entry.published, entry.related_count, entry.excerpt, entry.url) == (
            story.title, story.published, len(story.related), a.excerpt, a.web_url), rel
        assert "\x1b" not in story.title + a.excerpt + a.web_url
        assert (entry.provider_name, entry.provider_domain) == (story.provider.name, story.provider.domain)


def test_real_corpus_check_is_clean(real_corpus):
    from reader.data.corpus import Corpus

    corpus = Corpus(str(real_corpus), use_cache=False)
    try:
        progress = corpus.scan()
        assert (progress.stories, progress.problems) == (600, 0), corpus.problems()[:5]
    finally:
        corpus.close()


def test_each_real_storys_first_report_is_its_timelines_first_entry(real_corpus):
    from reader.data.coverage import first_report, timeline

    for path in _files(real_corpus):
        story = read_story(path, os.path.basename(path))
        entries, first = timeline(story), first_report(story)
        assert (first.article if first else None) == (entries[0].article if entries[0].is_first else None), path
