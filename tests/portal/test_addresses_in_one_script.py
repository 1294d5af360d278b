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
