"""How records read on screen: dates, counts, labels. Plain text only."""

from __future__ import annotations

from datetime import datetime

from reader.data.dates import relative


def short_date(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "unknown"


def month_day(moment: datetime | None) -> str:
    """`Jun 10`: the day, where the year is said nearby (the coverage chart's label)."""
    return moment.astimezone().strftime("%b %d") if moment else "?"


def long_date(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "unknown"
    local = moment.astimezone()
    return f"{local.strftime('%Y-%m-%d %H:%M %Z')} ({relative(moment, now)})"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
