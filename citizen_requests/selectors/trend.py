"""The public monthly trend of answering (issue 20, Deliver 8): for each of the last months and
each service, how long answers took (the median, submitted → answered) and what share of the
answered requests kept their deadline.

Months are months of registration, in the city's time zone: a request counts in the month it
was registered, so a month's figures settle as its requests get answered. Public requests only
(confidential ones are counted by district alone, see dashboard.py). One grouped query over the
request_dashboard index (submitted_at, including service, visibility, deadline, answered_at):
GROUPING SETS give every service's months and the whole city's months in one pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from citizen_requests.models import Service

MONTHS = 12

TREND_SQL = """
select r.service_id, grouping(r.service_id) = 1 as everyone,
       date_trunc('month', r.submitted_at at time zone %(tz)s)::date as month,
       count(*) as registered,
       count(r.answered_at) as answered,
       percentile_cont(0.5) within group (order by extract(epoch from r.answered_at - r.submitted_at))
           filter (where r.answered_at is not null) as median_seconds,
       count(*) filter (where r.answered_at is not null and r.deadline is not null) as with_deadline,
       count(*) filter (where (r.answered_at at time zone %(tz)s)::date <= r.deadline) as on_time
from citizen_requests_request r
where r.submitted_at >= %(start)s and r.submitted_at < %(end)s
  and r.visibility = 'public' and r.status <> 'unconfirmed'
group by grouping sets ((r.service_id, date_trunc('month', r.submitted_at at time zone %(tz)s)),
                        (date_trunc('month', r.submitted_at at time zone %(tz)s)))
"""


@dataclass(frozen=True)
class MonthFigure:
    month: dt.date  # the first day of the month
    registered: int = 0
    answered: int = 0
    median_hours: float | None = None
    with_deadline: int = 0
    on_time: int = 0

    @property
    def median_days(self) -> float | None:
        return self.median_hours / 24 if self.median_hours is not None else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


@dataclass
class Trend:
    months: list[dt.date]
    # service id (None: the whole city) -> one MonthFigure per month, empty months included
    series: dict[int | None, list[MonthFigure]] = field(default_factory=dict)
    services: list[tuple[int, str]] = field(default_factory=list)  # those with requests, by name

    def of(self, service_id: int | None) -> list[MonthFigure]:
        return self.series.get(service_id) or [MonthFigure(m) for m in self.months]


def month_starts(until: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The first days of the `months` months ending with the month of `until`, oldest first."""
    year, month = until.year, until.month
    out = []
    for _ in range(months):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def answer_trend(*, until: dt.date | None = None, months: int = MONTHS) -> Trend:
    """The public monthly trend of the `months` months up to the month of `until` (today)."""
    until = until or timezone.localdate()
    starts = month_starts(until, months)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(starts[0], dt.time.min, tz)
    last = starts[-1]
    following = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    end = dt.datetime.combine(following, dt.time.min, tz)
    found: dict[int | None, dict[dt.date, MonthFigure]] = {}
    with connection.cursor() as cursor:
        cursor.execute(TREND_SQL, {"tz": settings.TIME_ZONE, "start": start, "end": end})
        for (
            service_id,
            everyone,
            month,
            registered,
            answered,
            median,
            with_deadline,
            on_time,
        ) in cursor.fetchall():
            key = None if everyone else service_id
            if key is None and not everyone:
                continue  # requests without a service: part of the city's line only
            found.setdefault(key, {})[month] = MonthFigure(
                month=month,
                registered=registered,
                answered=answered,
                median_hours=median / 3600 if median is not None else None,
                with_deadline=with_deadline,
                on_time=on_time,
            )
    trend = Trend(months=starts)
    for key, by_month in found.items():
        trend.series[key] = [by_month.get(m) or MonthFigure(m) for m in starts]
    ids = [k for k in found if k is not None]
    names = {s.pk: s.name for s in Service.objects.filter(pk__in=ids).only("pk", "name_uk", "name_en")}
    trend.services = sorted(names.items(), key=lambda item: item[1])
    return trend
