"""The basemap's vector tiles (/tiles/basemap/{z}/{x}/{y}.mvt), decoded with a third-party decoder
(mapbox-vector-tile): the named streets of the view in both languages, house numbers, water,
boundaries, landmarks of public categories only, and ETags that follow every source's data."""

from __future__ import annotations

import math

import mapbox_vector_tile
import pytest
from django.db import connection

from basemap.models import MapArea
from city.models import Barrier, Street, StreetSegment
from facilities.models import Category, Facility
from housing_registry.models import Building

pytestmark = pytest.mark.django_db


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def tile(client, z: int, x: int, y: int, **headers):
    return client.get(f"/tiles/basemap/{z}/{x}/{y}.mvt", **headers)


def decoded(client, z: int, x: int, y: int) -> dict:
    response = tile(client, z, x, y)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


def streets_in_view(z: int, x: int, y: int) -> set[str]:
    """The names of the streets whose segments cross the tile, asked of PostGIS directly."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT s.name_uk FROM city_streetsegment sg JOIN city_street s ON s.id = sg.street_id "
            "WHERE ST_Intersects(sg.geometry, ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326))",
            [z, x, y],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_street_tile_holds_every_named_street_of_the_view_in_both_languages(city, client):
    segment = StreetSegment.objects.select_related("street").filter(road_class="residential").first()
    middle = segment.geometry.interpolate_normalized(0.5)
    address = tile_of(middle.y, middle.x, 16)
    layers = decoded(client, *address)
    names = {f["properties"]["name_uk"] for f in layers["streets"]["features"]}
    assert segment.street.name_uk in names
    assert names == streets_in_view(*address)
    english = {f["properties"]["name_uk"]: f["properties"]["name_en"] for f in layers["streets"]["features"]}
    assert english[segment.street.name_uk] == segment.street.name_en
    feature = next(
        f for f in layers["streets"]["features"] if f["properties"]["name_uk"] == segment.street.name_uk
    )
    assert feature["properties"]["class"] == "residential"
    assert feature["geometry"]["type"] in ("LineString", "MultiLineString")


def test_a_street_without_an_english_name_is_labelled_in_the_national_transliteration(city, client):
    segment = StreetSegment.objects.select_related("street").first()
    Street.objects.filter(pk=segment.street_id).update(name_uk="вулиця Івана Згуровського", name_en="")
    middle = segment.geometry.interpolate_normalized(0.5)
    features = decoded(client, *tile_of(middle.y, middle.x, 16))["streets"]["features"]
    feature = next(f for f in features if f["properties"]["street"] == segment.street_id)
    assert feature["properties"]["name_en"] == "vulytsia Ivana Zghurovskoho"


def test_house_numbers_from_zoom_16_tiles_and_building_outlines_without_sheet_data(city, client):
    building = Building.objects.select_related("street").first()
    spot = building.footprint.point_on_surface
    layers = decoded(client, *tile_of(spot.y, spot.x, 16))
    assert building.house_number in {
        f["properties"]["house_number"] for f in layers["housenumbers"]["features"]
    }
    # The outline is public; the data sheet is not: only the number of floors goes out.
    for feature in layers["buildings"]["features"]:
        assert set(feature["properties"]) <= {"floors"}
    # Not at zoom 15: the numbers would be a blur.
    assert "housenumbers" not in decoded(client, *tile_of(spot.y, spot.x, 15))


def test_the_city_tile_holds_water_railway_districts_and_the_boundary(city, client):
    layers = decoded(client, *tile_of(49.0105, 33.638, 12))
    assert {"water", "railway", "districts", "boundary", "streets"} <= set(layers)
    water = {f["properties"]["name_uk"] for f in layers["water"]["features"]}
    assert set(Barrier.objects.filter(kind="water").values_list("name_uk", flat=True)) <= water
    # Only the main streets at zoom 12: the residential ones come at 13.
    assert {f["properties"]["class"] for f in layers["streets"]["features"]} <= {"primary", "secondary"}


def test_green_areas_are_drawn_from_the_basemap_areas(city, client):
    park = MapArea.objects.filter(kind="green").first()
    spot = park.area.point_on_surface
    layers = decoded(client, *tile_of(spot.y, spot.x, 15))
    assert park.name_uk in {f["properties"]["name_uk"] for f in layers["green"]["features"]}


def test_landmarks_of_hidden_categories_stay_off_the_basemap(city, client):
    monument = Facility.objects.filter(category__slug="monument").first()
    address = tile_of(monument.location.y, monument.location.x, 16)
    assert monument.name_uk in {
        f["properties"]["name_uk"] for f in decoded(client, *address)["landmarks"]["features"]
    }
    Category.objects.filter(slug="monument").update(is_public=False)
    layers = decoded(client, *address)
    names = {f["properties"]["name_uk"] for f in layers.get("landmarks", {"features": []})["features"]}
    assert monument.name_uk not in names


def test_renaming_a_street_changes_the_etag_and_the_tile(city, client):
    segment = StreetSegment.objects.select_related("street").first()
    middle = segment.geometry.interpolate_normalized(0.5)
    address = tile_of(middle.y, middle.x, 16)
    first = tile(client, *address)
    etag = first["ETag"]
    assert tile(client, *address, HTTP_IF_NONE_MATCH=etag).status_code == 304
    street = segment.street
    street.name_uk = "вулиця Перейменована"
    street.name_en = ""
    street.save()
    second = tile(client, *address, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    names = {
        f["properties"]["name_uk"]: f["properties"]["name_en"]
        for f in mapbox_vector_tile.decode(second.content)["streets"]["features"]
    }
    assert names["вулиця Перейменована"] == "vulytsia Pereimenovana"


@pytest.mark.parametrize("change", ["building", "facility", "area", "barrier"])
def test_every_source_of_the_basemap_changes_its_etag(city, client, change):
    address = tile_of(49.0105, 33.638, 14)
    etag = tile(client, *address)["ETag"]
    if change == "building":
        Building.objects.filter(pk=Building.objects.first().pk).update(floors=7)
    elif change == "facility":
        Facility.objects.filter(pk=Facility.objects.first().pk).update(name_uk="Нова назва")
    elif change == "area":
        MapArea.objects.filter(pk=MapArea.objects.first().pk).update(name_uk="Новий сквер")
    else:
        Barrier.objects.filter(kind="water").update(name_uk="Дніпро")
    assert tile(client, *address, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert tile(client, *address)["ETag"] != etag


def test_an_empty_tile_is_204_and_a_wrong_address_is_a_json_400(city, client):
    assert tile(client, 16, 0, 0).status_code == 204
    response = client.get("/tiles/basemap/16/99999999/1.mvt")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_tile"
