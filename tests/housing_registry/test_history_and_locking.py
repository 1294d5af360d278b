"""Every change is kept with who, when and what; versions can be compared and restored; a save
based on a stale version is refused with the other person's changes shown, never lost."""

from __future__ import annotations

import pytest

from housing_registry.exceptions import RegistryError, StaleVersion
from housing_registry.history import building_versions
from housing_registry.services import building_restore, building_section_update


def save(building, section, actor, version=None, **data):
    return building_section_update(
        building_id=building.pk,
        section=section,
        data=data,
        expected_version=building.version if version is None else version,
        actor=actor,
    )


def test_a_saved_section_is_a_new_version_with_who_when_and_what(building, dispatcher, other_provider):
    start = building.version
    saved = save(building, "heating", dispatcher, heating_provider=other_provider, has_heat_meter=True)
    assert saved.version == start + 1
    latest = building_versions(saved)[0]
    assert latest.number == start + 1
    assert latest.user == dispatcher and latest.who == "Віктор Мельник"
    assert latest.reason == "heating" and latest.reason_text == "Опалення"
    changed = {c.field: c for c in latest.changes}
    assert set(changed) >= {"heating_provider"}
    assert changed["heating_provider"].new == other_provider.name_uk
    assert changed["heating_provider"].section_title == "Опалення"


def test_saving_the_same_values_makes_no_new_version(building, dispatcher):
    version = building.version
    saved = save(building, "heating", dispatcher, heating_type=building.heating_type)
    assert saved.version == version
    assert building.history.count() == 1


def test_the_first_version_is_the_loaded_sheet(building):
    versions = building_versions(building)
    assert len(versions) == 1
    assert versions[0].kind == "+" and versions[0].user is None and versions[0].reason == "demo data"


def test_the_history_page_shows_the_diff_with_old_and_new_values(client, building, dispatcher):
    old_floors = building.floors
    save(building, "construction", dispatcher, floors=old_floors + 1)
    client.force_login(dispatcher)
    html = client.get(f"/registry/buildings/{building.pk}/history/").content.decode()
    assert "Версія 2" in html and "Віктор Мельник" in html
    assert f"<del>{old_floors}</del>" in html and f"<ins>{old_floors + 1}</ins>" in html
    assert "Конструкція" in html


def test_unknown_reads_as_unknown_in_the_diff(building, dispatcher):
    save(building, "condition", dispatcher, energy_class="")
    save(building.__class__.objects.get(pk=building.pk), "condition", dispatcher, energy_class="C")
    change = next(c for v in building_versions(building) for c in v.changes if c.field == "energy_class")
    assert change.old == "невідомо" and change.new == "C"


def test_restore_brings_back_an_old_version_as_a_new_version(building, dispatcher, other_provider):
    original_provider = building.heating_provider
    first = building.history.get()
    save(building, "heating", dispatcher, heating_provider=other_provider)
    building.refresh_from_db()
    save(building, "construction", dispatcher, floors=building.floors + 1)
    building.refresh_from_db()
    restored = building_restore(
        building_id=building.pk,
        history_id=first.history_id,
        expected_version=building.version,
        actor=dispatcher,
    )
    assert restored.heating_provider == original_provider
    assert restored.floors == first.floors
    assert restored.version == 4
    latest = building_versions(restored)[0]
    assert latest.reason_text == "відновлено версію 1"
    assert {c.field for c in latest.changes} == {"heating_provider", "floors"}
    assert building.history.count() == 4  # nothing lost


def test_restore_through_the_page(client, building, dispatcher):
    first = building.history.get()
    save(building, "notes", dispatcher, notes="Покрівля протікає")
    building.refresh_from_db()
    client.force_login(dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/history/{first.history_id}/restore/",
        {"version": building.version},
        follow=True,
    )
    assert "Відновлено" in response.content.decode()
    building.refresh_from_db()
    assert building.notes == first.notes


def test_restoring_the_current_state_is_refused_with_a_reason(building, dispatcher):
    record = building.history.get()
    with pytest.raises(RegistryError) as refused:
        building_restore(
            building_id=building.pk,
            history_id=record.history_id,
            expected_version=building.version,
            actor=dispatcher,
        )
    assert "уже такий самий" in refused.value.message


