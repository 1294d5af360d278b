"""The leaders' dashboard and the staff queues in a real browser: a city leader opens the
dashboard, changes the period and sees the figures and the heat layer change; a head appoints
process owners from the queue of new requests. The portal runs in a thread on the test
database, so what the test files is committed: it is removed afterwards."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from citizen_requests.models import Request
from tests.citizen_requests.builders import area_point, file_request, offset

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _login(page, portal_url: str, username: str, next_path: str) -> None:
    page.goto(f"{portal_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "misto-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"^[^?]*{re.escape(next_path)}$"))


def _file(place, *, days_ago: int, answered_hours: float | None = None) -> Request:
    request = file_request(
        category="entrance",
        text="У під'їзді не світить лампа на третьому поверсі вже тиждень.",
        location=place,
    )
    submitted = timezone.now() - dt.timedelta(days=days_ago)
    Request.objects.filter(pk=request.pk).update(
        submitted_at=submitted,
        answered_at=submitted + dt.timedelta(hours=answered_hours) if answered_hours else None,
        status=Request.Status.RESOLVED if answered_hours else request.status,
    )
    return request


def test_a_leader_opens_the_dashboard_changes_the_period_and_sees_the_heat_layer(
    page, portal_url, committed, artifacts
):
    with committed.unblock():
        place = area_point("area-housing-2")
        for i in range(6):
            _file(offset(place, north_m=40 * i), days_ago=2 + i, answered_hours=24 * (i + 1))
        for i in range(3):
            _file(offset(place, east_m=60 * i), days_ago=200 + i)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    _login(page, portal_url, "leader", "/requests/dashboard/")
    page.wait_for_selector("#heat-map[data-ready='1']")
    assert page.locator("[data-figure=total]").inner_text() == "6"
    assert page.locator("[data-figure=answered]").inner_text() == "6"
    assert page.locator("#heat-map canvas.leaflet-heatmap-layer").count() == 1
    assert page.evaluate("MistoDashboard.current.requests") == 6
    page.screenshot(path=str(artifacts / "requests-dashboard.png"), full_page=True)
    assert serious_accessibility_violations(page) == []

    # A wider period takes in the three older requests.
    today = timezone.localdate()
    page.fill("#id_date_from", (today - dt.timedelta(days=365)).isoformat())
    page.click("#period-form button[type=submit]")
    page.wait_for_url(re.compile(r"date_from="))
    page.wait_for_selector("#heat-map[data-ready='1']")
    assert page.locator("[data-figure=total]").inner_text() == "9"
    assert page.evaluate("MistoDashboard.current.requests") == 9
    assert page.locator("[data-table=status]").inner_text().count("\n") >= 2
    page.screenshot(path=str(artifacts / "requests-dashboard-year.png"), full_page=True)
    assert page.js_errors == []
    assert hosts <= {portal_url.split("/")[2]}, hosts

    # The public version, linked from the dashboard, shows the same public figures.
    page.click("main a[href^='/requests/figures/?']")
    page.wait_for_selector("#heat-map[data-ready='1']")
    assert page.locator("[data-figure=total]").inner_text() == "9"
    page.screenshot(path=str(artifacts / "requests-figures-public.png"), full_page=True)


def test_a_head_appoints_owners_from_the_queue_of_new_requests(page, portal_url, committed, artifacts):
    with committed.unblock():
        place = area_point("area-housing-2")
        made = [
            file_request(
                category="entrance",
                text="У під'їзді не світить лампа на третьому поверсі вже тиждень.",
                location=offset(place, north_m=30 * i),
            )
            for i in range(3)
        ]
        # Routed without a default process owner (the area's rule names one), they wait for the head.
        Request.objects.filter(pk__in=[r.pk for r in made]).update(owner=None)
    _login(page, portal_url, "head", "/requests/staff/new/")
    rows = page.locator(".queue-table tbody tr")
    assert rows.count() == 3
    page.screenshot(path=str(artifacts / "requests-queue-new.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    for request in made[:2]:
        page.check(f"input[name=requests][value='{request.pk}']")
    page.select_option("#id_owner", label="Сергій Ткаченко")
    page.fill("#id_deadline", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.click(".bulk-appoint button[type=submit]")
    page.wait_for_selector(".message.success")
    assert made[0].number in page.locator(".message.success").inner_text()
    assert page.locator(".queue-table tbody tr").count() == 1
    assert page.locator("[data-queue=new]").inner_text() == "1"
    page.screenshot(path=str(artifacts / "requests-queue-appointed.png"), full_page=True)
    with committed.unblock():
        assert {r.status for r in Request.objects.filter(pk__in=[m.pk for m in made[:2]])} == {"in_progress"}
    assert page.js_errors == []
