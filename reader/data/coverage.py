"""What a story's related coverage adds up to: outlets, and articles counted once."""

from __future__ import annotations

from urllib.parse import urlsplit

from reader.data.records import Provider, Story


def outlet_key(provider: Provider) -> str:
    """An outlet: its domain without a leading `www.`, else its name; case does not count."""
    domain = provider.domain.strip().casefold()
    if domain.startswith("www."):
        domain = domain[4:]
    return domain or provider.name.strip().casefold()


def url_key(url: str) -> str:
    """A URL as a key: no scheme, no `www.`, no fragment, no trailing slash; host in lower case."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = parts.netloc.casefold()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def distinct_outlets(story: Story) -> int:
    """How many outlets covered the story, its own included, each counted once."""
    keys = {outlet_key(story.provider)}
    keys.update(outlet_key(article.provider) for article in story.related)
    keys.discard("")
    return len(keys)
