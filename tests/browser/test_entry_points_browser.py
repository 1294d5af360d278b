"""Entry points, search and "nearest" in a real browser (issue 20, deliver 2–4): the menu folds
behind a button on a phone, the staff "Work" menu opens and closes, the home page's "Report a
problem" opens the form at the typed address, a chosen suggestion puts the pin at exactly its
point (the "вулиця Солов'їна" → "Незалежності, 44" bug), the map's one search box finds
streets and facilities, and the nearest page reads well on a phone. Screenshots are saved in
test-artifacts/ for people to look at."""

from __future__ import annotations

import os

import pytest

from facilities.search import places_search

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}


@pytest.fixture
def at(browser):
    """A page at a viewport size, Ukrainian, with its script errors collected."""
    contexts = []

    def make(viewport, **kwargs):
        context = browser.new_context(viewport=viewport, locale="uk-UA", **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.set_default_navigation_timeout(45000)  # the first page of a cold portal thread
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def demo_password(portal_url, django_db_blocker):
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=["dispatcher", "head"]):
            if not user.check_password("misto-demo"):
                user.set_password("misto-demo")
                user.save(update_fields=["password"])


def log_in(page, portal_url, username):
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_phone_menu_folds_behind_a_button_with_aria_expanded(at, portal_url, artifacts):
    page = at(PHONE)
    page.goto(portal_url + "/")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    directory = page.locator("#site-nav").get_by_role("link", name="Довідник")
    assert not directory.is_visible()
    # Folded, the header is one row (it was four rows, 160 px).
    assert page.locator(".site-header").bounding_box()["height"] < 70
    page.screenshot(path=str(artifacts / "home-390.png"), full_page=True)
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and directory.is_visible()
    assert page.locator("#site-nav").get_by_role("link", name="Найближче").is_visible()
    page.screenshot(path=str(artifacts / "nav-open-390.png"))
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and not directory.is_visible()
    assert no_horizontal_overflow(page) and page.js_errors == []


def test_without_javascript_the_phone_menu_stays_open(at, portal_url):
    page = at(PHONE, java_script_enabled=False)
    page.goto(portal_url + "/")
    assert not page.locator(".nav-toggle").is_visible()
    assert page.locator("#site-nav").get_by_role("link", name="Довідник").is_visible()


def test_the_wide_menu_is_one_row_and_the_work_menu_opens_and_closes(
    at, portal_url, artifacts, demo_password
):
    page = at(WIDE)
    log_in(page, portal_url, "head")
    page.goto(portal_url + "/")
    assert not page.locator(".nav-toggle").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 70
    work = page.locator(".work-menu:not(.account-menu) summary")
    queues = page.locator(".work-menu:not(.account-menu)").get_by_role("link", name="Черги")
    assert not queues.is_visible()
    work.click()
    assert queues.is_visible()
    page.screenshot(path=str(artifacts / "work-menu-1366.png"))
    page.keyboard.press("Escape")
    assert not queues.is_visible()
    work.click()
    page.locator("h1").click()  # a click elsewhere closes it too
    assert not queues.is_visible()
    # The account menu holds "My requests" and logging out.
    page.locator(".account-menu summary").click()
    assert page.locator(".account-menu").get_by_role("link", name="Мої звернення").is_visible()
    with page.expect_navigation():
        page.locator(".account-menu").get_by_role("button", name="Вийти").click()
    assert page.locator(".account-menu").count() == 0
    assert page.js_errors == []


def test_home_report_a_problem_opens_the_form_at_the_typed_address(
    at, portal_url, artifacts, django_db_blocker
):
    page = at(WIDE)
    page.goto(portal_url + "/")
    page.screenshot(path=str(artifacts / "home-1366.png"), full_page=True)
    page.get_by_label("Де це? Вулиця і номер будинку").fill("вул. Миру, 9")
    with page.expect_navigation():
        page.locator("#report-start button[type=submit]").click()
    assert "/requests/new/" in page.url
    with django_db_blocker.unblock():
        house = places_search("вул. Миру, 9")[0]
    page.wait_for_function("document.getElementById('request-form').dataset.pin !== undefined")
    assert page.locator("#request-form").get_attribute("data-pin") == f"{house.lat:.6f},{house.lon:.6f}"
    assert page.locator("#id_address").input_value() == "вулиця Миру, 9"
    assert page.js_errors == []


