"""Turn whatever a story file says for a date into a timezone-aware datetime."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

_EPOCH_LIMIT = 1e11  # seconds; a larger number is no plausible Unix time


def to_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime, or None when the value is no date.

    Naive values are taken as UTC, as YAML does for timestamps without a zone.
    """
    moment = _to_datetime(value)
    if moment is None:
        return None
    try:  # 9999-12-31T23:00-05:00 is past datetime.max in UTC; `+99:00` is no offset
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return moment


def _to_datetime(value: object) -> datetime | None:
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
    import warnings

    from dateutil import parser

    try:
        # dateutil warns (on stderr, under the UI) about zone names it does not
        # know, then ignores them: name the usual ones, and keep quiet.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parser.parse(text, default=datetime(2000, 1, 1), tzinfos=_ZONE_NAMES)
    except Exception:  # noqa: BLE001 - any odd text is just "no date"
        return None


_ZONE_NAMES = {
    name: hours * 3600
    for name, hours in (
        ("UT", 0), ("UTC", 0), ("GMT", 0), ("Z", 0), ("EST", -5), ("EDT", -4), ("CST", -6),
        ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7), ("BST", 1),
        ("CET", 1), ("CEST", 2),
    )
}


def to_utc_text(moment: datetime | None) -> str | None:
    """`2020-06-10T23:46:00Z`, the form exports use: always a four-digit year
    (strftime's %Y gives `99` for the year 99 on glibc)."""
    if moment is None:
        return None
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04}-{utc.month:02}-{utc.day:02}T{utc.hour:02}:{utc.minute:02}:{utc.second:02}Z"


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
