"""Turning the rows of a file into features of a layer, and saying exactly what does not fit.

Each layer field takes its values from one column of the file (the mapping, suggested by name
and title, changed by the person). Every value goes through the layer schema's own check
(gis_layers.schema), so an import accepts exactly what the editor accepts — except that text is
kept exactly as in the file: not trimmed, and an empty text stays "" (not NULL), as the layer's
JSON Schema allows for a text field without minLength. Geometries: missing
ones are errors, invalid ones are repaired with make_valid where the result is still of the
layer's kind (and reported), others are errors; an attribute table's rows have none. Row
numbers count the file's records from 1.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from django.utils.translation import gettext as _

from gis_layers.exceptions import RowError
from gis_layers.models import Layer
from gis_layers.schema import STRING_MAX, FieldSpec, value_clean

FAMILY_TYPE_IDS = {
    Layer.GeometryType.POINT: {0, 4},
    Layer.GeometryType.LINE: {1, 2, 5},
    Layer.GeometryType.POLYGON: {3, 6},
}
TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
              5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}  # fmt: skip
ERRORS_KEPT = 1000
SAMPLE_ROWS = 20


@dataclass
class Prepared:
    rows: gpd.GeoDataFrame  # the rows that fit: index = row number; columns properties (JSON), source_id
    total: int
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    reasons: Counter = field(default_factory=Counter)  # (field, reason) -> rows, over all errors
    bad_rows: set[int] = field(default_factory=set)
    repaired: list[tuple[int, str]] = field(default_factory=list)
    geometry_types: dict[str, int] = field(default_factory=dict)
    outside_city: list[int] = field(default_factory=list)
    sample: dict = field(default_factory=dict)


def _norm(text: str) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def suggest_mapping(fields: list[FieldSpec], columns: list[str]) -> dict[str, str]:
    """field name -> column: same name, the name cut to 10 letters (shapefiles), or the title."""
    by_norm = {_norm(c): c for c in columns}
    mapping = {}
    for spec in fields:
        candidates = [spec.name, spec.name[:10], spec.title_uk, spec.title_en]
        mapping[spec.name] = next((by_norm[_norm(c)] for c in candidates if c and _norm(c) in by_norm), "")
    return mapping


def import_value_clean(spec: FieldSpec, raw):
    """value_clean for a value of a file: text into a free-text field is kept exactly (spaces,
    and "" distinct from NULL). A field with allowed values still compares trimmed text, and
    "" there means no value ("" is never one of the allowed values)."""
    if type(raw) is str and spec.type in ("string", "text") and not spec.choices:
        if raw == "" and spec.required:
            return None, _("is required")  # the schema's minLength 1
        limit = min(spec.max_length or STRING_MAX, STRING_MAX)
        if len(raw) > limit:
            return None, _("is longer than %(n)d characters") % {"n": limit}
        return raw, None
    return value_clean(spec, raw)


def _family_parts(geom, allowed: set[int]):
    """The parts of a repaired geometry that are of the layer's kind, as one geometry."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in allowed and not p.is_empty]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    kind = shapely.get_type_id(parts[0])
    if kind in (3, 6):
        return shapely.MultiPolygon([q for p in parts for q in shapely.get_parts(p)])
    if kind in (1, 2, 5):
        return shapely.MultiLineString([q for p in parts for q in shapely.get_parts(p)])
    return shapely.MultiPoint([q for p in parts for q in shapely.get_parts(p)])


