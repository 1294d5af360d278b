"""The sublayers of a dataset — the tables of a GeoPackage, the folders of a KML/KMZ (GDAL's KML
drivers read each folder as a layer) — with each one's geometry type and feature count, and the
one to preview first: the first whose geometry fits the target layer, not simply the first.

XLSX/ODS sheets are not among them: the importer reads only files with geometry (or CSV with
coordinate columns), never spreadsheets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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

    def as_dict(self) -> dict:
        return asdict(self)

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


def sublayers_list(path: Path) -> list[Sublayer]:
    """Every layer of a GeoPackage or KML file, in the file's order (DataSourceError if unreadable)."""
    result = []
    for name, geometry_type in pyogrio.list_layers(path):
        name = str(name)
        info = pyogrio.read_info(path, layer=name, force_feature_count=True)
        count = max(int(info["features"]), 0)
        if geometry_type is None:
            geometry = ""
        elif geometry_type in ("Unknown", "Geometry", "GeometryCollection") or "Unknown" in geometry_type:
            geometry = _types_read(path, name) if count <= READ_TYPES_UP_TO else "Geometry"
        else:
            geometry = str(geometry_type).replace("3D ", "").replace(" Z", "").replace(" M", "")
        result.append(Sublayer(name=name, geometry=geometry, count=count))
    return result


def sublayer_default(sublayers: list[Sublayer], layer_geometry: str) -> str:
    """The sublayer to preview when the person has not chosen: the first holding only geometries
    of the target layer's kind, else the first holding some, else the first with features."""
    with_features = [s for s in sublayers if s.count and s.geometry]
    for fits in (
        lambda s: s.families() == {layer_geometry},
        lambda s: layer_geometry in s.families(),
        lambda s: True,
    ):
        chosen = next((s for s in with_features if fits(s)), None)
        if chosen:
            return chosen.name
    return sublayers[0].name if sublayers else ""