def test_home_locate_me_opens_the_form_where_the_visitor_is(at, portal_url):
    page = at(PHONE, geolocation={"latitude": 49.0105, "longitude": 33.638}, permissions=["geolocation"])
    page.goto(portal_url + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Де я зараз").click()
    assert "lat=49.010500" in page.url and "lon=33.638000" in page.url
    page.wait_for_function("document.getElementById('request-form').dataset.pin !== undefined")
    assert page.locator("#request-form").get_attribute("data-pin") == "49.010500,33.638000"


def test_a_chosen_street_suggestion_puts_the_pin_on_that_street(at, portal_url, django_db_blocker):
    page = at(WIDE)
    page.goto(portal_url + "/requests/new/")
    page.locator("#id_address").press_sequentially("Солов'їна", delay=20)
    option = page.locator("#address-suggestions li", has_text="вулиця Солов'їна").first
    option.wait_for()
    with django_db_blocker.unblock():
        street = places_search("вулиця Солов'їна")[0]
    assert street.kind == "street"
    option.dispatch_event("mousedown")
    page.wait_for_function("document.getElementById('request-form').dataset.pin !== undefined")
    assert page.locator("#request-form").get_attribute("data-pin") == f"{street.lat:.6f},{street.lon:.6f}"
    page.wait_for_function("document.getElementById('place-status').textContent.length > 0")
    status = page.locator("#place-status").inner_text()
    assert status.startswith("вулиця Солов'їна") and "Незалежності" not in status


def test_the_map_search_finds_a_street_and_pins_it_and_a_monument_without_the_apostrophe(
    at, portal_url, artifacts, django_db_blocker
):
    page = at(WIDE)
    page.goto(portal_url + "/map/")
    page.wait_for_function("document.documentElement.dataset.facilitiesLoaded !== undefined")
    box = page.get_by_label("Знайти місце")
    box.fill("вулиця Солов'їна")
    page.keyboard.press("Enter")
    first = page.locator("#map-search-results li").first
    first.wait_for()
    assert first.locator("button").inner_text() == "вулиця Солов'їна"
    assert "Вулиця" in first.inner_text()
    first.locator("button").click()
    with django_db_blocker.unblock():
        street = places_search("вулиця Солов'їна")[0]
    page.wait_for_function("document.documentElement.dataset.searchPin !== undefined")
    assert page.locator("html").get_attribute("data-search-pin") == f"{street.lat:.6f},{street.lon:.6f}"
    assert page.locator(".search-pin-label").inner_text() == "вулиця Солов'їна"
    page.screenshot(path=str(artifacts / "map-search-street-1366.png"))
    # As typed, without the apostrophe: the monument's popup opens, and only one popup.
    box.fill("памятник лесі")
    page.keyboard.press("Enter")
    monument = page.locator("#map-search-results button", has_text="Пам'ятник Лесі Українці").first
    monument.wait_for()
    monument.click()
    page.locator(".leaflet-popup-content .popup[data-loaded]").wait_for()
    assert page.locator(".leaflet-popup-content").count() == 1
    assert "Пам'ятник Лесі Українці" in page.locator(".leaflet-popup-content").inner_text()
    assert page.locator(".search-pin-label").count() == 0
    assert page.js_errors == []


def test_the_map_search_puts_the_typed_house_first_on_a_phone(at, portal_url, artifacts):
    page = at(PHONE)
    page.goto(portal_url + "/map/")
    page.wait_for_function("document.documentElement.dataset.facilitiesLoaded !== undefined")
    page.get_by_label("Знайти місце").fill("вул. Миру, 9")
    page.keyboard.press("Enter")
    first = page.locator("#map-search-results li button").first
    first.wait_for()
    assert first.inner_text() == "вулиця Миру, 9"
    page.screenshot(path=str(artifacts / "map-search-390.png"))
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_the_nearest_page_shows_distances_and_open_marks_and_fits(at, portal_url, artifacts, viewport):
    page = at(viewport)
    page.goto(portal_url + "/facilities/nearest/?category=pharmacy&address=вулиця+Миру,+9")
    cards = page.locator(".nearest-list .facility-card")
    assert cards.count() == 5
    assert "м" in cards.first.locator(".distance").inner_text()
    assert page.get_by_label("Лише відчинені зараз").is_visible()
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / f"nearest-{viewport['width']}.png"), full_page=True)
    page.get_by_label("Лише відчинені зараз").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Знайти").click()
    assert "open_now=1" in page.url
    for badge in page.locator(".nearest-list .badge").all():
        assert "відчинено" in badge.inner_text() or "цілодобово" in badge.inner_text()
    assert page.js_errors == []
