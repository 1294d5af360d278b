"""The sublayers of a dataset — the tables of a GeoPackage, the folders of a KML/KMZ (GDAL's KML
drivers read each folder as a layer) — with each one's geometry type and feature count, and the
one to preview first: the first whose geometry fits the target layer, not simply the first.

The sheets of an XLSX/ODS workbook are sublayers too (without geometry: their points come from
coordinate columns), and so are a GeoPackage's attribute tables, which an attribute table takes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely

from gis_layers.importers.prepare import TYPE_NAMES

# Beyond this many features a layer whose driver does not state one geometry type is not read
# just to name its types (it is described as "mixed or unknown").
READ_TYPES_UP_TO = 100_000
FAMILY_WORDS = {"point": ("Point",), "line": ("LineString", "LinearRing"), "polygon": ("Polygon",)}


@dataclass
class Sublayer:
    name: str
    geometry: str  # "Point", "MultiPolygon", "Point, LineString" (mixed), "" (no geometry)
    count: int
    columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "columns"}

    def families(self) -> set[str]:
        """The kinds of layer (point, line, polygon) its geometries belong to."""
        return {
            family
            for part in self.geometry.split(",")
            for family, words in FAMILY_WORDS.items()
            if any(word in part for word in words)
        }


def _types_read(path: Path, name: str) -> str:
    """The geometry types a layer really holds, read from its geometries (KML states none)."""
    frame = pyogrio.read_dataframe(path, layer=name, columns=[], force_2d=True, on_invalid="ignore")
    geoms = np.asarray(frame.geometry.values, dtype=object)
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    ids = sorted({int(t) for t in shapely.get_type_id(present)}) if len(present) else []
    return ", ".join(TYPE_NAMES.get(t, str(t)) for t in ids)


def sublayers_list(path: Path, open_options: dict | None = None) -> list[Sublayer]:
    """Every layer of a GeoPackage, KML file or workbook, in the file's order (DataSourceError if
    unreadable). `open_options`: GDAL's, as the dataset will be read (a sheet's header row)."""
    result = []
    for name, geometry_type in pyogrio.list_layers(path):
        name = str(name)
        info = pyogrio.read_info(path, layer=name, force_feature_count=True, **(open_options or {}))
        count = max(int(info["features"]), 0)
        if geometry_type is None:
            geometry = ""
        elif geometry_type in ("Unknown", "Geometry", "GeometryCollection") or "Unknown" in geometry_type:
            geometry = _types_read(path, name) if count <= READ_TYPES_UP_TO else "Geometry"
        else:
            geometry = str(geometry_type).replace("3D ", "").replace(" Z", "").replace(" M", "")
        columns = [str(c) for c in info.get("fields", [])]
        result.append(Sublayer(name=name, geometry=geometry, count=count, columns=columns))
    return result


def _matches(sublayer: Sublayer, field_names: list[str]) -> int:
    wanted = {_norm(n) for n in field_names}
    return sum(1 for c in sublayer.columns if _norm(c) in wanted)


def _norm(text: str) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def sublayer_default(sublayers: list[Sublayer], layer_geometry: str, field_names: list[str] = ()) -> str:
    """The sublayer to preview when the person has not chosen: the first holding only geometries
    of the target layer's kind, else the first holding some, else the first with features. For an
    attribute table (`layer_geometry` "none"): a table without geometry that has rows. Among
    equals, the one with most columns named like the layer's fields (a workbook's notes sheet
    before its data sheet is passed over)."""
    if layer_geometry == "none":
        rows = [s for s in sublayers if s.count]
        plain = [s for s in rows if not s.geometry] or rows
        if not plain:
            return sublayers[0].name if sublayers else ""
        return max(plain, key=lambda s: (_matches(s, field_names), -plain.index(s))).name
    with_features = [s for s in sublayers if s.count and s.geometry]
    if not with_features:  # a workbook's sheets: points come from their columns
        sheets = [s for s in sublayers if s.count]
        with_features = sorted(sheets, key=lambda s: (-_matches(s, field_names), sheets.index(s)))
    for fits in (
        lambda s: s.families() == {layer_geometry},
        lambda s: layer_geometry in s.families(),
        lambda s: True,
    ):
        chosen = next((s for s in with_features if fits(s)), None)
        if chosen:
            return chosen.name
    return sublayers[0].name if sublayers else ""
