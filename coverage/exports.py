"""Per-building results of a service type as CSV, XLSX and GeoPackage (staff downloads).

Field names are the same in every format (and in the GeoJSON API), so a column means one
thing wherever it is read; the XLSX adds a sheet saying how the figures were made.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import geopandas as gpd
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from shapely.geometry import shape

from core.spreadsheets import cell_safe, xlsx_row
from coverage.models import ServiceType
from coverage.selectors import BUILDING_COLUMNS, building_rows, city_summary, household_size

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}


def _rows(service_type: ServiceType, *, geometry: bool = False) -> list[dict]:
    rows = building_rows(service_type, with_geometry=geometry)
    for row in rows:
        for key in ("population", "network_m", "minutes", "straight_m"):
            if row[key] is not None:
                row[key] = round(float(row[key]), 1)
    return rows


def export_csv(service_type: ServiceType) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=BUILDING_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: cell_safe(v) for k, v in row.items()} for row in _rows(service_type))
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read Cyrillic


def export_xlsx(service_type: ServiceType) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = service_type.slug[:31]
    sheet.append(BUILDING_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(service_type):
        sheet.append(xlsx_row(sheet, [row[c] for c in BUILDING_COLUMNS]))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 36
    about = book.create_sheet(_("About"))
    summary = city_summary(service_type)
    for label, value in [
        (_("Service type"), service_type.name),
        (_("Walking threshold (m)"), service_type.threshold_m),
        (_("Walking speed (km/h)"), float(service_type.walking_speed_kmh)),
        (_("Residents per apartment where no count is known"), household_size()),
        (
            _("Computed at"),
            timezone.localtime(summary.computed_at).strftime("%Y-%m-%d %H:%M") if summary else "—",
        ),
        (_("Distances"), _("along the streets (pgRouting); straight_m is as the crow flies")),
    ]:
        about.append([label, value])
    about.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_gpkg(service_type: ServiceType) -> bytes:
    rows = _rows(service_type, geometry=True)
    geometries = [shape(json.loads(row.pop("geometry"))) for row in rows]
    for row in rows:
        row.pop("lon", None), row.pop("lat", None)
    frame = gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326", columns=BUILDING_COLUMNS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"coverage-{service_type.slug}.gpkg"
        frame.to_file(
            path, driver="GPKG", layer=f"coverage_{service_type.slug.replace('-', '_')}", engine="pyogrio"
        )
        return path.read_bytes()


EXPORTERS = {"csv": export_csv, "xlsx": export_xlsx, "gpkg": export_gpkg}
