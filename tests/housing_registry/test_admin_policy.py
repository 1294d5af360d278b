"""The Django admin of the housing registry follows housing_registry/permissions.py like the
registry's pages: registry staff only, the fields of the user's sections only, and a sheet is
saved only on top of the version the form was opened at."""

from __future__ import annotations

import pytest

from housing_registry.models import Building, BuildingDocument
from housing_registry.services.sheets import building_section_update
from tests.admin_forms import admin_client, change_url, changelist_url, form_data


@pytest.mark.parametrize("username", ["editor", "head", "registrar"])
def test_staff_outside_the_registry_get_no_sheets(building, username):
    client = admin_client(username)
    assert client.get(changelist_url(Building)).status_code == 403
    page = client.get(change_url(building), follow=True)
    assert page.status_code in (200, 403)  # the admin's "no such object" or a refusal
    assert building.address not in page.content.decode()


def test_a_resident_is_sent_to_log_in(building):
    page = admin_client("resident").get(change_url(building))
    assert page.status_code == 302 and "/login/" in page.url


def test_a_dispatcher_edits_only_the_fields_of_his_sections(dispatcher, building):
    page = admin_client("dispatcher").get(change_url(building))
    assert page.status_code == 200
    editable = set(page.context["adminform"].form.fields)
    assert {"technical_state", "notes", "heating_type"} <= editable  # technical sections
    assert not {"condominium_chair", "chair_phone", "address", "registry_number"} & editable  # not his


def test_a_dispatchers_save_takes_the_sheet_lock(dispatcher, housing_officer, building):
    client = admin_client("dispatcher")
    opened = client.get(change_url(building))
    version = building.version
    saved = client.post(change_url(building), form_data(opened, notes="Перевірено в адмінці"))
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    building.refresh_from_db()
    assert building.notes == "Перевірено в адмінці" and building.version == version + 1

    stale_form = client.get(change_url(building))
    building_section_update(
        building_id=building.pk,
        section="notes",
        data={"notes": "Зміна колеги"},
        expected_version=building.version,
        actor=housing_officer,
    )
    stale = client.post(change_url(building), form_data(stale_form, notes="Моя застаріла зміна"))
    assert stale.status_code == 200
    assert "someone else saved this record after you opened it" in stale.content.decode()
    building.refresh_from_db()
    assert building.notes == "Зміна колеги" and building.version == version + 2


def test_documents_are_not_added_through_the_admin_by_dispatchers(dispatcher, building):
    client = admin_client("dispatcher")
    assert client.get(changelist_url(BuildingDocument)).status_code == 200
    assert client.get(changelist_url(BuildingDocument) + "add/").status_code == 403


def test_the_superuser_sees_and_changes_every_field(building):
    page = admin_client("admin").get(change_url(building))
    assert page.status_code == 200
    assert {"address", "chair_phone", "notes"} <= set(page.context["adminform"].form.fields)
