"""Events: the articles, from any outlet, that report one specific development.

Every distinct article (keyed by `coverage.url_key`) belongs to exactly one
event; an article with no companion is an event of one. Pure Python, no I/O.

Method, in short:
- An article is a bag of terms from its title and excerpt (title terms count
  more). A term's weight is an integer: how many doublings rarer it is than
  the folder's size, `floor(log2 N) + 1 - floor(log2 df)`. Being quantised,
  a weight moves only when a document frequency crosses a power of two, so a
  small change touches few articles and the numbers stay exact integers.
- Two articles are linked when they are within two weeks, share a rare term
  (and at least two uncommon ones) and their cosine reaches a threshold that
  rises with the time between them (0.10 the same day, 0.24 a week apart); two
  of one outlet only when near copies (one outlet rarely reports one event
  twice). An article's event depends only on its connected component of these
  links, so an update reclusters only the components it touches.
- Inside a component, nearest centroid with time decay (after Miranda et al.,
  EMNLP 2018): in time order each article joins the cluster whose centroid is
  closest, if close enough and if it links to a good share of that cluster's
  members (so a chain A~B~C~D does not make A and D one event); then one
  refinement pass, then clusters close as wholes join (centroid linkage). A
  large event in varied wording stays one event, which average linkage (a
  missing link counting as 0) used to split.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from heapq import heapify, heappop, heappush
from typing import NamedTuple

# --------------------------------------------------------------------------- tuning

DAY = 86_400
WINDOW = 14 * DAY  # articles further apart than this never link (follow-ups within two weeks are one event)
LINK = 0.10  # cosine that makes a candidate link between articles of one time...
LINK_PER_DAY = 0.02  # ...plus this for each day between them
MERGE = 0.15  # similarity to a cluster's centroid (after time decay) an article needs to join it
SIGMA_DAYS = 3.0  # time decay of that similarity
DECAY_SHARE = 0.5  # how much of the similarity the time decay can take away
REFINE_PASSES = 1  # second looks, once every member is placed
MERGE_CLUSTERS = 0.3  # then clusters this close as wholes (after time decay) join, once: more rounds chain
LINKED_SHARE = 0.5  # an article joins a cluster only when linked to at least this share of its members
SAME_OUTLET_COPY = 0.8  # one outlet's two articles link only when this close
TITLE_MULT, EXCERPT_MULT = 3, 2  # a title term weighs 1.5 times an excerpt term
RARE_LEVELS = 7  # a term proposes candidates when its df is below about N / 2**(RARE_LEVELS - 1)...
RARE_DF_LEVEL = 6  # ...or below 2**RARE_DF_LEVEL: in a small folder an event's own name still proposes
UNIQUE_WEIGHT = 4  # a term only one article has cannot match: it dilutes that article only a little
MIN_SHARED = 2  # a link needs this many shared uncommon terms, not one name alone...
SHARED_LEVEL = 3  # ...each at least this level (df below about N / 4)
SCALE = 10_000  # similarities are kept as integers out of this

_WORD = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*")
_STOP = frozenset("""
a about above after again against all also am an and any are as at be been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my new no nor not now of off on once only
or other our ours out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will with
would you your yours get gets via yet per one two may like make makes made use using used today week year
says said say according announced announces announce available
""".split())


class EventArticle(NamedTuple):
    key: str  # coverage.url_key of the article's web URL
    title: str
    excerpt: str
    published: int | None  # unix seconds, UTC
    outlet: str  # coverage.outlet_key of its provider


def _stem(word: str) -> str:
    # plural and possessive endings only: "vulnerabilities" ~ "vulnerability", "azure's" ~ "azure"
    if len(word) > 4:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text.casefold().replace("'s ", " ").replace("\u2019s ", " "))
            if len(word) > 1 and word not in _STOP and not (word.isdigit() and len(word) < 3)]


def terms_of(title: str, excerpt: str) -> tuple[tuple[str, ...], int]:
    """An article's distinct terms, its title's first, and how many come from the title."""
    in_title = dict.fromkeys(_words(title))
    rest = dict.fromkeys(word for word in _words(excerpt) if word not in in_title)
    return tuple(map(sys.intern, (*in_title, *rest))), len(in_title)


def _order(article: EventArticle) -> tuple:
    return (article.title, article.excerpt, article.published is None, article.published or 0, article.outlet)


def _link_threshold(published: int, other: int) -> float:
    return LINK + LINK_PER_DAY * abs(published - other) / DAY


# A small folder is read as a sample of a larger stream of news: rarity is measured as if
# it held at least 2**7 articles. Otherwise, in a folder about one topic, the words of its
# one big event are in most articles, weigh next to nothing, and the event falls apart.
_MIN_N_LEVEL = 7


def _level(n: int) -> int:
    return n.bit_length() - 1 if n > 0 else 0  # floor(log2 n)


_NEVER = -(2**62)  # where an article of unknown time sorts: before any window


class _Postings:
    """The articles holding one term, in time order (then key order): their times, keys and multipliers."""

    __slots__ = ("times", "keys", "mults")

    def __init__(self) -> None:
        self.times = array("q")
        self.keys: list[str] = []
        self.mults = array("b")  # the term's multiplier in each article (title or excerpt)

    def _index(self, when: int, key: str) -> int:
        return bisect_left(self.keys, key, bisect_left(self.times, when), bisect_right(self.times, when))

    def add(self, when: int, key: str, mult: int) -> None:
        i = self._index(when, key)
        self.times.insert(i, when)
        self.keys.insert(i, key)
        self.mults.insert(i, mult)

    def add_many(self, entries: list[tuple[int, str, int]]) -> None:
        if len(entries) < 16:  # a few: insert in place; many: one sort, not a shift for each
            for when, key, mult in entries:
                self.add(when, key, mult)
            return
        merged = sorted([*zip(self.times, self.keys, self.mults), *entries])
        self.times = array("q", (entry[0] for entry in merged))
        self.keys = [entry[1] for entry in merged]
        self.mults = array("b", (entry[2] for entry in merged))

    def discard(self, when: int, key: str) -> None:
        i = self._index(when, key)
        if i < len(self.keys) and self.keys[i] == key:
            del self.times[i], self.keys[i], self.mults[i]

    def span(self, since: int, until: int) -> range:
        return range(bisect_left(self.times, since), bisect_right(self.times, until))


class _Doc:
    __slots__ = ("key", "published", "when", "outlet", "terms", "titled", "norm2", "common2")

    def __init__(self, article: EventArticle) -> None:
        self.key = article.key
        self.published = article.published
        self.when = _NEVER if article.published is None else article.published  # the order in postings
        self.outlet = article.outlet
        self.terms, self.titled = terms_of(article.title, article.excerpt)
        self.norm2 = 0  # squared length of the weighted term vector
        self.common2 = 0  # the same over the terms too common to propose candidates

    def same_as(self, other: _Doc) -> bool:
        """Whether the two read alike: an article given again unchanged changes nothing."""
        return (self.terms, self.titled, self.published, self.outlet) == (
            other.terms, other.titled, other.published, other.outlet)

    def mults(self) -> Iterator[tuple[str, int]]:
        """(term, multiplier) for each term: a title term weighs more."""
        titled = self.titled
        return ((term, TITLE_MULT if i < titled else EXCERPT_MULT) for i, term in enumerate(self.terms))


def find_events(articles: Iterable[EventArticle]) -> dict[str, str]:
    """key -> event id (the key of the event's earliest article) for every article given."""
    index = EventIndex()
    index.add(articles)
    return index.events()


class EventIndex:
    """Events of a changing set of articles; after any adds and removes it equals `find_events`."""

    def __init__(self) -> None:
        self._docs: dict[str, _Doc] = {}
        self._df: dict[str, int] = {}
        self._weights: dict[str, int] = {}  # term -> its integer IDF level (see _weight_of), kept with _df
        self._postings: dict[str, _Postings] = {}
        self._links: dict[str, dict[str, int]] = {}  # key -> linked key -> similarity * SCALE
        self._event: dict[str, str] = {}
        self._n_level = -1
        self._rare = RARE_LEVELS

    # ---------------------------------------------------------------- reading

    def event_of(self, key: str) -> str | None:
        return self._event.get(key)

    def events(self) -> dict[str, str]:
        return dict(self._event)

    def __len__(self) -> int:
        return len(self._docs)

    # ---------------------------------------------------------------- changing

    def add(self, articles: Iterable[EventArticle]) -> set[str]:
        """Add articles (a known key with new content replaces the old); return keys whose event changed."""
        fresh: dict[str, EventArticle] = {}
        for article in articles:
            if article.key and (article.key not in fresh or _order(article) < _order(fresh[article.key])):
                fresh[article.key] = article  # one key given twice: the same one wins, whatever the order
        adding = [_Doc(article) for _, article in sorted(fresh.items())]
        adding = [doc for doc in adding if doc.key not in self._docs or not doc.same_as(self._docs[doc.key])]
        return self._update([doc.key for doc in adding if doc.key in self._docs], adding)

    def remove(self, keys: Iterable[str]) -> set[str]:
        """Remove articles by key; return keys whose event changed (the removed ones included)."""
        return self._update([key for key in set(keys) if key in self._docs], [])

    def _update(self, removing: list[str], adding: list[_Doc]) -> set[str]:
        before = {key: self._event[key] for key in removing}
        touched_terms: set[str] = set()
        affected: set[str] = set()
        for key in sorted(removing):
            doc = self._docs.pop(key)
            for term in doc.terms:
                touched_terms.add(term)
                self._df[term] -= 1
                self._postings[term].discard(doc.when, key)
                if not self._df[term]:
                    del self._df[term], self._postings[term]
            for other in self._links.pop(key, {}):
                self._drop_link(other, key)
                affected.add(other)
            del self._event[key]
        entries: dict[str, list[tuple[int, str, int]]] = {}
        for doc in adding:
            self._docs[doc.key] = doc
            for term, mult in doc.mults():
                touched_terms.add(term)
                self._df[term] = self._df.get(term, 0) + 1
                entries.setdefault(term, []).append((doc.when, doc.key, mult))
        for term, found in entries.items():
            if term not in self._postings:
                self._postings[term] = _Postings()
            self._postings[term].add_many(found)
        dirty = {doc.key for doc in adding}
        n_level = max(_MIN_N_LEVEL, _level(len(self._docs)))
        if n_level != self._n_level:
            self._n_level = n_level
            # the weight from which a term proposes candidates: a function of the weight alone, so a
            # term changes its part only when its weight moves (and its articles are recomputed)
            self._rare = max(1, min(RARE_LEVELS, n_level + 1 - RARE_DF_LEVEL))
            dirty = set(self._docs)  # every weight moved: recompute all
            self._weights = {term: self._weight_of(df) for term, df in self._df.items()}
        else:
            for term in touched_terms:
                if term not in self._df:
                    self._weights.pop(term, None)
                    continue
                weight = self._weight_of(self._df[term])
                if weight != self._weights.get(term):  # only a weight that moved makes its articles dirty
                    self._weights[term] = weight
                    dirty.update(self._postings[term].keys)
        weights, rare = self._weights, self._rare
        for key in dirty:
            doc = self._docs[key]
            doc.norm2 = doc.common2 = 0
            for term, mult in doc.mults():
                weight = weights[term]
                doc.norm2 += (weight * mult) ** 2
                if weight < rare:
                    doc.common2 += (weight * mult) ** 2
        for key in dirty:
            for other in self._links.pop(key, {}):
                if other not in dirty:
                    self._drop_link(other, key)
                affected.add(other)
        for key in sorted(dirty):
            self._link(self._docs[key], dirty)
        affected |= dirty
        affected &= self._docs.keys()
        for component in self._components(affected):
            for key in component:
                before.setdefault(key, self._event.get(key))
            self._event.update(_cluster(component, self._docs, self._links, self._weights))
        return {key for key, event in before.items() if self._event.get(key) != event}

    # ---------------------------------------------------------------- links

    def _drop_link(self, key: str, other: str) -> None:
        links = self._links[key]
        del links[other]
        if not links:
            del self._links[key]

    def _weight_of(self, df: int) -> int:
        if df == 1:
            return UNIQUE_WEIGHT
        return max(0, self._n_level + 1 - _level(df))

    def _link(self, doc: _Doc, dirty: set[str]) -> None:
        """Link `doc` to every close article (each pair once: a dirty pair from its smaller key)."""
        if doc.published is None or not doc.norm2:
            return
        level, rare_level = self._weights, self._rare
        weights = {term: level[term] * mult for term, mult in doc.mults()}
        # Each candidate's exact dot product over the rare terms (from the postings), plus a bound
        # of the common rest by Cauchy-Schwarz: only candidates that could reach the threshold are computed.
        rare: dict[str, int] = {}
        since, until = doc.published - WINDOW, doc.published + WINDOW
        for term, weight in weights.items():
            if level[term] >= rare_level:  # the term's level, not its multiplier: a link is symmetric
                postings = self._postings[term]
                keys, mults, factor = postings.keys, postings.mults, weight * level[term]
                for i in postings.span(since, until):
                    key = keys[i]
                    rare[key] = rare.get(key, 0) + factor * mults[i]
        docs, published = self._docs, doc.published
        for key, rare_dot in rare.items():
            if key == doc.key or (key in dirty and key < doc.key):
                continue
            other = docs[key]
            if not other.norm2:
                continue
            norms = math.sqrt(doc.norm2 * other.norm2)
            link = _link_threshold(published, other.published)
            if rare_dot + math.sqrt(doc.common2 * other.common2) < link * (1 - 1e-9) * norms:
                continue
            dot = shared = 0
            titled = other.titled
            for i, term in enumerate(other.terms):
                w = weights.get(term)
                if w:
                    dot += w * level[term] * (TITLE_MULT if i < titled else EXCERPT_MULT)
                    shared += level[term] >= SHARED_LEVEL
            if shared < MIN_SHARED:
                continue
            sim = int(SCALE * dot / norms)
            if other.outlet == doc.outlet and other.outlet and sim < SAME_OUTLET_COPY * SCALE:
                continue  # one outlet rarely reports one event twice, unless it reposts a near copy
            if sim >= link * SCALE:
                self._links.setdefault(doc.key, {})[key] = sim
                self._links.setdefault(key, {})[doc.key] = sim

    def _components(self, seeds: set[str]) -> list[list[str]]:
        seen: set[str] = set()
        found = []
        for seed in sorted(seeds):
            if seed in seen:
                continue
            seen.add(seed)
            stack, members = [seed], []
            while stack:
                key = stack.pop()
                members.append(key)
                for other in self._links.get(key, ()):
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            found.append(sorted(members))
        return found


def _cluster(members: list[str], docs: dict[str, _Doc], links: dict[str, dict[str, int]],
             weights: dict[str, int]) -> dict[str, str]:
    """Nearest centroid with time decay over one component: key -> event id. Depends only on the component.

    Articles join in time order (ties by key) the cluster whose centroid (the sum of its members' unit
    vectors) is closest, among the clusters of the articles they link to, when that similarity, lowered
    by the time since the cluster's latest article, reaches MERGE; otherwise they start a cluster. A
    second pass moves each article to the closest such cluster, the centroids now knowing every member.
    """
    if len(members) == 1:
        return {members[0]: members[0]}
    order = sorted(members, key=lambda k: (docs[k].when, k))
    vectors = {}
    for key in order:
        doc = docs[key]
        norm = math.sqrt(doc.norm2) if doc.norm2 else 1.0
        vectors[key] = {term: weights[term] * mult / norm for term, mult in doc.mults()}
    centroids: list[dict[str, float]] = []
    latest: list[int] = []
    cluster_of: dict[str, int] = {}

    norms2: list[float] = []  # squared length of each centroid, kept as members come and go

    def dot_of(key: str, c: int) -> float:
        centroid = centroids[c]
        return sum(value * centroid.get(term, 0.0) for term, value in vectors[key].items())

    def score(key: str, c: int, leaving: bool) -> float:
        dot, norm2 = dot_of(key, c), norms2[c]
        if leaving:  # the article's own (unit) part taken out of its cluster's centroid
            norm2 += 1.0 - 2 * dot
            dot -= 1.0
        if norm2 <= 1e-12:
            return 0.0
        return dot / math.sqrt(norm2) * _decay(abs(docs[key].when - latest[c]))

    def move(key: str, c: int, sign: int) -> None:
        centroid = centroids[c]
        norms2[c] += 1.0 + sign * 2 * dot_of(key, c)  # |C ± v|² = |C|² ± 2 C·v + |v|², v a unit vector
        for term, value in vectors[key].items():
            centroid[term] = centroid.get(term, 0.0) + sign * value

    size: list[int] = []

    def linked(key: str) -> dict[int, int]:
        """cluster -> how many of its members `key` links to"""
        counts: dict[int, int] = {}
        for other in links.get(key, ()):
            c = cluster_of.get(other)
            if c is not None:
                counts[c] = counts.get(c, 0) + 1
        return counts

    for key in order:
        best, best_score = -1, MERGE
        for c, count in sorted(linked(key).items()):
            if count < LINKED_SHARE * size[c]:
                continue  # close to the centroid but to few members: a chain, not one event
            value = score(key, c, False)
            if value >= best_score * (1 - 1e-9) and (best < 0 or value > best_score):
                best, best_score = c, value
        if best < 0:
            best = len(centroids)
            centroids.append({})
            norms2.append(0.0)
            latest.append(docs[key].when)
            size.append(0)
        cluster_of[key] = best
        size[best] += 1
        latest[best] = max(latest[best], docs[key].when)
        move(key, best, 1)
    for _ in range(REFINE_PASSES):
        for key in order:
            own = cluster_of[key]
            best, best_score = own, score(key, own, True)
            for c, count in sorted(linked(key).items()):
                if c == own or count < LINKED_SHARE * size[c]:
                    continue
                value = score(key, c, False)
                if value > best_score and value >= MERGE:
                    best, best_score = c, value
            if best != own:
                move(key, own, -1)
                move(key, best, 1)
                size[own] -= 1
                size[best] += 1
                cluster_of[key] = best
                latest[best] = max(latest[best], docs[key].when)
    _merge_clusters(order, cluster_of, links, centroids, norms2, latest, size)
    groups: dict[int, list[str]] = {}
    for key in order:
        groups.setdefault(cluster_of[key], []).append(key)
    result = {}
    for group in groups.values():
        first = min(group, key=lambda k: (docs[k].published is None, docs[k].published or 0, k))
        for key in group:
            result[key] = first
    return result


def _decay(gap_seconds: float) -> float:
    gap = gap_seconds / DAY
    return 1 - DECAY_SHARE + DECAY_SHARE * math.exp(-gap * gap / (2 * SIGMA_DAYS**2))


def _merge_clusters(order: list[str], cluster_of: dict[str, int], links: dict[str, dict[str, int]],
                    centroids: list[dict[str, float]], norms2: list[float], latest: list[int],
                    size: list[int]) -> None:
    """Join pairs of clusters whose centroids are close and between which links are many (centroid
    linkage): two seeds of one event that started apart. Best pair first; each cluster joins once."""
    between: dict[tuple[int, int], int] = {}
    members: dict[int, list[str]] = {}
    for key in order:
        a = cluster_of[key]
        members.setdefault(a, []).append(key)
        for other in links.get(key, ()):
            b = cluster_of[other]
            if a < b:
                between[a, b] = between.get((a, b), 0) + 1
    scored = []
    for (a, b), count in between.items():
        if count < LINKED_SHARE * min(size[a], size[b]) or norms2[a] <= 1e-12 or norms2[b] <= 1e-12:
            continue
        small, large = (centroids[a], centroids[b]) if len(centroids[a]) < len(centroids[b]) else (centroids[b], centroids[a])
        dot = sum(value * large.get(term, 0.0) for term, value in small.items())
        value = dot / math.sqrt(norms2[a] * norms2[b]) * _decay(abs(latest[a] - latest[b]))
        if value >= MERGE_CLUSTERS:
            scored.append((-value, a, b))
    scored.sort()
    used: set[int] = set()
    for _, a, b in scored:
        if a in used or b in used:
            continue
        used.update((a, b))
        centroid = centroids[a]
        dot = sum(value * centroid.get(term, 0.0) for term, value in centroids[b].items())
        for term, value in centroids[b].items():
            centroid[term] = centroid.get(term, 0.0) + value
        norms2[a] += norms2[b] + 2 * dot
        centroids[b], norms2[b] = {}, 0.0
        size[a] += size[b]
        size[b] = 0
        latest[a] = max(latest[a], latest[b])
        for key in members[b]:
            cluster_of[key] = a
