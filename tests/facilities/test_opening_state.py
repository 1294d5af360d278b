"""Open now and "closes at HH:MM" (issue 20, deliver 4): the state of a facility at a moment
and when it next changes, in the page's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from facilities.opening_hours import parse, state_at, state_text

TUESDAY_0230 = dt.datetime(2026, 12, 8, 2, 30)
TUESDAY_1000 = dt.datetime(2026, 12, 8, 10, 0)


@pytest.mark.parametrize(
    ("hours", "moment", "uk", "en"),
    [
        ("24/7", TUESDAY_0230, "цілодобово", "open around the clock"),
        ("Mo-Su 08:00-20:00", TUESDAY_0230, "зачинено · відчиняється о 08:00", "closed · opens at 08:00"),
        ("Mo-Su 08:00-20:00", TUESDAY_1000, "відчинено · зачиняється о 20:00", "open now · closes at 20:00"),
        ("Mo-Fr 08:00-12:00,13:00-17:00", TUESDAY_1000, "відчинено · зачиняється о 12:00", "open now · closes at 12:00"),
        ("Sa 09:00-14:00", TUESDAY_1000, "зачинено · відчиняється у суботу о 09:00", "closed · opens on Saturday at 09:00"),
        ("Mo-Su 20:00-08:00", TUESDAY_0230, "відчинено · зачиняється о 08:00", "open now · closes at 08:00"),
        ("Mo-Su 09:00-03:00", dt.datetime(2026, 12, 8, 23, 0), "відчинено · зачиняється о 03:00 завтра", "open now · closes at 03:00 tomorrow"),
        ("Mo-Fr 08:00-17:00", dt.datetime(2026, 12, 11, 18, 0), "зачинено · відчиняється у понеділок о 08:00", "closed · opens on Monday at 08:00"),
        ("Mo-Su 08:00-20:00", dt.datetime(2026, 12, 8, 21, 0), "зачинено · відчиняється завтра о 08:00", "closed · opens tomorrow at 08:00"),
        ("Mo off", dt.datetime(2026, 12, 7, 10, 0), "зачинено", "closed"),
    ],
)  # fmt: skip
def test_state_and_its_text_in_both_languages(hours, moment, uk, en):
    state = state_at(parse(hours), moment)
    with translation.override("uk"):
        assert state_text(state, moment) == uk
    with translation.override("en"):
        assert state_text(state, moment) == en


def test_spans_that_meet_at_midnight_are_one_opening():
    # A night pharmacy open Mo 22:00-24:00 and Tu 00:00-02:00 closes at 02:00, not at midnight.
    state = state_at(parse("Mo 22:00-24:00; Tu 00:00-02:00"), dt.datetime(2026, 12, 7, 23, 30))
    assert state.is_open and state.closes == dt.datetime(2026, 12, 8, 2, 0)


def test_seasonal_hours_count_only_in_their_months():
    summer = parse("May-Sep: Mo-Su 10:00-22:00")
    assert state_at(summer, dt.datetime(2026, 7, 1, 12, 0)).is_open
    winter = state_at(summer, dt.datetime(2026, 12, 8, 12, 0))
    assert not winter.is_open and winter.opens is None
