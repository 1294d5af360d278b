"""Finding buildings: address search tolerant of "вул."/"вулиця", case and apostrophes,
filters, the list view, and the staff map coloured by a chosen attribute with a legend."""

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


@pytest.mark.parametrize(
    "attribute", ["technical_state", "management_form", "heating_provider", "year_built"]
)
def test_map_data_colours_every_building_with_a_legend_that_adds_up(client, dispatcher, attribute):
    client.force_login(dispatcher)
    data = client.get(f"/registry/map/buildings.geojson?colour={attribute}").json()
    assert len(data["features"]) == Building.objects.count()
    legend = {c["key"]: c for c in data["legend"]["classes"]}
    assert sum(c["count"] for c in legend.values()) == len(data["features"])
    for feature in data["features"]:
        p = feature["properties"]
        assert p["cls"] in legend and p["colour"] == legend[p["cls"]]["colour"]
        assert p["url"] == f"/registry/buildings/{p['id']}/"
        assert feature["geometry"]["type"] == "MultiPolygon"


def test_map_legend_counts_match_the_registry(client, dispatcher):
    client.force_login(dispatcher)
    data = client.get("/registry/map/buildings.geojson?colour=management_form").json()
    legend = {c["key"]: c["count"] for c in data["legend"]["classes"]}
    assert legend["condominium"] == Building.objects.filter(management_form="condominium").count() == 36
    data = client.get("/registry/map/buildings.geojson?colour=heating_provider").json()
    names = {c["label"]: c["count"] for c in data["legend"]["classes"]}
    assert (
        names["КП «Теплоенерго»"]
        == Building.objects.filter(heating_provider__source_id="svc-teploenergo").count()
    )


def test_map_data_follows_search_and_filters(client, dispatcher):
    client.force_login(dispatcher)
    data = client.get("/registry/map/buildings.geojson?q=вул.+миру+9").json()
    assert [f["properties"]["address"] for f in data["features"]] == ["вулиця Миру, 9"]
    data = client.get("/registry/map/buildings.geojson?technical_state=emergency").json()
    assert len(data["features"]) == Building.objects.filter(technical_state="emergency").count()


def test_the_map_page_uses_local_leaflet_and_its_own_script(client, dispatcher):
    client.force_login(dispatcher)
    html = client.get("/registry/map/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/js/registry_map.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
