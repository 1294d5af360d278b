"""On English pages an address names its street in English, as the district beside it is named:
never a Ukrainian street next to a transliterated district. Ukrainian pages show it as stored."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.utils import translation

from city.address_language import address_in_language
from city.models import Street
from facilities.models import Facility
from housing_registry.models import Building

CYRILLIC = re.compile("[А-Яа-яІіЇїЄєҐґ]")


def test_the_street_is_named_in_english_on_english_pages_and_as_stored_on_ukrainian_ones(city):
    street = Street.objects.get(name_uk="вулиця Миру")
    assert address_in_language("вулиця Миру, 9", "en") == f"{street.name_en}, 9"
    assert address_in_language("вулиця Миру, 9", "uk") == "вулиця Миру, 9"
    # A longer street name is not cut at a shorter one it starts with.
    longer = Street.objects.filter(name_uk__startswith="вулиця Миру").exclude(name_uk="вулиця Миру").first()
    if longer is not None:
        assert address_in_language(f"{longer.name_uk}, 1", "en") == f"{longer.name_en}, 1"
    # The house in the same script: its letter and a note transliterated, as the basemap's names.
    assert address_in_language("вулиця Миру, 10-А (у дворі)", "en") == f"{street.name_en}, 10-A (u dvori)"
    # What is not a street of the city stays as written.
    assert address_in_language("село Піщане, 3", "en") == "село Піщане, 3"
    with translation.override("en"):
        assert address_in_language("вулиця Миру, 9") == f"{street.name_en}, 9"


def test_facility_page_in_english_has_its_address_and_district_in_one_script(city, client):
    facility = Facility.objects.filter(address__startswith="вулиця", district__isnull=False).first()
    html = client.get(f"/facilities/{facility.pk}/?lang=en").content.decode()
    address = re.search(r"<dt>Address</dt><dd>([^<]+)</dd>", html).group(1)
    assert not CYRILLIC.search(address), address
    assert facility.district.name_en in html
    api = client.get(f"/api/v1/facilities/{facility.pk}/?lang=en").json()
    assert api["properties"]["address"] == address.replace("&#x27;", "'")
    assert not CYRILLIC.search(api["properties"]["district"])
    uk = client.get(f"/facilities/{facility.pk}/").content.decode()
    assert facility.address.replace("'", "&#x27;") in uk


def test_building_sheet_in_english_names_the_street_in_english(city, client):
    dispatcher = User.objects.get(username="dispatcher")
    client.force_login(dispatcher)
    building = Building.objects.get(address="вулиця Миру, 9")
    html = client.get(f"/registry/buildings/{building.pk}/?lang=en").content.decode()
    heading = re.search(r"<h1>([^<]+)</h1>", html).group(1)
    assert heading == address_in_language(building.address, "en") and not CYRILLIC.search(heading)


def _streets_named(address: str) -> bool:
    return any(address.startswith(uk) for uk in Street.objects.values_list("name_uk", flat=True))


def test_facility_list_api_in_english_names_every_street_in_english(city, client):
    """The list the map and other programs read: ?lang=en and Accept-Language: en alike name the
    street as the facility's own page does; Ukrainian lists keep the address as stored."""
    on_streets = Facility.objects.filter(address__startswith="вулиця").count()
    assert on_streets > 5
    for asked, headers in (({"lang": "en"}, {}), ({}, {"HTTP_ACCEPT_LANGUAGE": "en"})):
        data = client.get("/api/v1/facilities/", {"page_size": 5000, **asked}, **headers).json()
        addresses = {f["id"]: f["properties"]["address"] for f in data["features"]}
        stored = dict(Facility.objects.filter(pk__in=addresses).values_list("pk", "address"))
        translated = [pk for pk, address in stored.items() if _streets_named(address)]
        assert len(translated) >= on_streets
        for pk in translated:
            assert addresses[pk] == address_in_language(stored[pk], "en"), (asked, stored[pk])
            assert not CYRILLIC.search(addresses[pk]), (asked, addresses[pk])
    uk = client.get("/api/v1/facilities/", {"page_size": 5000}).json()
    assert {f["id"]: f["properties"]["address"] for f in uk["features"]} == dict(
        Facility.objects.filter(pk__in=[f["id"] for f in uk["features"]]).values_list("pk", "address")
    )


def test_nearest_api_in_english_names_the_street_in_english(city, client):
    data = client.get(
        "/api/v1/facilities/nearest/", {"category": "pharmacy", "address": "вулиця Миру, 9", "lang": "en"}
    ).json()
    assert data["features"]
    for feature in data["features"]:
        stored = Facility.objects.get(pk=feature["id"]).address
        assert feature["properties"]["address"] == address_in_language(stored, "en")
        if _streets_named(stored):
            assert not CYRILLIC.search(feature["properties"]["address"]), stored


def test_requests_map_popups_on_english_pages_name_the_street_in_english(city, client):
    """The requests map's popups show the address the API sends: in English on English pages,
    as stored on Ukrainian ones (and a street unknown to the city stays as written)."""
    from tests.citizen_requests.builders import building_point, file_request

    made = file_request(location=building_point("вулиця Миру, 9"))
    made.refresh_from_db()
    assert made.address.startswith("вулиця Миру"), made.address
    english = client.get("/api/v1/requests/", {"lang": "en"}).json()
    shown = next(f for f in english["features"] if f["id"] == made.number)["properties"]["address"]
    street = Street.objects.get(name_uk="вулиця Миру")
    assert shown == address_in_language(made.address, "en") and shown.startswith(street.name_en)
    assert not CYRILLIC.search(shown)
    detail = client.get(f"/api/v1/requests/{made.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["properties"]["address"] == shown
    ukrainian = client.get("/api/v1/requests/").json()
    assert (
        next(f for f in ukrainian["features"] if f["id"] == made.number)["properties"]["address"]
        == made.address
    )
