"""The leaders' dashboard and the public figures: every figure checked against values computed
here in Python from the requests the test makes, the period, the exports parsed back, who may
open it, and that the public version gives away nothing of a confidential request."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from zoneinfo import ZoneInfo

import numpy
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from citizen_requests.models import Request
from citizen_requests.selectors.dashboard import PUBLIC_GRID, Period, dashboard_figures
from tests.citizen_requests.builders import area_point, file_request, offset

S = Request.Status
KYIV = ZoneInfo(settings.TIME_ZONE)
# A period long past, so that nothing else in the test database falls into it.
PERIOD = {"date_from": "2021-03-01", "date_to": "2021-03-31"}
SECRET = "Конфіденційно: сусід з кв. 7 погрожує, Петро Іваненко, 050 123 45 67"


def at(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2021, month, day, hour, tzinfo=KYIV)


def as_(username: str | None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def made(category: str, place, *, submitted, answered=None, deadline=None, status=S.IN_PROGRESS, **extra):
    texts = {
        "entrance": "У під'їзді не світить лампа на третьому поверсі вже тиждень.",
        "no_water": "Немає холодної води в будинку з самого ранку.",
        "pothole": "Глибока яма посеред проїжджої частини, машини об'їжджають.",
    }
    extra.setdefault("text", texts[category])
    request = file_request(category=category, location=place, **extra)
    Request.objects.filter(pk=request.pk).update(
        submitted_at=submitted, answered_at=answered, deadline=deadline, status=status
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def march(city):
    """Requests of March 2021 (and two outside it), with known answer times and deadlines."""
    place = area_point("area-housing-2")
    rows = []
    # (day filed, hours to answer or None, deadline day, category, status)
    plan = [
        (1, 20, 10, "entrance", S.RESOLVED),
        (2, 50, 5, "entrance", S.CLOSED),
        (3, 100, 4, "no_water", S.RESOLVED),  # answered on the 7th: late
        (5, 7, 20, "pothole", S.RESOLVED),
        (10, None, 12, "pothole", S.IN_PROGRESS),  # open past its deadline
        (12, None, 30, "entrance", S.ASSIGNED),
        (20, 300, 25, "no_water", S.CLOSED),  # answered on the 2nd of April: late
        (31, None, None, "entrance", S.TRIAGE),
    ]
    for i, (day, hours, deadline_day, category, status) in enumerate(plan):
        submitted = at(day)
        rows.append(
            made(
                category,
                offset(place, north_m=15 * i),
                submitted=submitted,
                answered=submitted + dt.timedelta(hours=hours) if hours else None,
                deadline=dt.date(2021, 3, deadline_day) if deadline_day else None,
                status=status,
            )
        )
    secret = made(
        "entrance",
        offset(place, east_m=400),
        submitted=at(15),
        answered=at(16),
        deadline=dt.date(2021, 3, 20),
        status=S.RESOLVED,
        text=SECRET,
        visibility=Request.Visibility.CONFIDENTIAL,
    )
    before = made("pothole", place, submitted=at(28, 23, month=2), status=S.IN_PROGRESS)
    after = made("pothole", place, submitted=at(1, 0, month=4), status=S.IN_PROGRESS)
    return rows + [secret], secret, (before, after)


def expected(requests: list[Request], *, today: dt.date) -> dict:
    """The figures, computed in Python from the rows (labels in English)."""
    from django.utils import translation

    with translation.override("en"):
        return _expected(requests, today=today)


def _expected(requests: list[Request], *, today: dt.date) -> dict:
    answered = [r for r in requests if r.answered_at]
    hours = [(r.answered_at - r.submitted_at).total_seconds() / 3600 for r in answered]
    with_deadline = [r for r in answered if r.deadline]
    on_time = [r for r in with_deadline if r.answered_at.astimezone(KYIV).date() <= r.deadline]
    open_statuses = {
        "submitted",
        "triage",
        "assigned",
        "in_progress",
        "info_requested",
        "in_approval",
        "approved",
    }
    overdue = [r for r in requests if r.status in open_statuses and r.deadline and r.deadline < today]

    def by(key):
        counts: dict[str, int] = {}
        for r in requests:
            counts[key(r)] = counts.get(key(r), 0) + 1
        return counts

    return {
        "total": len(requests),
        "answered": len(answered),
        "median": float(numpy.percentile(hours, 50)) if hours else None,
        "p90": float(numpy.percentile(hours, 90)) if hours else None,
        "with_deadline": len(with_deadline),
        "on_time": len(on_time),
        "category": by(lambda r: r.category.name_en),
        "service": by(lambda r: r.service.name_en),
        "district": by(lambda r: r.district.name_en),
        "status": by(lambda r: str(Request.Status(r.status).label)),
        "overdue": dict(Counter(r.service.name_en for r in overdue)),
    }


def figures_of(period=PERIOD, *, public=False):
    from django.utils import translation

    with translation.override("en"):
        return dashboard_figures(
            period=Period(
                dt.date.fromisoformat(period["date_from"]), dt.date.fromisoformat(period["date_to"])
            ),
            public=public,
        )


def test_the_figures_match_the_requests_of_the_period(march):
    requests, _secret, _outside = march
    figures = figures_of()
    want = expected(requests, today=timezone.localdate())
    answer = figures.answer_time
    assert figures.total == want["total"] == 9
    assert (answer.answered, answer.with_deadline, answer.on_time) == (
        want["answered"], want["with_deadline"], want["on_time"],
    )  # fmt: skip
    assert answer.on_time == 4 and answer.with_deadline == 6  # the 3rd and the 20th were late
    assert answer.median_hours == pytest.approx(want["median"])
    assert answer.p90_hours == pytest.approx(want["p90"])
    assert dict(figures.by_category) == want["category"]
    assert dict(figures.by_service) == want["service"]
    assert dict(figures.by_district) == want["district"]
    assert dict(figures.by_status) == want["status"]
    assert dict(figures.overdue_by_service) == want["overdue"]
    assert sum(dict(figures.overdue_by_service).values()) == 2  # the pothole of the 10th, the assigned one


def test_the_period_is_chosen_and_defaults_to_the_last_30_days(march):
    requests, _secret, (before, after) = march
    client = as_("leader")
    page = client.get(reverse("citizen_requests:dashboard"), PERIOD)
    assert page.status_code == 200
    assert page.context["figures"].total == 9
    wider = client.get(
        reverse("citizen_requests:dashboard"), {"date_from": "2021-02-28", "date_to": "2021-04-01"}
    )
    assert wider.context["figures"].total == 11
    only_first = client.get(
        reverse("citizen_requests:dashboard"), {"date_from": "2021-03-01", "date_to": "2021-03-01"}
    )
    assert only_first.context["figures"].total == 1
    default = client.get(reverse("citizen_requests:dashboard"))
    period = default.context["period"]
    assert (period.date_to - period.date_from).days == 29
    assert period.date_to == timezone.localdate()
    assert default.context["figures"].total == 0  # nothing of 2021 in the last 30 days
    heat = client.get(reverse("citizen_requests:dashboard-heat"), PERIOD).json()
    assert heat["requests"] == 9 and sum(p[2] for p in heat["points"]) == 9


def test_the_exports_hold_the_same_figures(march):
    figures = figures_of()
    client = as_("head")
    response = client.get(reverse("citizen_requests:dashboard-csv"), PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "requests-dashboard-20210301-20210331.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "name", "value"]
    values = {(s, n): v for s, n, v in rows[1:]}
    assert values[("summary", "requests")] == "9"
    assert float(values[("summary", "median_hours_to_answer")]) == pytest.approx(
        figures.answer_time.median_hours, abs=0.01
    )
    assert float(values[("summary", "on_time_share")]) == pytest.approx(4 / 6, abs=1e-4)
    for key, _title, table in figures.tables():
        assert {n: int(v) for s, n, v in rows[1:] if s == key} == dict(table), key

    response = client.get(reverse("citizen_requests:dashboard-xlsx"), PERIOD)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert [r[:2] for r in xlsx_rows] == [r[:2] for r in rows]
    assert {(r[0], r[1]): float(r[2]) for r in xlsx_rows[3:] if r[2]} == {
        (r[0], r[1]): float(r[2]) for r in rows[3:] if r[2]
    }


@pytest.mark.parametrize("who", [None, "resident", "executor", "approver", "dispatcher", "editor"])
def test_the_dashboard_is_refused_to_everyone_but_leaders_heads_and_the_front_office(city, who):
    client = as_(who)
    for name in ("dashboard", "dashboard-heat", "dashboard-csv", "dashboard-xlsx"):
        response = client.get(reverse(f"citizen_requests:{name}"), PERIOD)
        if who is None:
            assert response.status_code == 302 and "/accounts/login/" in response.url
        else:
            assert response.status_code == 403, (who, name)


@pytest.mark.parametrize("who", ["leader", "head", "registrar", "admin"])
def test_leaders_heads_and_the_front_office_open_the_dashboard(city, who):
    client = as_(who)
    for name in ("dashboard", "dashboard-heat", "dashboard-csv", "dashboard-xlsx"):
        assert client.get(reverse(f"citizen_requests:{name}"), PERIOD).status_code == 200, (who, name)


def test_the_public_figures_give_away_nothing_of_a_confidential_request(march):
    requests, secret, _outside = march
    public = [r for r in requests if r.visibility == "public"]
    figures = figures_of(public=True)
    want = expected(public, today=timezone.localdate())
    # Every figure but the districts comes from public requests alone ...
    assert figures.total == 8
    assert dict(figures.by_category) == want["category"]
    assert dict(figures.by_status) == want["status"]
    assert figures.answer_time.answered == want["answered"] == 5
    assert figures.answer_time.median_hours == pytest.approx(want["median"])
    # ... and the districts count the confidential one too.
    assert dict(figures.by_district) == expected(requests, today=timezone.localdate())["district"]

    client = as_(None)
    page = client.get(reverse("citizen_requests:public-figures"), PERIOD)
    assert page.status_code == 200
    body = page.content.decode()
    for leak in (SECRET, "Іваненко", "050 123 45 67", secret.number, secret.address):
        assert leak not in body
    heat = client.get(reverse("citizen_requests:public-figures-heat"), PERIOD).json()
    assert heat["requests"] == 8
    secret_cell = (
        round(secret.location.y / PUBLIC_GRID) * PUBLIC_GRID,
        round(secret.location.x / PUBLIC_GRID) * PUBLIC_GRID,
    )
    public_cells = {(round(r.location.y / PUBLIC_GRID), round(r.location.x / PUBLIC_GRID)) for r in public}
    for lat, lon, _n in heat["points"]:
        # On the public grid, never finer.
        assert abs(lat / PUBLIC_GRID - round(lat / PUBLIC_GRID)) < 1e-6
        assert abs(lon / PUBLIC_GRID - round(lon / PUBLIC_GRID)) < 1e-6
        assert (round(lat / PUBLIC_GRID), round(lon / PUBLIC_GRID)) in public_cells
    if (round(secret_cell[0] / PUBLIC_GRID), round(secret_cell[1] / PUBLIC_GRID)) not in public_cells:
        assert all((lat, lon) != pytest.approx(secret_cell) for lat, lon, _n in heat["points"])
    exported = client.get(reverse("citizen_requests:public-figures-csv"), PERIOD).content.decode("utf-8-sig")
    for leak in (SECRET, "Іваненко", secret.number):
        assert leak not in exported
    assert "requests,8" in exported
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("citizen_requests:public-figures-xlsx"), PERIOD).content)
    ).active
    assert ["summary", "requests", 8] in [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_public_figures_are_linked_from_the_requests_list(city):
    body = as_(None).get(reverse("citizen_requests:list")).content.decode()
    assert reverse("citizen_requests:public-figures") in body


def test_the_dashboard_reads_a_fixed_number_of_queries(march, django_assert_max_num_queries):
    client = as_("leader")
    client.get(reverse("citizen_requests:dashboard"), PERIOD)
    with django_assert_max_num_queries(12):
        client.get(reverse("citizen_requests:dashboard"), PERIOD)
    with django_assert_max_num_queries(8):
        as_(None).get(reverse("citizen_requests:public-figures"), PERIOD)
