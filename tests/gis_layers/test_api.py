"""/api/v1/layers/: reading by visibility, editing with schema checks, optimistic locking,
soft deletion, restore and history; every refusal by role."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from gis_layers.models import Feature
from tests.gis_layers.conftest import point, square

JSON = "application/json"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type=JSON)


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type=JSON)


def geo(geometry) -> dict:
    return json.loads(geometry.geojson)


def test_layer_list_shows_public_layers_to_visitors_and_all_to_staff(shelters, snow_routes, client, editor):
    slugs = {entry["slug"] for entry in client.get("/api/v1/layers/").json()["layers"]}
    assert "test-shelters" in slugs and "test-snow" not in slugs
    client.force_login(editor)
    slugs = {entry["slug"] for entry in client.get("/api/v1/layers/").json()["layers"]}
    assert {"test-shelters", "test-snow"} <= slugs


def test_layer_detail_gives_fields_style_and_tile_template(shelters, client):
    body = client.get("/api/v1/layers/test-shelters/").json()
    assert body["geometry_type"] == "point"
    assert [f["name"] for f in body["fields"]] == ["name", "kind", "capacity", "accessible", "checked"]
    assert body["fields"][2]["unit"] == "осіб" and body["fields"][0]["required"] is True
    assert body["style"]["colour"] == "#b91c1c" and body["style"]["label_field"] == "name"
    assert body["tiles"] == "/tiles/layers/test-shelters/{z}/{x}/{y}.mvt"
    assert body["can_edit"] is False


@pytest.mark.parametrize("who", [None, "resident"])
def test_staff_only_layer_and_its_features_do_not_exist_for_others(snow_routes, client, who):
    if who:
        client.force_login(User.objects.get(username=who))
    feature = snow_routes.features.first()
    assert client.get("/api/v1/layers/test-snow/").status_code == 404
    assert client.get("/api/v1/layers/test-snow/features/").status_code == 404
    assert client.get(f"/api/v1/layers/test-snow/features/{feature.pk}/").status_code == 404


def test_features_geojson_by_bbox(shelters, client):
    body = client.get("/api/v1/layers/test-shelters/features/?bbox=33.6379,49.0104,33.6381,49.0106").json()
    assert body["count"] == 1 and body["features"][0]["properties"]["name"] == "Укриття 1"
    assert body["features"][0]["version"] == 1
    assert client.get("/api/v1/layers/test-shelters/features/?bbox=1,2,3").status_code == 400


def test_granted_editor_creates_a_feature_and_it_is_in_history(shelters, client, editor):
    shelters.editors.add(editor)
    client.force_login(editor)
    response = post(
        client,
        "/api/v1/layers/test-shelters/features/",
        {
            "geometry": geo(point(0.002)),
            "properties": {"name": "Нове", "capacity": "120", "accessible": "так"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["properties"] == {"name": "Нове", "capacity": 120, "accessible": True}
    feature = Feature.objects.get(pk=body["id"])
    record = feature.history.get()
    assert record.history_user == editor and record.history_type == "+"


def test_editor_without_a_grant_and_residents_are_refused(shelters, client, editor, resident):
    data = {"geometry": geo(point()), "properties": {"name": "X"}}
    client.force_login(editor)
    assert post(client, "/api/v1/layers/test-shelters/features/", data).status_code == 403
    client.force_login(resident)
    assert post(client, "/api/v1/layers/test-shelters/features/", data).status_code == 403
    client.logout()
    assert post(client, "/api/v1/layers/test-shelters/features/", data).status_code in (401, 403)
    assert Feature.objects.filter(layer=shelters).count() == 3


def test_gis_admin_edits_any_layer(shelters, client, gisadmin):
    client.force_login(gisadmin)
    data = {"geometry": geo(point(0.003)), "properties": {"name": "Адмін"}}
    assert post(client, "/api/v1/layers/test-shelters/features/", data).status_code == 201


def test_properties_that_break_the_schema_are_refused_per_field(shelters, client, gisadmin):
    client.force_login(gisadmin)
    response = post(
        client,
        "/api/v1/layers/test-shelters/features/",
        {
            "geometry": geo(point()),
            "properties": {"kind": "castle", "capacity": "багато", "colour": "red", "checked": "31.02.2024"},
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_feature"
    assert set(error["fields"]) == {"name", "kind", "capacity", "colour", "checked"}
    assert "shelter" in error["fields"]["kind"]


def test_wrong_geometry_type_and_invalid_shapes_are_refused(shelters, client, gisadmin):
    client.force_login(gisadmin)
    response = post(
        client,
        "/api/v1/layers/test-shelters/features/",
        {"geometry": geo(square()), "properties": {"name": "X"}},
    )
    assert response.status_code == 400 and "geometry" in response.json()["error"]["fields"]
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[33.63, 49.01], [33.64, 49.02], [33.64, 49.01], [33.63, 49.02], [33.63, 49.01]]],
    }
    from tests.gis_layers.conftest import make_layer

    make_layer(gisadmin, slug="test-zones", geometry_type="polygon")
    response = post(
        client, "/api/v1/layers/test-zones/features/", {"geometry": bowtie, "properties": {"name": "X"}}
    )
    assert response.status_code == 400 and "Self-intersection" in response.json()["error"]["message"]


def test_stale_save_is_refused_with_the_current_state(shelters, client, gisadmin, editor):
    shelters.editors.add(editor)
    feature = shelters.features.order_by("id").first()
    url = f"/api/v1/layers/test-shelters/features/{feature.pk}/"
    client.force_login(gisadmin)
    first = put(client, url, {"version": 1, "properties": {"name": "Перша правка"}})
    assert first.status_code == 200 and first.json()["version"] == 2
    client.force_login(editor)
    stale = put(client, url, {"version": 1, "properties": {"name": "Друга правка"}})
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["properties"]["name"] == "Перша правка" and error["current"]["version"] == 2
    feature.refresh_from_db()
    assert feature.properties["name"] == "Перша правка"
    assert put(client, url, {"properties": {"name": "Без версії"}}).status_code == 400


def test_move_a_point_keeps_properties(shelters, client, gisadmin):
    feature = shelters.features.order_by("id").first()
    client.force_login(gisadmin)
    response = put(
        client,
        f"/api/v1/layers/test-shelters/features/{feature.pk}/",
        {"version": 1, "geometry": geo(point(0.01))},
    )
    assert response.status_code == 200
    assert response.json()["geometry"]["coordinates"][0] == pytest.approx(33.648)
    assert response.json()["properties"]["name"] == "Укриття 1"


def test_editing_one_field_keeps_the_exact_text_of_the_others(shelters, client, gisadmin):
    """Imported text keeps its spaces and an empty text stays empty after someone edits another
    field of the feature in the editor (which sends every value back)."""
    feature = shelters.features.order_by("id").first()
    Feature.objects.filter(pk=feature.pk).update(
        properties={"name": "  Укриття 1 ", "kind": "shelter", "capacity": 10}
    )
    client.force_login(gisadmin)
    sent = {"name": "  Укриття 1 ", "kind": "shelter", "capacity": 12}
    response = put(
        client, f"/api/v1/layers/test-shelters/features/{feature.pk}/", {"version": 1, "properties": sent}
    )
    assert response.status_code == 200
    assert Feature.objects.get(pk=feature.pk).properties == {
        "name": "  Укриття 1 ",
        "kind": "shelter",
        "capacity": 12,
    }
    # What the person typed anew is still cleaned.
    sent = {"name": " Укриття перше ", "kind": "shelter", "capacity": 12}
    response = put(
        client, f"/api/v1/layers/test-shelters/features/{feature.pk}/", {"version": 2, "properties": sent}
    )
    assert Feature.objects.get(pk=feature.pk).properties["name"] == "Укриття перше"


def test_delete_is_soft_and_restore_brings_the_feature_back(shelters, client, gisadmin):
    feature = shelters.features.order_by("id").first()
    url = f"/api/v1/layers/test-shelters/features/{feature.pk}/"
    client.force_login(gisadmin)
    assert client.delete(url).status_code == 400  # no version
    assert client.delete(url + "?version=1").status_code == 200
    assert client.get(url).status_code == 404
    assert Feature.objects.filter(pk=feature.pk).exists()
    restored = post(client, url + "restore/", {})
    assert restored.status_code == 200 and restored.json()["deleted"] is False
    assert client.get(url).json()["properties"]["name"] == "Укриття 1"


def test_history_lists_versions_and_an_old_version_can_be_restored(shelters, client, gisadmin, editor):
    feature = shelters.features.order_by("id").first()
    url = f"/api/v1/layers/test-shelters/features/{feature.pk}/"
    client.force_login(gisadmin)
    put(client, url, {"version": 1, "properties": {"name": "Змінена", "capacity": 70}})
    client.delete(url + "?version=2")
    history = client.get(url + "history/").json()["versions"]
    assert [v["kind"] for v in history] == ["deleted", "changed", "created"]
    assert history[1]["changed"] == ["capacity", "kind", "name"] and history[1]["user"] == "gisadmin"
    first = history[-1]
    restored = post(client, url + "restore/", {"history_id": first["history_id"]})
    assert restored.status_code == 200
    assert restored.json()["properties"] == {"name": "Укриття 1", "kind": "shelter", "capacity": 50}
    assert restored.json()["deleted"] is False and restored.json()["version"] == 4
    client.force_login(User.objects.get(username="resident"))
    assert client.get(url + "history/").status_code == 403


def test_openapi_schema_lists_the_layer_endpoints(city, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/layers/{slug}/features/{id}/" in schema["paths"]
