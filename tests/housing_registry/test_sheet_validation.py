"""Every section of the sheet refuses values out of range, not allowed or inconsistent, with a
message for people; unknown is kept as unknown and shown as such, never as zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from housing_registry.models import Building
from housing_registry.services import building_section_update


def update(building, section, actor, **data):
    return building_section_update(
        building_id=building.pk, section=section, data=data, expected_version=building.version, actor=actor
    )


def refused(building, section, actor, **data) -> dict:
    with pytest.raises(ValidationError) as caught:
        update(building, section, actor, **data)
    building.refresh_from_db()
    return caught.value.message_dict


def test_identification_numbers_follow_their_formats_and_registry_numbers_are_unique(
    building, housing_officer
):
    assert "cadastral_number" in refused(building, "identification", housing_officer, cadastral_number="123")
    assert "registry_number" in refused(building, "identification", housing_officer, registry_number="12-34")
    other = Building.objects.exclude(pk=building.pk).exclude(registry_number="").first()
    assert "registry_number" in refused(
        building, "identification", housing_officer, registry_number=other.registry_number
    )
    saved = update(
        building,
        "identification",
        housing_officer,
        cadastral_number="5310900000:02:015:0042",
        registry_number="1234567",
    )
    assert saved.cadastral_number == "5310900000:02:015:0042"


@pytest.mark.parametrize(
    "field, value",
    [
        ("floors", 0),
        ("floors", 41),
        ("entrances", 31),
        ("apartments", 0),
        ("year_built", 1799),
        ("year_built", 2099),  # after this year
        ("non_residential_premises", 501),
        ("total_area", Decimal("0.5")),
        ("total_area", Decimal("300000.1")),
    ],
)
def test_construction_values_out_of_range_are_refused(building, dispatcher, field, value):
    before = getattr(building, field)
    errors = refused(building, "construction", dispatcher, **{field: value})
    assert field in errors
    assert getattr(building, field) == before


def test_living_and_common_areas_must_fit_in_the_total(building, dispatcher):
    errors = refused(
        building, "construction", dispatcher, total_area=Decimal("1000"), living_area=Decimal("1200")
    )
    assert "Не може перевищувати загальну площу" in " ".join(errors["living_area"])
    errors = refused(
        building,
        "construction",
        dispatcher,
        total_area=Decimal("1000"),
        living_area=Decimal("700"),
        common_area=Decimal("400"),
    )
    assert "common_area" in errors


def test_apartments_must_be_believable_for_the_floors_and_entrances(building, dispatcher):
    errors = refused(building, "construction", dispatcher, floors=2, entrances=1, apartments=200)
    assert "apartments" in errors


def test_choices_outside_the_allowed_values_are_refused(building, dispatcher, housing_officer):
    assert "wall_material" in refused(building, "construction", dispatcher, wall_material="straw")
    assert "heating_type" in refused(building, "heating", dispatcher, heating_type="fireplace")
    assert "hot_water" in refused(building, "water", dispatcher, hot_water="boiling")
    assert "energy_class" in refused(building, "condition", dispatcher, energy_class="Z")
    assert "management_form" in refused(building, "management", housing_officer, management_form="anarchy")


def test_individual_heating_has_no_supplier_and_no_building_meter(building, dispatcher, teploenergo):
    errors = refused(building, "heating", dispatcher, heating_type="individual", heating_provider=teploenergo)
    assert "heating_provider" in errors
    errors = refused(
        building, "heating", dispatcher, heating_type="individual", heating_provider=None, has_heat_meter=True
    )
    assert "has_heat_meter" in errors


def test_heat_supplier_must_be_a_utility_company(building, dispatcher):
    from citizen_requests.models import Service

    department = Service.objects.get(source_id="svc-education-dept")
    assert "heating_provider" in refused(building, "heating", dispatcher, heating_provider=department)


def test_gas_stoves_need_mains_gas(building, dispatcher):
    errors = refused(building, "energy", dispatcher, gas_supply="none", stoves="gas", has_gas_meter=None)
    assert "stoves" in errors
    errors = refused(building, "energy", dispatcher, gas_supply="none", stoves="electric", has_gas_meter=True)
    assert "has_gas_meter" in errors


def test_condominium_needs_its_name_and_only_condominiums_have_a_chair(building, housing_officer):
    errors = refused(
        building, "management", housing_officer, management_form="condominium", condominium_name=""
    )
    assert "condominium_name" in errors
    errors = refused(
        building,
        "management",
        housing_officer,
        management_form="council",
        condominium_name="",
        condominium_chair="Іваненко І. І.",
    )
    assert "condominium_chair" in errors


@pytest.mark.parametrize("phone", ["call me", "12", "+380 (5348) 4-41-01 ext 5 and more digits"])
def test_phones_must_look_like_phone_numbers(building, housing_officer, phone):
    assert "emergency_phone" in refused(building, "management", housing_officer, emergency_phone=phone)


def test_repairs_cannot_be_in_the_future_or_before_the_building(building, dispatcher):
    assert "last_major_repair_year" in refused(building, "condition", dispatcher, last_major_repair_year=2099)
    assert "last_current_repair_year" in refused(
        building, "condition", dispatcher, last_current_repair_year=building.year_built - 5
    )


@pytest.mark.parametrize(
    "elevator, message",
    [
        ({"entrance": 99, "year": 2000, "state": "working", "capacity_kg": 400}, "під'їзду 99 немає"),
        ({"entrance": 1, "year": 1940, "state": "working", "capacity_kg": 400}, "1950"),
        ({"entrance": 1, "year": 2000, "state": "flying", "capacity_kg": 400}, "стан має бути"),
        ({"entrance": 1, "year": 2000, "state": "working", "capacity_kg": 5000}, "кг"),
    ],
)
def test_elevators_are_checked_per_entrance(building, dispatcher, elevator, message):
    errors = refused(building, "elevators", dispatcher, elevators=[elevator])
    assert message in " ".join(errors["elevators"])


def test_elevators_installed_long_before_the_building_are_refused(building, dispatcher):
    early = {"entrance": 1, "year": building.year_built - 5, "state": "working", "capacity_kg": 400}
    assert "elevators" in refused(building, "elevators", dispatcher, elevators=[early])


def test_unknown_stays_unknown_and_is_shown_as_unknown_not_zero(building, dispatcher, client):
    update(building, "construction", dispatcher, non_residential_premises=None, total_area=None)
    building.refresh_from_db()
    assert building.non_residential_premises is None and building.total_area is None
    client.force_login(dispatcher)
    html = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    section = html.split('id="section-construction"')[1].split("</section>")[0]
    label = "нежитлові приміщення"
    row = section.split(label, 1)[1].split("</dd>")[0]
    assert "невідомо" in row and ">0<" not in row


def test_a_known_zero_is_kept_as_zero(building, dispatcher):
    saved = update(building, "construction", dispatcher, non_residential_premises=0)
    assert saved.non_residential_premises == 0


def test_the_sheet_form_shows_the_error_and_saves_nothing(building, dispatcher, client):
    client.force_login(dispatcher)
    before = building.floors
    response = client.post(
        f"/registry/buildings/{building.pk}/edit/construction/",
        {
            "version": building.version,
            "floors": 55,
            "entrances": building.entrances,
            "apartments": building.apartments,
        },
    )
    assert response.status_code == 200
    assert "40" in response.content.decode()  # "Ensure this value is less than or equal to 40"
    building.refresh_from_db()
    assert building.floors == before
