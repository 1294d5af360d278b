"""The opening-hours parser: what staff type becomes weekly periods; "open now"."""

import datetime as dt

import pytest
from django.utils import translation

from facilities.opening_hours import OpeningHoursError, Period, is_open, parse


def test_weekdays_and_weekend_rules():
    periods = parse("Mo-Fr 08:00-17:00; Sa 09:00-14:00")
    assert Period(0, 480, 1020) in periods and Period(4, 480, 1020) in periods
    assert Period(5, 540, 840) in periods
    assert not [p for p in periods if p.weekday == 6]


def test_24_7_and_empty():
    assert len(parse("24/7")) == 7 and all(p.opens == 0 and p.closes == 1440 for p in parse("24/7"))
    assert parse("") == [] and parse("   ") == []


def test_lists_split_spans_and_a_later_rule_overrides():
    periods = parse("Mo,We,Fr 08:00-12:00,13:00-17:00; We off")
    assert [p for p in periods if p.weekday == 2] == []
    assert [(p.opens, p.closes) for p in periods if p.weekday == 0] == [(480, 720), (780, 1020)]


def test_span_past_midnight_continues_next_day():
    periods = parse("Fr 22:00-02:00")
    assert Period(4, 1320, 1440) in periods and Period(5, 0, 120) in periods


def test_week_ranges_wrap_around_sunday():
    assert {p.weekday for p in parse("Sa-Mo 10:00-12:00")} == {5, 6, 0}


def test_months_restrict_a_season():
    periods = parse("May-Sep: Mo-Su 08:00-20:00")
    assert all(p.months == (5, 6, 7, 8, 9) for p in periods)
    assert is_open(periods, dt.datetime(2026, 7, 15, 12, 0))
    assert not is_open(periods, dt.datetime(2026, 11, 25, 12, 0))


@pytest.mark.parametrize(
    "text, moment, expected",
    [
        ("Mo-Fr 08:00-17:00", dt.datetime(2026, 11, 25, 8, 0), True),  # Wednesday, opening minute
        ("Mo-Fr 08:00-17:00", dt.datetime(2026, 11, 25, 17, 0), False),  # closing minute
        ("Mo-Fr 08:00-17:00", dt.datetime(2026, 11, 28, 12, 0), False),  # Saturday
        ("Fr 22:00-02:00", dt.datetime(2026, 11, 28, 1, 30), True),  # Saturday night
    ],
)
def test_is_open(text, moment, expected):
    assert is_open(parse(text), moment) is expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("Mo-Fx 08:00-17:00", "Fx"),
        ("Mo-Fr 8-17", "8-17"),
        ("Mo-Fr 25:00-26:00", "25:00-26:00"),
        ("Mo-Fr", "Times are missing"),
        ("Mo 10:00-10:00", "same time"),
        ("Jux: Mo 10:00-12:00", "Jux"),
    ],
)
def test_bad_text_is_refused_with_a_reason(text, fragment):
    with translation.override("en"), pytest.raises(OpeningHoursError) as refused:
        parse(text)
    assert fragment in str(refused.value)
