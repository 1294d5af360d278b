"""The map and the directory in a real browser (Debian Chromium through Playwright)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from facilities.models import Facility

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in this thread; the database work of these tests
# happens outside it (fixtures, django_db_blocker), so Django's async-safety guard can stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def loaded(page) -> int:
    page.wait_for_function("document.documentElement.dataset.facilitiesLoaded !== undefined")
    return int(page.locator("html").get_attribute("data-facilities-loaded"))


def wait_reload(page, before: str | None) -> int:
    """Wait until the map has reloaded its markers after an action."""
    page.wait_for_function(
        "(before) => document.documentElement.dataset.facilitiesLoaded !== before", arg=before
    )
    return loaded(page)


def open_map(page, portal_url, path="/map/"):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(portal_url + path)
    loaded(page)
    return requests


def in_view_count(page) -> int:
    return int(re.search(r"(\d+)", page.locator("#map-status").inner_text()).group(1))


def test_map_shows_clustered_facilities_from_local_assets(page, portal_url, artifacts, django_db_blocker):
    requests = open_map(page, portal_url)
    with django_db_blocker.unblock():
        total = Facility.objects.count()
    markers = loaded(page)
    assert markers == in_view_count(page) and total - 5 <= markers <= total  # all but the villages
    assert page.locator(".marker-cluster").count() > 5
    # The city's own basemap (streets, buildings, water) drawn by MapLibre GL under the markers.
    page.wait_for_selector("html[data-basemap]", state="attached")
    assert page.locator("html").get_attribute("data-basemap") == "ready"
    assert page.locator(".leaflet-gl-layer").count() == 1
    # blob: URLs are the map library's own workers, made in the page (no network).
    assert all(r.startswith((portal_url, "blob:" + portal_url)) for r in requests), [
        r for r in requests if not r.startswith((portal_url, "blob:" + portal_url))
    ]
    assert page.js_errors == []
    page.screenshot(path=str(artifacts / "map.png"))


def test_unchecking_a_group_removes_its_markers_and_updates_the_permalink(page, portal_url, artifacts):
    open_map(page, portal_url)
    before = page.locator("html").get_attribute("data-facilities-loaded")
    page.locator("#g-transport").uncheck()
    after = wait_reload(page, before)
    assert after < int(before)
    assert "layers=" in page.url and "transport" not in page.url.split("layers=")[1].split("&")[0]
    assert page.locator("#c-bus_stop").is_checked() is False
    # Only pharmacies: the count drops to the pharmacies in view.
    page.locator("#map-none").click()
    wait_reload(page, str(after))
    page.locator("#c-pharmacy").check()
    pharmacies = wait_reload(page, "0")
    assert 30 <= pharmacies <= 44
    assert re.search(r"layers=pharmacy(&|$)", page.url)
    page.screenshot(path=str(artifacts / "map-pharmacies.png"))


def test_popup_shows_name_category_address_phone_and_hours(page, portal_url, artifacts, django_db_blocker):
    with django_db_blocker.unblock():
        school = Facility.objects.get(name_uk="Ліцей № 1")
    open_map(page, portal_url, f"/map/?c={school.location.y},{school.location.x}&z=18&layers=education")
    page.locator('.misto-marker-wrap[title="Ліцей № 1"]').click()
    popup = page.locator(".leaflet-popup-content .popup[data-loaded]")
    popup.wait_for()
    text = popup.inner_text()
    assert "Ліцей № 1" in text and "Школи та ліцеї" in text
    assert school.address in text and school.phones[0] in text and "Пн–Пт 07:30–18:00" in text
    assert popup.locator(f'a[href="tel:{school.phones[0].replace(" ", "").replace("-", "")}"]').count() == 1
    page.wait_for_timeout(300)  # let the popup finish fading in before the picture
    page.screenshot(path=str(artifacts / "map-popup.png"))
    popup.get_by_role("link", name="Детальніше про це місце").click()
    page.wait_for_url(f"**/facilities/{school.pk}/")
    assert page.locator("h1").inner_text() == "Ліцей № 1"


def test_permalink_restores_the_view_layers_and_opens_the_facility(page, portal_url, django_db_blocker):
    with django_db_blocker.unblock():
        pharmacy = Facility.objects.filter(category__slug="pharmacy", data_source__startswith="НСЗУ").first()
    lat, lon = pharmacy.location.y, pharmacy.location.x
    open_map(page, portal_url, f"/map/?layers=pharmacy,school&z=17&c={lat},{lon}&f={pharmacy.pk}")
    assert page.locator("#c-pharmacy").is_checked() and page.locator("#c-school").is_checked()
    assert not page.locator("#c-bus_stop").is_checked()
    zoom = page.evaluate("Misto.map.getZoom()")
    assert zoom >= 17
    centre = page.evaluate("[Misto.map.getCenter().lat, Misto.map.getCenter().lng]")
    assert abs(centre[0] - lat) < 0.003 and abs(centre[1] - lon) < 0.003
    page.locator(".leaflet-popup-content .popup[data-loaded]").wait_for()
    assert pharmacy.name_uk in page.locator(".leaflet-popup-content").inner_text()


def test_search_box_finds_and_shows_a_place(page, portal_url):
    open_map(page, portal_url)
    page.get_by_label("Знайти місце").fill("Ліцей № 7")
    page.keyboard.press("Enter")
    result = page.locator("#map-search-results button", has_text="Ліцей № 7")
    result.first.wait_for()
    result.first.click()
    page.locator(".leaflet-popup-content .popup[data-loaded]").wait_for()
    assert "Ліцей № 7" in page.locator(".leaflet-popup-content").inner_text()


def test_locate_me_centres_the_map_on_the_visitor(browser, portal_url):
    context = browser.new_context(
        geolocation={"latitude": 49.0020, "longitude": 33.6600}, permissions=["geolocation"]
    )
    page = context.new_page()
    page.goto(portal_url + "/map/")
    loaded(page)
    page.get_by_role("button", name="Де я?").click()
    page.wait_for_function("Math.abs(Misto.map.getCenter().lat - 49.0020) < 0.001")
    assert page.locator(".leaflet-overlay-pane path").count() > 0
    context.close()


def test_list_view_link_carries_the_map_filters(page, portal_url):
    open_map(page, portal_url, "/map/?layers=pharmacy&z=16&c=49.0105,33.638")
    href = page.locator("#map-list-link").get_attribute("href")
    assert "category=pharmacy" in href and "bbox=" in href
    page.locator("#map-list-link").click()
    page.wait_for_url("**/facilities/?**")
    cards = page.locator(".facility-card")
    assert cards.count() > 0
    assert all("Аптеки" in cards.nth(i).inner_text() for i in range(cards.count()))


def test_directory_can_be_used_with_the_keyboard_alone(page, portal_url, artifacts):
    page.goto(portal_url + "/facilities/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Перейти до змісту"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-q":
            break
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("аптека")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=**")
    # Tab on to the first result and open it with Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.facility-card') !== null"):
            break
    name = page.evaluate("document.activeElement.textContent.trim()")
    assert "Аптека" in name or "Аптечний" in name
    page.keyboard.press("Enter")
    page.wait_for_url("**/facilities/*/")
    assert page.locator("h1").inner_text().strip() == name
    page.screenshot(path=str(artifacts / "facility.png"))


def test_map_layer_panel_works_with_the_keyboard(page, portal_url):
    open_map(page, portal_url)
    before = page.locator("html").get_attribute("data-facilities-loaded")
    page.locator("#c-bus_stop").focus()
    page.keyboard.press("Space")
    assert wait_reload(page, before) < int(before)


@pytest.mark.parametrize(
    "path", ["/map/", "/facilities/", "/facilities/nearest/?category=pharmacy&address=вулиця+Миру+9", "/"]
)
def test_no_serious_accessibility_violations(page, portal_url, artifacts, path):
    page.goto(portal_url + path)
    if path == "/map/":
        loaded(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_map_renders_its_layers_when_the_tile_server_is_unreachable(page, portal_url, settings, artifacts):
    # Nothing listens on port 9: every tile request fails, the data layers must not care.
    settings.MISTO_BASEMAP_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    open_map(page, portal_url, "/map/?z=15")
    assert page.locator(".marker-cluster").count() > 5
    assert page.locator(".leaflet-tile").count() > 0
    page.screenshot(path=str(artifacts / "map-no-tiles.png"))


def test_map_fits_a_phone_screen(browser, portal_url, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(portal_url + "/map/")
    loaded(page)
    box = page.locator(".misto-map").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 400
    page.screenshot(path=str(artifacts / "map-phone.png"))
    context.close()
