"""Downloads of a layer: GeoJSON, GeoPackage, shapefile (zip with .prj, .cpg and a README),
KML and CSV — written by GDAL (pyogrio) from the live features, in EPSG:4326.

Every download states its attribute names and coordinate system: in the file where the format
can (GeoPackage's srs table, the shapefile's .prj and README.txt with the full field names that
dBASE cuts to 10 letters, KML and GeoJSON are WGS 84 by definition), in the Content-Crs header,
and on the layer's page. Re-importing a download gives the same geometries and attributes
(tests/gis_layers/test_export.py).

Text goes out exactly as stored (spaces kept): an empty text stays an empty text, distinct from
no value (null) in GeoJSON, GeoPackage and the OGC API; CSV, shapefiles and KML have no null, so
there both are an empty cell.

Attribute tables joined to a layer (gis_layers.joins), as far as the person downloading may see
them: one-to-one values are columns `<name>_<field>` in every format; one-to-many rows go, in a
GeoPackage, into a second table `<layer>__<name>` (no geometry; the layer's key column links
them), and in GeoJSON into a list under `<name>`; CSV, KML and shapefiles cannot hold a list —
their README says to download the table itself (a documented choice). An attribute table itself
downloads as CSV, GeoPackage (a table without geometry) or GeoJSON (features with null geometry).
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
from gis_layers.joins import join_sql
from gis_layers.models import Layer, LayerJoin
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


TABLE_FORMATS = ("csv", "gpkg", "geojson")


def formats_for(layer: Layer) -> list[ExportFormat]:
    """The downloads of a layer: every format, or for an attribute table those that hold rows
    without geometry."""
    return [f for f in FORMATS.values() if not layer.is_table or f.key in TABLE_FORMATS]


def _columns(fields: list[FieldSpec], props: list[dict]) -> dict[str, list]:
    return {spec.name: [p.get(spec.name) for p in props] for spec in fields}


def layer_frame(layer: Layer, joins: list[LayerJoin] = (), *, lists: bool = False) -> gpd.GeoDataFrame:
    """The layer's live features: `id`, one column per field (in schema order), the one-to-one
    joined values (`<name>_<field>`), with `lists` the one-to-many rows as a list per feature,
    and the geometry (None for the rows of an attribute table)."""
    import json

    ones = [j for j in joins if not j.is_many or lists]
    clauses, pairs = join_sql(ones, row="f")
    joined = f", ({json_object_of(pairs)})::text" if pairs else ", NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.id, f.properties::text, ST_AsBinary(f.geometry){joined} FROM gis_layers_feature f {clauses} "
            "WHERE f.layer_id = %s AND f.deleted_at IS NULL ORDER BY f.id",
            [layer.pk],
        )
        rows = cursor.fetchall()
    fields = layer.fields
    props = [json.loads(r[1]) for r in rows]
    data: dict[str, list] = {"id": [r[0] for r in rows], **_columns(fields, props)}
    extra = [json.loads(r[3]) if r[3] else {} for r in rows]
    typed = list(fields)
    for join in ones:
        if join.is_many:
            data[join.name] = [e.get(join.name) or [] for e in extra]
            continue
        for spec in join.table.fields:
            name = f"{join.name}_{spec.name}"
            data[name] = [e.get(name) for e in extra]
            typed.append(FieldSpec(name, type=spec.type))
    frame = pd.DataFrame(data)
    for spec in typed:
        frame[spec.name] = _typed(frame[spec.name], spec)
    geometry = [shapely.from_wkb(bytes(r[2])) if r[2] is not None else None for r in rows]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=4326), crs=4326)


def json_object_of(pairs: dict[str, str]) -> str:
    from gis_layers.joins import json_pairs

    return json_pairs(pairs)


def related_frame(layer: Layer, join: LayerJoin) -> pd.DataFrame:
    """The rows of a one-to-many join's table that belong to some live feature of the layer:
    the layer's key (named as the layer's field) and the table's fields."""
    import json

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.properties::text FROM gis_layers_feature t WHERE t.layer_id = %s AND t.deleted_at IS NULL "
            "AND t.properties->>%s IN (SELECT f.properties->>%s FROM gis_layers_feature f "
            "WHERE f.layer_id = %s AND f.deleted_at IS NULL) ORDER BY t.id",
            [join.table_id, join.table_field, join.layer_field, layer.pk],
        )
        props = [json.loads(r[0]) for r in cursor.fetchall()]
    fields = join.table.fields
    frame = pd.DataFrame(
        {join.layer_field: [p.get(join.table_field) for p in props], **_columns(fields, props)}
    )
    for spec in fields:
        frame[spec.name] = _typed(frame[spec.name], spec)
    return frame


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


def _readme(layer: Layer, count: int, names: dict[str, str] | None, joins: list[LayerJoin] = ()) -> str:
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
    for join in joins:
        title = join.title_uk + (f" / {join.title_en}" if join.title_en else "")
        how = f"{layer.slug}.{join.layer_field} = {join.table.slug}.{join.table_field}"
        if join.is_many:
            lines.append(
                f"  {join.name} — {title}: one-to-many ({how}); in GeoPackage the table {layer.slug}__{join.name}, "
                f"in GeoJSON a list; for other formats download the table {join.table.slug} itself"
            )
        else:
            for spec in join.table.fields:
                column = f"{join.name}_{spec.name}"
                column = names.get(column, column) if names else column
                lines.append(f"  {column} — {title}: {spec.title_uk} ({how})")
    return "\n".join(lines) + "\n"


