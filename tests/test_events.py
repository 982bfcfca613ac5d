"""Events: which articles report one development, computed at once or kept up to date."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import subprocess
import sys

import pytest

from reader.data.events import EventArticle, EventIndex, find_events

from conftest import PROJECT, SHARED_CORPUS

DAY = 86_400
T0 = 1_600_000_000

# Background articles so that common words ("microsoft", "azure", "cloud") are common, as in a real folder.
_FILLER_TOPICS = ["storage", "database", "kubernetes", "security", "networking", "analytics", "identity",
                  "devops", "backup", "monitoring", "serverless", "gaming", "quantum", "edge", "billing"]


def _filler(count: int = 120) -> list[EventArticle]:
    rng = random.Random(7)
    articles = []
    for i in range(count):
        topic = rng.choice(_FILLER_TOPICS)
        extra = f"w{i} w{i + 1000} w{i + 2000}"
        articles.append(EventArticle(
            f"filler.example/{i}", f"Microsoft Azure cloud {topic} update {extra}",
            f"Microsoft said its Azure cloud {topic} service gets a change for customers {extra}.",
            T0 + rng.randrange(0, 90 * DAY), f"outlet{i % 17}.example"))
    return articles


def _article(key: str, title: str, excerpt: str = "", day: float = 0, outlet: str = "") -> EventArticle:
    return EventArticle(key, title, excerpt, int(T0 + 30 * DAY + day * DAY), outlet or key.split("/")[0])


NUTANIX = [
    _article("businesswire.com/nutanix", "Nutanix Announces Partnership with Microsoft Azure for Hybrid Cloud",
             "Nutanix today announced a new partnership with Microsoft: Nutanix Clusters on Azure.", 0),
    _article("marketwatch.com/nutanix", "Nutanix Announces Partnership with Microsoft Azure for Hybrid Cloud",
             "Nutanix today announced a new partnership with Microsoft: Nutanix Clusters on Azure.", 0.1),
    _article("sify.com/nutanix", "Nutanix joins Microsoft Azure for hybrid cloud experience",
             "Microsoft and Nutanix will offer Nutanix Clusters on Azure to customers.", 0.6),
]


def _events(articles: list[EventArticle]) -> dict[str, str]:
    return find_events(_filler() + articles)


def test_syndicated_copies_and_write_ups_are_one_event():
    events = _events(NUTANIX)
    assert len({events[a.key] for a in NUTANIX}) == 1
    assert events[NUTANIX[0].key] == NUTANIX[0].key  # the id is the earliest article's key


def test_an_article_alone_is_an_event_of_its_own():
    lone = _article("lone.example/x", "Contoso acquires Fabrikam for quantum sensors", "A deal.", 3)
    assert _events([lone])[lone.key] == lone.key


def test_same_company_different_news_are_apart():
    funding = _article("techcrunch.com/nutanix-earnings", "Nutanix quarterly earnings beat estimates, shares jump",
                       "Nutanix reported revenue for the fiscal quarter above analyst expectations.", 1)
    events = _events(NUTANIX + [funding])
    assert events[funding.key] != events[NUTANIX[0].key]


def test_one_outlet_twice_is_rarely_one_event():
    first = ("Azure Purview data governance service arrives in preview",
             "Microsoft launches Azure Purview, a data governance and catalog service.")
    second = ("Azure Purview data catalog governance costs weighed by customers",
              "Customers of the Azure Purview data catalog count what governance costs them.")
    apart = _events([_article("zdnet.com/a", *first, day=0), _article("zdnet.com/b", *second, day=1)])
    assert apart["zdnet.com/a"] != apart["zdnet.com/b"]
    # the same two texts from two outlets are one event
    together = _events([_article("zdnet.com/a", *first, day=0), _article("infoq.com/b", *second, day=1)])
    assert together["zdnet.com/a"] == together["infoq.com/b"]


def test_one_outlet_reposting_a_near_copy_is_one_event():
    text = ("Azure Purview data governance service arrives in preview",
            "Microsoft launches Azure Purview, a data governance and catalog service.")
    events = _events([_article("zdnet.com/a", *text, day=0), _article("zdnet.com/a-amp", *text, day=0.2,
                                                                      outlet="zdnet.com")])
    assert events["zdnet.com/a"] == events["zdnet.com/a-amp"]


def test_far_in_time_is_apart():
    early = _article("a.example/outage", "Azure outage hits Teams and Xbox Live across Europe",
                     "An Azure outage took down Teams and Xbox Live for hours.", 0)
    late = _article("b.example/outage", "Azure outage hits Teams and Xbox Live across Europe",
                    "An Azure outage took down Teams and Xbox Live for hours.", 60)
    near = _article("c.example/outage", "Azure outage hits Teams and Xbox Live across Europe",
                    "An Azure outage took down Teams and Xbox Live for hours.", 1)
    events = _events([early, late, near])
    assert events[early.key] == events[near.key]
    assert events[late.key] != events[early.key]


def test_no_chaining_along_a_line_of_overlapping_articles():
    # each article shares its words with its neighbours only: A~B~C~D, A and D nothing distinctive
    a = _article("a.example/1", "Cosmos DB ChaosDB flaw exposes primary keys",
                 "Wiz researchers found the ChaosDB flaw exposing Cosmos DB primary keys.", 0)
    b = _article("b.example/1", "ChaosDB flaw exposes primary keys of Jupyter notebooks",
                 "The ChaosDB flaw exposed primary keys through Jupyter notebooks feature.", 1)
    c = _article("c.example/1", "Jupyter notebooks feature adds Synapse pipeline support",
                 "Jupyter notebooks feature gains Synapse pipeline runs for data integration.", 2)
    d = _article("d.example/1", "Synapse pipeline pricing changes for data integration",
                 "Synapse pipeline pricing changes in October for data integration runs.", 3)
    events = _events([a, b, c, d])
    assert events[a.key] != events[d.key]
    assert events[a.key] == events[b.key]  # the close pair still is one event


# One acquisition told ten ways: every write-up names Metaswitch, few share much else, so many pairs
# are not linked; a cluster judged by its centroid keeps them one event where a mean over all pairs
# (a missing link counting as 0) split them.
METASWITCH = [
    _article(f"{outlet}.example/metaswitch", title, excerpt, day)
    for outlet, title, excerpt, day in [
        ("wire", "Microsoft to acquire Metaswitch Networks", "Microsoft agreed to acquire Metaswitch Networks.", 0),
        ("crn", "Microsoft buys Metaswitch to bolster 5G push",
         "The Metaswitch deal brings 5G core software to Azure for operators.", 0.1),
        ("zdnet", "Metaswitch deal expands Azure for telecom operators",
         "Metaswitch makes cloud native voice and 5G core software for carriers.", 0.2),
        ("verge", "Microsoft gets serious about telecom with Metaswitch purchase",
         "After Affirmed Networks, Metaswitch is its second telecom purchase.", 0.3),
        ("reuters", "Microsoft snaps up Metaswitch in telecom bet",
         "The purchase of Metaswitch follows the Affirmed Networks acquisition.", 0.4),
        ("fierce", "Metaswitch acquisition gives Azure a voice core for carriers",
         "Operators moving 5G workloads to Azure gain the Metaswitch voice core.", 0.6),
        ("telecoms", "Microsoft Metaswitch buy sets the table for a 5G play",
         "Analysts say Metaswitch lets Azure court wireless carriers.", 0.9),
        ("geekwire", "Microsoft acquires Metaswitch Networks to accelerate cloud 5G",
         "Metaswitch Networks joins Azure Networking after the acquisition.", 1.0),
    ]
]


def test_a_large_event_in_varied_wording_stays_one():
    events = _events(METASWITCH)
    assert len({events[a.key] for a in METASWITCH}) == 1


def test_a_small_folder_finds_its_events():
    # a folder of some 40 articles: an event's own name is in 3 of them, yet must still propose candidates
    other = _article("e.example/1", "Contoso opens a datacenter in Lisbon", "Contoso opens a new region.", 0.2)
    events = find_events([*_filler(40), *NUTANIX, other])
    assert len({events[a.key] for a in NUTANIX}) == 1
    assert events[other.key] != events[NUTANIX[0].key]


def test_same_set_any_order_same_events():
    articles = _filler() + NUTANIX
    expected = find_events(articles)
    rng = random.Random(1)
    for _ in range(5):
        rng.shuffle(articles)
        assert find_events(articles) == expected


def test_one_key_given_twice_gives_the_same_events_in_any_order():
    variant = NUTANIX[2]._replace(title="Contoso buys Fabrikam", excerpt="A deal about something else.")
    articles = _filler() + NUTANIX + [variant]
    expected = find_events(articles)
    assert find_events(list(reversed(articles))) == expected


def test_add_returns_the_keys_whose_event_changed():
    index = EventIndex()
    index.add(_filler())
    assert index.add(NUTANIX[:1]) == {NUTANIX[0].key}
    assert index.add(NUTANIX[:1]) == set()  # given again unchanged
    changed = index.add(NUTANIX[1:2])
    assert NUTANIX[1].key in changed
    assert index.event_of(NUTANIX[1].key) == index.event_of(NUTANIX[0].key)
    assert index.remove([NUTANIX[1].key]) == {NUTANIX[1].key}
    assert index.event_of(NUTANIX[1].key) is None


def _check_incremental(pool: list[EventArticle], seed: int, steps: int) -> None:
    rng = random.Random(seed)
    index = EventIndex()
    present: dict[str, EventArticle] = {}
    for _ in range(steps):
        if present and rng.random() < 0.35:
            gone = rng.sample(sorted(present), rng.randint(1, min(30, len(present))))
            before = index.events()
            changed = index.remove(gone)
            for key in gone:
                del present[key]
        else:
            batch = rng.sample(pool, rng.randint(1, 40))
            before = index.events()
            changed = index.add(batch)
            present.update((a.key, a) for a in batch)
        after = index.events()
        assert after == find_events(present.values())
        assert changed == {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_incremental_equals_full_on_synthetic_articles():
    pool = _filler(200) + NUTANIX + METASWITCH
    _check_incremental(pool, seed=3, steps=40)


# --------------------------------------------------------------------------- the real folder


def _bench():
    spec = importlib.util.spec_from_file_location("bench_events_score", PROJECT / "bench" / "events_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def real_articles():
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the real sample is not here: {SHARED_CORPUS} (it lives in ../shared, beside the project)")
    bench = _bench()
    stories = bench.read_folder(SHARED_CORPUS)
    return bench, stories, bench.distinct(stories)


@pytest.mark.needs_shared
def test_incremental_equals_full_on_real_articles(real_articles):
    _, _, articles = real_articles
    _check_incremental(articles, seed=11, steps=25)


@pytest.mark.needs_shared
def test_real_folder_meets_the_quality_floor(real_articles, tmp_path):
    bench, stories, articles = real_articles
    assert len(articles) == 2897
    export = tmp_path / "export.json"
    export.write_text(json.dumps(bench.export(stories, find_events(articles))))
    score = SHARED_CORPUS.parent.parent / "events" / "score.py"
    out = subprocess.run([sys.executable, str(score), str(export), str(score.parent / "labels")],
                         capture_output=True, text=True, check=True).stdout
    found = re.search(r"events F1 ([\d.]+) same P ([\d.]+) R ([\d.]+)", out)
    f1, precision, recall = map(float, found.groups())
    # the brief's targets; measured 0.90 / 1.00 / 0.87
    assert f1 >= 0.85 and precision >= 0.90 and recall >= 0.80, out


def test_a_small_folder_about_one_event_keeps_it_whole():
    # The seeds: two stories whose 31 articles all report Amazon's one-year pause of police use
    # of its face recognition (and the follow-ups within days). In so small a folder every one of
    # them shares the event's words; weighing them as common would break the event apart.
    from reader.data.coverage import outlet_key, url_key
    from reader.data.parse import read_story

    articles = {}
    for path in sorted((PROJECT / "seeds").iterdir()):
        story = read_story(str(path), path.name)
        for article in (story.article, *story.related):
            key = url_key(article.web_url)
            articles[key] = EventArticle(key, article.title, article.excerpt,
                                         int(article.published.timestamp()), outlet_key(article.provider))
    assert len(articles) == 31
    assert len(set(find_events(articles.values()).values())) == 1
