"""The objects of the leak matrix, made once per session on the demo city and committed (the
matrix reads them from many cases), then removed again so the demo city stays as loaded.

Every object carries personal data in distinctive forms, so that a leak is a plain substring
of a response body: the applicant's name, phone (several spellings), e-mail, flat, and the
free-text address a resident typed."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from html import unescape

from django.contrib.gis.geos import LineString

NAME = "Жабокрицький Оксентій"
SURNAME = "Жабокрицьк"  # every case of the surname
PHONE = "0507654321"
PHONE_FORMS = (
    "0507654321",
    "050 765 43 21",
    "050-765-43-21",
    "+380507654321",
    "765 43 21",
    "765-43-21",
    "7654321",
)
EMAIL = "zhabokrytskyi@example.test"
FLAT = "кв. 12"
TYPED_ADDRESS = "вулиця Миру, 9, кв. 12, Коваленко О. тел 0507654321"
SECRET_WORD = "Таємниця-Матриці"  # only in the confidential request's text
# The confidential request has an applicant's data of its own, so that a leak of it is told
# apart from one of the public request's.
CONF_NAME = "Ґудзь-Таємна Марія"
CONF_PHONES = ("0931112233", "093 111 22 33", "+380931112233", "111 22 33", "1112233")
CONF_EMAIL = "conf-secret@example.test"
CONF_FLAT = "кв. 77"
CONFIDENTIAL_TEXT = (
    f"{SECRET_WORD}: сусід з {CONF_FLAT} погрожує. Пише {CONF_NAME}, тел {CONF_PHONES[0]}, {CONF_EMAIL}."
)
CONF_ADDRESS = f"вулиця Шкільна, 3, {CONF_FLAT}"
CONF_PERSONAL = (SECRET_WORD, "Ґудзь", *CONF_PHONES, CONF_EMAIL, CONF_FLAT)
PUBLIC_TEXT = f"Не працює освітлення під'їзду. {NAME}, {FLAT}, тел 050 765 43 21, пишіть {EMAIL}."

# What only the applicant, the responsible service and the front office may read.
PERSONAL = (SURNAME, *PHONE_FORMS, EMAIL, FLAT, "Коваленко О", TYPED_ADDRESS)

# The building sheet: what only registry staff may read.
SHEET_CHAIR = "Перепелиця-Матриця Г."
SHEET_PHONE = "0661239876"
SHEET_NOTES = "Примітка-реєстру-матриці: ключ від даху у кв. 31"
SHEET = (SHEET_CHAIR, SHEET_PHONE, "Примітка-реєстру-матриці")

# The staff-only GIS layer.
LAYER_SLUG = "matrix-staff-only"
LAYER_TITLE = "Шар-для-персоналу-матриці"
FEATURE_NAME = "Маршрут-для-персоналу-матриці"
IMPORT_NAME = "imported-matrix-secret.geojson"
LAYER = (LAYER_TITLE, FEATURE_NAME)
IMPORT = (IMPORT_NAME,)


@dataclass
class World:
    confidential: object
    public: object
    photo: object
    document: object
    building: object
    building_document: object
    layer: object
    feature: object
    import_job: object
    api_key: str
    sheet_before: dict
    missing_number: str = "2026-999999"
    clients: dict = field(default_factory=dict)


def build_world(tmp) -> World:
    """Make the objects through the services, as the portal does."""
    from django.contrib.auth.models import Group, User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citizen_requests.models import Request, Service, ServiceMembership
    from citizen_requests.services.api_clients import api_client_issue
    from citizen_requests.services.intake import Contact, Upload
    from gis_layers.models import ImportJob
    from gis_layers.schema import FieldSpec
    from gis_layers.services import feature_create, layer_create
    from housing_registry.models import Building
    from housing_registry.services.sheets import building_document_add
    from tests.citizen_requests.builders import area_point, jpeg_bytes, offset, pdf_bytes, user

    place = area_point("area-housing-2")
    contact = Contact(NAME, EMAIL, "050 765 43 21")
    confidential = file_request_as_resident(
        text=CONFIDENTIAL_TEXT, location=place, visibility=Request.Visibility.CONFIDENTIAL,
        contact=Contact(CONF_NAME, CONF_EMAIL, CONF_PHONES[1]), address=CONF_ADDRESS,
        files=[Upload("p.jpg", jpeg_bytes()), Upload("d.pdf", pdf_bytes())],
    )  # fmt: skip
    public = file_request_as_resident(
        text=PUBLIC_TEXT, location=offset(place, north_m=20), visibility=Request.Visibility.PUBLIC,
        contact=contact, files=[Upload("p.jpg", jpeg_bytes())], address=TYPED_ADDRESS,
    )  # fmt: skip
    assert confidential.service.source_id == public.service.source_id == "svc-zhytloservis-2"
    photo, document = confidential.attachments.order_by("order")

    # Another resident, and the head and the process owner of an unrelated service.
    User.objects.create_user("mx_neighbour", "mx_neighbour@example.test", "x")
    vodokanal = Service.objects.get(source_id="svc-vodokanal")
    for username, group, position in (("mx_otherhead", "Service heads", "head"),
                                      ("mx_otherexec", "Process owners", "executor")):  # fmt: skip
        other = User.objects.create_user(username, f"{username}@example.test", "x", is_staff=True)
        other.groups.add(Group.objects.get(name=group))
        ServiceMembership.objects.create(service=vodokanal, user=other, position=position)
    _client, api_key = api_client_issue(name="Matrix app", requests_per_minute=0)

    building = Building.objects.filter(address__startswith="вулиця Миру").order_by("id").first()
    building = building or Building.objects.order_by("id").first()
    sheet_before = (
        Building.objects.filter(pk=building.pk).values("condominium_chair", "chair_phone", "notes").get()
    )
    Building.objects.filter(pk=building.pk).update(
        condominium_chair=SHEET_CHAIR, chair_phone=SHEET_PHONE, notes=SHEET_NOTES
    )
    building.refresh_from_db()
    gisadmin = user("gisadmin")
    building_document = building_document_add(
        building=building, kind=_first_document_kind(), title="Акт-матриці",
        upload=SimpleUploadedFile("act.pdf", pdf_bytes(), content_type="application/pdf"), actor=gisadmin,
    )  # fmt: skip

    layer = layer_create(
        actor=gisadmin, slug=LAYER_SLUG, title_uk=LAYER_TITLE, title_en="Matrix staff-only layer",
        geometry_type="line", fields=[FieldSpec("name", "Назва", "Name", "string", required=True)],
        style={"colour": "#123456", "label_field": "name"}, visibility="staff",
    )  # fmt: skip
    p = building.footprint.centroid
    feature = feature_create(
        layer=layer, actor=gisadmin, geometry=LineString((p.x, p.y), (p.x + 0.001, p.y + 0.0005), srid=4326),
        properties={"name": FEATURE_NAME},
    )  # fmt: skip
    import_job = ImportJob.objects.create(layer=layer, created_by=gisadmin, original_name=IMPORT_NAME,
                                          status=ImportJob.Status.PREVIEW)  # fmt: skip
    return World(confidential, public, photo, document, building, building_document, layer, feature,
                 import_job, api_key, sheet_before)  # fmt: skip


def file_request_as_resident(**kwargs):
    from tests.citizen_requests.builders import file_request

    return file_request(category="entrance", applicant="resident", **kwargs)


def _first_document_kind() -> str:
    from housing_registry.models import BuildingDocument

    return BuildingDocument.Kind.values[0]


# -- reading a body as text, whatever its format ------------------------------------------------


def body_text(response) -> str:
    """Everything a person could read out of a response: the raw bytes decoded, HTML entities
    and JSON escapes undone, XLSX cell values, GeoPackage rows, zip members, MVT properties."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    from tests.citizen_requests.builders import per_response_values_masked

    raw = per_response_values_masked(raw)  # the CSP nonce and CSRF token differ every time
    kind = response.get("Content-Type", "")
    parts = [raw.decode("utf-8", "replace")]
    if raw[:4] == b"PK\x03\x04":
        parts += _zip_text(raw)
    if "protobuf" in kind or "mvt" in kind:
        parts.append(_mvt_text(raw))
    if raw[:16] == b"SQLite format 3\x00":
        parts.append(_gpkg_text(raw))
    if "json" in kind:
        try:
            parts.append(json.dumps(json.loads(raw), ensure_ascii=False))
        except ValueError:
            pass
    return unescape("\n".join(parts))


def _zip_text(raw: bytes) -> list[str]:
    parts = []
    archive = zipfile.ZipFile(io.BytesIO(raw))
    names = archive.namelist()
    if any(n.startswith("xl/") for n in names):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts.append(" | ".join("" if v is None else str(v) for v in row))
    for name in names:
        data = archive.read(name)
        parts.append(data.decode("utf-8", "replace"))
        if name.endswith(".dbf"):
            parts.append(data.decode("cp1251", "replace"))
    return parts


def _mvt_text(raw: bytes) -> str:
    import mapbox_vector_tile

    if not raw:
        return ""
    decoded = mapbox_vector_tile.decode(raw)
    return json.dumps(
        {name: [f["properties"] for f in layer["features"]] for name, layer in decoded.items()},
        ensure_ascii=False,
    )


def _gpkg_text(raw: bytes) -> str:
    import tempfile

    import pyogrio

    with tempfile.NamedTemporaryFile(suffix=".gpkg") as handle:
        handle.write(raw)
        handle.flush()
        parts = []
        for name, _geometry in pyogrio.list_layers(handle.name):
            frame = pyogrio.read_dataframe(handle.name, layer=name, read_geometry=False)
            parts.append(frame.to_csv(index=False))
        return "\n".join(parts)
