"""Working days for deadlines: Monday to Friday, minus the configured public holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings


def configured_holidays() -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in settings.MISTO_PUBLIC_HOLIDAYS if d)


def working_days_add(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date `days` working days after `start` (the day of filing does not count)."""
    off = frozenset(holidays)
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            left -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, holidays: Iterable[dt.date] = ()) -> int:
    """The working days after `start` up to and including `end` (0 when `end` <= `start`)."""
    off = frozenset(holidays)
    days, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            days += 1
    return days
