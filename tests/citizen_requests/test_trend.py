"""The public monthly trend (issue 20, Deliver 8): per service and for the whole city, the
median time to answer and the share answered on time, by month of registration; public
requests only; one grouped query; drawn as server-side SVG beside a table of the same numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citizen_requests.models import Request
from citizen_requests.selectors.trend import answer_trend, month_starts
from tests.citizen_requests.builders import area_point, file_request


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def _made(*, submitted: dt.date, answered_hours: float | None, deadline: dt.date | None, public=True, **kw):
    request = file_request(
        text="Не світить лампа на сходах третього поверху.",
        visibility="public" if public else "confidential",
        **kw,
    )
    start = _at(submitted)
    Request.objects.filter(pk=request.pk).update(
        submitted_at=start,
        answered_at=start + dt.timedelta(hours=answered_hours) if answered_hours is not None else None,
        deadline=deadline,
    )
    return Request.objects.get(pk=request.pk)


def test_month_starts_cross_the_new_year():
    assert month_starts(dt.date(2026, 2, 14), 4) == [
        dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    ]  # fmt: skip


def test_the_trend_gives_each_services_median_and_on_time_share_by_month(city):
    housing = dict(category="entrance", location=area_point("area-housing-2"))
    march, april = dt.date(2026, 3, 10), dt.date(2026, 4, 7)
    a = _made(submitted=march, answered_hours=24, deadline=march + dt.timedelta(days=5), **housing)
    _made(submitted=march, answered_hours=72, deadline=march + dt.timedelta(days=2), **housing)  # late
    _made(submitted=march, answered_hours=48, deadline=march + dt.timedelta(days=5), **housing)
    _made(submitted=march, answered_hours=None, deadline=march + dt.timedelta(days=5), **housing)  # open
    _made(submitted=april, answered_hours=240, deadline=april + dt.timedelta(days=15), **housing)
    # Confidential requests stay out of the public figures.
    _made(submitted=april, answered_hours=1000, deadline=april, public=False, **housing)
    with CaptureQueriesContext(connection) as queries:
        trend = answer_trend(until=dt.date(2026, 5, 20), months=3)
    assert len(queries) <= 2  # the grouped query, and the services' names
    assert trend.months == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    service = a.service_id
    march_f, april_f, may_f = trend.of(service)
    assert (march_f.registered, march_f.answered) == (4, 3)
    assert march_f.median_hours == 48 and march_f.on_time_share == 2 / 3
    assert (april_f.registered, april_f.answered, april_f.median_days) == (1, 1, 10)
    assert april_f.on_time_share == 1
    assert (may_f.registered, may_f.median_hours, may_f.on_time_share) == (0, None, None)
    assert service in dict(trend.services)
    city_march = trend.of(None)[0]
    assert city_march.registered >= 4 and city_march.answered >= 3


def test_the_figures_page_draws_the_trend_as_svg_beside_its_table(city):
    housing = dict(category="entrance", location=area_point("area-housing-2"))
    day = dt.date(2026, 3, 10)
    made = _made(submitted=day, answered_hours=36, deadline=day + dt.timedelta(days=5), **housing)
    client = Client()
    html = client.get("/requests/figures/?date_from=2026-03-01&date_to=2026-05-31").content.decode()
    trend = html.split('id="trend"', 1)[1].split("</section>", 1)[0]
    assert "Помісячно" in trend and "<script" not in trend
    assert trend.count("<svg") == 2 and 'role="img"' in trend
    assert re.search(r"<rect class=\"bar\"[^>]*><title>березень 2026: медіана [\d,]+ дн\.", trend, re.I)
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>", trend)
    assert len(rows) == 12 and rows[-1].lower() == "травень 2026"
    # One service's trend; an unknown service falls back to the whole city.
    one = client.get(f"/requests/figures/?date_to=2026-05-31&service={made.service_id}").content.decode()
    assert f'<option value="{made.service_id}" selected>' in one
    assert client.get("/requests/figures/?date_to=2026-05-31&service=oops").status_code == 200


def test_a_service_with_no_answers_yet_shows_an_empty_state(city):
    html = Client().get("/requests/figures/?date_from=2019-01-01&date_to=2019-03-31").content.decode()
    assert html.count("У ці місяці ще немає звернень із відповіддю.") == 2
