"""/api/v1/facilities/ and /api/v1/categories/: filters, paging, errors, visibility."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from city.models import District
from facilities.filters import parse_facility_filter
from facilities.models import Category, Facility
from facilities.selectors import facilities_filtered
from facilities.services import facility_sync_opening_periods
from facilities.sql import facilities_geojson_page

API = "/api/v1/facilities/"


def get(client, query: str = "", **extra):
    return client.get(f"{API}?{query}", **extra)


def ids(response) -> set[int]:
    return {f["id"] for f in response.json()["features"]}


def test_feature_collection_with_count_paging_and_links(city, client):
    response = get(client, "page_size=100")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == Facility.objects.count()
    assert len(body["features"]) == 100
    assert body["previous"] is None and "page=2" in body["next"]
    second = client.get(body["next"]).json()
    assert "page=1" in second["previous"]
    assert not ids(response) & {f["id"] for f in second["features"]}
    last_page = -(-body["count"] // 100)
    assert get(client, f"page_size=100&page={last_page}").json()["next"] is None


def test_a_feature_has_geometry_and_the_popup_fields(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    feature = next(
        f for f in get(client, "category=school&page_size=50").json()["features"] if f["id"] == school.pk
    )
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [round(school.location.x, 6), round(school.location.y, 6)]
    props = feature["properties"]
    assert props["name"] == "Ліцей № 1" and props["category"] == "school"
    assert props["address"] == school.address and props["phones"] == school.phones
    assert props["opening_hours"] == "Mo-Fr 07:30-18:00" and props["url"] == f"/facilities/{school.pk}/"
    assert isinstance(props["open_now"], bool)


def test_unknown_hours_are_not_reported_as_closed(city, client):
    stop = Facility.objects.filter(category__slug="bus_stop").first()
    feature = next(
        f for f in get(client, "category=bus_stop&page_size=500").json()["features"] if f["id"] == stop.pk
    )
    assert feature["properties"]["open_now"] is None


def test_bbox_keeps_only_what_is_inside(city, client):
    response = get(client, "bbox=33.630,49.005,33.645,49.015&page_size=5000")
    assert response.json()["count"] > 0
    for f in response.json()["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 33.630 <= lon <= 33.645 and 49.005 <= lat <= 49.015


def test_category_and_group_filters(city, client):
    pharmacies = get(client, "category=pharmacy&page_size=500").json()
    assert pharmacies["count"] == Facility.objects.filter(category__slug="pharmacy").count()
    assert {f["properties"]["category"] for f in pharmacies["features"]} == {"pharmacy"}
    health = get(client, "category=health&page_size=500").json()
    assert {f["properties"]["category"] for f in health["features"]} == {
        "hospital",
        "clinic",
        "pharmacy",
        "dentistry",
    }
    both = get(client, "category=pharmacy,school&page_size=500").json()
    assert both["count"] == pharmacies["count"] + Facility.objects.filter(category__slug="school").count()


@pytest.mark.parametrize("q", ["кав'ярня", "КАВ’ЯРНЯ", "кавʼярня", "Coffee Shop"])
def test_search_ignores_case_apostrophes_and_language(city, client, q):
    body = get(client, f"q={q}&page_size=500").json()
    assert body["count"] >= 10
    assert all("Кав" in f["properties"]["name"] for f in body["features"])


def test_search_needs_every_word_and_understands_abbreviations(city, client):
    body = get(client, "q=вул. Миру аптека&page_size=100").json()
    assert body["count"] >= 1
    assert all("Миру" in f["properties"]["address"] for f in body["features"])
    assert get(client, "q=аптека невідомослово").json()["count"] == 0


def test_english_names_on_request(city, client):
    body = get(client, "q=lyceum&lang=en&page_size=50").json()
    assert "Lyceum No. 1" in {f["properties"]["name"] for f in body["features"]}


def test_nearest_are_ordered_by_true_distance_in_metres(city, client):
    lat, lon = 49.0105, 33.638
    body = get(client, f"lat={lat}&lon={lon}&category=pharmacy&page_size=5").json()
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert len(distances) == 5 and distances == sorted(distances)
    # Check against PostGIS geography (metres on the spheroid) for each of them.
    with connection.cursor() as cursor:
        for f in body["features"]:
            cursor.execute(
                "select ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) "
                "from facilities_facility where id = %s",
                [lon, lat, f["id"]],
            )
            assert abs(cursor.fetchone()[0] - f["properties"]["distance_m"]) < 0.1
    # No pharmacy outside the five is closer than the fifth.
    with connection.cursor() as cursor:
        cursor.execute(
            "select min(ST_Distance(f.location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)) "
            "from facilities_facility f join facilities_category c on c.id = f.category_id "
            "where c.slug = 'pharmacy' and not (f.id = any(%s))",
            [lon, lat, [f["id"] for f in body["features"]]],
        )
        assert cursor.fetchone()[0] >= distances[-1]


def test_east_west_is_not_confused_with_north_south(city, client):
    """At 49° N a degree of longitude is 73 km and a degree of latitude 111 km. The eastern
    pharmacy is 0.013° away (947 m), the northern one 0.0095° (1,057 m): nearer in degrees,
    farther in metres. Metres decide."""
    pharmacy = Category.objects.get(slug="pharmacy")
    east = Facility.objects.create(
        source_id="t-east", name_uk="Схід", category=pharmacy, location=Point(33.713, 49.10)
    )
    north = Facility.objects.create(
        source_id="t-north", name_uk="Північ", category=pharmacy, location=Point(33.70, 49.1095)
    )
    body = get(client, "lat=49.10&lon=33.70&category=pharmacy&page_size=2").json()
    assert [f["id"] for f in body["features"]] == [east.pk, north.pk]
    d_east, d_north = (f["properties"]["distance_m"] for f in body["features"])
    assert 940 < d_east < 955 and 1050 < d_north < 1065


def test_radius_in_metres(city, client):
    lat, lon = 49.0105, 33.638
    body = get(client, f"lat={lat}&lon={lon}&radius=300&page_size=500").json()
    assert body["count"] > 0
    assert all(f["properties"]["distance_m"] <= 300 for f in body["features"])
    wider = get(client, f"lat={lat}&lon={lon}&radius=600&page_size=1").json()
    assert wider["count"] > body["count"]


def test_open_now_filter(city, client):
    wednesday_noon = timezone.make_aware(dt.datetime(2026, 11, 25, 12, 0))
    f = parse_facility_filter(QueryDict("open_now=1&category=school"), now=wednesday_noon)
    count, _features = facilities_geojson_page(f, district_id=None, english=False, limit=100, offset=0)
    assert count == Facility.objects.filter(category__slug="school").count()
    sunday = timezone.make_aware(dt.datetime(2026, 11, 29, 12, 0))
    f = parse_facility_filter(QueryDict("open_now=1&category=school"), now=sunday)
    assert facilities_geojson_page(f, district_id=None, english=False, limit=100, offset=0)[0] == 0


@pytest.mark.parametrize(
    "query",
    [
        "category=pharmacy",
        "category=health&q=аптека",
        "q=миру",
        "bbox=33.62,49.0,33.65,49.02",
        "district=district-centre",
        "lat=49.01&lon=33.64&radius=500",
        "open_now=1",
        "category=food&bbox=33.60,48.99,33.68,49.03&q=кафе",
    ],
)
def test_api_and_directory_find_the_same_facilities(city, client, query):
    """The API's hand-written SQL and the directory's ORM query apply the same filters."""
    f = parse_facility_filter(QueryDict(query))
    expected = set(facilities_filtered(f).values_list("pk", flat=True))
    assert ids(get(client, f"{query}&page_size=5000")) == expected


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=34,49,33,50", "bbox"),
        ("bbox=33,49,34,95", "bbox"),
        ("category=spaceport", "category"),
        ("lat=91&lon=33", "lat"),
        ("lat=49&lon=181", "lon"),
        ("lat=49", "lon"),
        ("lat=abc&lon=33", "lat"),
        ("radius=100", "radius"),
        ("lat=49&lon=33&radius=0", "radius"),
        ("page=0", "page"),
        ("page_size=50000", "page_size"),
        ("district=nowhere", "district"),
        ("properties=everything", "properties"),
        ("q=" + "я" * 101, "q"),
    ],
)
def test_bad_parameters_get_400_with_a_machine_readable_error(city, client, query, parameter):
    response = get(client, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == parameter
    assert error["message"]


def test_hidden_category_is_refused_and_never_listed(city, client):
    Category.objects.filter(slug="police").update(is_public=False)
    assert get(client, "category=police").status_code == 400
    everything = get(client, "page_size=5000").json()
    assert "police" not in {f["properties"]["category"] for f in everything["features"]}
    police = Facility.objects.filter(category__slug="police").first()
    assert client.get(f"{API}{police.pk}/").status_code == 404
    categories = {c["slug"] for g in client.get("/api/v1/categories/").json() for c in g["categories"]}
    assert "police" not in categories and "pharmacy" in categories


def test_detail_has_structured_hours_and_category(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    body = client.get(f"{API}{school.pk}/").json()
    assert body["type"] == "Feature" and body["id"] == school.pk
    props = body["properties"]
    assert props["category"]["slug"] == "school" and props["category"]["group"] == "education"
    assert {"weekday": "Mo", "opens": "07:30", "closes": "18:00", "months": []} in props["opening_periods"]
    assert props["url"] == f"/facilities/{school.pk}/"
    assert client.get(f"{API}999999/").status_code == 404
    assert client.get(f"{API}999999/").json()["error"]["code"] == "not_found"


def test_categories_tree_with_counts(city, client):
    groups = client.get("/api/v1/categories/").json()
    health = next(g for g in groups if g["slug"] == "health")
    pharmacy = next(c for c in health["categories"] if c["slug"] == "pharmacy")
    assert pharmacy["facility_count"] == Facility.objects.filter(category__slug="pharmacy").count()
    assert pharmacy["colour"].startswith("#") and health["name_en"] == "Health"


def test_list_endpoint_query_count_does_not_grow_with_results(city, client):
    """One statement builds the page; the rest is a data-version check and the district."""
    from django.test.utils import CaptureQueriesContext

    get(client, "page_size=1")  # the category tree is read once, then cached
    counts = []
    for size in (1, 5000):
        with CaptureQueriesContext(connection) as captured:
            get(client, f"page_size={size}&category=food&district=district-centre")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 4


def test_minimal_properties_for_drawing_markers(city, client):
    body = get(client, "properties=minimal&page_size=3").json()
    assert all(set(f["properties"]) == {"name", "category"} for f in body["features"])


def test_openapi_schema_documents_the_filters_and_docs_use_local_assets(city, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/facilities/"]["get"]["parameters"]}
    assert {"bbox", "category", "q", "lat", "lon", "radius", "open_now", "page", "page_size"} <= params
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs
    assert not re.search(r'(src|href)="(https?:)?//', docs)


def test_district_filter(city, client):
    centre = District.objects.get(source_id="district-centre")
    body = get(client, "district=district-centre&page_size=5000").json()
    assert body["count"] == Facility.objects.filter(district=centre).count() > 0


def test_periods_follow_an_edited_opening_hours_text(city):
    shop = Facility.objects.filter(category__slug="grocery").first()
    shop.opening_hours = "Sa 10:00-12:00"
    shop.save()
    facility_sync_opening_periods(facilities=[shop])
    assert [(p.weekday, p.opens, p.closes) for p in shop.opening_periods.all()] == [(5, 600, 720)]
