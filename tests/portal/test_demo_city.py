"""The demo city: what it holds, that loading is idempotent and all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from citizen_requests.models import Service, ServiceArea
from city.models import District, Municipality, Street, StreetSegment
from demo.generator import Generator
from demo.loader import DemoDataError, load_demo_city
from facilities.models import Category, Facility
from housing_registry.models import Building

DATA = Path(settings.MISTO_DEMO_DATA_DIR)


def snapshot() -> dict:
    """Counts and a fingerprint of names, to prove the database did not change."""
    return {
        "facilities": Facility.objects.count(),
        "buildings": Building.objects.count(),
        "districts": sorted(District.objects.values_list("name_uk", flat=True)),
        "facility_names": hash(
            tuple(Facility.objects.order_by("source_id").values_list("name_uk", flat=True))
        ),
        "building_floors": hash(
            tuple(Building.objects.order_by("source_id").values_list("floors", flat=True))
        ),
    }


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "shapefiles"
    shutil.copytree(DATA, target)
    return target


def test_demo_city_has_1400_facilities_in_at_least_12_categories(city):
    assert Facility.objects.count() >= 1400
    used = Category.objects.annotate(n=Count("facilities")).filter(n__gt=0)
    assert used.count() >= 12
    groups = {c.parent.slug for c in used.select_related("parent")}
    assert {"education", "health", "transport", "administrative", "utility", "food", "poi"} <= groups
    # Believable proportions: shops and stops outnumber schools; there is one ЦНАП at least.
    per = dict(used.values_list("slug", "n"))
    assert per["grocery"] > per["school"] and per["bus_stop"] > per["hospital"]
    assert per["admin_service_centre"] >= 1 and per["pharmacy"] >= 14


def test_facilities_have_contacts_hours_and_addresses(city):
    total = Facility.objects.count()
    assert Facility.objects.exclude(address="").count() == total
    assert Facility.objects.exclude(opening_hours="").count() > 0.8 * total
    assert Facility.objects.exclude(phones=[]).count() > 0.6 * total
    school = Facility.objects.get(category__slug="school", name_uk="Ліцей № 1")
    assert school.phones[0].startswith("+380 5348")
    assert school.name_en == "Lyceum No. 1"


def test_real_pharmacies_keep_their_source_and_position(city):
    real = Facility.objects.filter(category__slug="pharmacy", data_source__startswith="НСЗУ")
    assert real.count() == 14
    podorozhnyk = real.get(name_uk__contains="ПОДОРОЖНИК")
    assert podorozhnyk.address == "вулиця Миру, 9"
    assert (round(podorozhnyk.location.x, 5), round(podorozhnyk.location.y, 5)) == (33.63706, 49.01177)


def test_every_facility_and_building_lies_inside_the_hromada(city):
    boundary = Municipality.objects.get().boundary
    assert not Facility.objects.exclude(location__within=boundary).exists()
    assert not Building.objects.exclude(footprint__within=boundary).exists()


def test_blocks_of_flats_have_footprints_addresses_and_36_condominiums(city):
    assert Building.objects.count() >= 300
    assert Building.objects.filter(management_form="condominium").count() == 36
    assert Building.objects.filter(district__isnull=True).count() == 0
    building = Building.objects.exclude(year_built=None).first()
    assert building.footprint.num_geom == 1 and building.footprint.area > 0
    assert building.address == f"{building.street.name_uk}, {building.house_number}"
    assert building.floors and building.entrances and building.apartments
    # Unknown stays unknown: some sheets have no year, none has a zero.
    assert Building.objects.filter(year_built=None).exists()
    assert not Building.objects.filter(year_built=0).exists()


def test_streets_districts_and_service_areas_are_loaded(city):
    assert District.objects.count() == 8
    assert Street.objects.filter(name_uk="проспект Героїв Дніпра").exists()
    assert StreetSegment.objects.filter(is_bridge=True).exists()
    assert StreetSegment.objects.filter(is_crossing=True).count() >= 3
    kinds = set(ServiceArea.objects.values_list("kind", flat=True))
    assert kinds == {"water", "heating", "roads_lighting", "housing"}
    assert Service.objects.filter(kind="front_office").count() == 1


def test_loading_twice_changes_and_duplicates_nothing(city):
    before = snapshot()
    report = load_demo_city(DATA, log=lambda _line: None)
    assert report.changed == 0
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())
    assert snapshot() == before


def test_reload_updates_an_edited_record_in_place_by_source_id(city):
    facility = Facility.objects.get(category__slug="school", name_uk="Ліцей № 2")
    Facility.objects.filter(pk=facility.pk).update(name_uk="Зіпсована назва")
    report = load_demo_city(DATA, log=lambda _line: None)
    assert report.counts["facilities"].updated == 1
    facility.refresh_from_db()
    assert facility.name_uk == "Ліцей № 2"
    assert Facility.objects.filter(name_uk="Ліцей № 2").count() == 1


def test_corrupt_shapefile_is_refused_and_database_unchanged(city, data_copy):
    before = snapshot()
    shp = data_copy / "facilities.shp"
    shp.write_bytes(shp.read_bytes()[:300])  # truncated mid-record
    with pytest.raises(DemoDataError) as refused:
        load_demo_city(data_copy, log=lambda _line: None)
    assert "facilities.shp" in str(refused.value)
    assert "nothing changed" in str(refused.value)
    assert snapshot() == before


def test_a_bad_row_found_late_rolls_back_what_was_written_before_it(city, data_copy):
    """Districts are written before facilities; a bad facility row undoes the districts too."""
    before = snapshot()
    districts = gpd.read_file(data_copy / "districts.shp")
    districts.loc[0, "name_uk"] = "Перейменований"
    districts.to_file(data_copy / "districts.shp", encoding="UTF-8")
    facilities = gpd.read_file(data_copy / "facilities.shp")
    facilities.loc[16, "category"] = "spaceport"
    facilities.to_file(data_copy / "facilities.shp", encoding="UTF-8")
    with pytest.raises(DemoDataError) as refused:
        load_demo_city(data_copy, log=lambda _line: None)
    assert "facilities.shp row 17: unknown category 'spaceport'" in str(refused.value)
    assert snapshot() == before


def test_missing_sidecar_file_is_named(city, data_copy):
    (data_copy / "buildings.prj").unlink()
    (data_copy / "streets.dbf").unlink()
    with pytest.raises(DemoDataError) as refused:
        load_demo_city(data_copy, log=lambda _line: None)
    assert "buildings.shp: missing buildings.prj" in refused.value.problems
    assert "streets.shp: missing streets.dbf" in refused.value.problems


def test_wrongly_projected_file_is_refused(city, data_copy):
    """Metric UTM coordinates under a .prj that claims longitude/latitude."""
    before = snapshot()
    buildings = gpd.read_file(data_copy / "buildings.shp")
    metres = buildings.to_crs(32636).set_crs(4326, allow_override=True)
    metres.to_file(data_copy / "buildings.shp", encoding="UTF-8")
    with pytest.raises(DemoDataError) as refused:
        load_demo_city(data_copy, log=lambda _line: None)
    assert "buildings.shp: coordinates" in str(refused.value)
    assert "not longitude/latitude" in str(refused.value)
    assert snapshot() == before


def test_file_in_another_declared_crs_is_reprojected(city, data_copy):
    districts = gpd.read_file(data_copy / "districts.shp")
    districts.to_crs(32636).to_file(data_copy / "districts.shp", encoding="UTF-8")
    report = load_demo_city(data_copy, log=lambda _line: None)
    # Reprojection round-trips to within a millimetre; nothing else changed.
    assert report.counts["facilities"].updated == 0
    centre = District.objects.get(source_id="district-centre")
    original = districts[districts.src_id == "district-centre"].geometry.iloc[0]
    assert abs(centre.area.area - original.area) < 1e-9


def test_feature_outside_the_city_is_refused(city, data_copy):
    facilities = gpd.read_file(data_copy / "facilities.shp")
    from shapely.geometry import Point

    facilities.loc[4, "geometry"] = Point(30.52, 50.45)  # Kyiv
    facilities.to_file(data_copy / "facilities.shp", encoding="UTF-8")
    with pytest.raises(DemoDataError) as refused:
        load_demo_city(data_copy, log=lambda _line: None)
    assert "facilities.shp row 5: lies outside the city boundary" in refused.value.problems


def test_command_reports_problems_without_a_traceback(city, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("load_demo_city", path=tmp_path / "nowhere", no_accounts=True)
    assert "is not a folder with the demo shapefiles" in str(refused.value)


def test_generator_reproduces_the_committed_shapefiles(tmp_path):
    """The shapefiles in data/shapefiles are exactly what the generator writes (fixed seed)."""
    generator = Generator()
    generator.build()
    generator.check()
    generator.write(tmp_path)
    for shp in sorted(DATA.glob("*.shp")):
        committed = gpd.read_file(shp)
        fresh = gpd.read_file(tmp_path / shp.name)
        assert list(committed.columns) == list(fresh.columns), shp.name
        assert committed.drop(columns="geometry").equals(fresh.drop(columns="geometry")), shp.name
        assert committed.geometry.geom_equals_exact(fresh.geometry, tolerance=1e-9).all(), shp.name
        assert (tmp_path / shp.with_suffix(".cpg").name).read_text() == "UTF-8"
