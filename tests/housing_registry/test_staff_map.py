"""The registry's staff map as vector tiles: every building drawn in the colour class of the
chosen attribute, the legend (from the summary) counting the same classes, the filters of the
page applied to the tiles and validated, the tiles refused to whoever may not read the sheets,
and ETags that follow both the filters and the sheets' data."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
from django.contrib.gis.db.models import Extent

from housing_registry.models import Building
from housing_registry.staff_map import TILE_LAYER

ATTRIBUTES = ["technical_state", "management_form", "heating_provider", "year_built"]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def features(response) -> list[dict]:
    assert response.status_code in (200, 204), response.content[:300]
    if response.status_code == 204:
        return []
    return mapbox_vector_tile.decode(response.content)[TILE_LAYER]["features"]


def city_features(client, query: str = "", z: int = 12) -> dict[int, dict]:
    """Every feature of the tiles that cover the whole registry at zoom z, by building id."""
    west, south, east, north = Building.objects.aggregate(e=Extent("footprint"))["e"]
    x0, y0 = tile_of(west, north, z)
    x1, y1 = tile_of(east, south, z)
    found = {}
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            for f in features(client.get(f"/registry/map/tiles/{z}/{x}/{y}.mvt?{query}")):
                found[f["id"]] = f
    return found


def expected_class(b: Building, attribute: str) -> str:
    if attribute == "technical_state":
        return b.technical_state or "unknown"
    if attribute == "management_form":
        return b.management_form or "unknown"
    if attribute == "heating_provider":
        if b.heating_provider_id:
            return str(b.heating_provider_id)
        return "none" if b.heating_type == "individual" else "unknown"
    year = b.year_built
    if year is None:
        return "unknown"
    return (
        "before_1970"
        if year < 1970
        else "1970s"
        if year < 1980
        else "1980s"
        if year < 1990
        else "1990s"
        if year < 2000
        else "2000_on"
    )


@pytest.mark.parametrize("attribute", ATTRIBUTES)
def test_tiles_draw_every_building_in_the_class_the_legend_counts(client, dispatcher, attribute):
    client.force_login(dispatcher)
    summary = client.get(f"/registry/map/summary.json?colour={attribute}").json()
    drawn = city_features(client, f"colour={attribute}")
    buildings = {b.pk: b for b in Building.objects.all()}
    assert set(drawn) == set(buildings) and summary["count"] == len(buildings)
    legend = {c["key"]: c for c in summary["legend"]["classes"]}
    assert sum(c["count"] for c in legend.values()) == len(buildings)
    for pk, feature in drawn.items():
        # Outline, address and class: nothing else of the sheet travels in the tile.
        assert set(feature["properties"]) == {"address", "cls"}
        assert feature["properties"]["address"] == buildings[pk].address
        cls = feature["properties"]["cls"]
        assert cls == expected_class(buildings[pk], attribute) and cls in legend
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    per_class = {}
    for feature in drawn.values():
        per_class[feature["properties"]["cls"]] = per_class.get(feature["properties"]["cls"], 0) + 1
    assert per_class == {k: c["count"] for k, c in legend.items() if c["count"]}


def test_legend_names_the_classes_with_the_registry_counts(client, dispatcher):
    client.force_login(dispatcher)
    data = client.get("/registry/map/summary.json?colour=management_form").json()
    legend = {c["key"]: c["count"] for c in data["legend"]["classes"]}
    assert legend["condominium"] == Building.objects.filter(management_form="condominium").count() == 36
    data = client.get("/registry/map/summary.json?colour=heating_provider").json()
    assert data["legend"]["title"] == "постачальник тепла"
    names = {c["label"]: c["count"] for c in data["legend"]["classes"]}
    assert (
        names["КП «Теплоенерго»"]
        == Building.objects.filter(heating_provider__source_id="svc-teploenergo").count()
    )


def test_summary_lists_the_first_buildings_by_address_with_their_sheets(client, dispatcher):
    client.force_login(dispatcher)
    data = client.get("/registry/map/summary.json?q=вул.+миру").json()
    on_street = Building.objects.filter(street__name_uk="вулиця Миру").order_by("address", "pk")
    assert [b["address"] for b in data["buildings"]] == [b.address for b in on_street]
    assert data["buildings"][0]["url"] == f"/registry/buildings/{on_street[0].pk}/"
    west, south, east, north = data["bounds"]
    for b in on_street:
        x0, y0, x1, y1 = b.footprint.extent
        assert west <= x0 and south <= y0 and x1 <= east and y1 <= north


def test_tiles_and_summary_follow_the_search_and_filters(client, dispatcher):
    client.force_login(dispatcher)
    target = Building.objects.get(address="вулиця Миру, 9")
    drawn = city_features(client, "q=вул.+миру+9", z=14)
    assert list(drawn) == [target.pk]
    assert client.get("/registry/map/summary.json?q=вул.+миру+9").json()["count"] == 1
    emergency = set(Building.objects.filter(technical_state="emergency").values_list("pk", flat=True))
    assert emergency and set(city_features(client, "technical_state=emergency")) == emergency
    nine = set(Building.objects.filter(floors__gte=9, year_built__lte=1985).values_list("pk", flat=True))
    assert set(city_features(client, "floors_min=9&year_max=1985&colour=year_built")) == nine


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("floors_min=many", "floors_min"),
        ("floors_max=99", "floors_max"),
        ("colour=roof_colour", "colour"),
        ("technical_state=ruined", "technical_state"),
        ("district=999999", "district"),
        ("year_min=17", "year_min"),
    ],
)
def test_bad_filter_values_are_refused_with_400(client, dispatcher, query, parameter):
    client.force_login(dispatcher)
    for path in ("/registry/map/summary.json", "/registry/map/tiles/14/9722/5625.mvt"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert response.json()["error"]["parameter"] == parameter


def test_a_tile_off_the_pyramid_is_400(client, dispatcher):
    client.force_login(dispatcher)
    assert client.get("/registry/map/tiles/3/8/1.mvt").status_code == 400
    assert client.get("/registry/map/tiles/23/0/0.mvt").status_code == 400


@pytest.mark.parametrize("who", ["anonymous", "resident", "editor"])
def test_who_may_not_read_the_sheets_gets_no_tiles_and_no_summary(client, city, resident, editor, who):
    if who != "anonymous":
        client.force_login({"resident": resident, "editor": editor}[who])
    target = Building.objects.get(address="вулиця Миру, 9")
    x, y = tile_of(*target.footprint.centroid.coords, 16)
    for path in (f"/registry/map/tiles/16/{x}/{y}.mvt?colour=technical_state", "/registry/map/summary.json"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response["Content-Type"] == "application/json"
        assert target.address not in response.content.decode()


def test_tiles_are_private_and_their_etag_follows_filters_and_sheet_edits(client, dispatcher):
    client.force_login(dispatcher)
    target = Building.objects.get(address="вулиця Миру, 9")
    x, y = tile_of(*target.footprint.centroid.coords, 16)
    url = f"/registry/map/tiles/16/{x}/{y}.mvt"
    first = client.get(url + "?colour=technical_state")
    assert first["Cache-Control"].startswith("private")
    etag = first["ETag"]
    assert client.get(url + "?colour=technical_state", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another colour is another tile: never answered from the first one's cache.
    other = client.get(url + "?colour=year_built", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["ETag"] != etag
    # An edited sheet makes a new tile (the buildings' data version is in the ETag).
    new_state = "emergency" if target.technical_state != "emergency" else "good"
    Building.objects.filter(pk=target.pk).update(technical_state=new_state)
    after = client.get(url + "?colour=technical_state", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    by_id = {f["id"]: f["properties"]["cls"] for f in features(after)}
    assert by_id[target.pk] == new_state


def test_the_public_building_tiles_carry_no_colour_class(client, city):
    target = Building.objects.get(address="вулиця Миру, 9")
    x, y = tile_of(*target.footprint.centroid.coords, 16)
    public = mapbox_vector_tile.decode(client.get(f"/tiles/buildings/16/{x}/{y}.mvt").content)
    assert TILE_LAYER not in public
    assert all(set(f["properties"]) <= {"address", "floors"} for f in public["buildings"]["features"])


def test_the_map_page_uses_local_scripts_and_names_its_tile_door(client, dispatcher):
    client.force_login(dispatcher)
    html = client.get("/registry/map/").content.decode()
    assert "/static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert "/static/js/registry_map.js" in html and "/registry/map/tiles/{z}/{x}/{y}.mvt" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_a_tile_costs_a_few_queries(client, dispatcher, django_assert_max_num_queries):
    client.force_login(dispatcher)
    target = Building.objects.get(address="вулиця Миру, 9")
    x, y = tile_of(*target.footprint.centroid.coords, 16)
    url = f"/registry/map/tiles/16/{x}/{y}.mvt?colour=heating_provider&technical_state=good"
    client.get(url)
    # Session, user, the registry right, the data version, the tile: the filters' SQL is made
    # once per process, not per tile.
    with django_assert_max_num_queries(5) as queries:
        response = client.get(url)
    assert response.status_code == 200, [q["sql"] for q in queries.captured_queries]
