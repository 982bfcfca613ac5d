"""What a process keeps of the related articles it has read.

A folder's topic streams list the same articles file after file (the real sample's 14,862
related items are 2,700 distinct texts): where files are read in bulk, in the helper
processes, each item is parsed once and what is worked out of it is kept (parse._KeptItems,
coverage._item_keys, the index's article rows). The app's own process reads one story at a
time, and kept them for nothing: ~14 MiB more after 150 stories read. So a process keeps
articles only once keep_articles() says so, which each helper does as it starts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

ARTICLES_KEPT = 16384  # ~3.6 KB each with what is worked out of it: ~60 MB at most, while a helper reads

_keeping = False

Result = TypeVar("Result")


def keep_articles() -> None:
    global _keeping
    _keeping = True


def keeping_articles() -> bool:
    return _keeping


def by_article(function: Callable[[object], Result]) -> Callable[[object], Result]:
    """`function` of an article, remembered for the ARTICLES_KEPT most recently used where this
    process keeps articles, worked out each time elsewhere."""
    remembered = functools.lru_cache(maxsize=ARTICLES_KEPT)(function)

    @functools.wraps(function)
    def kept_or_worked_out(article):
        return remembered(article) if _keeping else function(article)

    return kept_or_worked_out
