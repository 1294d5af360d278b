"""Downloads of a layer: GeoJSON, GeoPackage, shapefile (zip with .prj, .cpg and a README),
KML and CSV — written by GDAL (pyogrio) from the live features, in EPSG:4326.

Every download states its attribute names and coordinate system: in the file where the format
can (GeoPackage's srs table, the shapefile's .prj and README.txt with the full field names that
dBASE cuts to 10 letters, KML and GeoJSON are WGS 84 by definition), in the Content-Crs header,
and on the layer's page. Re-importing a download gives the same geometries and attributes
(tests/gis_layers/test_export.py).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.db import connection
from django.utils import timezone

from core.spreadsheets import cell_safe
from gis_layers.models import Layer
from gis_layers.schema import FieldSpec

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS_TEXT = "EPSG:4326 (WGS 84, longitude/latitude in degrees)"


@dataclass(frozen=True)
class ExportFormat:
    key: str
    name: str
    content_type: str
    suffix: str


FORMATS = {
    f.key: f
    for f in (
        ExportFormat("geojson", "GeoJSON", "application/geo+json", ".geojson"),
        ExportFormat("gpkg", "GeoPackage", "application/geopackage+sqlite3", ".gpkg"),
        ExportFormat("shp", "ESRI Shapefile (zip)", "application/zip", ".zip"),
        ExportFormat("kml", "KML", "application/vnd.google-earth.kml+xml", ".kml"),
        ExportFormat("csv", "CSV (WKT geometry)", "text/csv; charset=utf-8", ".csv"),
    )
}


def layer_frame(layer: Layer) -> gpd.GeoDataFrame:
    """The layer's live features: `id`, one column per field (in schema order), geometry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, properties::text, ST_AsBinary(geometry) FROM gis_layers_feature "
            "WHERE layer_id = %s AND deleted_at IS NULL ORDER BY id",
            [layer.pk],
        )
        rows = cursor.fetchall()
    import json

    fields = layer.fields
    props = [json.loads(p) for _id, p, _g in rows]
    data: dict[str, list] = {"id": [r[0] for r in rows]}
    for spec in fields:
        data[spec.name] = [p.get(spec.name) for p in props]
    frame = pd.DataFrame(data)
    for spec in fields:
        frame[spec.name] = _typed(frame[spec.name], spec)
    geometry = shapely.from_wkb([bytes(r[2]) for r in rows]) if rows else []
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=4326), crs=4326)


def _typed(column: pd.Series, spec: FieldSpec) -> pd.Series:
    if spec.type == "integer":
        return column.astype("Int64")
    if spec.type == "number":
        return column.astype("Float64")
    if spec.type == "boolean":
        return column.astype("boolean")
    return column.astype("object")


def shapefile_names(fields: list[FieldSpec]) -> dict[str, str]:
    """Field name -> dBASE column name (at most 10 letters, unique)."""
    names, used = {}, {"id"}
    for spec in fields:
        short = spec.name[:10]
        n = 1
        while short in used:
            suffix = f"_{n}"
            short = spec.name[: 10 - len(suffix)] + suffix
            n += 1
        used.add(short)
        names[spec.name] = short
    return names


def _readme(layer: Layer, count: int, names: dict[str, str] | None) -> str:
    lines = [
        f"{layer.title_uk}" + (f" / {layer.title_en}" if layer.title_en else ""),
        f"Layer: {layer.slug} — {count} features, exported {timezone.now():%Y-%m-%d %H:%M %Z}",
        f"Coordinate system: {CRS_TEXT}",
        "Text encoding: UTF-8",
    ]
    if layer.source:
        lines.append(f"Source: {layer.source}")
    if layer.licence:
        lines.append(f"Licence: {layer.licence}")
    lines += ["", "Attributes:", "  id — feature id in the portal"]
    for spec in layer.fields:
        column = names.get(spec.name, spec.name) if names else spec.name
        extra = f", {spec.unit}" if spec.unit else ""
        title = spec.title_uk + (f" / {spec.title_en}" if spec.title_en else "")
        shown = f"{column} ({spec.name})" if column != spec.name else column
        lines.append(f"  {shown} — {title}: {spec.type}{extra}")
    return "\n".join(lines) + "\n"


def export_layer(layer: Layer, fmt: str, folder: Path) -> Path:
    """Write the layer in `fmt` into `folder`; returns the file to send."""
    spec = FORMATS[fmt]
    frame = layer_frame(layer)
    base = folder / layer.slug
    target = base.with_suffix(spec.suffix)
    promote = layer.geometry_type != "point" and frame.geom_type.str.startswith("Multi").any()
    if fmt == "geojson":
        pyogrio.write_dataframe(
            frame, target, driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"}
        )
    elif fmt == "gpkg":
        pyogrio.write_dataframe(
            frame,
            target,
            driver="GPKG",
            layer=layer.slug,
            promote_to_multi=bool(promote),
            layer_options={
                "IDENTIFIER": layer.title_uk[:100],
                "DESCRIPTION": _readme(layer, len(frame), None),
            },
        )
    elif fmt == "kml":
        pyogrio.write_dataframe(frame, target, driver="KML", layer=layer.slug)
    elif fmt == "csv":
        for column in frame.columns:  # text cells must not open as formulas in a spreadsheet
            if column != frame.geometry.name and frame[column].dtype == object:
                frame[column] = frame[column].map(cell_safe)
        pyogrio.write_dataframe(
            frame, target, driver="CSV", layer_options={"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES"}
        )
    elif fmt == "shp":
        names = shapefile_names(layer.fields)
        shp_dir = folder / "shp"
        shp_dir.mkdir()
        pyogrio.write_dataframe(
            frame.rename(columns=names),
            shp_dir / f"{layer.slug}.shp",
            driver="ESRI Shapefile",
            encoding="UTF-8",
        )
        (shp_dir / "README.txt").write_text(_readme(layer, len(frame), names), encoding="utf-8")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(shp_dir.iterdir()):
                archive.write(path, path.name)
    return target


def export_cached(layer: Layer, fmt: str) -> Path:
    """The layer in `fmt`, written once per data version of the layer (the triggers bump it on
    every change) and kept in a private cache folder (never under MEDIA_ROOT, which a web server
    might serve): a popular download is sent straight from disk until the layer changes."""
    import os
    import shutil
    import tempfile

    from django.conf import settings
    from django.db import connection

    from gis_layers.tiles import data_version

    folder = Path(settings.MISTO_EXPORT_CACHE_DIR) / connection.settings_dict["NAME"]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    version = data_version(layer.tile_source)
    target = folder / f"{layer.pk}-{version}-{layer.slug}{FORMATS[fmt].suffix}"
    if target.exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="misto-export-", dir=folder))
    try:
        written = export_layer(layer, fmt, work)
        os.replace(written, target)  # atomic: another process never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in folder.glob(f"{layer.pk}-*-{layer.slug}{FORMATS[fmt].suffix}"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
