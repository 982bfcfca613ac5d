"""to_datetime and friends: every date form, always tz-aware, never raising."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from reader.data.dates import from_epoch, relative, to_datetime, to_epoch, to_utc_text

UTC = timezone.utc


@pytest.mark.parametrize(
    "value, utc_text",
    [
        (datetime(2020, 6, 10, 23, 46, tzinfo=UTC), "2020-06-10T23:46:00Z"),
        (datetime(2020, 6, 10, 23, 46), "2020-06-10T23:46:00Z"),  # naive: UTC
        (date(2020, 6, 10), "2020-06-10T00:00:00Z"),
        ("2020-06-10T23:46:00Z", "2020-06-10T23:46:00Z"),
        ("2020-06-10t23:46:00z", "2020-06-10T23:46:00Z"),
        ("2020-06-11T01:46:00+02:00", "2020-06-10T23:46:00Z"),
        ("2020-06-10T18:46:00-05:00", "2020-06-10T23:46:00Z"),
        ("2020-06-11T05:16:00+0530", "2020-06-10T23:46:00Z"),
        ("2020-06-10", "2020-06-10T00:00:00Z"),
        ("  2020-06-10 23:46  ", "2020-06-10T23:46:00Z"),
        ("June 10, 2020 11:46 PM", "2020-06-10T23:46:00Z"),
        ("Wed, 10 Jun 2020 23:46:00 GMT", "2020-06-10T23:46:00Z"),
        ("10 June 2020 16:46 PDT", "2020-06-10T23:46:00Z"),
        ("Wed, 10 Jun 2020 19:46:00 -0400", "2020-06-10T23:46:00Z"),
        (1591833960, "2020-06-11T00:06:00Z"),  # a Unix time in seconds
        (1591833960.0, "2020-06-11T00:06:00Z"),
    ],
)
def test_dates_read(value, utc_text):
    moment = to_datetime(value)
    assert moment is not None and moment.tzinfo is not None
    assert to_utc_text(moment) == utc_text


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "not a date", "yesterday-ish", True, False, -1, 10**15, float("nan"), float("inf"),
     [2020], {"y": 2020}, "x" * 500, "12345678901234567890", "2020-13-45", "2020-02-30",
     "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00", "2020-01-01T00:00:00+99:00",
     datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))],
)
def test_non_dates_are_none(value):
    assert to_datetime(value) is None


def test_no_warning_printed_for_unknown_zone(recwarn):
    to_datetime("10 June 2020 16:46 XYZT")
    assert not recwarn.list


def test_offset_is_kept():
    moment = to_datetime("2020-06-11T01:46:00+02:00")
    assert moment.utcoffset() == timedelta(hours=2)


def test_epoch_round_trip_and_extremes():
    for text in ("2020-06-10T23:46:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-07-20T20:17:00Z"):
        moment = to_datetime(text)
        assert from_epoch(to_epoch(moment)) == moment
    assert to_utc_text(None) is None and to_epoch(None) is None and from_epoch(None) is None


def test_relative():
    now = datetime(2020, 6, 10, tzinfo=UTC)
    assert relative(now, now) == "just now"
    assert relative(now - timedelta(days=3), now) == "3 days ago"
    assert relative(now + timedelta(hours=2), now) == "in 2 hours"
    assert relative(now - timedelta(minutes=1), now) == "1 minute ago"


@pytest.mark.parametrize("text, utc_text", [
    ("0099-06-10T00:00:00Z", "0099-06-10T00:00:00Z"),
    ("0999-12-31T23:59:59Z", "0999-12-31T23:59:59Z"),
    ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
    ("0100-01-01T01:00:00+02:00", "0099-12-31T23:00:00Z"),
])
def test_utc_text_always_has_a_four_digit_year(text, utc_text):
    assert to_utc_text(to_datetime(text)) == utc_text
