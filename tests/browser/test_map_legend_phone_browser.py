"""The maps' legends on a phone (390×844): readable at full size under the map, never a small
scroll box and never laid over the map, and folded away and back with one tap on its title
(issue 20: "the map legend is a tiny scroll box"). The coverage map's legend is checked with
the coverage tests (tests/coverage/test_browser.py), which compute the walking distances."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_layout_check import BUILDINGS_READY, MAP_READY, REQUESTS_READY, log_in

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}

# The legend (details.map-legend), its entries and the map, in page coordinates; and every box
# around the legend that would clip it (a scroll box smaller than the legend).
MEASURE_LEGEND = """(entries) => {
  const legend = document.querySelector("details.map-legend");
  const map = document.querySelector(".leaflet-container");
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right, width: r.width, height: r.height}; };
  const clippers = [];
  for (let n = legend.parentElement; n && n !== document.documentElement; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (["auto", "scroll", "hidden"].includes(s.overflowY) && n.scrollHeight > n.clientHeight + 1) {
      clippers.push(n.tagName.toLowerCase() + "." + n.className + " " + n.clientHeight + "/" + n.scrollHeight);
    }
  }
  // checkVisibility: the content of a closed <details> keeps its boxes but is not shown.
  const items = [...legend.querySelectorAll(entries)].filter((e) => e.checkVisibility());
  return {
    open: legend.open,
    legend: box(legend),
    map: box(map),
    clippers: clippers,
    items: items.length,
    smallestFont: Math.min(...items.map((e) => parseFloat(getComputedStyle(e).fontSize))),
    lowestItem: Math.min(...items.map((e) => e.getBoundingClientRect().height)),
    overflow: document.documentElement.scrollWidth - innerWidth,
  };
}"""


def assert_phone_legend(page, entries: str, at_least: int) -> dict:
    """The legend of the page open in `page` (at 390 px) is readable, beside no scroll box,
    below the map and not over it, and folds with a tap on its summary."""
    seen = page.evaluate(MEASURE_LEGEND, entries)
    assert seen["open"], "the legend starts open"
    assert seen["overflow"] <= 0, "the page is wider than the phone"
    legend, map_box = seen["legend"], seen["map"]
    # The map keeps most of the screen, across its whole width.
    assert map_box["width"] >= PHONE["width"] - 1 and map_box["height"] >= 0.55 * PHONE["height"], map_box
    # The legend follows the map: nothing of it lies over the map.
    assert legend["top"] >= map_box["bottom"] - 1, (legend, map_box)
    assert legend["width"] >= PHONE["width"] - 60, legend  # the screen's width, less the padding
    # Readable: every entry at full size (no box of a few lines to scroll inside).
    assert seen["clippers"] == [], seen["clippers"]
    assert seen["items"] >= at_least, seen
    assert seen["smallestFont"] >= 13 and seen["lowestItem"] >= 16, seen
    # One tap on its title folds it away; another brings it back.
    summary = page.locator("details.map-legend > summary")
    summary.click()
    folded = page.evaluate(MEASURE_LEGEND, entries)
    assert not folded["open"] and folded["items"] == 0
    assert folded["legend"]["height"] < 60, folded["legend"]
    summary.click()
    assert page.evaluate(MEASURE_LEGEND, entries)["items"] == seen["items"]
    return seen


@pytest.fixture
def phone(browser, portal_url):
    context = browser.new_context(viewport=PHONE, locale="uk-UA", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


@pytest.mark.parametrize(
    "path, ready, entries, at_least",
    [
        ("/map/", MAP_READY, "li label", 10),
        ("/requests/map/", REQUESTS_READY, "#map-legend-list li", 3),
    ],
)
def test_public_map_legends_are_readable_and_fold_on_a_phone(
    phone, portal_url, artifacts, path, ready, entries, at_least
):
    phone.goto(portal_url + path)
    phone.wait_for_function(ready)
    assert_phone_legend(phone, entries, at_least)
    phone.screenshot(
        path=str(artifacts / f"legend-390-{path.strip('/').replace('/', '-')}.png"), full_page=True
    )
    assert phone.js_errors == []


def test_the_registry_map_legend_is_readable_and_folds_on_a_phone(
    phone, portal_url, artifacts, django_db_blocker
):
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        dispatcher = User.objects.get(username="dispatcher")
        if not dispatcher.check_password("misto-demo"):
            dispatcher.set_password("misto-demo")
            dispatcher.save(update_fields=["password"])
    log_in(phone, portal_url, "dispatcher")
    phone.goto(portal_url + "/registry/map/")
    phone.wait_for_function(BUILDINGS_READY)
    phone.wait_for_function("document.querySelectorAll('#legend li').length >= 4")
    assert_phone_legend(phone, "#legend li", 4)
    phone.screenshot(path=str(artifacts / "legend-390-registry-map.png"), full_page=True)
    assert phone.js_errors == []
