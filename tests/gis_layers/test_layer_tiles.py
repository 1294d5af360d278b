"""Vector tiles of GIS layers: public ones through the lean path exactly as through Django,
staff-only ones only through Django and only to staff, versions bumped per layer by triggers."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
from django.core.handlers.wsgi import WSGIHandler

from gis_layers.fast_tiles import FastTiles
from gis_layers.models import DataVersion, Feature
from gis_layers.services import feature_update, layer_update
from tests.gis_layers.conftest import CENTRE
from tests.gis_layers.test_tiles import tile_of, wsgi_get

Z = 16


def tile_url(layer, z=Z):
    return "/tiles/layers/{}/{}/{}/{}.mvt".format(layer.slug, *tile_of(CENTRE[1], CENTRE[0], z))


def test_public_layer_tile_holds_its_features_with_properties(shelters, client):
    response = client.get(tile_url(shelters))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    features = mapbox_vector_tile.decode(response.content)["test-shelters"]["features"]
    names = {f["properties"]["name"] for f in features}
    assert {"Укриття 1", "Укриття 2"} <= names
    some = next(f for f in features if f["properties"]["name"] == "Укриття 1")
    assert some["properties"]["capacity"] == 50 and some["geometry"]["type"] == "Point"


def test_deleted_features_and_deleted_layers_are_not_in_tiles(shelters, gisadmin, client):
    from gis_layers.services import feature_delete, layer_delete

    first = shelters.features.order_by("id").first()
    feature_delete(feature=first, actor=gisadmin, version=first.version)
    features = mapbox_vector_tile.decode(client.get(tile_url(shelters)).content)["test-shelters"]["features"]
    assert first.pk not in {f["id"] for f in features}
    layer_delete(layer=shelters, actor=gisadmin)
    assert client.get(tile_url(shelters)).status_code == 404


@pytest.mark.parametrize("who", [None, "resident"])
def test_staff_only_layer_tiles_are_refused_to_visitors_and_residents(snow_routes, client, who):
    from django.contrib.auth.models import User

    if who:
        client.force_login(User.objects.get(username=who))
    response = client.get(tile_url(snow_routes))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_layer"


def test_staff_only_layer_tiles_are_served_to_staff_privately(snow_routes, client, editor):
    client.force_login(editor)
    response = client.get(tile_url(snow_routes))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=60"
    assert "Cookie" in response["Vary"]
    routes = mapbox_vector_tile.decode(response.content)["test-snow"]["features"]
    assert routes[0]["properties"]["route"] == "М-1"


def test_each_layer_has_its_own_version_bumped_by_triggers(shelters, snow_routes, gisadmin, client):
    mine = DataVersion.objects.get(source=f"layer:{shelters.pk}").version
    other = DataVersion.objects.get(source=f"layer:{snow_routes.pk}").version
    etag = client.get(tile_url(shelters))["ETag"]
    Feature.objects.filter(layer=shelters).update(properties={"name": "Змінено"})
    assert DataVersion.objects.get(source=f"layer:{shelters.pk}").version == mine + 1
    assert DataVersion.objects.get(source=f"layer:{snow_routes.pk}").version == other
    again = client.get(tile_url(shelters), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_fast_path_serves_public_layers_exactly_like_django(shelters, keep_test_connection):
    django_app = WSGIHandler()
    fast = FastTiles(django_app)
    for z in (Z, 14):
        path = tile_url(shelters, z)
        status, headers, body = wsgi_get(fast, path)
        d_status, d_headers, d_body = wsgi_get(django_app, path)
        assert status == d_status == "200 OK" and body == d_body
        for name in ("ETag", "Content-Type", "Cache-Control"):
            assert headers[name] == d_headers[name]
        assert "Vary" not in headers
        assert wsgi_get(fast, path, {"HTTP_IF_NONE_MATCH": headers["ETag"]})[0].startswith("304")
    assert wsgi_get(fast, f"/tiles/layers/{shelters.slug}/10/0/0.mvt")[0].startswith("204")


def test_fast_path_never_serves_a_staff_only_layer(
    snow_routes, gisadmin, editor, client, keep_test_connection
):
    fast = FastTiles(WSGIHandler())
    path = tile_url(snow_routes)
    # No session: the lean path hands over to Django, which refuses.
    status, _headers, body = wsgi_get(fast, path)
    assert status.startswith("404") and b"unknown_layer" in body
    # With a staff session it still goes through Django (private cache, varies by cookie).
    client.force_login(editor)
    cookie = {"HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}"}
    status, headers, _body = wsgi_get(fast, path, cookie)
    assert status.startswith("200") and headers["Cache-Control"].startswith("private")
    assert "Cookie" in headers["Vary"]


def test_layer_made_staff_only_is_refused_at_once(shelters, gisadmin, client, keep_test_connection):
    fast = FastTiles(WSGIHandler())
    path = tile_url(shelters)
    assert wsgi_get(fast, path)[0].startswith("200")
    layer_update(layer=shelters, actor=gisadmin, visibility="staff")
    assert wsgi_get(fast, path)[0].startswith("404")
    assert client.get(path).status_code == 404


def test_editing_a_feature_changes_the_tile(shelters, gisadmin, client):
    feature = shelters.features.order_by("id").first()
    before = client.get(tile_url(shelters))
    feature_update(
        feature=feature, actor=gisadmin, version=feature.version, properties={"name": "Нова назва"}
    )
    after = client.get(tile_url(shelters), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    names = {
        f["properties"]["name"] for f in mapbox_vector_tile.decode(after.content)["test-shelters"]["features"]
    }
    assert "Нова назва" in names
