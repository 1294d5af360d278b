"""The staff's work (issue 8) on a city with a million requests: the queues of a service head,
a process owner and the front office, the leaders' dashboard and the public figures.

setup(): the million generated requests of scenarios_requests.py (`manage.py generate_requests`,
idempotent), answer times for generated answered requests that have none, VACUUM ANALYZE (the
dashboard reads its covering index without touching the table once the visibility map is set).
Each page is loaded beside the SQL underneath it: the queue's page of rows with the bounded
counts of its side navigation, or the dashboard's counting pass and answer-time percentiles.
"""

from __future__ import annotations

import time

from harness import Measurement, Scenario

COUNT = 1_000_000
UNTIL = "2026-11-25"  # the generated requests end on this day (scenarios_requests.py)
TODAY = UNTIL
MONTH = ("2026-10-27", "2026-11-25")  # the dashboard's default: the last 30 days
YEAR = ("2025-11-26", "2026-11-25")
OPEN = "('submitted','triage','assigned','in_progress','info_requested','in_approval','approved')"
_timings: list[Measurement] = []

ROWS_SQL = """
select r.id, r.number, r.status, r.visibility, r.priority, r.deadline, r.submitted_at, r.address, r.text_public,
       r.owner_unit, c.slug, c.name_uk, c.name_en, c.icon, g.colour, d.name_uk, d.name_en, s.name_uk, s.name_en,
       u.username, u.first_name, u.last_name
from citizen_requests_request r
join citizen_requests_category c on c.id = r.category_id
join citizen_requests_categorygroup g on g.id = c.group_id
left join city_district d on d.id = r.district_id
left join citizen_requests_service s on s.id = r.service_id
left join auth_user u on u.id = r.owner_id
where r.status <> 'unconfirmed' and {where}
order by r.deadline, r.id limit 26
"""


COUNT_SQL = "select count(*) from (select r.id from citizen_requests_request r where {where} limit 1001) q;"
APPROVAL_SQL = """
select count(*) from (select r.id from citizen_requests_request r where {scope} and r.status = 'in_approval'
  and exists (select 1 from citizen_requests_approvalstep v join citizen_requests_response p on p.id = v.response_id
              where v.approver_id = {user} and p.request_id = r.id and v.state = 'pending'
                and not exists (select 1 from citizen_requests_approvalstep u where u.response_id = v.response_id
                                and u.state = 'pending' and u."order" < v."order"))
  limit 1001) q;
"""
SERVICE_COUNTS_SQL = """
select r.service_id, count(*) from citizen_requests_request r
where {scope} and r.status in {open} group by 1;
"""


def _queue_sql(*, scope: str, queue: str, user: str, new: str | None) -> str:
    """What a queue page reads underneath: its page of rows, the bounded count of each queue in
    the side navigation and the open requests per service."""
    scope = f"r.status <> 'unconfirmed' and {scope}"
    counts = [
        f"r.owner_id = {user} and r.status in {OPEN}",
        f"r.status in {OPEN} and r.deadline < '{TODAY}'",
    ]
    if new:
        counts.insert(0, new)
    return (
        ROWS_SQL.format(where=f"{scope} and {queue}").rstrip()
        + ";\n"
        + "".join(COUNT_SQL.format(where=f"{scope} and {c}") + "\n" for c in counts)
        + APPROVAL_SQL.format(scope=scope, user=user)
        + SERVICE_COUNTS_SQL.format(scope=scope, open=OPEN)
    )


def _period_sql(period: tuple[str, str], *, public: bool) -> str:
    start, end = period
    bounds = (
        f"r.submitted_at >= '{start} 00:00'::timestamp at time zone 'Europe/Kyiv' "
        f"and r.submitted_at < ('{end}'::date + 1)::timestamp at time zone 'Europe/Kyiv'"
    )
    shown = "r.visibility = 'public'" if public else "true"
    return f"""
select r.category_id, r.service_id, r.district_id, r.status, r.visibility = 'public', count(*),
       count(*) filter (where r.status in {OPEN} and r.deadline < '{TODAY}')
from citizen_requests_request r
where r.status <> 'unconfirmed' and {bounds}
group by 1, 2, 3, 4, 5;
select count(*),
       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from r.answered_at - r.submitted_at)),
       count(*) filter (where r.deadline is not null),
       count(*) filter (where (r.answered_at at time zone 'Europe/Kyiv')::date <= r.deadline)
from citizen_requests_request r
where r.status <> 'unconfirmed' and {bounds} and {shown} and r.answered_at is not null
"""


