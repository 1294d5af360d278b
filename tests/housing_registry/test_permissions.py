"""Residents and visitors see nothing of the registry: every page, API endpoint, file and export
answers 403 (signed-in, not registry staff) or sends to login (anonymous); the staff map's
tiles and summary answer 403 to both (test_staff_map.py).
Registry staff edit only the sections their organisation answers for."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from housing_registry.models import Building, BuildingDocument, WorkAttachment, WorkRecord
from housing_registry.services import building_document_add, work_attachment_add

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def registry_objects(building, housing_officer):
    """A document and a work attachment, so that their file URLs can be checked too."""
    document = building_document_add(
        building=building,
        kind="act",
        title="Акт огляду",
        upload=SimpleUploadedFile("act.pdf", PDF, "application/pdf"),
        actor=housing_officer,
    )
    work = WorkRecord.objects.filter(building=building).first()
    attachment = work_attachment_add(
        work=work, title="Кошторис", upload=SimpleUploadedFile("estimate.pdf", PDF), actor=housing_officer
    )
    history_id = building.history.order_by("history_id").first().history_id
    return {"b": building.pk, "d": document.pk, "w": work.pk, "a": attachment.pk, "h": history_id}


# Every URL of the registry: (method, path template). POSTs carry no valid data: the refusal
# must come before any of it is looked at.
URLS = [
    ("get", "/registry/"),
    ("get", "/registry/?q=миру"),
    ("get", "/registry/map/"),
    ("get", "/registry/buildings/{b}/"),
    ("get", "/registry/buildings/{b}/edit/heating/"),
    ("post", "/registry/buildings/{b}/edit/heating/"),
    ("get", "/registry/buildings/{b}/edit/elevators/"),
    ("get", "/registry/buildings/{b}/history/"),
    ("post", "/registry/buildings/{b}/history/{h}/restore/"),
    ("post", "/registry/buildings/{b}/documents/"),
    ("get", "/registry/documents/{d}/"),
    ("post", "/registry/documents/{d}/remove/"),
    ("get", "/registry/works/"),
    ("get", "/registry/works/new/?building={b}"),
    ("post", "/registry/works/new/"),
    ("get", "/registry/works/{w}/"),
    ("post", "/registry/works/{w}/"),
    ("post", "/registry/works/{w}/attachments/"),
    ("get", "/registry/attachments/{a}/"),
    ("get", "/registry/reports/"),
    ("get", "/registry/reports/?report=works&work_group=district"),
    ("get", "/registry/reports/?report=works&format=csv"),
    ("get", "/registry/reports/?report=works&format=xlsx"),
    ("get", "/registry/reports/?report=overdue&format=pdf"),
    ("get", "/registry/reports/?report=buildings&building_group=technical_state&format=pdf"),
    ("get", "/registry/import/"),
    ("post", "/registry/import/"),
    ("get", "/registry/export.csv"),
    ("get", "/registry/export.xlsx"),
    ("get", "/registry/export.gpkg"),
    ("get", "/registry/api/buildings/"),
    ("get", "/registry/api/buildings/{b}/"),
    ("get", "/registry/api/works/"),
]
IDS = [f"{m.upper()} {p}" for m, p in URLS]


@pytest.mark.parametrize("method, template", URLS, ids=IDS)
def test_anonymous_visitors_are_sent_to_log_in(client, registry_objects, method, template):
    path = template.format(**registry_objects)
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["resident", "editor"])
@pytest.mark.parametrize("method, template", URLS, ids=IDS)
def test_signed_in_people_without_the_registry_right_get_403(
    client, registry_objects, resident, editor, who, method, template
):
    client.force_login({"resident": resident, "editor": editor}[who])
    path = template.format(**registry_objects)
    response = getattr(client, method)(path)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Реєстр житлового фонду доступний лише його працівникам" in body or response[
        "Content-Type"
    ].startswith("application/json")
    # Nothing of a sheet leaks into the refusal.
    building = Building.objects.get(pk=registry_objects["b"])
    assert building.address not in body


@pytest.mark.parametrize(
    "method, template", [u for u in URLS if u[0] == "get"], ids=[i for i in IDS if i[0] == "G"]
)
def test_registry_staff_open_every_page(client, registry_objects, dispatcher, method, template):
    client.force_login(dispatcher)
    response = client.get(template.format(**registry_objects))
    assert response.status_code == 200


def test_refused_posts_change_nothing(client, registry_objects, resident):
    client.force_login(resident)
    building = Building.objects.get(pk=registry_objects["b"])
    client.post(
        f"/registry/buildings/{building.pk}/edit/heating/",
        {"version": building.version, "heating_type": "individual"},
    )
    client.post(f"/registry/documents/{registry_objects['d']}/remove/")
    building.refresh_from_db()
    assert building.heating_type == "central"
    assert BuildingDocument.objects.filter(pk=registry_objects["d"]).exists()
    assert WorkAttachment.objects.filter(pk=registry_objects["a"]).exists()


def test_the_public_map_gets_outlines_only(client, city):
    """The public map draws buildings from vector tiles with outline, address and floors:
    no sheet value, in the tiles or in the basemap."""
    import math

    import mapbox_vector_tile

    body = client.get("/map/basemap.geojson").content.decode()
    sample = Building.objects.exclude(registry_number="").exclude(condominium_name="").first() or (
        Building.objects.exclude(registry_number="").first()
    )
    assert sample.registry_number not in body and "ОСББ" not in body
    centre = sample.footprint.centroid
    z = 16
    x = int((centre.x + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(centre.y))) / math.pi) / 2 * 2**z)
    tile = client.get(f"/tiles/buildings/{z}/{x}/{y}.mvt")
    assert sample.registry_number.encode() not in tile.content
    features = mapbox_vector_tile.decode(tile.content)["buildings"]["features"]
    assert features and all(set(f["properties"]) <= {"address", "floors"} for f in features)


def test_the_registry_link_shows_only_to_registry_staff(client, dispatcher, resident):
    client.force_login(resident)
    assert "/registry/" not in client.get("/").content.decode()
    client.force_login(dispatcher)
    assert 'href="/registry/"' in client.get("/").content.decode()


# -- sections an organisation answers for -------------------------------------------------------


def _form(building, section_fields: dict) -> dict:
    return {"version": building.version, **section_fields}


def test_a_housing_company_dispatcher_edits_technical_sections_but_not_management(
    client, building, dispatcher
):
    client.force_login(dispatcher)
    assert client.get(f"/registry/buildings/{building.pk}/edit/heating/").status_code == 200
    assert client.get(f"/registry/buildings/{building.pk}/edit/construction/").status_code == 200
    for section in ("management", "identification"):
        response = client.get(f"/registry/buildings/{building.pk}/edit/{section}/")
        assert response.status_code == 403
        assert "Ваша організація не відповідає за розділ" in response.content.decode()
    before = building.emergency_phone
    response = client.post(
        f"/registry/buildings/{building.pk}/edit/management/",
        _form(building, {"management_form": "council", "emergency_phone": "+380 5348 1-11-11"}),
    )
    assert response.status_code == 403
    building.refresh_from_db()
    assert building.emergency_phone == before


def test_a_heating_company_dispatcher_edits_the_heating_section_only(
    client, building, heat_dispatcher, teploenergo
):
    client.force_login(heat_dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/edit/heating/",
        _form(
            building,
            {"heating_type": "central", "heating_provider": teploenergo.pk, "has_heat_meter": "true"},
        ),
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.heating_provider == teploenergo and building.has_heat_meter is True
    for section in ("construction", "water", "elevators", "condition", "notes"):
        assert client.get(f"/registry/buildings/{building.pk}/edit/{section}/").status_code == 403, section
    sheet = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    assert sheet.count(">Редагувати<") == 1  # the heating section's button only


def test_the_sheet_shows_edit_buttons_only_for_the_users_sections(client, building, dispatcher, gisadmin):
    client.force_login(dispatcher)
    html = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    assert f"/registry/buildings/{building.pk}/edit/heating/" in html
    assert f"/registry/buildings/{building.pk}/edit/management/" not in html
    client.force_login(gisadmin)
    html = client.get(f"/registry/buildings/{building.pk}/").content.decode()
    assert f"/registry/buildings/{building.pk}/edit/management/" in html


def test_a_heating_company_cannot_log_roof_works(client, building, heat_dispatcher):
    client.force_login(heat_dispatcher)
    response = client.post(
        "/registry/works/new/",
        {
            "building": building.pk,
            "system": "roof",
            "kind": "planned_repair",
            "title": "Ремонт покрівлі",
            "planned_date": "2026-12-01",
            "status": "planned",
        },
    )
    assert response.status_code == 200  # the form refuses the system (not one of its choices)
    assert not WorkRecord.objects.filter(building=building, title="Ремонт покрівлі").exists()
    roof = WorkRecord.objects.filter(system="roof").first()
    response = client.post(f"/registry/works/{roof.pk}/", {"title": "x", "version": roof.version})
    assert response.status_code == 403


def test_restoring_needs_every_changed_section(client, building, housing_officer, heat_dispatcher):
    from housing_registry.services import building_section_update

    building_section_update(
        building_id=building.pk,
        section="management",
        data={"emergency_phone": "+380 5348 9-99-99"},
        expected_version=building.version,
        actor=housing_officer,
    )
    first = building.history.order_by("history_id").first()
    client.force_login(heat_dispatcher)
    building.refresh_from_db()
    response = client.post(
        f"/registry/buildings/{building.pk}/history/{first.history_id}/restore/",
        {"version": building.version},
    )
    assert response.status_code == 403
    building.refresh_from_db()
    assert building.emergency_phone == "+380 5348 9-99-99"


def test_gis_admins_read_everything_but_do_not_log_works(client, registry_objects, gisadmin):
    client.force_login(gisadmin)
    for path in (
        "/registry/",
        "/registry/export.gpkg",
        f"/registry/buildings/{registry_objects['b']}/edit/management/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/registry/works/new/?building={registry_objects['b']}").status_code == 403


def test_staff_of_another_role_are_refused_by_the_api(client, editor):
    client.force_login(editor)
    response = client.get("/registry/api/buildings/")
    assert response.status_code == 403
