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

import functools
import hashlib
import math
import re
import sys
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from operator import mul
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


@functools.lru_cache(maxsize=16384)
def _term(word: str) -> str:
    """A word's term ("" for a word that is none): a folder's articles repeat the same words,
    and looking one up costs a tenth of working it out."""
    if len(word) < 2 or word in _STOP or (word.isdigit() and len(word) < 3):
        return ""
    return _stem(word)


def _words(text: str) -> list[str]:
    terms = map(_term, _WORD.findall(text.casefold().replace("'s ", " ").replace("\u2019s ", " ")))
    return [term for term in terms if term]


def terms_of(title: str, excerpt: str) -> tuple[tuple[str, ...], int]:
    """An article's distinct terms, its title's first, and how many come from the title."""
    in_title = dict.fromkeys(_words(title))
    rest = dict.fromkeys(word for word in _words(excerpt) if word not in in_title)
    return tuple(map(sys.intern, (*in_title, *rest))), len(in_title)


def _rank(article: EventArticle) -> bytes:
    """A digest of what the events read of an article: of one key given twice, the smaller wins."""
    read = "\x1f".join((article.title, article.excerpt, str(article.published), article.outlet))
    return hashlib.blake2b(read.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _link_threshold(published: int, other: int) -> float:
    return LINK + LINK_PER_DAY * abs(published - other) / DAY


# A small folder is read as a sample of a larger stream of news: rarity is measured as if
# it held at least 2**7 articles. Otherwise, in a folder about one topic, the words of its
# one big event are in most articles, weigh next to nothing, and the event falls apart.
_MIN_N_LEVEL = 7


def _level(n: int) -> int:
    return n.bit_length() - 1 if n > 0 else 0  # floor(log2 n)


_NEVER = -(2**62)  # where an article of unknown time sorts: before any window
_ZEROS = repeat(0.0)  # what a centroid holds of a term it lacks


class _Postings:
    """The articles holding one term. A rare term's (one that proposes candidates) are in time
    order, then id order, with their times and the term's multiplier in each; a common term's
    are its articles' ids alone, in order (what a change of its weight makes dirty)."""

    __slots__ = ("times", "ids", "mults")

    def __init__(self) -> None:
        self.ids = array("I")
        self.times: array | None = None
        self.mults: array | None = None  # the term's multiplier in each article (title or excerpt)

    def _index(self, when: int, doc: int) -> int:
        if self.times is None:
            return bisect_left(self.ids, doc)
        return bisect_left(self.ids, doc, bisect_left(self.times, when), bisect_right(self.times, when))

    def add_many(self, docs: list[int], entry: Callable[[int], tuple[int, int, int]]) -> None:
        """Add these articles; `entry` gives an article's (time, id, multiplier) for a rare term's postings."""
        if self.times is None:
            if len(docs) < 16:  # a few: insert in place; many: one sort, not a shift for each
                for doc in docs:
                    insort(self.ids, doc)
            else:
                self.ids = array("I", sorted([*self.ids, *docs]))
            return
        entries = [entry(doc) for doc in docs]
        if len(entries) < 16:
            for when, doc, mult in entries:
                i = self._index(when, doc)
                self.ids.insert(i, doc)
                self.times.insert(i, when)
                self.mults.insert(i, mult)  # type: ignore[union-attr]
        else:
            self.timed(sorted([*zip(self.times, self.ids, self.mults), *entries]))  # type: ignore[arg-type]

    def timed(self, entries: list[tuple[int, int, int]] | None) -> None:
        """Hold these (time, id, multiplier) entries, in that order; None: ids alone."""
        # arrays made from lists are allocated to size (from a generator they over-allocate)
        if entries is None:
            self.ids, self.times, self.mults = array("I", sorted(self.ids)), None, None
        else:
            self.times = array("q", [entry[0] for entry in entries])
            self.ids = array("I", [entry[1] for entry in entries])
            self.mults = array("b", [entry[2] for entry in entries])

    def discard(self, when: int, doc: int) -> None:
        i = self._index(when, doc)
        if i < len(self.ids) and self.ids[i] == doc:
            del self.ids[i]
            if self.times is not None:
                del self.times[i], self.mults[i]  # type: ignore[union-attr]

    def span(self, since: int, until: int) -> range:
        times = self.times
        assert times is not None, "only a rare term's postings are spanned"
        return range(bisect_left(times, since), bisect_right(times, until))


def find_events(articles: Iterable[EventArticle]) -> dict[str, str]:
    """key -> event id (the key of the event's earliest article) for every article given."""
    index = EventIndex()
    index.add(articles)
    return index.events()


class EventIndex:
    """Events of a changing set of articles; after any adds and removes it equals `find_events`.

    Memory is what limits a large folder, so an article is an int id into parallel arrays
    (no object of its own) and a term an int id; what is computed depends on keys and
    times only, never on which id an article got.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # article key -> id
        self._keys: list[str | None] = []  # id -> article key (None: a free id)
        self._free: list[int] = []
        self._when = array("q")  # id -> published (_NEVER when unknown): the order in postings
        self._outlets = array("I")  # id -> its outlet's id (0: no outlet)
        self._terms: list[array | None] = []  # id -> its distinct term ids, its title's first
        self._titled = array("I")  # id -> how many of its terms come from the title
        self._norm2 = array("q")  # id -> squared length of its weighted term vector
        self._common2 = array("q")  # id -> the same over the terms too common to propose candidates
        self._event: list[str | None] = []  # id -> its event (the key of the event's first article)
        self._outlet_ids: dict[str, int] = {"": 0}
        self._term_ids: dict[str, int] = {}
        self._df = array("I")  # term id -> how many articles hold it
        self._weights = array("B")  # term id -> its integer IDF level (see _weight_of), kept with _df
        self._postings: list[_Postings | None] = []  # term id -> its articles (None: no article holds it)
        self._links: dict[int, dict[int, int]] = {}  # id -> linked id -> similarity * SCALE
        self._n_level = -1
        self._rare = RARE_LEVELS

    # ---------------------------------------------------------------- reading

    def event_of(self, key: str) -> str | None:
        doc = self._ids.get(key)
        return None if doc is None else self._event[doc]

    def events(self) -> dict[str, str]:
        event = self._event
        return {key: event[doc] for key, doc in self._ids.items()}  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self._ids)

    # ---------------------------------------------------------------- changing

    def add(self, articles: Iterable[EventArticle]) -> set[str]:
        """Add articles (a known key with new content replaces the old); return keys whose event changed.
        Each article becomes terms as it comes: `articles` may be a stream too large to hold."""
        fresh: dict[str, tuple] = {}
        for article in articles:
            key = article.key
            if not key:
                continue
            rank = _rank(article)
            known = fresh.get(key)
            if known is not None and known[0] <= rank:
                continue  # one key given twice: the same one wins, whatever the order
            terms, titled = terms_of(article.title, article.excerpt)
            when = _NEVER if article.published is None else article.published
            fresh[key] = (rank, (key, array("I", map(self._term_id, terms)), titled, when, article.outlet))
        adding = []  # the entries themselves, not copies: a whole folder's are held once
        for key in sorted(fresh):
            entry = fresh[key][1]
            doc = self._ids.get(key)
            if doc is None or not self._same(doc, *entry[1:]):
                adding.append(entry)
        del fresh
        return self._update([entry[0] for entry in adding if entry[0] in self._ids], adding)

    def remove(self, keys: Iterable[str]) -> set[str]:
        """Remove articles by key; return keys whose event changed (the removed ones included)."""
        return self._update([key for key in set(keys) if key in self._ids], [])

    def _same(self, doc: int, terms: array, titled: int, when: int, outlet: str) -> bool:
        """Whether the article reads as stored: one given again unchanged changes nothing."""
        return ((terms, when, titled, self._outlet_ids.get(outlet))
                == (self._terms[doc], self._when[doc], self._titled[doc], self._outlets[doc]))

    def _new_id(self, key: str, when: int, outlet: str, titled: int) -> int:
        outlet_id = self._outlet_ids.setdefault(outlet, len(self._outlet_ids))
        if self._free:
            doc = self._free.pop()
            self._keys[doc], self._when[doc], self._outlets[doc], self._titled[doc] = key, when, outlet_id, titled
        else:
            doc = len(self._keys)
            self._keys.append(key)
            self._when.append(when)
            self._outlets.append(outlet_id)
            self._titled.append(titled)
            self._terms.append(None)
            self._norm2.append(0)
            self._common2.append(0)
            self._event.append(None)
        self._ids[key] = doc
        return doc

    def _term_id(self, term: str) -> int:
        found = self._term_ids.get(term)
        if found is None:
            found = self._term_ids[term] = len(self._df)
            self._df.append(0)
            self._weights.append(0)
            self._postings.append(None)
        return found

    def _update(self, removing: list[str], adding: list[tuple]) -> set[str]:
        before = {key: self.event_of(key) for key in removing}
        touched_terms: set[int] = set()
        affected: set[int] = set()
        df, postings = self._df, self._postings
        for key in sorted(removing):
            doc = self._ids.pop(key)
            when = self._when[doc]
            for term in self._terms[doc]:  # type: ignore[union-attr]
                touched_terms.add(term)
                df[term] -= 1
                if df[term]:
                    postings[term].discard(when, doc)  # type: ignore[union-attr]
                else:
                    postings[term] = None
            for other in self._links.pop(doc, {}):
                self._drop_link(other, doc)
                affected.add(other)
            self._keys[doc] = self._terms[doc] = self._event[doc] = None
            self._free.append(doc)
        entries: dict[int, list[int]] = {}  # term -> the added articles holding it
        dirty: set[int] = set()
        for position, (key, terms, titled, when, outlet) in enumerate(adding):
            adding[position] = None  # held by the index from here: a whole folder's entries are not held twice
            doc = self._new_id(key, when, outlet, titled)
            dirty.add(doc)
            self._terms[doc] = terms
            for term in terms:
                touched_terms.add(term)
                df[term] += 1
                held = postings[term]
                if held is None:
                    held = postings[term] = _Postings()
                if held.times is None and (not held.ids or held.ids[-1] < doc):
                    held.ids.append(doc)  # a new id after the rest (a whole folder's articles): in place
                else:
                    entries.setdefault(term, []).append(doc)
        for term, found in entries.items():
            postings[term].add_many(found, lambda doc, term=term: self._entry(doc, term))  # type: ignore[union-attr]
        del entries
        n_level = max(_MIN_N_LEVEL, _level(len(self._ids)))
        if n_level != self._n_level:
            self._n_level = n_level
            # the weight from which a term proposes candidates: a function of the weight alone, so a
            # term changes its part only when its weight moves (and its articles are recomputed)
            self._rare = max(1, min(RARE_LEVELS, n_level + 1 - RARE_DF_LEVEL))
            dirty = set(self._ids.values())  # every weight moved: recompute all
            self._weights = array("B", [self._weight_of(count) for count in df])
            touched_terms = set(range(len(df)))
        else:
            for term in touched_terms:
                if not df[term]:
                    continue
                weight = self._weight_of(df[term])
                if weight != self._weights[term]:  # only a weight that moved makes its articles dirty
                    self._weights[term] = weight
                    dirty.update(postings[term].ids)  # type: ignore[union-attr]
        for term in touched_terms:
            if df[term]:
                self._time_postings(term)
        del touched_terms
        self._measure(dirty)
        for doc in dirty:
            for other in self._links.pop(doc, {}):
                if other not in dirty:
                    self._drop_link(other, doc)
                affected.add(other)
        for doc in sorted(dirty):
            self._link(doc, dirty)
        affected |= dirty
        del dirty  # (a whole folder's ids in a full computation: not held through the clustering)
        keys = self._keys
        affected = {doc for doc in affected if keys[doc] is not None}
        arrived: list[int] = []  # new articles: their event changes from none (not kept in `before`,
        for component in self._components(affected):  # which would hold a whole folder's keys)
            for doc in component:
                if self._event[doc] is None and keys[doc] not in before:
                    arrived.append(doc)
                else:
                    before.setdefault(keys[doc], self._event[doc])  # type: ignore[arg-type]
            for doc, event in _cluster(component, self).items():
                self._event[doc] = event
        changed = {key for key, event in before.items() if self.event_of(key) != event}
        changed.update(keys[doc] for doc in arrived)  # type: ignore[misc]
        return changed

    def _measure(self, docs: Iterable[int]) -> None:
        """Each article's squared length, and that of its common terms, from the terms' weights."""
        weights, rare = self._weights, self._rare
        for doc in docs:
            norm2 = common2 = 0
            for term, weighted in self.vector(doc).items():
                part = weighted * weighted
                norm2 += part
                if weights[term] < rare:
                    common2 += part
            self._norm2[doc], self._common2[doc] = norm2, common2

    def _time_postings(self, term: int) -> None:
        """Give a rare term's postings their times (it proposes candidates), a common term's ids alone."""
        postings, rare = self._postings[term], self._weights[term] >= self._rare
        if rare == (postings.times is not None):  # type: ignore[union-attr]
            return
        if not rare:
            postings.timed(None)  # type: ignore[union-attr]
            return
        postings.timed(sorted(self._entry(doc, term) for doc in postings.ids))  # type: ignore[union-attr]

    def _entry(self, doc: int, term: int) -> tuple[int, int, int]:
        """(time, id, multiplier): the article as a rare term's postings hold it."""
        in_title = self._terms[doc].index(term) < self._titled[doc]  # type: ignore[union-attr]
        return self._when[doc], doc, TITLE_MULT if in_title else EXCERPT_MULT

    # ---------------------------------------------------------------- links

    def _drop_link(self, doc: int, other: int) -> None:
        links = self._links[doc]
        del links[other]
        if not links:
            del self._links[doc]

    def _weight_of(self, df: int) -> int:
        if df == 1:
            return UNIQUE_WEIGHT
        return max(0, self._n_level + 1 - _level(df))

    def vector(self, doc: int) -> dict[int, int]:
        """term id -> its weight in the article (the term's level times its multiplier)."""
        level, titled = self._weights, self._titled[doc]
        return {term: level[term] * (TITLE_MULT if position < titled else EXCERPT_MULT)
                for position, term in enumerate(self._terms[doc])}  # type: ignore[arg-type]

    def _link(self, doc: int, dirty: set[int]) -> None:
        """Link `doc` to every close article (each pair once: a dirty pair from its smaller id)."""
        published, norm2 = self._when[doc], self._norm2[doc]
        if published == _NEVER or not norm2:
            return
        level, rare_level = self._weights, self._rare
        weights = self.vector(doc)
        # Each candidate's exact dot product over the rare terms (from the postings), plus a bound
        # of the common rest by Cauchy-Schwarz: only candidates that could reach the threshold are computed.
        rare: dict[int, int] = {}
        since, until = published - WINDOW, published + WINDOW
        for term, weight in weights.items():
            if level[term] >= rare_level:  # the term's level, not its multiplier: a link is symmetric
                postings = self._postings[term]
                ids, mults, factor = postings.ids, postings.mults, weight * level[term]  # type: ignore[union-attr]
                for i in postings.span(since, until):  # type: ignore[union-attr]
                    other = ids[i]
                    rare[other] = rare.get(other, 0) + factor * mults[i]
        all_norm2, all_common2, times, outlets = self._norm2, self._common2, self._when, self._outlets
        all_terms, all_titled, links = self._terms, self._titled, self._links
        common2, outlet = self._common2[doc], outlets[doc]
        for other, rare_dot in rare.items():
            if other == doc or (other in dirty and other < doc):
                continue
            other_norm2 = all_norm2[other]
            if not other_norm2:
                continue
            norms = math.sqrt(norm2 * other_norm2)
            link = _link_threshold(published, times[other])
            if rare_dot + math.sqrt(common2 * all_common2[other]) < link * (1 - 1e-9) * norms:
                continue
            dot = shared = 0
            titled = all_titled[other]
            for i, term in enumerate(all_terms[other]):  # type: ignore[arg-type]
                w = weights.get(term)
                if w:
                    dot += w * level[term] * (TITLE_MULT if i < titled else EXCERPT_MULT)
                    shared += level[term] >= SHARED_LEVEL
            if shared < MIN_SHARED:
                continue
            sim = int(SCALE * dot / norms)
            if outlets[other] == outlet and outlet and sim < SAME_OUTLET_COPY * SCALE:
                continue  # one outlet rarely reports one event twice, unless it reposts a near copy
            if sim >= link * SCALE:
                links.setdefault(doc, {})[other] = sim
                links.setdefault(other, {})[doc] = sim

    def _components(self, seeds: set[int]) -> Iterator[list[int]]:
        """The link components of the seeds, one at a time (a whole folder's are never held)."""
        seen: set[int] = set()
        for seed in seeds:
            if seed in seen:
                continue
            seen.add(seed)
            stack, members = [seed], []
            while stack:
                doc = stack.pop()
                members.append(doc)
                for other in self._links.get(doc, ()):
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            yield members


def _cluster(members: list[int], index: EventIndex) -> dict[int, str]:
    """Nearest centroid with time decay over one component: id -> event id. Depends only on the component.

    Articles join in time order (ties by key) the cluster whose centroid (the sum of its members' unit
    vectors) is closest, among the clusters of the articles they link to, when that similarity, lowered
    by the time since the cluster's latest article, reaches MERGE; otherwise they start a cluster. A
    second pass moves each article to the closest such cluster, the centroids now knowing every member.
    """
    keys, when, links = index._keys, index._when, index._links
    if len(members) == 1:
        return {members[0]: keys[members[0]]}  # type: ignore[dict-item]
    order = sorted(members, key=lambda doc: (when[doc], keys[doc]))
    vectors: dict[int, tuple[tuple[int, ...], tuple[float, ...]]] = {}  # id -> its terms, their unit weights
    for doc in order:
        norm2 = index._norm2[doc]
        norm = math.sqrt(norm2) if norm2 else 1.0
        vector = index.vector(doc)
        vectors[doc] = tuple(vector), tuple(weight / norm for weight in vector.values())
    centroids: list[dict[int, float]] = []
    latest: list[int] = []
    cluster_of: dict[int, int] = {}

    norms2: list[float] = []  # squared length of each centroid, kept as members come and go

    def dot_of(key: int, c: int) -> float:
        terms, values = vectors[key]
        return sum(map(mul, values, map(centroids[c].get, terms, _ZEROS)))

    def score(key: int, c: int, leaving: bool) -> float:
        dot, norm2 = dot_of(key, c), norms2[c]
        if leaving:  # the article's own (unit) part taken out of its cluster's centroid
            norm2 += 1.0 - 2 * dot
            dot -= 1.0
        if norm2 <= 1e-12:
            return 0.0
        return dot / math.sqrt(norm2) * _decay(abs(when[key] - latest[c]))

    def move(key: int, c: int, sign: int) -> None:
        centroid = centroids[c]
        norms2[c] += 1.0 + sign * 2 * dot_of(key, c)  # |C ± v|² = |C|² ± 2 C·v + |v|², v a unit vector
        for term, value in zip(*vectors[key]):
            centroid[term] = centroid.get(term, 0.0) + sign * value

    size: list[int] = []

    def linked(key: int) -> dict[int, int]:
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
            latest.append(when[key])
            size.append(0)
        cluster_of[key] = best
        size[best] += 1
        latest[best] = max(latest[best], when[key])
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
                latest[best] = max(latest[best], when[key])
    _merge_clusters(order, cluster_of, links, centroids, norms2, latest, size)
    groups: dict[int, list[int]] = {}
    for key in order:
        groups.setdefault(cluster_of[key], []).append(key)
    result = {}
    for group in groups.values():
        first = keys[min(group, key=lambda doc: (when[doc] == _NEVER, when[doc], keys[doc]))]
        for key in group:
            result[key] = first
    return result  # type: ignore[return-value]


def _decay(gap_seconds: float) -> float:
    gap = gap_seconds / DAY
    return 1 - DECAY_SHARE + DECAY_SHARE * math.exp(-gap * gap / (2 * SIGMA_DAYS**2))


def _merge_clusters(order: list[int], cluster_of: dict[int, int], links: dict[int, dict[int, int]],
                    centroids: list[dict[int, float]], norms2: list[float], latest: list[int],
                    size: list[int]) -> None:
    """Join pairs of clusters whose centroids are close and between which links are many (centroid
    linkage): two seeds of one event that started apart. Best pair first; each cluster joins once."""
    between: dict[tuple[int, int], int] = {}
    members: dict[int, list[int]] = {}
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
