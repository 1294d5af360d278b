"""Filing a request in a real browser on a phone-sized screen (390×844), as a resident and as
a visitor confirming by e-mail, and the request pages on a phone. The portal runs in a thread
on the test database, so what the browser files is committed: it is removed afterwards."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from citizen_requests.models import Attachment, Request
from tests.citizen_requests.builders import (
    CENTRE,
    building_point,
    file_request,
    jpeg_bytes,
    offset,
)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "uk-UA"}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.hosts = set()
    page.on("request", lambda r: page.hosts.add(r.url.split("/")[2]))
    yield page
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_files_a_request_on_a_phone(phone, portal_url, committed, artifacts):
    with committed.unblock():
        target = building_point(CENTRE)
        earlier = file_request(applicant="editor", location=offset(target, north_m=60),
                               text="Яма біля перехрестя, вже тиждень не латають.")  # fmt: skip
    page = phone
    page.goto(portal_url + "/accounts/login/?next=/requests/new/")
    page.fill("input[name=username]", "resident")
    page.fill("input[name=password]", "misto-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/requests/new/$"))
    page.wait_for_selector("#picker-map .leaflet-control-zoom")
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "requests-new-phone.png"))

    # The place: type the address and pick the suggestion.
    page.fill("#id_address", "Шкільна 7")
    option = page.locator("#address-suggestions li", has_text=CENTRE).first
    option.wait_for()
    option.dispatch_event("mousedown")
    page.wait_for_function("document.querySelector('#id_lat').value !== ''")
    page.wait_for_function("document.getElementById('place-status').textContent.includes('Шкільна')")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert abs(lat - target.y) < 1e-5 and abs(lon - target.x) < 1e-5

    # The category, from its group; a similar request nearby is offered for following.
    page.locator("details[data-group=roads] > summary").tap()
    page.locator("label.category-choice", has_text="Яма на дорозі").tap()
    nearby = page.locator("#nearby")
    nearby.wait_for(state="visible")
    assert earlier.number in nearby.inner_text() and "м звідси" in nearby.inner_text()
    page.locator("#nearby").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "requests-new-phone-nearby.png"))

    # The text and a photo whose GPS the form reads (and offers as the place).
    page.fill("#id_text", "Ще одна глибока яма, вже біля самого під'їзду. Тел. для зв'язку 050 123 45 67.")
    photo = jpeg_bytes(gps=(target.y, target.x), size=(320, 240))
    page.set_input_files(
        "#id_files", files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.locator("#photo-place").wait_for(state="visible")
    assert "фото зроблено тут" in page.locator("#photo-place").inner_text()
    page.screenshot(path=str(artifacts / "requests-new-phone-filled.png"), full_page=True)

    page.locator("#submit-request").tap()
    page.wait_for_url(re.compile(r".*/requests/\d{4}-\d{6}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    text = page.locator("main").inner_text()
    assert "зареєстровано" in text
    with committed.unblock():
        filed = Request.objects.get(number=number)
        assert filed.applicant.username == "resident" and filed.category.slug == "pothole"
        assert filed.service.name_uk in text and filed.status == Request.Status.ASSIGNED
        photo_row = Attachment.objects.get(request=filed)
        assert b"Exif" not in photo_row.file.open("rb").read()
    assert "050 123 45 67" in text  # the applicant sees the text as written
    assert page.locator(".gallery img").count() == 1
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "requests-detail-phone.png"), full_page=True)
    assert page.hosts <= {portal_url.split("/")[2]}, page.hosts
    assert page.js_errors == []


def test_a_visitor_taps_the_map_files_and_confirms_by_e_mail(phone, portal_url, committed, artifacts):
    page = phone
    mail.outbox.clear()
    page.goto(portal_url + "/requests/new/")
    page.wait_for_selector("#picker-map .leaflet-control-zoom")
    box = page.locator("#picker-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the city centre
    page.wait_for_function("document.querySelector('#id_lat').value !== ''")
    page.wait_for_function("document.getElementById('place-status').textContent.length > 0")
    assert not page.locator("#place-status.error").count()
    page.locator("details[data-group=other] > summary").tap()
    page.locator("label.category-choice", has_text="Інше").tap()
    page.fill("#id_text", "Прошу встановити лавку біля дитячого майданчика.")
    page.locator("label.visibility-choice", has_text="Конфіденційне").tap()
    page.fill("#id_name", "Іван Сірко")
    page.fill("#id_email", "ivan@example.test")
    page.locator("#submit-request").tap()
    page.wait_for_url("**/requests/new/sent/")
    assert "ivan@example.test" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "requests-sent-phone.png"))
    link = re.search(r"http://testserver(/requests/access/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(portal_url + link)
    page.wait_for_url(re.compile(r".*/requests/\d{4}-\d{6}/$"))
    text = page.locator("main").inner_text()
    assert "Відділ роботи зі зверненнями громадян" in text and "конфіденційне" in text
    assert page.js_errors == []


def test_a_place_outside_the_hromada_is_refused_before_sending(phone, portal_url, committed):
    page = phone
    page.goto(portal_url + "/requests/new/")
    page.wait_for_selector("#picker-map .leaflet-control-zoom")
    page.evaluate("MistoRequests.form.map.setView([49.2, 33.3], 14)")
    box = page.locator("#picker-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#place-status.error").wait_for()
    assert "поза межами" in page.locator("#place-status").inner_text()


def test_the_request_pages_fit_a_phone(phone, portal_url, committed, artifacts):
    with committed.unblock():
        for n in range(6):
            file_request(location=offset(building_point(CENTRE), north_m=40 * n, east_m=30 * n))
    page = phone
    page.goto(portal_url + "/requests/")
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "requests-list-phone.png"))
    page.goto(portal_url + "/requests/map/")
    page.wait_for_selector("html[data-requests-loaded]", state="attached")
    assert int(page.locator("html").get_attribute("data-requests-loaded")) >= 6
    assert page.locator(".marker-cluster, .misto-marker").count() > 0
    page.screenshot(path=str(artifacts / "requests-map-phone.png"))
    assert page.js_errors == []


def test_the_requests_map_names_each_request_by_its_number_with_a_status_legend(
    browser, portal_url, committed, artifacts
):
    with committed.unblock():
        filed = file_request(location=offset(building_point(CENTRE), north_m=25))
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    lat, lon = filed.location.y, filed.location.x
    page.goto(f"{portal_url}/requests/map/?z=19&c={lat:.5f},{lon:.5f}")
    page.wait_for_selector("html[data-requests-loaded]", state="attached")
    marker = page.locator(f'.leaflet-marker-icon[title$="№ {filed.number}"]')
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    assert f"№ {filed.number}" in tooltip.inner_text()
    marker.click()
    title = page.locator(".leaflet-popup .popup-title")
    assert title.inner_text().endswith(f"№ {filed.number}")
    assert "undefined" not in page.locator(".leaflet-popup").inner_text()
    legend = page.locator("#map-legend-list li")
    assert legend.count() == 4
    assert "у роботі" in page.locator("#map-legend-list").inner_text()
    # The request's marker has the colour of its stage's legend row ("new" or "in work":
    # filing may route it to a service at once).
    assert filed.status in ("submitted", "triage", "assigned")
    row = legend.nth(0 if filed.status in ("submitted", "triage") else 1)
    swatch = row.locator(".swatch-box").evaluate("n => getComputedStyle(n).backgroundColor")
    dot = marker.locator(".misto-marker").evaluate("n => getComputedStyle(n).backgroundColor")
    assert swatch == dot
    padding = page.locator(".map-panel").evaluate("n => parseFloat(getComputedStyle(n).paddingLeft)")
    assert padding >= 8
    # The permalink keeps the view and the filters.
    page.select_option("#m-status", "")
    page.wait_for_function("location.search.includes('status=')")
    assert "z=19" in page.url and "c=" in page.url
    page.screenshot(path=str(artifacts / "requests-map-desktop.png"))
    assert errors == []
    context.close()


def test_the_filing_form_works_without_javascript_too(city, client):
    """The page names its fields for a plain POST (this test also makes the suite create the
    test database when this module runs alone)."""
    html = client.get("/requests/new/").content.decode()
    for name in (
        "category",
        "lat",
        "lon",
        "address",
        "text",
        "files",
        "visibility",
        "name",
        "email",
        "website",
    ):
        assert f'name="{name}"' in html


def _login(page, portal_url, username: str, next_path: str) -> None:
    page.goto(f"{portal_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "misto-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"^[^?]*{re.escape(next_path)}$"))


def test_the_personal_account_on_a_phone(phone, portal_url, committed, artifacts):
    with committed.unblock():
        file_request(text="Не горить ліхтар біля школи, темно ввечері.", category="street_light_out")
        secret = file_request(text="Шумлять сусіди щоночі після 23:00.", category="noise",
                              visibility=Request.Visibility.CONFIDENTIAL)  # fmt: skip
        Request.objects.filter(pk=secret.pk).update(status=Request.Status.RESOLVED,
                                                    status_notes="Муніципальна варта провела бесіду з сусідами.")  # fmt: skip
    page = phone
    _login(page, portal_url, "resident", "/requests/mine/")
    text = page.locator("main").inner_text()
    assert secret.number in text and "конфіденційне" in text and "провела бесіду" in text
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "requests-account-phone.png"), full_page=True)


def test_the_routing_rule_admin_shows_the_rule_s_area_on_a_map(browser, portal_url, committed, artifacts):
    with committed.unblock():
        from citizen_requests.models import RoutingRule

        rule = RoutingRule.objects.get(category__slug="no_heating", area__source_id="area-heating-north")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    _login(page, portal_url, "registrar", f"/admin/citizen_requests/routingrule/{rule.pk}/change/")
    page.locator("#rule-area-map path.leaflet-interactive").wait_for()
    assert hosts <= {portal_url.split("/")[2]}, hosts
    page.screenshot(path=str(artifacts / "requests-admin-routing-rule.png"), full_page=True)
    context.close()


def test_a_photo_attached_to_a_form_that_comes_back_is_kept_and_sent(
    phone, portal_url, committed, artifacts, tmp_path
):
    """Issue 20: the form came back with an error and the photo was gone; now it is shown as
    kept, counts towards the limit and goes with the next try."""
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_bytes(size=(320, 240)))
    page = phone
    page.goto(portal_url + "/requests/new/")
    page.wait_for_selector("#picker-map .leaflet-control-zoom")
    box = page.locator("#picker-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.querySelector('#id_lat').value !== ''")
    page.locator("details[data-group=other] > summary").tap()
    page.locator("label.category-choice", has_text="Інше").tap()
    page.set_input_files("#id_files", str(photo))
    page.fill("#id_text", "Лавка")  # too short: the form comes back
    page.fill("#id_name", "Іван Сірко")
    page.fill("#id_email", "ivan.photo@example.test")
    with page.expect_navigation():
        page.locator("#submit-request").tap()
    kept = page.locator("#pending-files li")
    assert kept.count() == 1 and "IMG_0042.jpg" in kept.inner_text()
    assert page.locator("#pending-files img").evaluate("img => img.complete && img.naturalWidth") == 320
    kept.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "requests-new-kept-photo-phone.png"))
    assert fits_the_screen(page)
    page.fill("#id_text", "Прошу встановити лавку біля дитячого майданчика.")
    page.locator("#submit-request").tap()
    page.wait_for_url("**/requests/new/sent/")
    with committed.unblock():
        request = Request.objects.get(applicant_email="ivan.photo@example.test")
        assert [a.original_name for a in request.attachments.all()] == ["IMG_0042.jpg"]
    assert page.js_errors == []
