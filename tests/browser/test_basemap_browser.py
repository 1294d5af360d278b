"""The city's own basemap in a real browser (Debian Chromium, WebGL through SwiftShader): at zoom 17
over a known street MapLibre has drawn the street's name and a house number (its rendered-feature
query), English names on the English page, and a renamed street under its new name."""

from __future__ import annotations

import os

import pytest

from city.models import Street
from housing_registry.models import Building

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RENDERED = """() => {
  const gl = Misto.map.mistoBasemap.getMaplibreMap();
  const field = gl.getStyle().layers.find(l => l.id === "street-names").layout["text-field"][1];
  const out = {streets: [], numbers: [], field: field, zoom: gl.getZoom()};
  for (const f of gl.queryRenderedFeatures({layers: ["street-names", "house-numbers"]})) {
    if (f.layer.id === "street-names") out.streets.push(f.properties[field]);
    else out.numbers.push(f.properties.house_number);
  }
  return out;
}"""


def known_building(django_db_blocker) -> tuple[Building, Street]:
    with django_db_blocker.unblock():
        building = (
            Building.objects.select_related("street")
            .filter(street__segments__road_class="secondary")
            .order_by("pk")
            .first()
        )
        return building, building.street


def open_basemap(context, portal_url: str, building: Building) -> dict:
    spot = building.footprint.point_on_surface
    page = context.new_page()
    page.set_default_timeout(90000)  # a loaded 2-core machine draws WebGL in software
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{portal_url}/map/?z=17&c={spot.y:.6f},{spot.x:.6f}")
    page.wait_for_selector("html[data-basemap]", state="attached")
    assert page.locator("html").get_attribute("data-basemap") == "ready"
    rendered = page.evaluate(RENDERED)
    assert errors == []
    # blob: URLs are the map library's own workers, made in the page (no network).
    assert all(r.startswith((portal_url, "blob:" + portal_url)) for r in requests), [
        r for r in requests if not r.startswith((portal_url, "blob:" + portal_url))
    ]
    rendered["page"] = page
    rendered["requests"] = requests
    return rendered


def test_at_zoom_17_over_a_street_the_map_shows_its_name_and_the_house_numbers(
    browser, portal_url, django_db_blocker, artifacts
):
    building, street = known_building(django_db_blocker)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="uk-UA")
    rendered = open_basemap(context, portal_url, building)
    assert rendered["field"] == "name_uk" and rendered["zoom"] == 16  # Leaflet 17 = MapLibre 16
    assert street.name_uk in rendered["streets"]
    assert building.house_number in rendered["numbers"]
    assert any("/tiles/basemap/" in r for r in rendered["requests"])
    assert any("/basemap/fonts/DejaVu%20Sans/1024-1279.pbf" in r for r in rendered["requests"])  # Cyrillic
    assert "ODbL" in rendered["page"].locator(".leaflet-control-attribution").inner_text()
    rendered["page"].screenshot(path=str(artifacts / "basemap-z17.png"))
    context.close()


def test_the_english_page_labels_the_streets_in_english(browser, portal_url, django_db_blocker, artifacts):
    building, street = known_building(django_db_blocker)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": portal_url}])
    rendered = open_basemap(context, portal_url, building)
    assert rendered["field"] == "name_en"
    assert street.name_en and street.name_en in rendered["streets"]
    assert not any(any("\u0400" <= ch <= "\u04ff" for ch in name) for name in rendered["streets"])
    rendered["page"].screenshot(path=str(artifacts / "basemap-z17-en.png"))
    context.close()


def test_a_renamed_street_is_drawn_under_its_new_name(browser, portal_url, django_db_blocker, artifacts):
    building, street = known_building(django_db_blocker)
    old_uk, old_en = street.name_uk, street.name_en
    try:
        with django_db_blocker.unblock():
            street.name_uk, street.name_en = "вулиця Юрія Кондратюка", ""
            street.save()
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="uk-UA")
        rendered = open_basemap(context, portal_url, building)
        assert "вулиця Юрія Кондратюка" in rendered["streets"] and old_uk not in rendered["streets"]
        context.close()
        # The English page transliterates the new name (it has no English name yet).
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": "django_language", "value": "en", "url": portal_url}])
        rendered = open_basemap(context, portal_url, building)
        assert "vulytsia Yuriia Kondratiuka" in rendered["streets"]
        rendered["page"].screenshot(path=str(artifacts / "basemap-renamed-en.png"))
        context.close()
    finally:
        with django_db_blocker.unblock():
            street.name_uk, street.name_en = old_uk, old_en
            street.save()
