"""Bulk import (CSV / XLSX, preview, per-row errors with row numbers, all or nothing unless the
importer skips wrong rows) and the export for staff (CSV, XLSX, GeoPackage)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pyogrio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from housing_registry.exceptions import ImportRejected
from housing_registry.models import Building
from housing_registry.services.imports import import_apply, import_preview, import_table_read


def csv_bytes(rows: list[list], delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def two(city):
    return list(Building.objects.filter(floors=5).exclude(registry_number="").order_by("source_id")[:2])


def preview_of(rows, actor, name="sheets.csv", content=None):
    table = import_table_read(name=name, content=content or csv_bytes(rows))
    return table, import_preview(table=table, actor=actor)


def test_rows_are_matched_by_address_however_written_or_by_registry_number(two, gisadmin):
    a, b = two
    street = a.street.name_uk.replace("вулиця ", "вул. ").upper()
    rows = [
        ["address", "registry_number", "series", "total_area"],
        [f"{street}, {a.house_number}", "", "1-447С", "3200,5"],
        ["", b.registry_number, "1-464А", ""],
    ]
    table, preview = preview_of(rows, gisadmin)
    assert preview.errors == []
    assert [r.building for r in preview.changed_rows] == [a, b]
    changes = {(r.row, c.field): c for r in preview.changed_rows for c in r.changes}
    assert changes[(2, "total_area")].new == "3\u00a0200,5" or changes[(2, "total_area")].new.replace(
        " ", ""
    ) in (
        "3200,5",
        "3\u202f200,5",
    )
    result = import_apply(
        table=table, actor=gisadmin, skip_bad_rows=False, expected_versions=preview.versions
    )
    assert len(result.applied) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.series == "1-447С" and a.total_area == Decimal("3200.5") and b.series == "1-464А"
    latest = a.history.latest()
    assert latest.history_user == gisadmin and latest.history_change_reason == "import:sheets.csv"
    from housing_registry.history import building_versions

    assert building_versions(a)[0].reason_text == "імпорт: sheets.csv"
    assert a.version == 2


def test_wrong_rows_are_reported_with_row_numbers_and_nothing_is_applied(two, gisadmin):
    a, b = two
    c = Building.objects.exclude(pk__in=[a.pk, b.pk]).filter(floors=5).first()
    rows = [
        ["address", "floors", "heating_type", "has_basement", "heating_provider"],
        [a.address, "6", "central", "так", "КП «Теплоенерго»"],  # row 2: fine
        [b.address, "77", "central", "", ""],  # row 3: floors out of range
        ["вулиця Неіснуюча, 1", "5", "", "", ""],  # row 4: no such building
        [c.address.replace("вулиця", "вул."), "5", "steam", "maybe", "Нафтогаз"],  # row 5: three bad cells
    ]
    table, preview = preview_of(rows, gisadmin)
    by_row = {}
    for e in preview.errors:
        by_row.setdefault(e.row, set()).add(e.column)
    assert by_row == {3: {"floors"}, 4: {"address"}, 5: {"heating_type", "has_basement", "heating_provider"}}
    message = " ".join(str(e) for e in preview.errors)
    assert "немає будинку за адресою «вулиця Неіснуюча, 1»" in message
    with pytest.raises(ImportRejected) as refused:
        import_apply(table=table, actor=gisadmin, skip_bad_rows=False, expected_versions=preview.versions)
    assert "нічого не імпортовано" in refused.value.message
    assert {e.row for e in refused.value.rows} == {3, 4, 5}
    a.refresh_from_db()
    assert a.floors == 5 and a.version == 1


def test_skipping_wrong_rows_applies_the_good_ones(two, gisadmin):
    a, b = two
    rows = [
        ["address", "notes"],
        [a.address, "Перевірено"],
        [b.address, "x" * 10],
        ["вулиця Неіснуюча, 1", "y"],
    ]
    table, preview = preview_of(rows, gisadmin)
    result = import_apply(table=table, actor=gisadmin, skip_bad_rows=True, expected_versions=preview.versions)
    assert [r.row for r in result.applied] == [2, 3] and [r.row for r in result.skipped] == [4]
    a.refresh_from_db()
    assert a.notes == "Перевірено"


def test_unknown_columns_and_missing_match_columns_are_refused(gisadmin, city):
    _table, preview = preview_of([["adres", "floors"], ["вулиця Миру, 9", "5"]], gisadmin)
    reasons = " ".join(str(e) for e in preview.header_errors)
    assert "невідомий стовпець" in reasons and "registry_number або address" in reasons


def test_the_same_building_twice_is_an_error(two, gisadmin):
    a, _b = two
    _table, preview = preview_of(
        [["address", "notes"], [a.address, "1"], [a.registry_number and a.address, "2"]], gisadmin
    )
    assert [(e.row, "рядку 2" in e.reason) for e in preview.errors] == [(3, True)]


def test_a_question_mark_makes_a_value_unknown_and_an_empty_cell_keeps_it(two, gisadmin):
    a, _b = two
    rows = [["address", "year_built", "floors"], [a.address, "?", ""]]
    table, preview = preview_of(rows, gisadmin)
    import_apply(table=table, actor=gisadmin, skip_bad_rows=False, expected_versions=preview.versions)
    a.refresh_from_db()
    assert a.year_built is None and a.floors == 5


def test_importers_may_only_import_their_sections(two, heat_dispatcher):
    a, _b = two
    _table, preview = preview_of(
        [["address", "heating_type", "notes"], [a.address, "central", "x"]], heat_dispatcher
    )
    assert [(e.row, e.column) for e in preview.header_errors] == [(1, "notes")]


def test_a_sheet_changed_after_the_preview_stops_the_import(two, gisadmin, dispatcher):
    from housing_registry.services import building_section_update

    a, _b = two
    table, preview = preview_of([["address", "notes"], [a.address, "Імпорт"]], gisadmin)
    building_section_update(
        building_id=a.pk,
        section="notes",
        data={"notes": "Ручна правка"},
        expected_version=a.version,
        actor=dispatcher,
    )
    with pytest.raises(ImportRejected) as refused:
        import_apply(table=table, actor=gisadmin, skip_bad_rows=False, expected_versions=preview.versions)
    assert "змінилися після попереднього перегляду" in refused.value.message
    a.refresh_from_db()
    assert a.notes == "Ручна правка"


def test_xlsx_and_windows_1251_semicolon_csv_are_read(two, gisadmin):
    a, b = two
    table = import_table_read(
        name="sheets.xlsx", content=xlsx_bytes([["registry_number", "floors"], [int(a.registry_number), 5]])
    )
    assert import_preview(table=table, actor=gisadmin).errors == []
    content = csv_bytes([["address", "series"], [b.address, "серія"]], delimiter=";", encoding="cp1251")
    table = import_table_read(name="sheets.csv", content=content)
    preview = import_preview(table=table, actor=gisadmin)
    assert preview.errors == [] and preview.changed_rows[0].changes[0].new == "серія"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("sheets.pdf", b"%PDF-1.4", ".csv або .xlsx"),
        ("sheets.xlsx", b"not a workbook", "книга Excel"),
        ("sheets.csv", b"", "порожній"),
        ("sheets.csv", b"address,floors\n", "немає рядків"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(gisadmin, city, name, content, reason):
    with pytest.raises(ImportRejected) as refused:
        import_table_read(name=name, content=content)
    assert reason in refused.value.message


def test_import_through_the_pages_preview_then_confirm(client, two, gisadmin):
    a, b = two
    client.force_login(gisadmin)
    upload = SimpleUploadedFile(
        "sheets.csv", csv_bytes([["address", "notes"], [a.address, "Нотатка"], ["вул. Неіснуюча, 3", "x"]])
    )
    response = client.post("/registry/import/", {"file": upload})
    html = response.content.decode()
    assert "Попередній перегляд: sheets.csv" in html
    assert "1 рядок з помилками" in html and "немає будинку за адресою" in html
    a.refresh_from_db()
    assert a.notes == ""  # nothing applied by the preview
    token = client.session["registry_import"]["token"]
    refused = client.post("/registry/import/", {"token": token})
    assert refused.status_code == 400 and "Нічого не імпортовано" in refused.content.decode()
    done = client.post("/registry/import/", {"token": token, "skip_bad_rows": "on"}, follow=True)
    assert "змінено паспортів — 1, пропущено рядків з помилками — 1" in done.content.decode()
    a.refresh_from_db()
    assert a.notes == "Нотатка"


def test_export_csv_round_trips_through_the_import(client, gisadmin, city):
    client.force_login(gisadmin)
    exported = client.get("/registry/export.csv").content
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == Building.objects.count() + 1
    assert rows[0][:4] == ["address", "cadastral_number", "registry_number", "district"]
    table = import_table_read(name="export.csv", content=exported)
    preview = import_preview(table=table, actor=gisadmin)
    assert preview.errors == [] and preview.changed_rows == []  # the export is what the registry holds


def test_export_xlsx_and_geopackage_hold_every_building(client, gisadmin, tmp_path, city):
    client.force_login(gisadmin)
    book = load_workbook(io.BytesIO(client.get("/registry/export.xlsx").content))
    assert book.active.max_row == Building.objects.count() + 1
    gpkg = tmp_path / "registry.gpkg"
    gpkg.write_bytes(client.get("/registry/export.gpkg").content)
    info = pyogrio.read_info(gpkg, layer="buildings")
    assert info["features"] == Building.objects.count()
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] in ("Polygon", "MultiPolygon")
    frame = pyogrio.read_dataframe(gpkg, layer="buildings")
    sample = Building.objects.exclude(floors=None).first()
    row = frame[frame["address"] == sample.address].iloc[0]
    assert int(row["floors"]) == sample.floors
    # Unknown stays unknown (null), never zero.
    unknown = Building.objects.filter(year_built=None).first()
    assert frame[frame["address"] == unknown.address].iloc[0]["year_built"] is None or str(
        frame[frame["address"] == unknown.address].iloc[0]["year_built"]
    ) in ("<NA>", "nan", "None")


def test_export_follows_the_list_filters(client, dispatcher, city):
    client.force_login(dispatcher)
    exported = client.get("/registry/export.csv?technical_state=emergency").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert len(rows) == Building.objects.filter(technical_state="emergency").count() > 0
