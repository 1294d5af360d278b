"""The housing registry in a real browser: a dispatcher logs in, finds a building on the staff
map (drawn from the registry's vector tiles), opens it with a click, edits the heating section
and sees the change in the history; every registry page is photographed for review
(test-artifacts/registry-*.png)."""

from __future__ import annotations

import os

import pytest

from housing_registry.models import Building

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ADDRESS = "вулиця Миру, 9"

# Where a point (lat, lon) is on the page, and the colour the staff map's tile canvas has there.
DRAWN_AT = """([lat, lon]) => {
  const map = window.MistoRegistry.map;
  const box = map.getContainer().getBoundingClientRect();
  const p = map.latLngToContainerPoint([lat, lon]);
  const x = box.left + p.x, y = box.top + p.y;
  for (const canvas of map.getContainer().querySelectorAll("canvas.leaflet-tile")) {
    const r = canvas.getBoundingClientRect();
    if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) continue;
    const scale = canvas.width / r.width;
    const px = canvas.getContext("2d").getImageData((x - r.left) * scale, (y - r.top) * scale, 1, 1).data;
    if (px[3] > 0) return [x, y, Array.from(px)];
  }
  return [x, y, [0, 0, 0, 0]];
}"""


@pytest.fixture(autouse=True)
def demo_passwords(portal_url, django_db_blocker):
    """The demo password, hashed with the hasher this test session uses (the suite swaps
    PASSWORD_HASHERS for speed; a hash made with another hasher cannot be checked)."""
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=["dispatcher", "resident"]):
            if not user.check_password("misto-demo"):
                user.set_password("misto-demo")
                user.save(update_fields=["password"])


def log_in(page, portal_url, username="dispatcher"):
    page.goto(portal_url + "/accounts/login/?next=/registry/map/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.fixture
def restore_building(django_db_blocker):
    """The browser saves through the live server (committed): put the sheet back afterwards."""
    with django_db_blocker.unblock():
        building = Building.objects.get(address=ADDRESS)
        saved = {
            f: getattr(building, f)
            for f in ("heating_type", "heating_provider_id", "has_heat_meter", "version")
        }
        latest = building.history.latest().history_id
    yield building
    with django_db_blocker.unblock():
        Building.objects.filter(pk=building.pk).update(**saved)
        building.history.filter(history_id__gt=latest).delete()


def test_dispatcher_opens_a_building_from_the_map_edits_heating_and_sees_it_in_history(
    page, portal_url, artifacts, restore_building, django_db_blocker
):
    building = restore_building
    tiles = []
    page.on(
        "response",
        lambda r: tiles.append(r) if "/registry/map/tiles/" in r.url or ".geojson" in r.url else None,
    )
    log_in(page, portal_url)
    page.wait_for_selector("html[data-buildings-loaded]", state="attached")
    with django_db_blocker.unblock():
        total = Building.objects.count()
        provider = building.heating_provider
        other = (
            provider.__class__.objects.filter(source_id__in=["svc-teploenergo", "svc-pivden-teplo"])
            .exclude(pk=provider.pk)
            .get()
        )
    assert page.locator("html").get_attribute("data-buildings-loaded") == str(total)
    assert page.locator("#legend li").count() >= 4
    page.select_option("#id_colour", "heating_provider")
    page.wait_for_function("document.querySelector('#legend-attribute').textContent.includes('постачальник')")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "registry-map.png"))

    # Find the building by its address, typed the way people type it, and click it on the map.
    page.fill("#id_q", "вул. миру 9")
    page.click("#map-filters button[type=submit]")
    page.wait_for_function("document.documentElement.dataset.buildingsLoaded === '1'")
    page.screenshot(path=str(artifacts / "registry-map-search.png"))
    # The buildings come from the staff tiles (no whole-city GeoJSON), drawn on canvas in the
    # colour of their legend class: the pixel inside the building is its heat supplier's.
    assert tiles and all("/registry/map/tiles/" in r.url and r.status in (200, 204, 304) for r in tiles)
    assert any("q=" in r.url and "colour=heating_provider" in r.url and r.status == 200 for r in tiles)
    swatch = page.locator(f'#legend li[data-class="{provider.pk}"] .swatch-box')
    expected = [int(v) for v in swatch.evaluate("e => getComputedStyle(e).backgroundColor")[4:-1].split(",")]
    inside = building.footprint.point_on_surface
    x, y, rgba = page.evaluate(DRAWN_AT, [inside.y, inside.x])
    assert rgba[3] > 200, rgba
    assert all(abs(a - b) <= 12 for a, b in zip(rgba[:3], expected, strict=True)), (rgba, expected)
    page.mouse.click(x, y)
    page.wait_for_url(f"**/registry/buildings/{building.pk}/")
    assert page.locator("h1").inner_text() == ADDRESS
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "registry-sheet.png"), full_page=True)

    # Edit the heating section.
    page.click(f'a[href="/registry/buildings/{building.pk}/edit/heating/"]')
    page.select_option("#id_heating_provider", str(other.pk))
    page.select_option("#id_has_heat_meter", "true")
    page.screenshot(path=str(artifacts / "registry-edit-heating.png"), full_page=True)
    page.click("button:has-text('Зберегти')")
    page.wait_for_url(f"**/registry/buildings/{building.pk}/*")
    assert "Збережено: Опалення." in page.locator(".messages").inner_text()
    heating = page.locator("#section-heating").inner_text()
    assert other.name_uk in heating

    # The change is in the history: who, which section, old and new values.
    page.click("text=Історія змін")
    version = page.locator(".version").first
    text = version.inner_text()
    assert "Віктор Мельник" in text and "Опалення" in text
    assert provider.name_uk in text and other.name_uk in text
    assert "Відновити" in page.locator(".version").nth(1).inner_text()
    page.screenshot(path=str(artifacts / "registry-history.png"), full_page=True)
    assert page.js_errors == []
    with django_db_blocker.unblock():
        building.refresh_from_db()
        assert building.heating_provider == other and building.has_heat_meter is True


