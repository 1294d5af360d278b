"""Attribute tables in a real browser: a house's popup on the public map shows the street joined
one-to-one from a public table, and — to staff only — its flats joined one-to-many from a
staff-only table; the layer settings page lists the joins; a table's import preview shows rows
and their exact text. Screenshots at 1366 and 390 px."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.browser.test_gis_layers_browser import log_in, map_loaded

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HOUSE = (33.6452, 49.0161)  # lon, lat: a quiet block of the demo city
WIDTHS = {"wide": (1366, 900), "narrow": (390, 844)}


@pytest.fixture(scope="module", autouse=True)
def _on_the_test_database(portal_url):
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "browser tests must run on the test database"


@pytest.fixture
def joined_houses(portal_url, django_db_blocker):
    """Committed for the portal's thread, removed afterwards."""
    from django.contrib.auth.models import User
    from django.contrib.gis.geos import Point

    from gis_layers.models import Feature, ImportJob, Layer
    from gis_layers.services import feature_create, join_create
    from gis_layers.services.imports import (
        import_job_apply,
        import_job_create,
        import_job_preview,
        import_job_request_apply,
    )
    from tests.gis_layers import tables

    with django_db_blocker.unblock():
        admin = User.objects.get(username="gisadmin")
        houses = tables.houses_layer(admin, slug="bt-houses")
        streets = tables.streets_table(admin, slug="bt-streets")
        flats = tables.flats_table(admin, slug="bt-flats", visibility="staff")
        job = import_job_create(
            layer=streets,
            actor=admin,
            upload=tables.streets_csv(Path(tempfile.mkdtemp())),
            original_name="streets.csv",
        )
        import_job_preview(job_id=job.pk)
        import_job_request_apply(job=ImportJob.objects.get(pk=job.pk), actor=admin, mode="append")
        import_job_apply(job_id=job.pk)
        for flat, rooms in [(1, 2), (2, 3), (3, 1)]:
            feature_create(
                layer=flats,
                actor=admin,
                geometry=None,
                properties={"house": "12", "flat": flat, "rooms": rooms},
            )
        feature_create(
            layer=houses,
            actor=admin,
            geometry=Point(*HOUSE, srid=4326),
            properties={"number": "12", "street_ref": "002"},
        )
        join_create(
            actor=admin,
            layer=houses,
            table=streets,
            layer_field="street_ref",
            table_field="code",
            name="street",
        )
        join_create(
            actor=admin,
            layer=houses,
            table=flats,
            layer_field="number",
            table_field="house",
            cardinality="many",
            name="flats",
        )
    yield houses
    with django_db_blocker.unblock():
        ids = [houses.pk, streets.pk, flats.pk]
        ImportJob.objects.filter(layer_id__in=ids).delete()
        Feature.history.filter(layer_id__in=ids).delete()
        Feature.objects.filter(layer_id__in=ids).delete()
        Layer.history.filter(id__in=ids).delete()
        Layer.objects.filter(pk__in=ids).delete()


def _open_house_popup(page, portal_url):
    page.goto(portal_url + f"/map/?layers=layer:bt-houses&z=19&c={HOUSE[1]},{HOUSE[0]}")
    map_loaded(page)
    page.wait_for_function("document.documentElement.dataset.gisbthouses === 'loaded'")
    icon = page.locator(".leaflet-gis-point-pane image").first
    icon.wait_for()
    box = icon.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content .gis-popup")
    popup.wait_for()
    page.wait_for_function(
        "document.querySelector('.leaflet-popup-content .gis-popup').dataset.loaded === '1'"
    )
    page.wait_for_timeout(300)  # the popup fades in
    return popup


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_popup_shows_joined_rows_and_staff_only_rows_to_staff_only(
    page, portal_url, artifacts, joined_houses, width
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    popup = _open_house_popup(page, portal_url)
    text = popup.inner_text()
    assert "Вулиці" in text and "просп. Героїв" in text
    assert popup.locator("[data-join='flats']").count() == 0 and "Квартири" not in text
    page.screenshot(path=str(artifacts / f"attr-popup-public-{width}.png"))

    log_in(page, portal_url, "gisadmin")
    popup = _open_house_popup(page, portal_url)
    flats = popup.locator("[data-join='flats']")
    assert flats.count() == 1
    assert flats.locator("tr").count() == 4  # the header and three flats
    assert flats.locator("th").all_inner_texts() == ["Квартира", "Кімнат"]  # the key column is left out
    page.screenshot(path=str(artifacts / f"attr-popup-staff-{width}.png"))


@pytest.mark.parametrize("width", list(WIDTHS))
def test_settings_list_the_joins_and_a_table_import_previews_rows(
    page, portal_url, artifacts, joined_houses, width, settings, tmp_path
):
    from tests.gis_layers import tables

    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    log_in(page, portal_url, "gisadmin")
    page.goto(portal_url + "/staff/layers/bt-houses/settings/#joins")
    joins = page.locator("#joins")
    assert "street_ref" in joins.inner_text() and "flats" in joins.inner_text()
    joins.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"attr-settings-joins-{width}.png"))

    settings.MISTO_BACKGROUND = "thread"
    settings.MEDIA_ROOT = tmp_path / "media"
    page.goto(portal_url + "/staff/layers/bt-streets/import/")
    page.set_input_files("#id_file", str(tables.streets_xlsx(tmp_path)))
    page.get_by_role("button", name="Завантажити й перевірити").click()
    page.wait_for_selector(
        "#import-job[data-status='preview'], #import-job[data-status='refused']", timeout=30000
    )
    text = page.locator("#import-job").inner_text()
    assert "Вулиці — без геометрії, рядків: 3" in page.content() and "просп. Героїв" in text
    assert page.locator(".preview-map").count() == 0
    page.screenshot(path=str(artifacts / f"attr-import-preview-{width}.png"), full_page=True)
    page.get_by_role("button", name="Відкинути цей імпорт").click()


def test_the_editor_shows_the_joined_rows_read_only(page, portal_url, artifacts, joined_houses):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["wide"], strict=True)))
    log_in(page, portal_url, "gisadmin")
    page.goto(portal_url + "/staff/layers/bt-houses/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    page.locator(".leaflet-marker-icon").first.click()
    joined = page.locator("#editor-joined")
    joined.locator("[data-join='flats']").wait_for()
    assert "просп. Героїв" in joined.inner_text()
    assert joined.locator("input, select, textarea").count() == 0  # shown, never edited here
    for width, size in WIDTHS.items():  # the same selection, seen on a wide and a narrow screen
        page.set_viewport_size(dict(zip(("width", "height"), size, strict=True)))
        joined.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"attr-editor-joined-{width}.png"))
