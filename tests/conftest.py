"""Shared fixtures: every test gets its own cache, data and config folders."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED_CORPUS = PROJECT.parent / "shared" / "corpus" / "azure"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch):
    """Keep the reader's own files (cache, state, config) out of the user's home."""
    base = tmp_path_factory.mktemp("home")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()  # local time is UTC in every test, whatever the machine says
    yield base
    time.tzset()


@pytest.fixture
def real_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the real sample is not here: {SHARED_CORPUS} (it lives in ../shared, beside the project)")
    return SHARED_CORPUS


def story_text(title: str = "A story", *, published: str = "2020-06-10T23:46:00Z",
               url: str = "https://example.com/a", provider: str = "Example News", domain: str = "example.com",
               related: list[dict] | None = None, extra: str = "") -> str:
    """The text of a story file, written the way the real files are."""
    import json

    lines = [
        "---",
        "category: news",
        f"title: {json.dumps(title)}",
        'excerpt: "An excerpt."',
        f"publishedDateTime: {published}",
        f"webUrl: {json.dumps(url)}",
        "type: article",
        "quality: 50",
        "heat: 10",
        "published: false",
        "provider:",
        f"  name: {json.dumps(provider)}",
        f"  domain: {domain}",
        "topics:",
        "  - AI",
    ]
    if related:
        lines.append("related:")
        for item in related:
            lines.append(f"  - title: {json.dumps(item.get('title', 'Related'))}")
            lines.append(f"    excerpt: {json.dumps(item.get('excerpt', 'What they said.'))}")
            lines.append(f"    publishedDateTime: {item.get('published', '2020-06-11T01:00:00Z')}")
            lines.append(f"    webUrl: {json.dumps(item.get('url', 'https://other.example/x'))}")
            lines.append("    provider:")
            lines.append(f"      name: {json.dumps(item.get('provider', 'Other'))}")
            lines.append(f"      domain: {item.get('domain', 'other.example')}")
            lines.append(f"    quality: {item.get('quality', 70)}")
    if extra:
        lines.append(extra)
    lines += ['secured: "abc=="', "---", ""]
    return "\n".join(lines)


@pytest.fixture
def make_folder(tmp_path):
    """make_folder({"name.md": text, ...}) -> a folder holding those files."""
    counter = iter(range(1_000_000))

    def make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / f"stories{next(counter)}"
        folder.mkdir()
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return make


def indexed_outcome(folder: Path, rel: str, **options):
    """What a whole scan (list pass, then verify pass) makes of one file: its Problem,
    its list row, or None when it is not a story."""
    from reader.data.corpus import Corpus

    corpus = Corpus(str(folder), use_cache=False, **options)
    corpus.scan(verify_workers=0)
    for problem in corpus.problems():
        if problem.path == rel:
            return problem
    rows = corpus.rows(corpus.story_ids())
    return next((row for row in rows.values() if row.path == rel), None)


@pytest.fixture
def linked_pair(make_folder):
    """Two stories, First and Second (the newer), that share one related article."""
    shared = {"title": "Shared", "url": "https://shared.example/x"}
    return make_folder({
        "a.md": story_text("First", url="https://example.com/1", published="2020-06-01T00:00:00Z", related=[shared]),
        "b.md": story_text("Second", url="https://example.com/2", published="2020-06-02T00:00:00Z", related=[shared]),
    })


@pytest.fixture
def cloud_stories(make_folder):
    """Three stories: one from CBS News with a related article, two from Reuters about the cloud."""
    return make_folder({
        "a.md": story_text("Facial recognition pause", published="2020-06-10T10:00:00Z", provider="CBS News",
                           url="https://example.com/a", related=[{"title": "Rekognition moratorium"}]),
        "b.md": story_text("Cloud prices fall", published="2020-06-11T10:00:00Z", provider="Reuters",
                           url="https://example.com/b"),
        "c.md": story_text("Another cloud story", published="2020-06-12T10:00:00Z", provider="Reuters",
                           url="https://example.com/c"),
    })
