"""/tiles/{layer}/{z}/{x}/{y}.mvt: decoded content, caching headers, errors, invalidation, and
the lean WSGI path answering exactly as the Django view does."""

from __future__ import annotations

import io
import math
import sys

import mapbox_vector_tile
import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from facilities.models import Category, Facility
from gis_layers.fast_tiles import FastTiles
from housing_registry.models import Building

CENTRE = (49.0105, 33.638)


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def url(layer: str, z: int, x: int, y: int) -> str:
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt"


def decode(response) -> dict:
    return mapbox_vector_tile.decode(response.content)


def test_facility_tile_holds_the_facilities_with_map_properties(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    z, x, y = tile_of(school.location.y, school.location.x, 16)
    response = client.get(url("facilities", z, x, y))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layer = decode(response)["facilities"]
    feature = next(f for f in layer["features"] if f["id"] == school.pk)
    assert feature["properties"]["name_uk"] == "Ліцей № 1"
    assert feature["properties"]["category"] == "school"
    assert feature["properties"]["category_group"] == "education"
    assert feature["properties"]["colour"].startswith("#")
    assert feature["geometry"]["type"] == "Point"
    # Every facility of the tile is there, nothing outside it (tile + 64/4096 buffer).
    assert len(layer["features"]) >= 1


def test_building_tile_carries_outline_address_and_floors_only(city, client):
    building = Building.objects.exclude(floors=None).first()
    centre = building.footprint.centroid
    response = client.get(url("buildings", *tile_of(centre.y, centre.x, 16)))
    layer = decode(response)["buildings"]
    feature = next(f for f in layer["features"] if f["id"] == building.pk)
    assert feature["geometry"]["type"] == "Polygon"
    assert set(feature["properties"]) == {"address", "floors"}
    assert feature["properties"]["address"] == building.address


def test_empty_tile_is_204(city, client):
    response = client.get(url("buildings", 10, 0, 0))
    assert response.status_code == 204 and response.content == b""
    assert response["ETag"]


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/facilities/3/8/1.mvt",
        "/tiles/facilities/3/1/8.mvt",
        "/tiles/facilities/23/0/0.mvt",
        "/tiles/facilities/a/0/0.mvt",
        "/tiles/facilities/-1/0/0.mvt",
    ],
)
def test_outside_the_pyramid_is_400_with_json(city, client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_tile"


def test_unknown_layer_is_404(city, client):
    response = client.get("/tiles/secret/1/0/0.mvt")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_layer"


def test_etag_gives_304_and_changes_when_the_data_changes(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    address = tile_of(school.location.y, school.location.x, 15)
    first = client.get(url("facilities", *address))
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" not in first.get("Vary", "")
    assert client.get(url("facilities", *address), HTTP_IF_NONE_MATCH=etag).status_code == 304
    Facility.objects.filter(pk=school.pk).update(name_uk="Ліцей № 1 імені Лесі Українки")
    second = client.get(url("facilities", *address), HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    names = {f["properties"]["name_uk"] for f in decode(second)["facilities"]["features"]}
    assert "Ліцей № 1 імені Лесі Українки" in names


def test_hidden_category_is_not_in_tiles(city, client):
    police = Facility.objects.filter(category__slug="police").first()
    address = tile_of(police.location.y, police.location.x, 16)

    def ids():
        tile = decode(client.get(url("facilities", *address)))
        return {f["id"] for f in tile.get("facilities", {"features": []})["features"]}

    assert police.pk in ids()
    Category.objects.filter(slug="police").update(is_public=False)
    assert police.pk not in ids()


def wsgi_get(app, path: str, headers: dict | None = None) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **(headers or {}),
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: the test's connection (and its transaction) must outlive
    the requests, so the per-request connection recycling is switched off meanwhile."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize(
    "layer, z",
    [
        ("facilities", 16),
        ("buildings", 16),
        ("buildings", 14),
        ("facilities", 10),
        ("basemap", 16),
        ("basemap", 12),
    ],
)
def test_fast_path_answers_exactly_like_the_django_view(city, keep_test_connection, layer, z):
    django_app = WSGIHandler()
    fast = FastTiles(django_app)
    path = url(layer, *tile_of(*CENTRE, z))
    status, headers, body = wsgi_get(fast, path)
    d_status, d_headers, d_body = wsgi_get(django_app, path)
    assert status == d_status and body == d_body
    assert headers["ETag"] == d_headers["ETag"] and headers["Content-Type"] == d_headers["Content-Type"]
    assert headers["Cache-Control"] == d_headers["Cache-Control"]
    assert wsgi_get(fast, path, {"HTTP_IF_NONE_MATCH": headers["ETag"]})[0].startswith("304")
    assert wsgi_get(fast, url(layer, 10, 0, 0))[0].startswith("204")


def test_fast_path_leaves_errors_and_other_pages_to_django(city, keep_test_connection):
    fast = FastTiles(WSGIHandler())
    assert wsgi_get(fast, "/tiles/facilities/3/8/1.mvt")[0].startswith("400")
    assert wsgi_get(fast, "/tiles/secret/1/0/0.mvt")[0].startswith("404")
    assert wsgi_get(fast, "/healthz")[0].startswith("200")