def test_a_stale_save_is_refused_and_shows_the_other_persons_changes(
    building, dispatcher, housing_officer, other_provider
):
    opened_at = building.version  # both open the sheet at this version
    save(building, "heating", housing_officer, heating_provider=other_provider)
    with pytest.raises(StaleVersion) as refused:
        save(building, "heating", dispatcher, version=opened_at, has_heat_meter=False)
    stale = refused.value
    assert stale.current.version == opened_at + 1
    assert [v.who for v in stale.changes] == ["Test housing"]
    assert [c.field for c in stale.changes[0].changes] == ["heating_provider"]
    assert stale.conflicts == set()
    # The form offered again keeps the dispatcher's edit on top of the current sheet.
    assert stale.merged == {"has_heat_meter": False}
    building.refresh_from_db()
    assert (
        building.heating_provider == other_provider
        and building.has_heat_meter == building.history.latest().has_heat_meter
    )


def test_both_changing_the_same_field_is_marked_as_a_conflict(
    building, dispatcher, housing_officer, other_provider
):
    opened_at = building.version
    save(building, "heating", housing_officer, heating_provider=other_provider)
    with pytest.raises(StaleVersion) as refused:
        save(
            building, "heating", dispatcher, version=opened_at, heating_provider=None, heating_type="central"
        )
    assert refused.value.conflicts == {"heating_provider"}
    # heating_type was not changed by the dispatcher: the offered form takes the current value.
    assert refused.value.merged["heating_type"] == "central"


def test_a_stale_form_is_refused_with_409_and_the_changes_in_the_page(
    client, building, dispatcher, housing_officer, other_provider
):
    client.force_login(dispatcher)
    page = client.get(f"/registry/buildings/{building.pk}/edit/heating/").content.decode()
    assert f'name="version" value="{building.version}"' in page
    form = {
        "version": building.version,
        "heating_type": "central",
        "heating_provider": building.heating_provider_id,
        "has_heat_meter": "false",
    }
    save(building, "heating", housing_officer, heating_provider=other_provider)  # someone else saves first
    response = client.post(f"/registry/buildings/{building.pk}/edit/heating/", form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Не збережено: хтось інший змінив цей паспорт раніше" in html
    assert "Test housing" in html and other_provider.name_uk in html
    building.refresh_from_db()
    assert building.heating_provider == other_provider  # the other person's change stands
    # The form now carries the current version: saving again is a deliberate choice.
    assert f'name="version" value="{building.version}"' in html
    assert f'value="{other_provider.pk}" selected' in html  # untouched field: the current value


def test_the_elevators_section_is_locked_too(client, building, dispatcher, housing_officer):
    opened_at = building.version
    save(building, "notes", housing_officer, notes="Нове")
    client.force_login(dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/edit/elevators/",
        {
            "version": opened_at,
            "elevators-TOTAL_FORMS": "1",
            "elevators-INITIAL_FORMS": "0",
            "elevators-0-entrance": "1",
            "elevators-0-year": "2020",
            "elevators-0-state": "working",
            "elevators-0-capacity_kg": "400",
        },
    )
    assert response.status_code == 409
    building.refresh_from_db()
    assert building.elevators != [{"entrance": 1, "year": 2020, "state": "working", "capacity_kg": 400}]


def test_elevators_are_saved_per_entrance_through_the_page(client, building, dispatcher):
    client.force_login(dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/edit/elevators/",
        {
            "version": building.version,
            "elevators-TOTAL_FORMS": "3",
            "elevators-INITIAL_FORMS": "0",
            "elevators-0-entrance": "2",
            "elevators-0-year": "2021",
            "elevators-0-state": "working",
            "elevators-0-capacity_kg": "630",
            "elevators-1-entrance": "1",
            "elevators-1-year": "",
            "elevators-1-state": "needs_repair",
            "elevators-1-capacity_kg": "",
            "elevators-2-entrance": "",
        },
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.elevators == [
        {"entrance": 1, "year": None, "state": "needs_repair", "capacity_kg": None},
        {"entrance": 2, "year": 2021, "state": "working", "capacity_kg": 630},
    ]
    html = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    assert "потребує ремонту" in html
