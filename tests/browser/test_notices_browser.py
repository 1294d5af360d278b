"""City notices in a real browser: a notices editor publishes a notice whose area is a radius
clicked on the map; residents find it on the public pages, on the city map and by their address.
The screens are photographed (test-artifacts/notices-*.png)."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
TITLE = "Браузерний тест: немає води"


@pytest.fixture(autouse=True)
def demo_passwords(portal_url, django_db_blocker):
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=["notices"]):
            if not user.check_password("misto-demo"):
                user.set_password("misto-demo")
                user.save(update_fields=["password"])


@pytest.fixture(scope="module", autouse=True)
def demo_notices(portal_url, django_db_blocker):
    """The demo city's notices (`make run` loads them; the test city is loaded without them)."""
    from notices.demo import demo_notices_ensure
    from notices.models import Notice

    with django_db_blocker.unblock():
        before = set(Notice.objects.values_list("pk", flat=True))
        demo_notices_ensure()
    yield
    with django_db_blocker.unblock():
        Notice.objects.exclude(pk__in=before).delete()


@pytest.fixture
def cleanup(django_db_blocker):
    from notices.models import Notice

    with django_db_blocker.unblock():
        last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    with django_db_blocker.unblock():
        Notice.objects.filter(pk__gt=last).delete()


def test_an_editor_publishes_a_notice_and_residents_find_it(browser, page, portal_url, artifacts, cleanup):
    page.goto(portal_url + "/accounts/login/?next=/notices/staff/new/")
    page.fill("#id_username", "notices")
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/notices/staff/new/" in page.url
    page.select_option("#id_kind", "water")
    page.check("input[name=nature][value=emergency]")
    page.fill("#id_title_uk", TITLE)
    page.fill("#id_title_en", "Browser test: no water")
    page.fill("#id_text_uk", "Порив водогону, бригада на місці.")
    page.fill("#id_text_en", "A water main burst; the crew is at work.")
    page.select_option("#id_service", label="КП «Водоканал»")
    assert page.input_value("#id_phone") == "+380 5348 4-11-50"  # the service's phone is filled in
    page.evaluate("""() => {
        const pad = n => String(n).padStart(2, "0");
        const at = d => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
        const now = new Date();
        document.getElementById("id_starts_at").value = at(new Date(now - 3600e3));
        document.getElementById("id_ends_at").value = at(new Date(+now + 5 * 3600e3));
    }""")
    page.check("input[name=area_method][value=radius]")
    assert page.is_visible("#id_metres") and not page.is_visible("#id_streets")
    page.fill("#id_metres", "400")
    box = page.locator(".notice-form-map .misto-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    page.screenshot(path=str(artifacts / "notices-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("button[name=publish]")
    assert TITLE in page.inner_text("h1")
    assert "діє зараз" in page.inner_text(".notice-article .meta")
    assert page.locator(".notice-map path.leaflet-interactive").count() >= 1
    page.screenshot(path=str(artifacts / "notices-published.png"), full_page=True)
    assert not page.js_errors, page.js_errors

    # A resident: the list, the notice's page, the city map with the notices layer.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk-UA").new_page()
    visitor.goto(portal_url + "/notices/?when=now")
    with visitor.expect_navigation():
        visitor.click(f"text={TITLE}")
    assert visitor.locator(".notice-map path.leaflet-interactive").count() >= 1
    assert "Опублікувати" not in visitor.content()
    visitor.screenshot(path=str(artifacts / "notices-public-390.png"), full_page=True)
    visitor.goto(portal_url + "/map/?notices=now")
    visitor.wait_for_function("document.documentElement.dataset.noticesShown >= '1'")
    visitor.check("#notices-planned")
    visitor.wait_for_function(
        "document.documentElement.dataset.noticesShown !== undefined && document.getElementById('notices-map-status').textContent.length > 0"
    )
    visitor.context.close()


def test_a_resident_checks_an_address_and_sees_the_notice_over_it(
    page, portal_url, artifacts, django_db_blocker
):
    from django.contrib.gis.db.models.functions import PointOnSurface

    from housing_registry.models import Building
    from notices.models import Notice

    with django_db_blocker.unblock():
        notice = Notice.objects.filter(status="published", area_source__demo_id="water-1").first()
        assert notice is not None, "the demo city's notices are loaded with it"
        building = (
            Building.objects.annotate(p=PointOnSurface("footprint"))
            .filter(footprint__within=notice.area)
            .order_by("pk")
            .first()
        )
    page.goto(portal_url + "/notices/check/")
    page.fill("#check-address", building.address)
    with page.expect_navigation():
        page.click("#notice-check button[type=submit]")
    result = page.inner_text(".check-result")
    assert notice.title_uk in result
    page.screenshot(path=str(artifacts / "notices-check.png"), full_page=True)
    page.goto(portal_url + "/")
    assert notice.title_uk in page.inner_text(".notices-home")
    assert not page.js_errors, page.js_errors


def test_the_request_form_shows_the_notice_before_filing(page, portal_url, artifacts, django_db_blocker):
    """A resident reporting "no water" inside the demo water outage sees the notice at once."""
    from django.contrib.gis.db.models.functions import PointOnSurface

    from housing_registry.models import Building
    from notices.models import Notice

    with django_db_blocker.unblock():
        notice = Notice.objects.filter(status="published", area_source__demo_id="water-1").first()
        building = (
            Building.objects.annotate(p=PointOnSurface("footprint"))
            .filter(footprint__within=notice.area)
            .order_by("pk")
            .first()
        )
    page.goto(portal_url + "/requests/new/")
    page.wait_for_selector("#picker-map .leaflet-control-zoom")
    page.evaluate(
        "([lat, lon]) => { const f = document.getElementById('request-form'); f.elements.lat.value = lat; f.elements.lon.value = lon; }",
        [f"{building.p.y:.6f}", f"{building.p.x:.6f}"],
    )
    page.locator("details[data-group=water] > summary").click()
    page.locator("label.category-choice", has_text="Немає води").click()
    box = page.locator("#place-notices")
    box.wait_for(state="visible")
    assert notice.title_uk in box.inner_text()
    assert page.input_value("#notices-seen") == "1"  # the server need not ask again
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "notices-request-form.png"))
    assert not page.js_errors, page.js_errors
