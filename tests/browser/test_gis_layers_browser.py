"""GIS layers in a real browser: the editor draws a polygon that then shows on the public map,
layer toggles with the permalink, staff-only layers for staff only, the import pages, and
accessibility checks of the new pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gis_layers.models import Feature

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def test_demo_layers_are_there_for_the_browser_tests(db, demo_city):
    """Also makes pytest-django create the test database when this module runs alone: it does so
    only for sessions with a test that asks for `db` (portal_url alone does not), and the browser
    tests below must never write to the developer's own database."""
    from gis_layers.models import Layer

    counts = {layer.slug: layer.features.count() for layer in Layer.objects.all()}
    assert counts == {"shelters": 48, "snow-routes": 9, "green-zones": 14}


@pytest.fixture(scope="module", autouse=True)
def _on_the_test_database(portal_url):
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "browser tests must run on the test database"


def log_in(page, portal_url, username):
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


def map_loaded(page):
    page.wait_for_function("document.documentElement.dataset.facilitiesLoaded !== undefined")


def test_editor_draws_a_polygon_fills_the_form_and_it_shows_on_the_public_map(
    page, portal_url, artifacts, django_db_blocker
):
    log_in(page, portal_url, "editor")
    page.goto(portal_url + "/staff/layers/green-zones/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    page.screenshot(path=str(artifacts / "editor.png"))
    page.locator(".leaflet-pm-icon-polygon").click()
    box = page.locator(".misto-map").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.62, box["y"] + 140
    corners = [(x0, y0), (x0 + 110, y0 + 10), (x0 + 100, y0 + 95), (x0 - 10, y0 + 85)]
    for x, y in corners:
        page.mouse.click(x, y)
    page.mouse.click(*corners[0])  # closing the ring finishes the shape
    page.locator("#f-name").wait_for()
    # The form checks before sending: a required field left empty is named.
    page.click("#editor-save")
    assert page.locator("#editor-status.error").count() == 1
    page.fill("#f-name", "Сквер біля нової школи")
    page.select_option("#f-kind", "сквер")
    page.fill("#f-area_ha", "0.35")
    page.screenshot(path=str(artifacts / "editor-form.png"))
    page.click("#editor-save")
    page.wait_for_function("document.documentElement.dataset.editorSaved !== undefined")
    feature_id = int(page.locator("html").get_attribute("data-editor-saved"))
    assert f"#{feature_id}" in page.locator("#editor-status").inner_text()
    page.screenshot(path=str(artifacts / "editor-saved.png"))
    try:
        with django_db_blocker.unblock():
            feature = Feature.objects.get(pk=feature_id)
            assert feature.properties == {"name": "Сквер біля нової школи", "kind": "сквер", "area_ha": 0.35}
            assert feature.geometry.geom_type == "Polygon" and feature.geometry.valid
            assert feature.history.get().history_user.username == "editor"
            centre = feature.geometry.point_on_surface
        # The public map, anonymous, with the layer on: the new polygon is in its tiles.
        page.context.clear_cookies()
        page.goto(portal_url + f"/map/?layers=layer:green-zones&z=18&c={centre.y:.6f},{centre.x:.6f}")
        map_loaded(page)
        page.wait_for_function("document.documentElement.dataset.gisgreenzones === 'loaded'")
        canvas = page.locator(".misto-map").bounding_box()
        page.mouse.click(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
        popup = page.locator(".leaflet-popup-content .gis-popup")
        popup.wait_for()
        assert "Сквер біля нової школи" in popup.inner_text() and "0.35 га" in popup.inner_text()
        page.wait_for_timeout(300)  # let the popup finish fading in before the picture
        page.screenshot(path=str(artifacts / "map-new-green-zone.png"))
    finally:
        with django_db_blocker.unblock():
            Feature.history.filter(id=feature_id).delete()
            Feature.objects.filter(pk=feature_id).delete()


def test_stale_save_in_the_editor_is_refused_and_the_current_state_shown(
    page, portal_url, artifacts, django_db_blocker
):
    from django.contrib.auth.models import User

    from gis_layers.services import feature_update

    with django_db_blocker.unblock():
        feature = Feature.objects.get(source_id="green-main-square")
        original, start = dict(feature.properties), feature.version
        centre = feature.geometry.point_on_surface
    log_in(page, portal_url, "editor")
    page.goto(portal_url + "/staff/layers/green-zones/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    page.evaluate(f"Misto.editor.map.setView([{centre.y}, {centre.x}], 18, {{animate: false}})")
    page.evaluate(f"Misto.editor.features[{feature.pk}].layer.fire('click')")
    page.locator("#f-name").wait_for()
    try:
        with django_db_blocker.unblock():  # someone else saves meanwhile
            feature_update(feature=feature, actor=User.objects.get(username="gisadmin"), version=feature.version,
                           properties={**original, "keeper": "Інший виконавець"})  # fmt: skip
        page.fill("#f-name", "Моя назва")
        page.click("#editor-save")
        page.locator("#editor-conflict").filter(has_text="версія").or_(
            page.locator("#editor-conflict").filter(has_text="version")
        ).wait_for()
        assert page.input_value("#f-keeper") == "Інший виконавець"  # the current state is shown
        assert page.input_value("#f-name") == original["name"]
        page.screenshot(path=str(artifacts / "editor-conflict.png"))
        with django_db_blocker.unblock():
            feature.refresh_from_db()
            assert feature.properties["name"] == original["name"]  # nothing overwritten
    finally:
        with django_db_blocker.unblock():
            Feature.objects.filter(pk=feature.pk).update(properties=original, version=start)


def test_undo_reverses_the_last_change(page, portal_url, django_db_blocker):
    with django_db_blocker.unblock():
        feature = Feature.objects.get(source_id="green-central-park")
        original, start = dict(feature.properties), feature.version
    log_in(page, portal_url, "editor")
    page.goto(portal_url + "/staff/layers/green-zones/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    page.evaluate(f"Misto.editor.features[{feature.pk}].layer.fire('click')")
    page.fill("#f-keeper", "КП «Зеленбуд»")
    page.click("#editor-save")
    page.wait_for_function("document.documentElement.dataset.editorSaved !== undefined")
    page.click("#editor-undo")
    page.wait_for_function("document.getElementById('editor-undo').disabled")
    with django_db_blocker.unblock():
        feature.refresh_from_db()
        assert feature.properties == original and feature.version == start + 2
        latest = list(feature.history.all()[:2])
        assert [h.history_user.username for h in latest] == ["editor", "editor"]
        assert latest[1].properties["keeper"] == "КП «Зеленбуд»"  # the change, then its undoing


def test_public_map_toggles_a_layer_and_keeps_it_in_the_permalink(page, portal_url, artifacts):
    page.goto(portal_url + "/map/?z=16&c=49.0105,33.638")
    map_loaded(page)
    assert page.locator("#l-snow-routes").count() == 0  # staff-only: not offered to visitors
    page.locator("#l-shelters").check()
    page.wait_for_function("document.documentElement.dataset.gisshelters === 'loaded'")
    page.wait_for_function("location.search.includes('layer:shelters')")
    assert page.locator(".leaflet-gis-point-pane image").count() > 3
    page.screenshot(path=str(artifacts / "map-shelters.png"))
    # The permalink brings the same layers back.
    page.goto(page.url)
    map_loaded(page)
    assert page.locator("#l-shelters").is_checked()
    page.locator("#l-shelters").uncheck()
    page.wait_for_function("!location.search.includes('layer:shelters')")
    assert page.locator(".leaflet-gis-point-pane image").count() == 0


def test_staff_see_and_draw_the_staff_only_layer(page, portal_url, artifacts):
    log_in(page, portal_url, "dispatcher")
    page.goto(portal_url + "/map/?layers=layer:snow-routes&z=14")
    map_loaded(page)
    assert page.locator("#l-snow-routes").is_checked()
    page.wait_for_function("document.documentElement.dataset.gissnowroutes === 'loaded'")
    assert page.locator(".leaflet-gis-line-pane path").count() > 3
    page.screenshot(path=str(artifacts / "map-snow-routes-staff.png"))


def test_import_page_shows_progress_then_the_preview(page, portal_url, artifacts, tmp_path, settings):
    from tests.gis_layers import files

    # The portal here has no Celery worker: the task code runs in a thread of the server.
    settings.MISTO_BACKGROUND = "thread"
    settings.MEDIA_ROOT = tmp_path / "media"

    frame = files.shelters_frame(4)
    frame["kind"] = "сховище"
    path = files.shapefile_zip(tmp_path, frame.to_crs(32636), encoding="CP1251")
    log_in(page, portal_url, "gisadmin")
    page.goto(portal_url + "/staff/layers/shelters/import/")
    page.screenshot(path=str(artifacts / "import-upload.png"))
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Завантажити й перевірити").click()
    page.wait_for_selector(
        "#import-job[data-status='preview'], #import-job[data-status='refused']", timeout=30000
    )
    assert page.locator("#import-job").get_attribute("data-status") == "preview"
    text = page.locator("#import-job").inner_text()
    assert "EPSG:32636" in text and "Укриття «Ліцей № 1»" in text
    page.screenshot(path=str(artifacts / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="Відкинути цей імпорт").click()


@pytest.mark.parametrize(
    "path, user",
    [
        ("/map/?layers=layer:shelters,layer:green-zones", None),
        ("/layers/", None),
        ("/layers/shelters/", None),
        ("/ogcapi/collections?f=html", None),
        ("/staff/layers/", "gisadmin"),
        ("/staff/layers/green-zones/settings/", "gisadmin"),
        ("/staff/layers/green-zones/edit/", "editor"),
        ("/staff/layers/shelters/import/", "gisadmin"),
    ],
)
def test_no_serious_accessibility_violations_on_layer_pages(page, portal_url, artifacts, path, user):
    if user:
        log_in(page, portal_url, user)
    page.goto(portal_url + path)
    if path.startswith("/map/"):
        map_loaded(page)
    if "/edit/" in path:
        page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    name = path.strip("/").replace("/", "-").split("?")[0] or "home"
    page.screenshot(path=str(artifacts / f"a11y-{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_the_editor_highlights_the_selected_feature(page, portal_url, artifacts, django_db_blocker):
    """Issue 20: the feature being edited stands out (an amber outline, a ring on a point), and
    only one at a time."""
    with django_db_blocker.unblock():
        first, second = Feature.objects.filter(layer__slug="green-zones").order_by("pk")[:2]
        shelter = Feature.objects.filter(layer__slug="shelters").order_by("pk").first()
    log_in(page, portal_url, "editor")
    page.goto(portal_url + "/staff/layers/green-zones/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    stroke = "(id) => Misto.editor.features[id].layer.options.color"
    page.evaluate(f"Misto.editor.features[{first.pk}].layer.fire('click')")
    assert page.evaluate(stroke, first.pk) == "#f59e0b"
    page.evaluate(f"Misto.editor.features[{second.pk}].layer.fire('click')")
    assert page.evaluate(stroke, second.pk) == "#f59e0b"
    assert page.evaluate(stroke, first.pk) != "#f59e0b"
    page.screenshot(path=str(artifacts / "editor-selected-polygon.png"))
    page.goto(portal_url + "/staff/layers/shelters/edit/")
    page.wait_for_function("document.documentElement.dataset.editorLoaded !== undefined")
    page.evaluate(f"Misto.editor.features[{shelter.pk}].layer.fire('click')")
    assert page.locator(".misto-marker-wrap.misto-selected").count() == 1
    page.screenshot(path=str(artifacts / "editor-selected-point.png"))


def test_the_layer_form_shows_only_the_style_of_the_geometry_and_adds_field_rows(page, portal_url, artifacts):
    log_in(page, portal_url, "gisadmin")
    page.goto(portal_url + "/staff/layers/new/")
    assert page.locator("#id_style-colour").input_value() == "#2563eb"
    assert page.locator(".fields-table tbody tr").count() == 1
    page.select_option("#id_geometry_type", "point")
    assert not page.locator("#id_style-line_width").is_visible()
    assert not page.locator("#id_style-fill_opacity").is_visible()
    page.select_option("#id_geometry_type", "line")
    assert page.locator("#id_style-line_width").is_visible()
    assert not page.locator("#id_style-fill_opacity").is_visible()
    page.select_option("#id_geometry_type", "polygon")
    assert page.locator("#id_style-fill_opacity").is_visible()
    page.click("#add-field-row")
    assert page.locator(".fields-table tbody tr").count() == 2
    assert page.locator("#id_fields-TOTAL_FORMS").input_value() == "2"
    assert page.locator("#id_fields-1-name").evaluate("el => el === document.activeElement")
    assert not page.js_errors
    page.select_option("#id_geometry_type", "point")
    page.screenshot(path=str(artifacts / "layer-form-point.png"), full_page=True)