def _trend_sql(until: str) -> str:
    """The month-by-month trend of the figures pages (selectors/trend.py): 12 months to `until`."""
    month = "date_trunc('month', r.submitted_at at time zone 'Europe/Kyiv')"
    return f"""
select r.service_id, grouping(r.service_id) = 1, {month}::date, count(*), count(r.answered_at),
       percentile_cont(0.5) within group (order by extract(epoch from r.answered_at - r.submitted_at))
           filter (where r.answered_at is not null),
       count(*) filter (where r.answered_at is not null and r.deadline is not null),
       count(*) filter (where (r.answered_at at time zone 'Europe/Kyiv')::date <= r.deadline)
from citizen_requests_request r
where r.submitted_at >= (date_trunc('month', '{until}'::date) - interval '11 months')::timestamp at time zone 'Europe/Kyiv'
  and r.submitted_at < (date_trunc('month', '{until}'::date) + interval '1 month')::timestamp at time zone 'Europe/Kyiv'
  and r.visibility = 'public' and r.status <> 'unconfirmed'
group by grouping sets ((r.service_id, {month}), ({month}))
"""


def _heat_sql(period: tuple[str, str], *, grid: float, public: bool) -> str:
    start, end = period
    shown = " and r.visibility = 'public'" if public else ""
    return f"""
select round(ST_Y(g)::numeric, 6)::float8, round(ST_X(g)::numeric, 6)::float8, n from (
    select ST_SnapToGrid(r.location, {grid}) as g, count(*) as n from citizen_requests_request r
    where r.status <> 'unconfirmed'{shown}
      and r.submitted_at >= '{start} 00:00'::timestamp at time zone 'Europe/Kyiv'
      and r.submitted_at < ('{end}'::date + 1)::timestamp at time zone 'Europe/Kyiv'
    group by 1
) cells order by n desc
"""


def setup(ctx) -> None:
    started = time.perf_counter()
    ctx.manage("generate_requests", "--count", str(COUNT), "--until", UNTIL)
    # Generated answered requests get an answer time (4 hours to 20 days) if they have none.
    answered = ctx.psql(
        "with u as (update citizen_requests_request set answered_at = submitted_at + make_interval(hours => "
        "(4 + id % 480)::int) where status in ('resolved', 'closed') and answered_at is null "
        "and device_id = 'misto-generator' returning 1) select count(*) from u"
    )
    ctx.psql("vacuum analyze citizen_requests_request")
    _timings.append(
        Measurement(
            "requests ready for the workflow bench",
            time.perf_counter() - started,
            "s",
            f"{int(answered or 0):,} answer times added, vacuum analyze",
        )
    )


def scenarios(ctx) -> list[Scenario]:
    service = ctx.psql("select id from citizen_requests_service where source_id = 'svc-zhytloservis-2'")
    head = ctx.psql("select id from auth_user where username = 'head'")
    owner = ctx.psql("select id from auth_user where username = 'executor'")
    registrar = ctx.psql("select id from auth_user where username = 'registrar'")
    month = f"date_from={MONTH[0]}&date_to={MONTH[1]}"
    year = f"date_from={YEAR[0]}&date_to={YEAR[1]}"
    of_service = f"r.service_id = {service}"
    new = "r.status = 'assigned' and r.owner_id is null"
    overdue = f"r.status in {OPEN} and r.deadline < '{TODAY}'"
    return [
        Scenario(
            "queue: new, head of a service (1M)",
            "/requests/staff/new/",
            sql=_queue_sql(scope=of_service, queue=new, user=head, new=new),
            login_as="head",
        ),
        Scenario(
            "queue: mine, process owner",
            "/requests/staff/mine/",
            sql=_queue_sql(
                scope=of_service, queue=f"r.owner_id = {owner} and r.status in {OPEN}", user=owner, new=None
            ),
            login_as="executor",
        ),
        Scenario(
            "queue: overdue, head of a service",
            "/requests/staff/overdue/",
            sql=_queue_sql(scope=of_service, queue=overdue, user=head, new=new),
            login_as="head",
        ),
        Scenario(
            "queue: overdue, front office (whole city)",
            "/requests/staff/overdue/",
            sql=_queue_sql(
                scope="true", queue=overdue, user=registrar, new="r.status in ('submitted', 'triage')"
            ),
            login_as="registrar",
        ),
        Scenario(
            "dashboard, last 30 days (leader)",
            f"/requests/dashboard/?{month}",
            sql=_period_sql(MONTH, public=False) + ";" + _trend_sql(MONTH[1]),
            login_as="leader",
        ),
        Scenario(
            "dashboard, a year (leader)",
            f"/requests/dashboard/?{year}",
            sql=_period_sql(YEAR, public=False) + ";" + _trend_sql(YEAR[1]),
            login_as="leader",
        ),
        Scenario(
            "dashboard heat layer, last 30 days",
            f"/requests/dashboard/heat.json?{month}",
            sql=_heat_sql(MONTH, grid=0.0005, public=False),
            login_as="leader",
        ),
        Scenario(
            "public figures, last 30 days",
            f"/requests/figures/?{month}",
            sql=_period_sql(MONTH, public=True) + ";" + _trend_sql(MONTH[1]),
        ),
        Scenario(
            "public figures as XLSX, a year",
            f"/requests/figures/figures.xlsx?{year}",
            sql=_period_sql(YEAR, public=True),
        ),
    ]


def measurements(ctx) -> list[Measurement]:
    return list(_timings)