def prepare_rows(
    frame: gpd.GeoDataFrame,
    layer: Layer,
    mapping: dict[str, str],
    *,
    source_ids=None,
    city=None,
    progress: Callable[[float], None] | None = None,
) -> Prepared:
    """Check every row against the layer; keep the ones that fit, name what is wrong with the rest."""
    fields = layer.fields
    total = len(frame)
    result = Prepared(rows=frame.iloc[0:0], total=total)
    errors: list[RowError] = []
    bad: set[int] = set()

    def error(row: int, name: str, reason: str) -> None:
        bad.add(row)
        result.error_count += 1
        result.reasons[(name, str(reason))] += 1
        if len(errors) < ERRORS_KEPT:
            errors.append(RowError(row=int(row), field=name, reason=str(reason)))

    # Geometries, vectorised: missing, of another kind, invalid (repaired when possible).
    rows = np.asarray(frame.index)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    if not layer.is_table:  # the rows of an attribute table have no geometry to check
        allowed = FAMILY_TYPE_IDS[layer.geometry_type]
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        type_ids = np.where(missing, -1, shapely.get_type_id(geoms))
        for row, type_id in zip(rows, type_ids, strict=True):
            if type_id == -1:
                error(row, "geometry", _("has no geometry"))
        kinds: dict[str, int] = {}
        for type_id, count in zip(*np.unique(type_ids[type_ids >= 0], return_counts=True), strict=True):
            kinds[TYPE_NAMES.get(int(type_id), str(type_id))] = int(count)
        result.geometry_types = kinds
        collections = np.flatnonzero(type_ids == 7)
        for i in collections:
            whole = _family_parts(geoms[i], allowed)
            if whole is not None and len(shapely.get_parts(geoms[i])) == len(shapely.get_parts(whole)):
                geoms[i] = whole
                type_ids[i] = shapely.get_type_id(whole)
        wrong = (type_ids >= 0) & ~np.isin(type_ids, list(allowed))
        for i in np.flatnonzero(wrong):
            error(
                rows[i],
                "geometry",
                _("is a %(type)s; this layer holds %(kind)s")
                % {"type": TYPE_NAMES.get(int(type_ids[i]), "?"), "kind": layer.get_geometry_type_display()},
            )
        checkable = (type_ids >= 0) & ~wrong
        invalid = np.zeros(len(geoms), dtype=bool)
        invalid[checkable] = ~shapely.is_valid(geoms[checkable])
        for i in np.flatnonzero(invalid):
            reason = shapely.is_valid_reason(geoms[i])
            fixed = _family_parts(shapely.make_valid(geoms[i]), allowed)
            if fixed is None or not shapely.is_valid(fixed):
                error(
                    rows[i],
                    "geometry",
                    _("is invalid (%(reason)s) and cannot be repaired") % {"reason": reason},
                )
            else:
                geoms[i] = fixed
                result.repaired.append((int(rows[i]), reason))
    if progress:
        progress(0.3)

    # Properties: each mapped column through the field's check.
    columns = {spec.name: mapping.get(spec.name, "") for spec in fields}
    values = {
        name: (frame[col].to_numpy(dtype=object) if col in frame.columns else None)
        for name, col in columns.items()
    }
    properties = []
    step = max(total // 20, 1)
    for i in range(total):
        row = rows[i]
        props = {}
        for spec in fields:
            column = values[spec.name]
            raw = column[i] if column is not None else None
            clean, reason = import_value_clean(spec, raw)
            if reason:
                error(row, spec.name, reason)
            elif clean is not None:
                props[spec.name] = clean
        properties.append(props)
        if progress and i % step == 0:
            progress(0.3 + 0.6 * i / max(total, 1))

    keep = np.array([row not in bad for row in rows], dtype=bool)
    out = gpd.GeoDataFrame(
        {
            "row_no": rows[keep].astype("int64"),
            "source_id": (
                np.asarray(source_ids, dtype=object)[keep]
                if source_ids is not None
                else [""] * int(keep.sum())
            ),
            "properties": [
                json.dumps(p, ensure_ascii=False) for p, k in zip(properties, keep, strict=True) if k
            ],
        },
        geometry=gpd.GeoSeries(geoms[keep], index=rows[keep], crs=4326),
        index=rows[keep],
    )
    result.rows = out
    result.errors = errors
    result.bad_rows = bad
    if city is not None and len(out) and not layer.is_table:
        shapely.prepare(city)
        outside = ~shapely.intersects(city, np.asarray(out.geometry.values, dtype=object))
        result.outside_city = [int(r) for r in out.index[outside]]
    result.sample = _sample(out.head(SAMPLE_ROWS))
    if progress:
        progress(1.0)
    return result


def _sample(rows: gpd.GeoDataFrame) -> dict:
    """The first rows as GeoJSON, for the preview map and table."""
    features = []
    for row_no, geometry, props in zip(rows.index, rows.geometry, rows["properties"], strict=True):
        features.append(
            {
                "type": "Feature",
                "id": int(row_no),
                "geometry": shapely.geometry.mapping(shapely.set_precision(geometry, 1e-7))
                if geometry is not None
                else None,
                "properties": json.loads(props),
            }
        )
    return {"type": "FeatureCollection", "features": features}
