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


@pytest.fixture(params=["one story at a time", "in bulk"])
def reading_process(request, monkeypatch) -> str:
    """Read as the app's own process reads (nothing kept) and as a helper does (related
    articles kept from file to file: reader.data.kept)."""
    from reader.data import kept

    monkeypatch.setattr(kept, "_keeping", request.param == "in bulk")
    return request.param


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


def event_story_text(title: str, url: str, outlet: str, published: str, excerpt: str = "",
                     related: list[dict] = ()) -> str:
    """A story file whose excerpt and related items are given (events read them), the domain from the URL."""
    import json

    lines = ["---", f"title: {json.dumps(title)}", f"excerpt: {json.dumps(excerpt or title)}",
             f"publishedDateTime: {published}", f"webUrl: {json.dumps(url)}", "provider:",
             f"  name: {json.dumps(outlet)}", f"  domain: {url.split('/')[2]}"]
    if related:
        lines.append("related:")
        for item in related:
            lines += [f"  - title: {json.dumps(item['title'])}",
                      f"    excerpt: {json.dumps(item.get('excerpt', item['title']))}",
                      f"    publishedDateTime: {item['published']}",
                      f"    webUrl: {json.dumps(item['url'])}",
                      "    provider:", f"      name: {json.dumps(item['outlet'])}",
                      f"      domain: {item['url'].split('/')[2]}"]
    return "\n".join([*lines, "---", ""])


def related_item(title: str, url: str, outlet: str, published: str) -> dict:
    return {"title": title, "url": url, "outlet": outlet, "published": published}


def background_text(count: int = 150, name: str = "bg") -> str:
    """An old story whose related list makes common words common, as in a real folder: events
    weigh a word by how rare it is, and in a folder of a few articles every word is rare."""
    topics = ["storage", "database", "kubernetes", "security", "networking", "analytics", "identity", "devops"]
    related = [related_item(f"Microsoft cloud {topics[i % len(topics)]} update {name}{i} {name}x{i}",
                            f"https://filler{i % 13}.example/{name}/{i}", f"Filler {i % 13}",
                            f"2019-{1 + i % 6:02d}-{1 + i % 27:02d}T{i % 24:02d}:00:00Z") for i in range(count)]
    return event_story_text(f"Background of the folder {name}", f"https://filler.example/{name}", "Filler",
                            "2019-01-01T00:00:00Z", related=related)


# Two write-ups of one piece of news, from two outlets: one event.
ONE_NEWS = ("Contoso to acquire Fabrikam for $2 billion in quantum storage deal",
            "Fabrikam acquisition: Contoso pays $2 billion for quantum storage maker")


@pytest.fixture
def linked_pair(make_folder):
    """Two stories of one event, First and Second (the newer), and an old background story."""
    return make_folder({
        "a.md": event_story_text(f"First: {ONE_NEWS[0]}", "https://alpha.example/1", "Alpha", "2020-06-01T00:00:00Z"),
        "b.md": event_story_text(f"Second: {ONE_NEWS[1]}", "https://beta.example/2", "Beta", "2020-06-02T00:00:00Z"),
        "bg.md": background_text(),
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