def test_registry_pages_for_review(page, portal_url, artifacts, tmp_path, django_db_blocker):
    log_in(page, portal_url)
    page.wait_for_selector("html[data-buildings-loaded]", state="attached")
    page.goto(portal_url + "/registry/?technical_state=unsatisfactory&sort=-year")
    assert "будинк" in page.locator(".count-line").inner_text()
    page.screenshot(path=str(artifacts / "registry-list.png"), full_page=True)
    page.goto(portal_url + "/registry/works/?overdue=on")
    assert page.locator("tr.row-overdue").count() > 0
    page.screenshot(path=str(artifacts / "registry-works.png"), full_page=False)
    page.goto(portal_url + "/registry/reports/?report=works&work_group=district")
    assert "Разом" in page.locator("tfoot").inner_text()
    page.screenshot(path=str(artifacts / "registry-report.png"), full_page=True)
    with django_db_blocker.unblock():
        building = Building.objects.get(address=ADDRESS)
        work = building.works.first()
    page.goto(portal_url + f"/registry/works/{work.pk}/")
    page.screenshot(path=str(artifacts / "registry-work.png"), full_page=True)
    upload = tmp_path / "sheets.csv"
    upload.write_text(
        'address,series,floors\n"вул. Миру, 9",1-464Д,9\n"вулиця Неіснуюча, 1",1-447С,5\n', encoding="utf-8"
    )
    page.goto(portal_url + "/registry/import/")
    page.set_input_files("#id_file", str(upload))
    page.click("button:has-text('Перевірити файл')")
    page.wait_for_selector(".preview")
    assert "немає будинку за адресою" in page.locator(".errors-table").inner_text()
    page.screenshot(path=str(artifacts / "registry-import-preview.png"), full_page=True)
    assert page.js_errors == []


def test_a_resident_sees_nothing_of_the_registry(page, portal_url, artifacts):
    log_in(page, portal_url, username="resident")
    page.wait_for_load_state()
    assert "доступний лише його працівникам" in page.locator("main").inner_text()
    assert page.locator("nav a[href='/registry/']").count() == 0
    page.screenshot(path=str(artifacts / "registry-forbidden.png"))


def test_the_sheet_reads_well_on_a_phone(browser, portal_url, artifacts, django_db_blocker):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="uk-UA")
    page = context.new_page()
    log_in(page, portal_url)
    with django_db_blocker.unblock():
        building = Building.objects.get(address=ADDRESS)
    page.goto(portal_url + f"/registry/buildings/{building.pk}/")
    page.screenshot(path=str(artifacts / "registry-sheet-phone.png"), full_page=False)
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 392)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 392, wide
    context.close()
