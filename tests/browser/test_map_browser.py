"""The map in a real browser (Debian Chromium through Playwright)."""

from __future__ import annotations

import os

import pytest

from facilities.models import Facility

pytestmark = pytest.mark.browser
# Playwright's sync API runs an event loop in this thread; the database work of these tests
# happens before it, in fixtures, so Django's async-safety guard can stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def open_map(page, portal_url, path="/map/"):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(portal_url + path)
    page.wait_for_selector("html[data-facilities-loaded]", state="attached")
    return requests


def test_map_shows_clustered_facilities_from_local_assets(page, portal_url, artifacts, django_db_blocker):
    requests = open_map(page, portal_url)
    with django_db_blocker.unblock():
        total = Facility.objects.count()
    assert page.locator("html").get_attribute("data-facilities-loaded") == str(total)
    assert page.locator(".marker-cluster").count() > 5
    assert page.locator(".leaflet-overlay-pane path, .leaflet-basemap-pane path").count() > 0
    assert "об'єктів на мапі" in page.locator("#map-status").inner_text()
    assert all(r.startswith(portal_url) for r in requests), [
        r for r in requests if not r.startswith(portal_url)
    ]
    assert page.js_errors == []
    page.screenshot(path=str(artifacts / "map.png"))


def test_popup_shows_name_category_address_phone_and_hours(page, portal_url, artifacts, django_db_blocker):
    with django_db_blocker.unblock():
        school = Facility.objects.get(name_uk="Ліцей № 1")
    open_map(page, portal_url)
    # Zoom in on the school as a person would (its cluster splits at street level), then click it.
    page.evaluate(f"Misto.map.setView([{school.location.y}, {school.location.x}], 18, {{animate: false}})")
    marker = page.locator('.misto-marker-wrap[title="Ліцей № 1"]')
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Ліцей № 1" in text and "Школи та ліцеї" in text
    assert school.address in text
    assert school.phones[0] in text and "Mo-Fr 07:30-18:00" in text
    assert popup.locator(f'a[href="tel:{school.phones[0].replace(" ", "").replace("-", "")}"]').count() == 1
    page.wait_for_timeout(400)  # let the popup finish fading in before the picture
    page.screenshot(path=str(artifacts / "map-popup.png"))


def test_map_renders_its_layers_when_the_tile_server_is_unreachable(page, portal_url, settings, artifacts):
    # Nothing listens on port 9: every tile request fails, the data layers must not care.
    settings.MISTO_BASEMAP_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    open_map(page, portal_url)
    assert page.locator(".marker-cluster").count() > 5
    assert page.locator(".leaflet-tile").count() > 0
    page.screenshot(path=str(artifacts / "map-no-tiles.png"))


def test_map_fits_a_phone_screen(browser, portal_url, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(portal_url + "/map/")
    page.wait_for_selector("html[data-facilities-loaded]", state="attached")
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 400
    page.screenshot(path=str(artifacts / "map-phone.png"))
    context.close()
