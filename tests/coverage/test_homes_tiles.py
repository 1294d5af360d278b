"""The analysts' map of homes as vector tiles: one point per home with its distance class and
the figures of its popup, for analysts only (403 to everybody else, anonymous included), the
type validated (400), ETags that follow the results; and the per-home GeoJSON kept for QGIS,
now a page at a time."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
from django.contrib.gis.db.models import Extent

from coverage.models import BuildingAccess, BuildingCoverage, ServiceType
from coverage.tiles import TILE_LAYER

pytestmark = pytest.mark.usefixtures("computed")

FIGURES = {
    "address",
    "status",
    "distance_class",
    "network_m",
    "minutes",
    "straight_m",
    "facility",
    "population",
}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def homes(client, slug: str, z: int = 12) -> dict[int, dict]:
    """Every home of the tiles covering all access points at zoom z, by building id."""
    west, south, east, north = BuildingAccess.objects.aggregate(e=Extent("point"))["e"]
    (x0, y0), (x1, y1) = tile_of(west, north, z), tile_of(east, south, z)
    found = {}
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            response = client.get(f"/coverage/staff/tiles/{z}/{x}/{y}.mvt?type={slug}")
            assert response.status_code in (200, 204)
            if response.status_code == 200:
                for f in mapbox_vector_tile.decode(response.content)[TILE_LAYER]["features"]:
                    found[f["id"]] = f
    return found


def expected_class(row: BuildingCoverage, bounds: list[float]) -> int:
    if row.status == "unconnected":
        return 6
    if row.status == "unreachable":
        return 5
    return sum(row.network_m > b for b in bounds)


@pytest.mark.parametrize("role", ["gis_admin", "service_head"])
def test_analysts_get_every_home_with_its_class_and_figures(login, role):
    client = login(role)
    school = ServiceType.objects.get(slug="school")
    drawn = homes(client, "school")
    rows = {
        r.building_id: r
        for r in BuildingCoverage.objects.filter(service_type=school).select_related("building")
    }
    assert set(drawn) == set(rows) and len(rows) == 350
    bounds = school.class_bounds()
    for pk, feature in drawn.items():
        p, row = feature["properties"], rows[pk]
        assert feature["geometry"]["type"] == "Point"
        assert set(p) <= FIGURES and {"address", "status", "distance_class"} <= set(p)
        assert p["address"] == row.building.address and p["status"] == row.status
        assert p["distance_class"] == expected_class(row, bounds)
        if row.network_m is not None:
            assert p["network_m"] == pytest.approx(row.network_m, abs=0.05)


@pytest.mark.parametrize("role", [None, "resident", "dispatcher", "layer_editor"])
def test_homes_tiles_are_refused_to_whoever_may_not_see_per_building_results(login, role):
    client = login(role)
    point = BuildingAccess.objects.first().point
    x, y = tile_of(point.x, point.y, 14)
    response = client.get(f"/coverage/staff/tiles/14/{x}/{y}.mvt?type=school")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert BuildingAccess.objects.first().building.address not in response.content.decode()


@pytest.mark.parametrize("query", ["", "?type=", "?type=no-such-type", "?type=%27%3B"])
def test_the_type_is_required_and_must_exist(login, query):
    client = login("gis_admin")
    response = client.get(f"/coverage/staff/tiles/14/9722/5625.mvt{query}")
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "type"
    assert client.get("/coverage/staff/tiles/30/0/0.mvt?type=school").status_code == 400


def test_etag_is_private_per_type_and_follows_the_results(login):
    client = login("gis_admin")
    row = (
        BuildingCoverage.objects.filter(service_type__slug="school", status="ok")
        .select_related("building")
        .first()
    )
    point = BuildingAccess.objects.get(building_id=row.building_id).point
    x, y = tile_of(point.x, point.y, 16)
    url = f"/coverage/staff/tiles/16/{x}/{y}.mvt?type="
    first = client.get(url + "school")
    assert first["Cache-Control"].startswith("private")
    etag = first["ETag"]
    assert client.get(url + "school", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url + "pharmacy", HTTP_IF_NONE_MATCH=etag)["ETag"] != etag
    BuildingCoverage.objects.filter(pk=row.pk).update(network_m=99999, minutes=999)
    after = client.get(url + "school", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    features = mapbox_vector_tile.decode(after.content)[TILE_LAYER]["features"]
    changed = next(f for f in features if f["id"] == row.building_id)
    assert changed["properties"]["network_m"] == 99999 and changed["properties"]["distance_class"] == 4


def test_the_staff_page_draws_homes_from_tiles(login):
    client = login("gis_admin")
    html = client.get("/coverage/staff/?type=school").content.decode()
    assert "/static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert "/coverage/staff/tiles/{z}/{x}/{y}.mvt" in html and 'data-homes="350"' in html


def test_the_per_home_geojson_comes_a_page_at_a_time(login):
    client = login("gis_admin")
    base = "/api/v1/coverage/service-types/school/buildings/"
    first = client.get(base + "?page_size=200").json()
    assert first["count"] == 350 and len(first["features"]) == 200 and first["previous"] is None
    assert first["next"].endswith("page_size=200&page=2")
    second = client.get(first["next"]).json()
    assert len(second["features"]) == 150 and second["next"] is None
    ids = [f["properties"]["building_id"] for f in first["features"] + second["features"]]
    assert ids == sorted(ids) and len(set(ids)) == 350
    for bad in ("page=0", "page=x", "page_size=0", "page_size=10001"):
        response = client.get(f"{base}?{bad}")
        assert response.status_code == 400 and response.json()["error"]["parameter"] == bad.split("=")[0]
