"""The Django admin's map widget in a real browser: it draws the geometry over the hromada's
outline from the portal's own files only, under the strict policy, and an edit on the map saves."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from facilities.models import Facility
from housing_registry.models import Building
from tests.browser.test_csp_browser import LISTEN

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The widget of a field: its map (canvas drawn, pixels painted), the feature and the outline.
WIDGET_STATE = """(field) => {
  const wrapper = document.getElementById(field + "_div_map");
  const widget = wrapper && wrapper.mapWidget;
  if (!widget || !widget.map.isRendered()) return null;
  const canvas = wrapper.querySelector(".ol-viewport canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return {
    features: widget.featureOverlay.getSource().getFeatures().length,
    outline: widget.options.base_layer.getSource().getFeatures().length,
    painted: painted,
    serialized: document.getElementById(field).value,
  };
}"""


@pytest.fixture
def admin_page(browser, portal_url, django_db_blocker):
    """The superuser `admin`, logged in through the admin's own login page at 1366×768, with
    every request's host and every CSP violation recorded."""
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        admin = User.objects.get(username="admin")
        if not admin.check_password("misto-demo"):
            admin.set_password("misto-demo")
            admin.save(update_fields=["password"])
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.add_init_script(LISTEN)
    page.goto(portal_url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url
    yield page
    context.close()


def open_map(page, url: str, field: str) -> dict:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    state = page.wait_for_function(
        f"() => {{ const s = ({WIDGET_STATE})({field!r}); return s && s.painted > 0 ? s : null; }}"
    ).json_value()
    assert page.evaluate("() => window.__csp") == [], url
    assert page.js_errors == [], url
    return state


def test_admin_maps_draw_facility_and_building_offline_without_csp_violation(admin_page, portal_url):
    facility = Facility.objects.order_by("pk").first()
    building = Building.objects.order_by("pk").first()
    state = open_map(
        admin_page, f"{portal_url}/admin/facilities/facility/{facility.pk}/change/", "id_location"
    )
    assert state["features"] == 1 and state["outline"] >= 1
    assert '"Point"' in state["serialized"]
    state = open_map(
        admin_page, f"{portal_url}/admin/housing_registry/building/{building.pk}/change/", "id_footprint"
    )
    assert state["features"] == 1 and state["outline"] >= 1
    assert "Polygon" in state["serialized"]
    admin_page.screenshot(path="/tmp/olvendor.png")
    own = urlsplit(portal_url).netloc
    elsewhere = [url for url in admin_page.requested if urlsplit(url).scheme not in ("data", "blob")]
    elsewhere = [url for url in elsewhere if urlsplit(url).netloc != own]
    assert elsewhere == []
    assert any(url.endswith("/static/vendor/ol/ol.js") for url in admin_page.requested)


def test_a_point_moved_on_the_admin_map_is_saved(admin_page, portal_url, django_db_blocker):
    facility = Facility.objects.order_by("pk").first()
    url = f"{portal_url}/admin/facilities/facility/{facility.pk}/change/"
    open_map(admin_page, url, "id_location")
    lon, lat = facility.location.x + 0.001, facility.location.y - 0.0005
    # Moving the feature is what a drag does: the widget writes the textarea the form posts.
    admin_page.evaluate(
        """([lon, lat]) => {
          const widget = document.getElementById("id_location_div_map").mapWidget;
          const feature = widget.featureOverlay.getSource().getFeatures()[0];
          feature.getGeometry().setCoordinates(ol.proj.fromLonLat([lon, lat]));
        }""",
        [lon, lat],
    )
    assert "Point" in admin_page.input_value("#id_location")
    try:
        with admin_page.expect_navigation():
            admin_page.click("input[name=_save]")
        assert admin_page.locator(".errornote").count() == 0, admin_page.content()[:2000]
        with django_db_blocker.unblock():
            saved = Facility.objects.get(pk=facility.pk).location
        assert abs(saved.x - lon) < 1e-6 and abs(saved.y - lat) < 1e-6
    finally:
        with django_db_blocker.unblock():  # the demo city stays as loaded for the other tests
            Facility.objects.filter(pk=facility.pk).update(location=facility.location)
