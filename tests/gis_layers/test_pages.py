"""Pages of GIS layers: public layer pages, staff pages by role (each refusal tested), layer
settings with the schema form, feature history with restore, and the import pages end to end
with the real Celery task code (run eagerly)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from gis_layers.models import Feature, ImportJob, Layer
from gis_layers.services import feature_update
from tests.gis_layers import files


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_public_layer_list_and_page_state_attributes_crs_and_downloads(city, client):
    html = client.get("/layers/").content.decode()
    assert "Укриття" in html and "Зелені зони" in html and "Маршрути прибирання снігу" not in html
    page = client.get("/layers/shelters/").content.decode()
    assert "EPSG:4326" in page and "capacity" in page and "Місткість" in page and "осіб" in page
    for fmt in ("geojson", "gpkg", "shp", "kml", "csv"):
        assert f"/layers/shelters/download.{fmt}" in page


def test_staff_see_the_staff_only_layer_page(city, client):
    login(client, "dispatcher")
    assert client.get("/layers/snow-routes/").status_code == 200
    assert "Маршрути прибирання снігу" in client.get("/layers/").content.decode()


@pytest.mark.parametrize(
    "username, expected",
    [(None, 302), ("resident", 403), ("dispatcher", 200), ("editor", 200), ("gisadmin", 200)],
)
def test_staff_layer_list_by_role(city, client, username, expected):
    if username:
        login(client, username)
    assert client.get("/staff/layers/").status_code == expected


@pytest.mark.parametrize(
    "username, settings_status, import_status, editor_status",
    [
        ("resident", 403, 403, 403),
        ("dispatcher", 403, 403, 403),  # staff, but neither editor nor GIS admin
        ("editor", 403, 403, 200),  # granted the green zones, no settings or imports
        ("gisadmin", 200, 200, 200),
    ],
)
def test_who_may_open_settings_import_and_editor(
    city, client, username, settings_status, import_status, editor_status
):
    login(client, username)
    assert client.get("/staff/layers/green-zones/settings/").status_code == settings_status
    assert client.get("/staff/layers/green-zones/import/").status_code == import_status
    assert client.get("/staff/layers/green-zones/edit/").status_code == editor_status


def test_editor_may_not_edit_a_layer_not_granted(city, client):
    login(client, "editor")
    assert client.get("/staff/layers/snow-routes/edit/").status_code == 403
    route = Feature.objects.filter(layer__slug="snow-routes").first()
    response = client.put(
        f"/api/v1/layers/snow-routes/features/{route.pk}/",
        json.dumps({"version": route.version, "properties": {"route": "X", "priority": 1}}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_editor_page_has_the_layer_config_and_geoman(city, client):
    login(client, "editor")
    html = client.get("/staff/layers/green-zones/edit/").content.decode()
    assert "leaflet-geoman.min.js" in html and "js/editor.js" in html
    assert '"api": "/api/v1/layers/green-zones/features/"' in html


def field_rows(rows):
    data = {
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"fields-{i}-{key}"] = value
    return data


STYLE = {
    "style-colour": "#7c3aed",
    "style-icon": "♻",
    "style-line_width": "3",
    "style-fill_colour": "#7c3aed",
    "style-fill_opacity": "0.3",
    "style-label_field": "name",
}


def test_gis_admin_creates_a_layer_through_the_form(city, client):
    login(client, "gisadmin")
    editor = User.objects.get(username="editor")
    data = {
        "slug": "recycling", "title_uk": "Пункти прийому вторсировини", "title_en": "Recycling points",
        "geometry_type": "point", "visibility": "public", "order": "50", "source": "ЖКГ", "licence": "CC BY 4.0",
        "editors": [str(editor.pk)],
        **field_rows([
            {"name": "name", "title_uk": "Назва", "type": "string", "required": "on"},
            {"name": "materials", "title_uk": "Що приймають", "type": "string", "choices": "папір, пластик, скло"},
            {"name": "bins", "title_uk": "Контейнерів", "type": "integer", "minimum": "1", "maximum": "20", "unit": "шт"},
            {"name": "", "title_uk": ""},
        ]),
        **STYLE,
    }  # fmt: skip
    response = client.post("/staff/layers/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    layer = Layer.objects.get(slug="recycling")
    assert [f.name for f in layer.fields] == ["name", "materials", "bins"]
    assert layer.schema["properties"]["materials"]["enum"] == ["папір", "пластик", "скло"]
    assert layer.schema["properties"]["bins"]["x-unit"] == "шт" and layer.schema["required"] == ["name"]
    assert layer.style["icon"] == "♻" and list(layer.editors.all()) == [editor]
    assert layer.history.first().history_user.username == "gisadmin"


def test_bad_field_names_and_reserved_slugs_are_refused_with_messages(city, client):
    login(client, "gisadmin")
    data = {
        "slug": "facilities", "title_uk": "X", "geometry_type": "point", "visibility": "public", "order": "1",
        **field_rows([{"name": "Назва", "title_uk": "Назва", "type": "string"}]),
        **STYLE,
    }  # fmt: skip
    response = client.post("/staff/layers/new/", data)
    assert response.status_code == 400
    assert not Layer.objects.filter(title_uk="X").exists()


def test_schema_change_that_breaks_features_is_refused_and_a_rename_keeps_values(city, client):
    login(client, "gisadmin")
    layer = Layer.objects.get(slug="green-zones")
    fields = layer.fields
    rows = [
        {"original": f.name, "name": f.name, "title_uk": f.title_uk, "type": f.type, "choices": ", ".join(map(str, f.choices)),
         **({"required": "on"} if f.required else {})}
        for f in fields
    ]  # fmt: skip
    data = {
        "title_uk": layer.title_uk,
        "visibility": "public",
        "order": "30",
        "editors": [],
        **STYLE,
        "style-label_field": "name",
    }
    # A new required field that no feature has: refused, nothing changes.
    response = client.post(
        "/staff/layers/green-zones/settings/",
        {
            **data,
            **field_rows(
                rows + [{"name": "owner", "title_uk": "Власник", "type": "string", "required": "on"}]
            ),
        },
    )
    assert response.status_code == 400 and "№" in response.content.decode()  # "об'єкт №12: owner обов'язкове"
    layer.refresh_from_db()
    assert "owner" not in layer.schema["properties"]
    # Renaming keeper -> caretaker moves the values into the new name (and into the history).
    rows[-1]["name"] = "caretaker"
    response = client.post("/staff/layers/green-zones/settings/", {**data, **field_rows(rows)})
    assert response.status_code == 302
    park = Feature.objects.get(layer=layer, source_id="green-central-park")
    assert park.properties["caretaker"] == "КП «Благоустрій»" and "keeper" not in park.properties
    assert park.history.first().history_change_reason == "schema changed"


def test_history_page_lists_versions_and_restores_one(city, client):
    layer = Layer.objects.get(slug="shelters")
    feature = Feature.objects.filter(layer=layer).order_by("id").first()
    admin = User.objects.get(username="gisadmin")
    old_name = feature.properties["name"]
    feature = feature_update(
        feature=feature,
        actor=admin,
        version=feature.version,
        properties={**feature.properties, "name": "Перейменовано"},
    )
    login(client, "editor")
    page = client.get(f"/staff/layers/shelters/features/{feature.pk}/history/").content.decode()
    assert "Перейменовано" in page and old_name in page and "gisadmin" in page
    first = feature.history.order_by("history_date").first()
    response = client.post(
        f"/staff/layers/shelters/features/{feature.pk}/history/",
        {"history_id": first.history_id, "version": feature.version},
    )
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.properties["name"] == old_name and feature.version == 3
    assert feature.history.first().history_user.username == "editor"


def test_history_is_for_staff_only(city, client):
    feature = Feature.objects.filter(layer__slug="shelters").first()
    login(client, "resident")
    assert client.get(f"/staff/layers/shelters/features/{feature.pk}/history/").status_code == 403
    client.logout()
    assert client.get(f"/staff/layers/shelters/features/{feature.pk}/history/").status_code == 302


def test_deleted_features_are_listed_and_can_be_restored(city, client):
    layer = Layer.objects.get(slug="green-zones")
    feature = Feature.objects.filter(layer=layer).first()
    login(client, "editor")
    client.delete(f"/api/v1/layers/green-zones/features/{feature.pk}/?version={feature.version}")
    page = client.get("/staff/layers/green-zones/features/?show=deleted").content.decode()
    assert f"/staff/layers/green-zones/features/{feature.pk}/history/" in page
    client.post(f"/staff/layers/green-zones/features/{feature.pk}/history/", {})
    feature.refresh_from_db()
    assert feature.deleted_at is None


def test_layer_delete_and_restore(city, client):
    login(client, "gisadmin")
    assert client.post("/staff/layers/green-zones/settings/", {"action": "delete"}).status_code == 302
    assert client.get("/layers/green-zones/").status_code == 404
    assert client.get("/tiles/layers/green-zones/14/9609/5607.mvt").status_code == 404
    assert "Зелені зони" in client.get("/staff/layers/").content.decode()  # under "deleted layers"
    client.post("/staff/layers/green-zones/settings/", {"action": "restore"})
    assert client.get("/layers/green-zones/").status_code == 200


# -- the import pages, with the real task code --------------------------------------------------


def upload(client, path, **extra):
    with open(path, "rb") as fh:
        return client.post("/staff/layers/shelters/import/", {"file": fh, **extra})


def test_import_through_the_pages_preview_then_apply(
    city, client, tmp_path, django_capture_on_commit_callbacks
):
    login(client, "gisadmin")
    frame = files.shelters_frame(3)
    frame["kind"] = "сховище"
    path = files.shapefile_zip(tmp_path, frame, encoding="CP1251")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "preview" and job.progress == 100
    status = client.get(f"/staff/layers/shelters/import/{job.pk}/status/").json()
    assert status["status"] == "preview" and status["finished"] is True
    page = client.get(response["Location"]).content.decode()
    assert "Укриття «Ліцей № 1»" in page and "EPSG:4326" in page and "cp1251" in page.lower()
    assert "preview-map" in page
    before = Feature.objects.live().filter(layer__slug="shelters").count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"action": "apply", "mode": "append"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Feature.objects.live().filter(layer__slug="shelters").count() == before + 3
    assert job.report["result"]["created"] == 3
    assert client.get(response["Location"]).status_code == 200


def test_bad_rows_refuse_the_apply_on_the_page_until_skipping_is_chosen(
    city, client, tmp_path, django_capture_on_commit_callbacks
):
    login(client, "gisadmin")
    frame = files.shelters_frame(3)  # kinds "shelter"/"basement" are not the demo layer's values
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, files.geojson(tmp_path, frame))
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page and "сховище" in page
    response = client.post(response["Location"], {"action": "apply", "mode": "append"})
    assert response.status_code == 400
    job.refresh_from_db()
    assert job.status == "preview"


def test_reading_options_make_a_new_preview(city, client, tmp_path, django_capture_on_commit_callbacks):
    login(client, "gisadmin")
    path = files.shapefile_zip(tmp_path, files.shelters_frame(2), encoding="CP1251", cpg=False, ldid=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path)
    job = ImportJob.objects.get()
    assert job.preview["encoding_source"] == "guess"
    assert (
        "guessed" in client.get(response["Location"]).content.decode()
        or "вгадано" in client.get(response["Location"]).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"],
            {
                "action": "reconfigure",
                "encoding": "cp1251",
                "crs": "",
                "map_name": "name",
                "map_kind": "kind",
            },
        )
    job.refresh_from_db()
    assert job.status == "preview" and job.preview["encoding_source"] == "user"


@pytest.mark.parametrize(
    "name, content",
    [
        ("bomb", None),
        ("photo.geojson", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("virus.exe", b"MZ" + b"\x00" * 100),
        ("data.shp", b"\x00\x00\x27\x0a"),
    ],
)
def test_unsafe_uploads_are_refused_with_a_message_never_a_500(
    city, client, tmp_path, name, content, django_capture_on_commit_callbacks
):
    login(client, "gisadmin")
    path = files.zip_bomb(tmp_path) if content is None else tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path)
    if response.status_code == 302:
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert ImportJob.objects.get().status == "refused"
        assert "Nothing was changed" in page.content.decode() or "не змінено" in page.content.decode()
    else:
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()


def test_upload_over_the_limit_is_refused_before_reading(city, client, tmp_path, settings):
    settings.MISTO_IMPORT_MAX_BYTES = 500
    login(client, "gisadmin")
    response = upload(client, files.geojson(tmp_path, files.shelters_frame(30)))
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


def test_a_point_layer_needs_no_line_width_or_fill_and_the_form_starts_visible(city, client):
    """Issue 20: the new-layer form starts from a visible colour (not the colour input's black),
    with one empty field row; a point layer is saved with line width and fill left empty."""
    login(client, "gisadmin")
    html = client.get("/staff/layers/new/").content.decode()
    assert 'name="style-colour" value="#2563eb"' in html and 'value="#000000"' not in html
    assert 'name="fields-TOTAL_FORMS" value="1"' in html
    assert 'id="field-row-template"' in html and "fields-__prefix__-name" in html
    assert 'data-geometry="line polygon"' in html  # the line width, hidden for points by layer_form.js
    data = {
        "slug": "benches", "title_uk": "Лавки", "geometry_type": "point", "visibility": "public", "order": "5",
        **field_rows([{"name": "name", "title_uk": "Назва", "type": "string"}]),
        "style-colour": "#0f766e", "style-icon": "", "style-line_width": "", "style-fill_colour": "",
        "style-fill_opacity": "", "style-label_field": "",
    }  # fmt: skip
    response = client.post("/staff/layers/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    style = Layer.objects.get(slug="benches").style
    assert style["colour"] == "#0f766e" and style["line_width"] == 3 and style["fill_opacity"] == 0.25
