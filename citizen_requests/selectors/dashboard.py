"""The performance dashboard of the city's leaders, and its public version (open data).

Figures for a period of registration dates (both ends included, in the city's time zone):
requests by category, service, district and status; the median and 90th percentile of the time
to answer (submitted_at → answered_at, percentile_cont in SQL); requests still open past their
deadline, per service; the share answered on time (answer date, local, on or before the
deadline); and a heat layer of the requests' places, aggregated to a grid in SQL.

The public version counts confidential requests by district only: every other figure and the
heat layer come from public requests alone, and no figure carries a text, a name or a place
finer than the public grid.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests.models import Category, Request, Service
from citizen_requests.selectors.requests import OPEN_STATUSES
from city.models import District

DEFAULT_DAYS = 30
MAX_DAYS = 3660
STAFF_GRID = 0.0005  # degrees: ~55 m north-south here
PUBLIC_GRID = 0.002  # ~220 m: a public heat cell never points at one house


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.date_from, dt.time.min, timezone.get_current_timezone())

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(
            self.date_to + dt.timedelta(days=1), dt.time.min, timezone.get_current_timezone()
        )


def period_default(today: dt.date | None = None) -> Period:
    """The last 30 days, today included."""
    today = today or timezone.localdate()
    return Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)


def period_of(date_from: dt.date | None, date_to: dt.date | None) -> Period:
    """The period asked for, with a missing end filled from the default and the ends put in order."""
    default = period_default()
    date_to = date_to or default.date_to
    date_from = date_from or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    if (date_to - date_from).days > MAX_DAYS:
        date_from = date_to - dt.timedelta(days=MAX_DAYS)
    return Period(date_from, date_to)


@dataclass
class AnswerTime:
    answered: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    with_deadline: int = 0
    on_time: int = 0

    @property
    def median_days(self) -> float | None:
        return self.median_hours / 24 if self.median_hours is not None else None

    @property
    def p90_days(self) -> float | None:
        return self.p90_hours / 24 if self.p90_hours is not None else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


@dataclass
class Figures:
    period: Period
    public: bool
    total: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_service: list[tuple[str, int]] = field(default_factory=list)
    by_district: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    overdue_by_service: list[tuple[str, int]] = field(default_factory=list)
    answer_time: AnswerTime = field(default_factory=AnswerTime)

    def tables(self) -> list[tuple[str, str, list[tuple[str, int]]]]:
        """(key, title, rows) of every count table, for the page and the exports."""
        return [
            ("category", _("By category"), self.by_category),
            ("service", _("By service"), self.by_service),
            ("district", _("By district"), self.by_district),
            ("status", _("By status"), self.by_status),
            ("overdue", _("Open past the deadline, by service"), self.overdue_by_service),
        ]


def _where(period: Period, *, public: bool) -> tuple[str, list]:
    sql = "r.status <> 'unconfirmed' and r.submitted_at >= %s and r.submitted_at < %s"
    params: list = [period.start, period.end]
    if public:
        sql += " and r.visibility = 'public'"
    return sql, params


# One pass over the period (a parallel index-only scan of request_dashboard) into a few thousand
# cells at most; the tables are summed from the cells (faster than GROUPING SETS at 1M).
COUNTS_SQL = """
select r.category_id, r.service_id, r.district_id, r.status, r.visibility = 'public', count(*),
       count(*) filter (where r.status = any(%(open)s) and r.deadline < %(today)s)
from citizen_requests_request r
where r.status <> 'unconfirmed' and r.submitted_at >= %(start)s and r.submitted_at < %(end)s
group by 1, 2, 3, 4, 5
"""

ANSWER_SQL = """
select count(*),
       -- both percentiles from one sort of the answer times
       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from r.answered_at - r.submitted_at)),
       count(*) filter (where r.deadline is not null),
       count(*) filter (where (r.answered_at at time zone %s)::date <= r.deadline)
from citizen_requests_request r
where {where} and r.answered_at is not null
"""


def _names(model, ids) -> dict[int | None, str]:
    ids = [i for i in ids if i is not None]
    names = {o.pk: o.name for o in model.objects.filter(pk__in=ids).only("pk", "name_uk", "name_en")}
    names[None] = "—"
    return names


def _table(counts: dict, names: dict) -> list[tuple[str, int]]:
    rows = [(names.get(key, "—"), n) for key, n in counts.items() if n]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def dashboard_figures(*, period: Period, public: bool = False, today: dt.date | None = None) -> Figures:
    """Every figure of the dashboard for `period` (public: the open-data version)."""
    today = today or timezone.localdate()
    figures = Figures(period=period, public=public)
    by: dict[str, Counter] = {
        key: Counter() for key in ("category", "service", "district", "status", "overdue")
    }
    with connection.cursor() as cursor:
        cursor.execute(
            COUNTS_SQL,
            {"open": list(OPEN_STATUSES), "today": today, "start": period.start, "end": period.end},
        )
        for category, service, district, status, is_public, n, overdue in cursor.fetchall():
            # Districts count every request, confidential ones too: a district is as coarse as it gets.
            by["district"][district] += n
            if public and not is_public:
                continue
            by["category"][category] += n
            by["service"][service] += n
            by["status"][status] += n
            by["overdue"][service] += overdue
        where, params = _where(period, public=public)
        cursor.execute(ANSWER_SQL.format(where=where), [settings.TIME_ZONE, *params])
        answered, percentiles, with_deadline, on_time = cursor.fetchone()
    median, p90 = percentiles or (None, None)
    services = _names(Service, [*by["service"], *by["overdue"]])
    figures.by_category = _table(by["category"], _names(Category, by["category"]))
    figures.by_service = _table(by["service"], services)
    figures.by_district = _table(by["district"], _names(District, by["district"]))
    figures.by_status = _table(by["status"], {s: str(label) for s, label in Request.Status.choices})
    figures.overdue_by_service = _table(by["overdue"], services)
    figures.total = sum(by["status"].values())
    figures.answer_time = AnswerTime(
        answered=answered,
        median_hours=median / 3600 if median is not None else None,
        p90_hours=p90 / 3600 if p90 is not None else None,
        with_deadline=with_deadline,
        on_time=on_time,
    )
    return figures


def dashboard_heat(*, period: Period, public: bool = False) -> list[list[float]]:
    """[[lat, lon, requests], ...]: the requests of the period counted per grid cell (public:
    public requests only, on a coarser grid)."""
    where, params = _where(period, public=public)
    grid = PUBLIC_GRID if public else STAFF_GRID
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            select round(ST_Y(g)::numeric, 6)::float8, round(ST_X(g)::numeric, 6)::float8, n from (
                select ST_SnapToGrid(r.location, %s) as g, count(*) as n
                from citizen_requests_request r where {where} group by 1
            ) cells order by n desc
            """,
            [grid, *params],
        )
        return [[lat, lon, n] for lat, lon, n in cursor.fetchall()]