def export_layer(layer: Layer, fmt: str, folder: Path, joins: list[LayerJoin] = ()) -> Path:
    """Write the layer in `fmt` into `folder` with the values of `joins` (the attribute tables the
    person may see); returns the file to send."""
    spec = FORMATS[fmt]
    frame = layer_frame(layer, joins)
    base = folder / layer.slug
    target = base.with_suffix(spec.suffix)
    if layer.is_table:
        return _export_table(layer, fmt, frame, target)
    promote = layer.geometry_type != "point" and frame.geom_type.str.startswith("Multi").any()
    if fmt == "geojson":
        pyogrio.write_dataframe(
            frame, target, driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"}
        )
        if any(j.is_many for j in joins):
            _lists_added(layer, [j for j in joins if j.is_many], target)
    elif fmt == "gpkg":
        pyogrio.write_dataframe(
            frame,
            target,
            driver="GPKG",
            layer=layer.slug,
            promote_to_multi=bool(promote),
            layer_options={
                "IDENTIFIER": layer.title_uk[:100],
                "DESCRIPTION": _readme(layer, len(frame), None, joins),
            },
        )
        for join in (j for j in joins if j.is_many):
            pyogrio.write_dataframe(
                related_frame(layer, join),
                target,
                driver="GPKG",
                layer=f"{layer.slug}__{join.name}",
                append=True,
                layer_options={"IDENTIFIER": join.title_uk[:100]},
            )
    elif fmt == "kml":
        pyogrio.write_dataframe(frame, target, driver="KML", layer=layer.slug)
    elif fmt == "csv":
        for column in frame.columns:  # text cells must not open as formulas in a spreadsheet
            if column != frame.geometry.name and frame[column].dtype == object:
                frame[column] = frame[column].map(cell_safe)
        pyogrio.write_dataframe(
            frame,
            target,
            driver="CSV",
            layer_options={"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES"},
        )
    elif fmt == "shp":
        names = shapefile_names(
            layer.fields
            + [
                FieldSpec(c)
                for c in frame.columns
                if c not in ("id", frame.geometry.name) and c not in {f.name for f in layer.fields}
            ]
        )
        shp_dir = folder / "shp"
        shp_dir.mkdir()
        pyogrio.write_dataframe(
            frame.rename(columns=names),
            shp_dir / f"{layer.slug}.shp",
            driver="ESRI Shapefile",
            encoding="UTF-8",
        )
        (shp_dir / "README.txt").write_text(_readme(layer, len(frame), names, joins), encoding="utf-8")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(shp_dir.iterdir()):
                archive.write(path, path.name)
    return target


def _lists_added(layer: Layer, joins: list[LayerJoin], target: Path) -> None:
    """The one-to-many rows as a list property of each GeoJSON feature (same order as written)."""
    import json

    lists = layer_frame(layer, joins, lists=True)
    document = json.loads(target.read_text(encoding="utf-8"))
    for feature, (_, row) in zip(document["features"], lists.iterrows(), strict=True):
        for join in joins:
            feature["properties"][join.name] = row[join.name]
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _export_table(layer: Layer, fmt: str, frame: gpd.GeoDataFrame, target: Path) -> Path:
    plain = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
    if fmt == "csv":
        for column in plain.columns:
            if plain[column].dtype == object:
                plain[column] = plain[column].map(cell_safe)
        pyogrio.write_dataframe(plain, target, driver="CSV", layer_options={"WRITE_BOM": "YES"})
    elif fmt == "gpkg":
        pyogrio.write_dataframe(
            plain,
            target,
            driver="GPKG",
            layer=layer.slug,
            layer_options={
                "IDENTIFIER": layer.title_uk[:100],
                "DESCRIPTION": _readme(layer, len(plain), None),
            },
        )
    else:  # GeoJSON: records as features with a null geometry
        import json

        features = [
            {"type": "Feature", "id": int(row["id"]), "geometry": None,
             "properties": {k: _plain(v) for k, v in row.items() if k != "id"}}
            for row in plain.to_dict("records")
        ]  # fmt: skip
        target.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
    return target


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def export_cached(layer: Layer, fmt: str, joins: list[LayerJoin] = ()) -> Path:
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
    if joins:
        # Which tables are joined (what this person may see) and their versions name the file too.
        import hashlib

        state = repr(
            [(j.pk, j.table_id, data_version(j.table.tile_source), data_version("layers")) for j in joins]
        )
        version = f"{version}j{hashlib.sha1(state.encode()).hexdigest()[:12]}"
    target = folder / f"{layer.pk}-{version}-{layer.slug}{FORMATS[fmt].suffix}"
    if target.exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="misto-export-", dir=folder))
    try:
        written = export_layer(layer, fmt, work, joins)
        os.replace(written, target)  # atomic: another process never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in folder.glob(f"{layer.pk}-*-{layer.slug}{FORMATS[fmt].suffix}"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
