#!/usr/bin/env python3
"""Write a synthetic corpus of story files, shaped like the real sample.

    python bench/generate.py                       # 5,000 stories in bench/corpora/stories-5000
    python bench/generate.py OUT_DIR --count 100000 --seed 1

Shapes copied from the real sample (../shared/corpus/azure, 600 files):
related lists of 0 to 180 items (median ~11, mean ~25, ~15% empty), ~850
bytes per related item, so ~21 KB per story on average; a few odd dates
(date-only, +05:30 offsets, written-out dates, unparseable or missing);
unicode everywhere (curly quotes, accents, CJK, emoji, non-breaking spaces);
.md and .txt names; a few subfolders; a few files that are not stories.

Every story file is a valid story: `reader check OUT_DIR` reports exactly
--count stories and no problems, plus the non-story files as "other files".
A hidden `.bench-manifest.json` (skipped by the reader, as all hidden files
are) records what was written.

Fast: related items are rendered once into a pool of YAML fragments and
stories are joined from it with string templates (no yaml.dump); 100,000
stories (~2 GB) take a minute or two, mostly the file system.
Deterministic: the same --seed and --count give byte-identical files.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import sys
import time
from bisect import bisect_right

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.join(HERE, "corpora")
MANIFEST = ".bench-manifest.json"

# Inverse CDF of the related-list length, read off the real sample's quantiles
# (p50 = 11, p80 = 41, p90 = 62, p99 = 137) and stretched to a maximum of 180.
_RELATED_QUANTILES = [
    (0.00, 0), (0.15, 0), (0.20, 1), (0.30, 2), (0.40, 4), (0.50, 11), (0.60, 19),
    (0.70, 29), (0.80, 41), (0.90, 62), (0.95, 110), (0.99, 140), (1.00, 180),
]
_Q_X = [q for q, _ in _RELATED_QUANTILES]

WORDS = (
    "Microsoft Azure cloud AI data platform security update preview generally available "
    "customers developers enterprise Kubernetes containers serverless database analytics "
    "migration hybrid edge IoT network storage compute pricing region outage partnership "
    "announces launches expands new faster cheaper open source model training inference "
    "quantum blockchain identity compliance privacy standard certification virtual event "
    "retail healthcare banking government defense contract billion deal growth quarter "
    "earnings revenue market share rivals Amazon Google Oracle IBM startup acquisition "
    "the a of for with in on to and as how why what after before against across"
).split()
# Words with accents, CJK, emoji, curly quotes and non-breaking spaces, mixed in.
ODD_WORDS = [
    "café", "Zürich", "São Paulo", "Ångström", "naïve", "résumé", "Đà Nẵng", "Kraków",
    "東京", "北京の", "クラウド", "데이터", "中文新闻", "人工智能",
    "🚀", "☁️", "👍🏽", "🔒", "📈", "🇪🇺",
    "“quoted”", "‘single’", "it’s", "—", "…", "10\u00a0GB", "Azure\u00a0Arc", "€5\u00a0bn",
]
PROVIDERS = [
    ("Microsoft", "microsoft.com"), ("ZDNet", "zdnet.com"), ("PR Newswire", "prnewswire.com"),
    ("Business Insider", "businessinsider.com"), ("Business Wire", "businesswire.com"),
    ("MSPoweruser", "mspoweruser.com"), ("Associated Press", "apnews.com"),
    ("MarketWatch", "marketwatch.com"), ("CRN", "crn.com"), ("Nasdaq", "nasdaq.com"),
    ("The Verge", "theverge.com"), ("TechRadar", "techradar.com"), ("GeekWire", "geekwire.com"),
    ("Thurrott", "thurrott.com"), ("TechSpot", "techspot.com"), ("Le Monde Informatique", "lemondeinformatique.fr"),
    ("Heise Online", "heise.de"), ("日経クロステック", "xtech.nikkei.com"), ("Ámbito", "ambito.com"),
    ("Tech “Daily”", "techdaily.example"), ("Neowin", "neowin.net"), ("Reuters", "reuters.com"),
]
TOPICS = ["Azure", "AI", "Databases", "Security", "Migration", "IoT", "Storage", "Analytics",
          "Compute", "DevOps", "Containers", "Integration", "Web", "Developer tools",
          "Serverless", "Networking", "Blockchain", "Identité", "クラウド"]
ODD_NAMES = ["café-zürich", "東京-クラウド", "naïve-résumé", "nbsp\u00a0name", "emoji-🚀"]
SUBFOLDERS = ["archive/2019", "archive/2020", "world", "tech/cloud", "tech/cloud/deep"]


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        rng = self.rng
        count = rng.randint(low, high)
        picked = rng.choices(WORDS, k=count)
        if rng.random() < 0.25:
            picked[rng.randrange(count)] = rng.choice(ODD_WORDS)
        return " ".join(picked)

    def title(self) -> str:
        text = self.words(5, 13)
        return text[:1].upper() + text[1:]

    def excerpt(self) -> str:
        text = self.words(25, 45)
        return text[:1].upper() + text[1:] + (" ..." if self.rng.random() < 0.5 else ".")

    def slug(self, title: str) -> str:
        out = []
        for ch in title.lower():
            if ch.isalnum() and ch.isascii():
                out.append(ch)
            elif out and out[-1] != "-":
                out.append("-")
        return "".join(out).strip("-")[:70] or "story"

    def moment(self) -> str:
        rng = self.rng
        return (f"{rng.randint(2018, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00")

    def date_line(self, indent: str) -> str:
        """A publishedDateTime line, mostly ISO UTC, sometimes odd, rarely absent."""
        rng = self.rng
        roll = rng.random()
        base = self.moment()
        if roll < 0.90:
            value = base + "Z"
        elif roll < 0.93:
            value = base[:10]  # date only
        elif roll < 0.96:
            value = base + rng.choice(["+05:30", "-08:00", "+09:00", "+00:00", "-03:30"])
        elif roll < 0.97:
            value = base + ".123456Z"
        elif roll < 0.98:
            value = q(rng.choice(["17 June 2020", "June 17, 2020 3:49 PM", "Wed, 17 Jun 2020 15:49:00 GMT",
                                  "2020/06/17"]))
        elif roll < 0.99:
            value = q(rng.choice(["sometime last week", "not a date", "2020-13-45", "", "TBD 🤷"]))
        else:
            return ""  # missing
        return f"{indent}publishedDateTime: {value}\n"

    def url(self, domain: str, slug: str) -> str:
        return f"https://www.{domain}/{self.rng.randint(2018, 2021)}/{self.rng.randint(1, 99999)}/{slug}"

    def provider_lines(self, indent: str) -> tuple[str, str, str]:
        name, domain = self.rng.choice(PROVIDERS)
        shown = q(name) if any(c in name for c in "“”:#") else name
        return f"{indent}provider:\n{indent}  name: {shown}\n{indent}  domain: {domain}\n", name, domain

    def images(self, indent: str, title: str | None) -> str:
        rng = self.rng
        lines = [f"{indent}images:\n"]
        for _ in range(1 if rng.random() < 0.8 else 2):
            lines.append(
                f'{indent}  - url: "https://cdn.example.com/img/{rng.getrandbits(48):012x}.jpg"\n'
                f"{indent}    width: {rng.choice([300, 640, 800, 1024, 1280, 1400, 2686])}\n"
                f"{indent}    height: {rng.choice([353, 413, 560, 576, 720, 933, 1789])}\n"
                f"{indent}    isCached: true\n"
            )
            if title is not None:
                lines.append(f"{indent}    title: {q(title)}\n")
        return "".join(lines)

    def related_item(self) -> str:
        rng = self.rng
        title = self.title()
        slug = self.slug(title)
        provider, _, domain = self.provider_lines("    ")
        web = self.url(domain, slug)
        parts = [f"  - title: {q(title)}\n", f"    excerpt: {q(self.excerpt())}\n", self.date_line("    "),
                 f"    webUrl: {q(web)}\n"]
        if rng.random() < 0.7:
            amp = web.replace(f"www.{domain}/", f"www.{domain}/amp/")
            parts.append(f"    ampWebUrl: {q(amp)}\n")
            parts.append(f"    cdnAmpWebUrl: {q('https://www-' + domain.replace('.', '-') + '.cdn.ampproject.org/c/s/' + amp[8:])}\n")
        parts.append("    type: article\n")
        parts.append(provider)
        parts.append(f"    quality: {rng.randint(1, 100)}\n")
        if rng.random() < 0.8:
            parts.append(self.images("    ", None))
        return "".join(parts)

    def related_count(self) -> int:
        u = self.rng.random()
        i = bisect_right(_Q_X, u) - 1
        if i >= len(_RELATED_QUANTILES) - 1:
            return _RELATED_QUANTILES[-1][1]
        (x0, y0), (x1, y1) = _RELATED_QUANTILES[i], _RELATED_QUANTILES[i + 1]
        return int(round(y0 + (y1 - y0) * (u - x0) / (x1 - x0)))

    def story(self, pool: list[str], with_body: bool) -> tuple[str, str]:
        """(file text, title)."""
        rng = self.rng
        title = self.title()
        slug = self.slug(title)
        provider, _, domain = self.provider_lines("")
        web = self.url(domain, slug)
        out = ["---\n", "category: news\n", f"title: {q(title)}\n", f"excerpt: {q(self.excerpt())}\n",
               self.date_line("")]
        if rng.random() < 0.66:
            out.append(f"originalUrl: {q(web + '?utm_source=feed')}\n")
        out.append(f"webUrl: {q(web)}\n")
        if rng.random() < 0.22:
            amp = web.replace(f"www.{domain}/", f"www.{domain}/amp/")
            out.append(f"ampWebUrl: {q(amp)}\n")
            out.append(f"cdnAmpWebUrl: {q('https://www-' + domain.replace('.', '-') + '.cdn.ampproject.org/c/s/' + amp[8:])}\n")
        out.append("type: article\n")
        out.append(f"quality: {rng.randint(1, 100)}\n")
        out.append(f"heat: {-1 if rng.random() < 0.75 else rng.randint(1, 100)}\n")
        out.append(f"published: {'true' if rng.random() < 0.14 else 'false'}\n\n")
        out.append(provider + "\n")
        out.append("topics:\n  - Azure\n")
        for topic in rng.sample(TOPICS[1:], rng.randint(0, 2)):
            out.append(f"  - {topic}\n")
        out.append("\n")
        if rng.random() < 0.53:
            out.append(self.images("", title) + "\n")
        count = self.related_count()
        if count:
            out.append("related:\n")
            start = rng.randrange(len(pool))
            step = rng.randrange(1, 97)
            size = len(pool)
            out.extend(pool[(start + i * step) % size] for i in range(count))
            out.append("\n")
        else:
            roll = rng.random()
            if roll < 0.1:
                out.append("related: []\n\n")
            elif roll < 0.15:
                out.append("related:\n\n")  # null
            # else: no related key at all, as in most of the real sample
        secured = base64.b64encode(rng.randbytes(rng.choice([256, 272, 384, 400]))).decode()
        iv = base64.b64encode(rng.randbytes(16)).decode()
        out.append(f'secured: "{secured};{iv}"\n---\n')
        if with_body:
            out.append(f"\n# {title}\n\nNotes on this story\u00a0— {self.excerpt()}\n")
        return "".join(out), title


NOT_STORIES = [
    ("README.json", b'{"what": "not a story", "stories": "elsewhere"}\n'),
    ("cover.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    ("index.html", b"<!doctype html><title>not a story</title>\n"),
    ("feed.xml", b"<?xml version='1.0'?><rss></rss>\n"),
    ("export.csv", "title,date\n“Quoted”,2020-06-17\n".encode()),
]


def generate(out_dir: str, count: int, seed: int = 1, *, quiet: bool = False) -> dict:
    started = time.monotonic()
    maker = Maker(seed)
    pool = [maker.related_item() for _ in range(min(20_000, max(200, count * 4)))]
    os.makedirs(out_dir, exist_ok=True)
    for sub in SUBFOLDERS:
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    rng = maker.rng
    total_bytes = 0
    related_total = 0
    names: set[str] = set()
    for number in range(count):
        text, title = maker.story(pool, with_body=rng.random() < 0.02)
        related_total += text.count("\n  - title: ")
        roll = rng.random()
        if roll < 0.15:
            name = f"{number:06d}_{rng.getrandbits(64):016x}.txt"
        elif roll < 0.152:
            name = f"{number:06d}-{rng.choice(ODD_NAMES)}.md"
        else:
            name = f"{rng.randint(2018, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}-{maker.slug(title)[:60]}.md"
            if name in names:
                name = name[:-3] + f"-{number}.md"
        names.add(name)
        folder = rng.choice(SUBFOLDERS) if rng.random() < 0.08 else ""
        data = text.encode("utf-8")
        total_bytes += len(data)
        with open(os.path.join(out_dir, folder, name), "wb") as handle:
            handle.write(data)
        if not quiet and number and number % 10_000 == 0:
            print(f"  {number:,} stories written ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    # A few files that are not stories: at the top and in a subfolder.
    others = 0
    for folder in ("", "archive/2019"):
        for name, data in NOT_STORIES:
            with open(os.path.join(out_dir, folder, name), "wb") as handle:
                handle.write(data)
            others += 1
    manifest = {
        "seed": seed, "stories": count, "other_files": others, "story_bytes": total_bytes,
        "related_items": related_total, "mean_related": round(related_total / count, 2) if count else 0,
        "seconds": round(time.monotonic() - started, 1),
    }
    with open(os.path.join(out_dir, MANIFEST), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of story files.")
    parser.add_argument("out_dir", nargs="?", help="where to write (default bench/corpora/stories-COUNT)")
    parser.add_argument("--count", type=int, default=5000, help="number of stories (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="empty OUT_DIR first if it holds files")
    args = parser.parse_args(argv)
    out_dir = args.out_dir or os.path.join(DEFAULT_ROOT, f"stories-{args.count}")
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        if not args.force:
            print(f"generate: {out_dir} is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(out_dir)
    manifest = generate(out_dir, args.count, args.seed)
    print(f"{out_dir}: {manifest['stories']:,} stories, {manifest['other_files']} other files, "
          f"{manifest['story_bytes'] / 1e6:,.1f} MB, mean {manifest['mean_related']} related, "
          f"{manifest['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
