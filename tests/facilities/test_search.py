"""Search as people type it (issue 20, "Map search"): one box for facilities, streets and
building addresses; case, accents and apostrophes do not matter, typos are forgiven (unaccent
+ pg_trgm keys), the building at the typed house number comes first, a tap on the road names
the house in front of it, and hidden facilities are found by no one."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point

from city.addresses import address_at
from city.models import Street, StreetSegment
from facilities.models import Category, Facility
from facilities.search import places_search
from housing_registry.models import Building
from tests.citizen_requests.builders import building_point, offset


def labels(text: str, **kwargs) -> list[str]:
    return [p.label for p in places_search(text, **kwargs)]


def test_a_monument_is_found_typed_without_the_apostrophe_in_any_case(city):
    for typed in ("памятник", "ПАМ’ЯТНИК", "Памʼятник Лесі"):
        found = places_search(typed)
        assert found and found[0].kind == "facility", typed
        assert found[0].label.startswith("Пам'ятник"), (typed, found[0].label)
    assert "Пам'ятник Лесі Українці" in labels("памятник лесі")


def test_the_typed_house_number_comes_first(city):
    for typed in ("вул. Миру, 9", "Миру 9", "вулиця миру,9"):
        found = places_search(typed)
        assert (found[0].kind, found[0].label) == ("building", "вулиця Миру, 9"), typed
    # Then what stands at that very house (before "Їдальня № 9" of вулиця Миру, 14).
    found = places_search("вул. Миру, 9", limit=10)
    there = Facility.objects.filter(address="вулиця Миру, 9").count()
    assert there > 0
    assert all(
        p.kind == "facility" and p.detail.endswith("вулиця Миру, 9") for p in found[1 : 1 + min(there, 9)]
    )
    # Миру, 6 (the old first answer) is not before it, nor is any other house of the street.
    found = labels("вул. Миру, 9", limit=20)
    assert found.index("вулиця Миру, 9") == 0
    assert "вулиця Миру, 6" not in found[:1]


def test_a_building_is_found_at_its_own_point(city):
    place = places_search("вул. Миру, 9")[0]
    point = Point(place.lon, place.lat, srid=4326)
    assert point.distance(building_point("вулиця Миру, 9")) < 1e-5


def test_typos_are_forgiven(city):
    assert places_search("аптка")[0].label.startswith("Аптека")
    street = places_search("незалежносты")[0]
    assert (street.kind, street.label) == ("street", "вулиця Незалежності")


def test_a_street_typed_by_its_name_comes_before_places_named_after_it(city):
    found = places_search("вулиця Солов'їна")
    assert (found[0].kind, found[0].label) == ("street", "вулиця Солов'їна")
    assert places_search("соловʼїна")[0].label == "вулиця Солов'їна"


def test_a_chosen_street_is_shown_on_that_street(city):
    """The pin of "вулиця Солов'їна" stands on Солов'їна (it once stood at Незалежності, 44)."""
    place = places_search("вулиця Солов'їна")[0]
    point = Point(place.lon, place.lat, srid=4326)
    segments = StreetSegment.objects.annotate(d=Distance("geometry", point)).order_by("d")
    assert segments[0].street.name_uk == "вулиця Солов'їна"
    assert segments[0].d.m < 1


def test_a_tap_on_the_road_in_front_of_a_house_names_the_house(city):
    house = building_point("вулиця Миру, 9")
    street = Street.objects.get(name_uk="вулиця Миру")
    segment = (
        StreetSegment.objects.filter(street=street)
        .annotate(d=Distance("geometry", house))
        .order_by("d")
        .first()
    )
    on_the_road = segment.geometry.interpolate(segment.geometry.project(house))
    on_the_road.srid = 4326
    nearest = Building.objects.annotate(d=Distance("footprint", on_the_road)).order_by("d").first()
    assert nearest.d.m > 20  # the middle of the road: beyond the old 25 m reach for some houses
    match = address_at(on_the_road)
    assert match is not None and match.kind == "building"
    assert match.label == nearest.address and match.house_number == nearest.house_number
    # Far from every house, only the street is named.
    assert address_at(offset(house, north_m=5000)) is None


def test_hidden_facilities_are_found_by_no_search(city, client):
    police = Facility.objects.filter(category__slug="police").first()
    assert police.name_uk in labels(police.name_uk)
    Category.objects.filter(slug="police").update(is_public=False)
    assert all(p.facility_id != police.pk for p in places_search(police.name_uk, limit=50))
    body = client.get("/api/v1/search/", {"q": police.name_uk, "limit": 50}).json()
    assert all(r.get("id") != police.pk for r in body["results"])


def test_the_search_api_answers_json_and_refuses_bad_input(city, client):
    body = client.get("/api/v1/search/", {"q": "вул. Миру, 9"}).json()
    first = body["results"][0]
    assert first == {**first, "kind": "building", "label": "вулиця Миру, 9"}
    # Building addresses carry the address and a point, nothing of the data sheet.
    assert set(first) == {"kind", "label", "detail", "lat", "lon"}
    facility = client.get("/api/v1/search/", {"q": "памятник"}).json()["results"][0]
    assert facility["url"] == f"/facilities/{facility['id']}/" and facility["category"] == "monument"
    assert client.get("/api/v1/search/", {"q": "я"}).json()["results"] == []
    too_long = client.get("/api/v1/search/", {"q": "а" * 101})
    assert too_long.status_code == 400 and too_long.json()["error"]["parameter"] == "q"
    bad_limit = client.get("/api/v1/search/", {"q": "аптека", "limit": "0"})
    assert bad_limit.status_code == 400 and bad_limit.json()["error"]["parameter"] == "limit"
    assert len(client.get("/api/v1/search/", {"q": "аптека", "limit": "3"}).json()["results"]) == 3


def test_the_directory_search_ignores_apostrophes_too(city, client):
    html = client.get("/facilities/", {"q": "памятник"}).content.decode()
    assert "Пам&#x27;ятник" in html or "Пам'ятник" in html
    assert "Нічого не знайдено" not in html
