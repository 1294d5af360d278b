"""The demo registry: believable sheets, elevators in tall buildings, a works log with overdue
works, organisations with their sections; reloading keeps what staff edited."""

from __future__ import annotations

from django.conf import settings

from demo.loader import load_demo_city
from housing_registry.models import Building, Contractor, ResponsibleOrganisation, WorkRecord
from housing_registry.selectors import overdue_q
from housing_registry.services import building_section_update


def test_demo_sheets_are_filled_and_valid(city):
    buildings = Building.objects.all()
    assert buildings.exclude(heating_type="").count() > 0.9 * buildings.count()
    assert buildings.exclude(technical_state="").count() > 0.9 * buildings.count()
    assert buildings.exclude(registry_number="").count() > 0.8 * buildings.count()
    assert buildings.exclude(cadastral_number="").count() > 0.8 * buildings.count()
    assert buildings.filter(management_form="condominium").exclude(condominium_chair="").count() == 36
    assert buildings.exclude(emergency_phone="").count() == buildings.count()
    for building in buildings.select_related("heating_provider", "managing_company"):
        building.full_clean(exclude=["footprint"])


def test_tall_buildings_have_elevators_in_every_entrance(city):
    for building in Building.objects.filter(floors__gte=9):
        assert {e["entrance"] for e in building.elevators} == set(range(1, building.entrances + 1))
    assert not Building.objects.filter(floors__lt=9).exclude(elevators=[]).exists()


def test_heat_suppliers_follow_the_heating_areas(city):
    providers = set(
        Building.objects.filter(heating_type="central").values_list("heating_provider__source_id", flat=True)
    )
    assert providers == {"svc-teploenergo", "svc-pivden-teplo"}
    assert not Building.objects.filter(heating_type="individual", heating_provider__isnull=False).exists()


def test_demo_works_span_2024_to_2026_with_some_overdue(city):
    works = WorkRecord.objects.all()
    assert works.count() >= 1500
    assert {w.year for w in works.dates("planned_date", "year")} >= {2024, 2025, 2026}
    assert set(works.values_list("kind", flat=True)) == {
        "planned_repair",
        "emergency",
        "inspection",
        "maintenance",
    }
    assert set(works.values_list("status", flat=True)) == {"planned", "in_progress", "done", "cancelled"}
    overdue = works.filter(overdue_q()).count()
    assert 0 < overdue < works.count() // 5
    assert works.filter(cost__isnull=True).exists() and Contractor.objects.count() >= 10


def test_organisations_answer_for_sections_and_the_demo_dispatcher_works_at_one(city):
    housing = ResponsibleOrganisation.objects.get(service__source_id="svc-housing-dept")
    assert "management" in housing.sections and "identification" in housing.sections
    company = ResponsibleOrganisation.objects.get(service__source_id="svc-zhytloservis-1")
    assert "heating" in company.sections and "management" not in company.sections
    assert company.members.filter(username="dispatcher").exists()


def test_reloading_keeps_what_staff_edited(city):
    dispatcher = ResponsibleOrganisation.objects.get(service__source_id="svc-zhytloservis-1").members.get()
    building = Building.objects.filter(floors=5).order_by("source_id").first()
    building_section_update(
        building_id=building.pk,
        section="construction",
        data={"floors": 6, "series": "власна серія"},
        expected_version=building.version,
        actor=dispatcher,
    )
    report = load_demo_city(settings.MISTO_DEMO_DATA_DIR, log=lambda _line: None)
    building.refresh_from_db()
    assert building.floors == 6 and building.series == "власна серія"
    assert report.counts["building sheets"].kept == 1
    assert report.changed == 0
