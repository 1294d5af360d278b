"""manage.py import_osm on a real OpenStreetMap extract (Monaco, tests/data/osm, ODbL): tag
filters, upsert by OSM id into a layer, the facility directory and the housing registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from city.models import Street
from facilities.models import Facility
from gis_layers.models import Feature
from gis_layers.schema import FieldSpec
from housing_registry.models import Building
from tests.gis_layers.conftest import make_layer

PBF = Path(__file__).resolve().parents[1] / "data" / "osm" / "monaco-latest.osm.pbf"


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (their msgids); the Ukrainian ones are checked in
    test_refusals_speak_ukrainian_by_default."""
    from django.utils import translation

    with translation.override("en"):
        yield


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_osm", str(PBF), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def pharmacies(gisadmin):
    return make_layer(
        gisadmin,
        slug="osm-pharmacies",
        fields=[
            FieldSpec("name", "Назва", "Name", "string", required=True),
            FieldSpec("opening_hours", "Години", "Hours", "string"),
            FieldSpec("phone", "Телефон", "Phone", "string"),
            FieldSpec("osm_id", "OSM", "OSM", "string"),
        ],
    )


def test_pharmacies_into_a_layer_then_a_later_extract_updates_in_place(pharmacies):
    out = run("--tag", "amenity=pharmacy", "--layer", "osm-pharmacies", "--skip-bad-rows")
    assert "12 objects match" in out
    features = Feature.objects.live().filter(layer=pharmacies)
    # Four pharmacies of the extract have no name, which the layer requires.
    assert features.count() == 8
    moulins = features.get(properties__name="Pharmacie des Moulins")
    assert moulins.source_id == "osm:node/280489587" and moulins.properties["osm_id"] == "node/280489587"
    assert abs(moulins.geometry.x - 7.428) < 0.001
    # Someone changes it here; the next import of the extract puts OSM's values back in place.
    Feature.objects.filter(pk=moulins.pk).update(properties={"name": "Змінено"})
    out = run("--tag", "amenity=pharmacy", "--layer", "osm-pharmacies", "--skip-bad-rows")
    assert "0 created, 1 updated, 7 unchanged" in out
    assert features.count() == 8
    moulins.refresh_from_db()
    assert moulins.properties["name"] == "Pharmacie des Moulins" and moulins.version == 2


def test_without_skip_a_nameless_object_stops_the_import(pharmacies):
    with pytest.raises(CommandError, match="skip-bad-rows"):
        run("--tag", "amenity=pharmacy", "--layer", "osm-pharmacies")
    assert Feature.objects.filter(layer=pharmacies).count() == 0


def test_buildings_of_any_kind_into_a_polygon_layer(gisadmin):
    layer = make_layer(
        gisadmin,
        slug="osm-buildings",
        geometry_type="polygon",
        fields=[FieldSpec("name", "Назва", "Name", "string")],
    )
    out = run("--tag", "building=*", "--layer", "osm-buildings")
    assert "1207 objects match" in out
    assert Feature.objects.filter(layer=layer).count() == 1207
    palace = Feature.objects.get(layer=layer, properties__name="Palais Princier de Monaco")
    assert palace.source_id == "osm:relation/393226" and palace.geometry.geom_type == "MultiPolygon"


def test_pharmacies_into_the_facility_directory_by_osm_id(city):
    out = run("--tag", "amenity=pharmacy", "--facilities", "--category", "pharmacy")
    assert "8 created" in out and "4 skipped" in out
    moulins = Facility.objects.get(source_id="osm:node/280489587")
    assert moulins.name_uk == "Pharmacie des Moulins" and moulins.category.slug == "pharmacy"
    assert moulins.history.count() == 1
    again = run("--tag", "amenity=pharmacy", "--facilities", "--category", "pharmacy")
    assert "0 created, 0 updated, 8 unchanged" in again
    assert Facility.objects.filter(source_id__startswith="osm:").count() == 8


def test_buildings_with_an_address_on_a_known_street_into_the_registry(city):
    Street.objects.create(source_id="osm-street-test", name_uk="Boulevard des Moulins", kind="street")
    out = run("--tag", "building=*", "--buildings")
    created = Building.objects.filter(source_id__startswith="osm:")
    assert created.count() >= 1
    building = created.first()
    assert building.street.name_uk == "Boulevard des Moulins"
    assert building.address == f"Boulevard des Moulins, {building.house_number}"
    assert "skipped" in out
    again = run("--tag", "building=*", "--buildings")
    assert f"0 created, 0 updated, {created.count()} unchanged" in again


def test_bad_filters_and_targets_are_refused(city):
    with pytest.raises(CommandError, match="tag filter"):
        run("--tag", "=x", "--facilities", "--category", "pharmacy")
    with pytest.raises(CommandError, match="category"):
        run("--tag", "amenity=pharmacy", "--facilities", "--category", "health")
    with pytest.raises(CommandError, match="no layer"):
        run("--tag", "amenity=pharmacy", "--layer", "nothing")
