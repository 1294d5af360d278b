"""The coverage pages in a real browser: switching the service type changes the map and the
tables; staff see homes, suggested sites and what-if (screenshots in test-artifacts/)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connections

from coverage.models import BuildingAccess, BuildingCoverage, CoverageHexagon, ServiceType
from tests.browser.test_map_legend_phone_browser import assert_phone_legend

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def coverage_ready(computed_demo, db, django_db_blocker):
    # `db` also makes sure the test database exists when these tests run alone.
    with django_db_blocker.unblock():
        return {
            t.slug: (t.name_uk, CoverageHexagon.objects.filter(service_type=t).count())
            for t in ServiceType.objects.all()
        }


# Zoom the staff map onto a home (lat, lon), wait for its tiles, and say where it is on the page.
HOME_AT = """async ([lat, lon]) => {
  const map = window.MistoCoverage.map, homes = window.MistoCoverage.homes();
  await new Promise((done) => { homes.once("load", done); map.setView([lat, lon], 18, { animate: false }); });
  const box = map.getContainer().getBoundingClientRect(), p = map.latLngToContainerPoint([lat, lon]);
  return [box.left + p.x, box.top + p.y];
}"""


def committed(fn):
    """Run `fn` on a connection of its own (autocommit), so the live server sees what it wrote."""
    result = []

    def work():
        try:
            result.append(fn())
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result[0]


def wait_loaded(page, slug):
    page.wait_for_selector(f'html[data-coverage-loaded="{slug}"]', state="attached")


def log_in(page, portal_url, username):
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


def test_switching_the_service_type_changes_the_map_and_the_tables(
    page, portal_url, artifacts, coverage_ready
):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(portal_url + "/coverage/?type=school")
    wait_loaded(page, "school")
    assert page.locator("#coverage-panel h2").inner_text() == "Школа"
    assert page.locator("html").get_attribute("data-coverage-features") == str(coverage_ready["school"][1])
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1  # hexagons drawn
    school_share = page.locator("[data-share]").inner_text()
    school_rows = page.locator(".coverage-districts tbody tr").all_inner_texts()
    page.screenshot(path=str(artifacts / "coverage-public-school.png"))

    page.select_option("#coverage-type", "transport-stop")
    wait_loaded(page, "transport-stop")
    page.wait_for_selector('#coverage-panel .coverage-panel[data-type="transport-stop"]')
    assert page.locator("#coverage-panel h2").inner_text() == "Зупинка громадського транспорту"
    assert page.locator("[data-share]").inner_text() != school_share
    assert page.locator(".coverage-districts tbody tr").all_inner_texts() != school_rows
    assert page.locator("html").get_attribute("data-coverage-features") == str(
        coverage_ready["transport-stop"][1]
    )
    assert page.url.endswith("?type=transport-stop")
    assert "type=transport-stop" in page.locator("#coverage-table-link").get_attribute("href")
    assert page.locator(".coverage-legend tbody tr").first.inner_text().strip().startswith("до 250 м")
    # blob: URLs are the map library's own workers, made in the page from the portal's script.
    local = (portal_url, "blob:" + portal_url)
    assert all(r.startswith(local) for r in requests), [r for r in requests if not r.startswith(local)]
    assert page.js_errors == []
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "coverage-public-stops.png"))


def test_the_table_view_and_the_page_in_english(page, portal_url, artifacts, coverage_ready):
    page.goto(portal_url + "/coverage/?type=kindergarten")
    wait_loaded(page, "kindergarten")
    with page.expect_navigation():
        page.locator(".lang-form button").click()  # the language switch in the header
    wait_loaded(page, "kindergarten")
    assert "Walking distance to services" in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / "coverage-public-english.png"))
    page.locator("#coverage-table-link").click()
    page.wait_for_selector(".coverage-table-page")
    assert page.locator("table caption").all_inner_texts()[:2] == [
        "The city",
        "Residents by walking distance (the colours of the map)",
    ]
    page.screenshot(path=str(artifacts / "coverage-table.png"), full_page=True)


def test_phone_layout(browser, portal_url, artifacts, coverage_ready):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(portal_url + "/coverage/?type=pharmacy")
    wait_loaded(page, "pharmacy")
    box = page.locator("#coverage-map").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 400
    page.screenshot(path=str(artifacts / "coverage-phone.png"))
    # The legend of walking distances: under the map at full size, folding with a tap.
    assert_phone_legend(page, ".coverage-legend tbody tr", 2)
    page.screenshot(path=str(artifacts / "legend-390-coverage.png"), full_page=True)
    context.close()


def test_staff_see_homes_suggested_sites_and_what_if(
    page, portal_url, artifacts, coverage_ready, django_db_blocker
):
    log_in(page, portal_url, "gisadmin")
    tiles = []
    page.on("response", lambda r: tiles.append(r) if "/coverage/staff/tiles/" in r.url else None)
    page.goto(portal_url + "/coverage/staff/?type=transport-stop")
    wait_loaded(page, "transport-stop")
    assert page.locator("html").get_attribute("data-coverage-features") == "350"  # homes of the type
    assert page.locator("#most-distant tbody tr").count() == 15
    page.screenshot(path=str(artifacts / "coverage-staff.png"))
    # The homes are drawn from the analysts' tiles (no per-home GeoJSON); a click on one opens
    # its popup with the address and the walk.
    assert tiles and all("type=transport-stop" in r.url and r.status in (200, 204) for r in tiles)
    assert any(r.status == 200 for r in tiles)
    with django_db_blocker.unblock():
        home = (
            BuildingCoverage.objects.filter(service_type__slug="transport-stop", status="ok")
            .select_related("building")
            .order_by("building_id")
            .first()
        )
        point = BuildingAccess.objects.get(building_id=home.building_id).point
    x, y = page.evaluate(HOME_AT, [point.y, point.x])
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert home.building.address in popup.inner_text() and "пішки" in popup.inner_text()
    page.screenshot(path=str(artifacts / "coverage-staff-home.png"))

    page.goto(portal_url + "/coverage/staff/suggest/?type=transport-stop")
    page.fill("#k", "3")
    page.locator("#coverage-type").select_option("transport-stop")
    page.get_by_role("button", name="Запропонувати місця").click()
    page.wait_for_selector("#suggestion")
    wait_loaded(page, "transport-stop")
    picks = page.locator(".picks li").all_inner_texts()
    assert len(picks) == 3 and all("мешканців у межах 500 м; частка охоплених" in p for p in picks)
    assert page.locator(".coverage-pin.pick").count() == 3
    page.screenshot(path=str(artifacts / "coverage-suggest.png"))

    page.goto(portal_url + "/coverage/staff/what-if/?type=kindergarten")
    wait_loaded(page, "kindergarten")
    page.locator("#facility").select_option(index=0)
    # Move it: click the map far east, then ask who is affected.
    box = page.locator("#coverage-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.45)
    assert page.locator('input[name="action"][value="move"]').is_checked()
    assert page.locator("#lat").input_value() != ""
    page.get_by_role("button", name="Показати, кого це зачепить").click()
    page.wait_for_selector("#what-if-result, .error")
    wait_loaded(page, "kindergarten")
    assert page.locator("#what-if-result").count() == 1, page.locator(".error").all_inner_texts()
    assert "Частка охоплених" in page.locator("#what-if-result").inner_text()
    assert page.js_errors == []
    page.screenshot(path=str(artifacts / "coverage-what-if.png"))


def test_a_recompute_shows_its_progress_and_the_page_updates_when_it_is_done(
    page, portal_url, artifacts, coverage_ready, django_db_blocker
):
    from coverage.models import CoverageRun
    from coverage.services import coverage_run_execute

    # The live server reads committed data: the run is queued and executed from another thread,
    # whose connection is outside this test's transaction.
    with django_db_blocker.unblock():
        run = committed(lambda: CoverageRun.objects.create(kind=CoverageRun.Kind.FULL, steps_total=9))
    log_in(page, portal_url, "gisadmin")
    page.goto(portal_url + "/coverage/staff/?type=school")
    assert page.locator("#run-status").inner_text() == "Очікує фонового обробника…"
    assert page.locator("#run-progress").is_visible()
    assert page.get_by_role("button", name="Перерахувати все").is_disabled()
    page.screenshot(path=str(artifacts / "coverage-staff-queued.png"))
    with django_db_blocker.unblock():
        assert committed(lambda: coverage_run_execute(run_id=run.pk)).status == CoverageRun.Status.DONE
    page.wait_for_function(
        "document.getElementById('run-status').textContent.includes('Останній')", timeout=20000
    )
    assert page.get_by_role("button", name="Перерахувати все").is_enabled()


# Words a layout broke across two lines inside the side panel's tables and figures.
WORDS_BROKEN = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.coverage-side th, .coverage-side td, .coverage-side dt, .coverage-side dd')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const word = /[^\\s\\u00a0]+/g;
      let m;
      while ((m = word.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rows = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (rows.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_side_panel_tables_never_break_a_word(browser, portal_url, artifacts, coverage_ready, width, height):
    """Issue 20: "Мешканців" printed as "Мешкан|ців" in the districts table of the side panel."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="uk-UA")
    page = context.new_page()
    for slug in coverage_ready:
        page.goto(portal_url + f"/coverage/?type={slug}")
        wait_loaded(page, slug)
        assert page.evaluate(WORDS_BROKEN) == [], slug
    page.screenshot(path=str(artifacts / f"coverage-side-{width}.png"), full_page=True)
    context.close()
