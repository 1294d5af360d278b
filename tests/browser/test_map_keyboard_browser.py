"""The maps with the keyboard alone and through a screen reader's eyes: the side panel comes
before the pins, clusters open with Enter or Space and say what they hold, a popup takes the
focus (Tab reaches its link, Escape gives the focus back to its pin), the small maps are no
images with buttons inside, and Leaflet's own controls speak the page's language."""

from __future__ import annotations

import os
import re

import pytest

from facilities.models import Facility
from tests.browser.test_map_browser import AXE, loaded, open_map

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ACTIVE = """() => {
  const a = document.activeElement;
  return {id: a.id, cls: a.className && a.className.baseVal === undefined ? a.className : "",
          label: a.getAttribute("aria-label") || "", text: (a.textContent || "").trim(),
          inPopup: !!a.closest(".leaflet-popup"), marker: a.classList.contains("leaflet-marker-icon")};
}"""


def tab_until(page, done, limit):
    """Press Tab until `done(active)` holds; returns how many presses and what was passed."""
    passed = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if done(active):
            return presses, passed
        passed.append(active)
    raise AssertionError(f"not reached in {limit} Tabs; last: {passed[-3:]}")


def test_search_and_layers_come_before_the_pins_in_the_tab_order(page, portal_url):
    open_map(page, portal_url)
    assert page.locator(".leaflet-marker-icon[tabindex='0']").count() > 20
    presses, passed = tab_until(page, lambda a: a["id"] == "map-search-q", 25)
    assert not any(a["marker"] for a in passed)
    assert presses <= 15  # the skip link and the menu, then the search box
    # The layer panel follows the search, still before any pin.
    _, passed = tab_until(page, lambda a: a["id"] == "c-bus_stop", 80)
    assert not any(a["marker"] for a in passed)


def test_clusters_say_what_they_hold_and_open_with_enter_and_space(page, portal_url, artifacts):
    open_map(page, portal_url)
    clusters = page.locator(".marker-cluster[role='button']")
    assert clusters.count() > 5
    shown = clusters.evaluate_all("(nodes) => nodes.map((n) => [n.getAttribute('aria-label'), n.innerText])")
    labels = [label for label, _ in shown]
    for label, count in shown:
        # "12 об'єктів: Аптеки, Школи та ліцеї…" — the count in words, then the kinds.
        assert re.fullmatch(rf"{count} об'єкт(и|ів)?: [^,]+(, [^,]+)*(…)?", label), label
    kinds = {kind for label in labels for kind in label.split(": ")[1].rstrip("…").split(", ")}
    assert "Аптеки" in kinds and len(kinds) > 3

    zoom = page.evaluate("Misto.map.getZoom()")
    before = page.locator("html").get_attribute("data-facilities-loaded")
    clusters.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(z) => Misto.map.getZoom() > z", arg=zoom)
    page.wait_for_function(
        "(before) => document.documentElement.dataset.facilitiesLoaded !== before", arg=before
    )
    loaded(page)
    zoom = page.evaluate("Misto.map.getZoom()")
    big = page.locator(".marker-cluster[role='button']")
    big.first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("(z) => Misto.map.getZoom() > z", arg=zoom)
    assert page.evaluate("window.scrollY") == 0  # Space opened the cluster, it did not scroll
    assert page.js_errors == []


def test_a_popup_takes_the_focus_tab_reaches_its_link_and_escape_returns_to_the_pin(
    page, portal_url, artifacts, django_db_blocker
):
    with django_db_blocker.unblock():
        school = Facility.objects.get(name_uk="Ліцей № 1")
    open_map(page, portal_url, f"/map/?c={school.location.y},{school.location.x}&z=19&layers=education")
    pin = page.locator('.misto-marker-wrap[title="Ліцей № 1"]')
    pin.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .popup[data-loaded]").wait_for()
    assert page.evaluate(ACTIVE)["inPopup"]
    presses, _ = tab_until(page, lambda a: a["text"] == "Детальніше про це місце", 4)
    assert presses <= 3  # through the popup's phone link, not round every other pin
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "map-popup-keyboard.png"))
    page.keyboard.press("Escape")
    page.wait_for_function("document.querySelector('.leaflet-popup') === null")
    assert page.evaluate("document.activeElement.title") == "Ліцей № 1"
    # Space opens it too, as on any button.
    page.keyboard.press("Space")
    page.locator(".leaflet-popup-content .popup[data-loaded]").wait_for()
    assert page.evaluate(ACTIVE)["inPopup"]


def test_requests_map_clusters_are_named_by_their_requests(page, portal_url, demo_route_requests):
    page.goto(portal_url + "/requests/map/")
    page.locator(".marker-cluster[role='button']").first.wait_for()
    labels = page.locator(".marker-cluster[role='button']").evaluate_all(
        "(nodes) => nodes.map((n) => n.getAttribute('aria-label'))"
    )
    assert labels
    assert all(re.fullmatch(r"\d+ звернен(ня|ь): .+", label) for label in labels), labels


SCALE_AND_TITLES = """() => ({
  zoomIn: document.querySelector(".leaflet-control-zoom-in").title,
  zoomOut: document.querySelector(".leaflet-control-zoom-out").getAttribute("aria-label"),
  leaflet: document.querySelector(".leaflet-control-attribution a[href='https://leafletjs.com']").title,
  scale: document.querySelector(".leaflet-control-scale-line").textContent,
})"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("uk", ("Наблизити", "Віддалити", "Бібліотека JavaScript для інтерактивних карт", r"\d+ (м|км)")),
        ("en", ("Zoom in", "Zoom out", "A JavaScript library for interactive maps", r"\d+ (m|km)")),
    ],
)
def test_leaflet_controls_speak_the_page_language(page, portal_url, lang, expected):
    open_map(page, portal_url, f"/map/?lang={lang}")
    shown = page.evaluate(SCALE_AND_TITLES)
    assert (shown["zoomIn"], shown["zoomOut"], shown["leaflet"]) == expected[:3]
    assert re.fullmatch(expected[3], shown["scale"]), shown["scale"]


def test_small_maps_are_regions_not_images_with_buttons_inside(
    page, portal_url, django_db_blocker, demo_route_requests
):
    """The request page's map holds zoom buttons and a link: role=img would hide them from a
    screen reader (axe: nested-interactive). The building sheet's map is the same, for staff
    (the layout check runs axe over it)."""
    from django.contrib.auth.models import AnonymousUser

    from citizen_requests.selectors.requests import requests_visible_to

    with django_db_blocker.unblock():
        number = requests_visible_to(AnonymousUser()).order_by("id").values_list("number", flat=True).first()
    page.goto(portal_url + f"/requests/{number}/")
    page.locator("#request-map .leaflet-control-zoom-in").wait_for()
    assert page.locator("#request-map").get_attribute("role") == "region"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run('#request-map', {runOnly: ['nested-interactive', 'aria-allowed-role']})")
    assert result["violations"] == []
    assert page.locator("[role=img] a, [role=img] button, [role=img] [tabindex]").count() == 0
