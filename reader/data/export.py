"""Stories as plain data for `reader export`."""

from __future__ import annotations

from collections.abc import Iterator

from reader.data.corpus import Corpus
from reader.data.dates import to_utc_text
from reader.data.records import Article, Story


def _provider(article: Article) -> dict:
    return {"name": article.provider.name, "domain": article.provider.domain}


def story_to_dict(story: Story) -> dict:
    article = story.article
    return {
        "path": story.path,
        "title": article.title,
        "excerpt": article.excerpt,
        "published": to_utc_text(article.published),
        "url": article.web_url,
        "provider": _provider(article),
        "topics": list(story.topics),
        "quality": article.quality,
        "heat": article.heat,
        "category": story.category,
        "type": article.type,
        "related": [
            {
                "title": item.title,
                "excerpt": item.excerpt,
                "published": to_utc_text(item.published),
                "url": item.web_url,
                "provider": _provider(item),
                "quality": item.quality,
            }
            for item in story.related
        ],
    }


def iter_stories(corpus: Corpus) -> Iterator[Story]:
    """Every story, newest first (unknown dates last, ties by path)."""
    for story_id in corpus.story_ids():
        story = corpus.load_story(story_id)
        if isinstance(story, Story):
            yield story
