"""The registry exported for staff: CSV, XLSX or GeoPackage, one row per building.

The columns are those the import reads (columns.EXPORT_COLUMNS), so an exported file can be
edited and imported back; the GeoPackage adds the footprint for GIS software.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db.models import QuerySet

from housing_registry.columns import EXPORT_COLUMNS, format_cell
from housing_registry.models import Building
from housing_registry.report_files import table_csv, table_xlsx

GPKG_LAYER = "buildings"


def _rows(queryset: QuerySet[Building]):
    for building in queryset.select_related("district", "heating_provider", "managing_company").order_by(
        "address"
    ):
        yield [format_cell(name, building) for name in EXPORT_COLUMNS]


def registry_csv(queryset: QuerySet[Building]) -> bytes:
    return table_csv(list(EXPORT_COLUMNS), _rows(queryset))


def registry_xlsx(queryset: QuerySet[Building]) -> bytes:
    return table_xlsx("buildings", list(EXPORT_COLUMNS), _rows(queryset))


def registry_gpkg(queryset: QuerySet[Building]) -> bytes:
    """A GeoPackage layer `buildings` (EPSG:4326 footprints) with the export columns."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    buildings = list(
        queryset.select_related("district", "heating_provider", "managing_company").order_by("address")
    )
    data: dict[str, list] = {"registry_id": [b.pk for b in buildings]}
    for name in EXPORT_COLUMNS:
        data[name] = [format_cell(name, b) for b in buildings]
    frame = pd.DataFrame(data)
    for name in EXPORT_COLUMNS:
        field = Building._meta.get_field(name)
        column = frame[name].replace("", None)
        if field.get_internal_type() in ("PositiveSmallIntegerField", "PositiveIntegerField"):
            frame[name] = pd.array(column, dtype="Int64")
        elif field.get_internal_type() == "DecimalField":
            frame[name] = pd.to_numeric(column, errors="coerce")
        else:
            frame[name] = column.astype("string")
    geometry = [shapely.from_wkb(bytes(b.footprint.wkb)) for b in buildings]
    frame = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.gpkg"
        frame.to_file(path, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
