"""Turn whatever a story file says for a date into a timezone-aware datetime."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

_EPOCH_LIMIT = 1e11  # seconds; a larger number is no plausible Unix time


def to_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime, or None when the value is no date.

    Naive values are taken as UTC, as YAML does for timestamps without a zone.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(), timezone.utc)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if 0 <= value < _EPOCH_LIMIT:
            return datetime.fromtimestamp(value, timezone.utc)
        return None
    if isinstance(value, str):
        return _parse_text(value.strip())
    return None


def _parse_text(text: str) -> datetime | None:
    if not text or len(text) > 100:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        parsed = _parse_written(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _parse_written(text: str) -> datetime | None:
    # dateutil costs ~20 ms to import: only pay for it on the rare odd date.
    from dateutil import parser

    try:
        return parser.parse(text, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None


def to_utc_text(moment: datetime | None) -> str | None:
    """`2020-06-10T23:46:00Z`, the form exports use."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def from_epoch(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)


def relative(moment: datetime, now: datetime) -> str:
    """"3 days ago", "in 2 hours": the age of a moment, in words."""
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for size, unit in ((31_557_600, "year"), (2_629_800, "month"), (604_800, "week"),
                       (86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"
