"""Checks on the geometries read, before anything expensive is done with them.

- Vertex limits (settings MISTO_IMPORT_MAX_VERTICES_PER_FEATURE and _PER_IMPORT): a million-vertex
  polygon is refused in a fraction of a second instead of building a 17 MB preview.
- Coordinates outside the area of use of the declared CRS (UTM metres under a WGS 84 .prj) are
  refused with the first rows named and a CRS that would put them in the city suggested.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from django.conf import settings
from django.utils.translation import gettext as _

from gis_layers.exceptions import ImportRefused


class FileRefused(ImportRefused):
    """The file itself is refused (unsafe, damaged, too heavy): no reading option can change that,
    so the stored upload is deleted at once."""


# Systems Ukrainian municipal data comes in: UTM 36N/35N, web mercator, lon/lat, Pulkovo 1942
# Gauss-Krüger zones 5-7 (old survey plans), UCS-2000 Gauss-Krüger.
CANDIDATES = (32636, 32635, 3857, 4326, 28406, 28405, 28407, 5565, 5566)
ROWS_NAMED = 5
MARGIN_DEGREES = 1.0  # data a little past a UTM band's edge is still fine


def _rows(numbers) -> str:
    shown = ", ".join(str(int(n)) for n in list(numbers)[:ROWS_NAMED])
    return shown + ("…" if len(numbers) > ROWS_NAMED else "")


def vertex_limits_check(frame: gpd.GeoDataFrame) -> None:
    """Refuse features over the per-feature vertex limit (naming rows) and imports over the total."""
    _counts_check(shapely.get_num_coordinates(np.asarray(frame.geometry.values)))


def vertex_precheck(path: Path, fmt: str) -> None:
    """The vertex limits checked on the file's bytes, before GDAL parses it: a shapefile's record
    headers state each shape's point count; in GeoJSON each position is a "[" before a number,
    counted per feature. Other formats are checked after reading (vertex_limits_check)."""
    if fmt == "shapefile":
        counts = _shp_point_counts(path)
    elif fmt == "geojson":
        data = path.read_bytes()
        if b"[" * 6 in data:  # a MultiPolygon nests positions 4 deep; more is no geometry
            raise FileRefused(
                _(
                    "The GeoJSON nests its arrays deeper than any geometry does; the file is damaged or malicious."
                )
            )
        counts = _geojson_position_counts(data)
    else:
        return
    if len(counts):
        _counts_check(np.asarray(counts, dtype=np.int64))


SHP_POINT_COUNT_AT = {3: 40, 5: 40, 13: 40, 15: 40, 23: 40, 25: 40, 8: 36, 18: 36, 28: 36, 31: 40}


def _shp_point_counts(path: Path) -> list[int]:
    counts = []
    size = path.stat().st_size
    with open(path, "rb") as fh:
        position = 100
        while position + 12 <= size:
            fh.seek(position)
            header = fh.read(12)
            length = struct.unpack(">i", header[4:8])[0] * 2
            shape_type = struct.unpack("<i", header[8:12])[0]
            at = SHP_POINT_COUNT_AT.get(shape_type)
            count = 1
            if at is not None and length >= at:
                fh.seek(position + 8 + at)
                raw = fh.read(4)
                count = struct.unpack("<i", raw)[0] if len(raw) == 4 else 0
            counts.append(max(count, 0))
            if length <= 0:
                break
            position += 8 + length
    return counts


FEATURE = re.compile(rb'"type"\s*:\s*"Feature"')


POSITION = re.compile(rb"\[\s*[-+.0-9]")  # a position opens with "[" and a number


def _geojson_position_counts(data: bytes) -> list[int]:
    starts = [m.start() for m in FEATURE.finditer(data)]
    if not starts:
        return [len(POSITION.findall(data))]
    # The geometry of a feature may come before or after its "type"; cut halfway between them.
    cuts = [0] + [(a + b) // 2 for a, b in zip(starts, starts[1:], strict=False)] + [len(data)]
    return [len(POSITION.findall(data, a, b)) for a, b in zip(cuts, cuts[1:], strict=False)]


def _counts_check(counts: np.ndarray) -> None:
    per_feature = settings.MISTO_IMPORT_MAX_VERTICES_PER_FEATURE
    over = np.flatnonzero(counts > per_feature)
    if len(over):
        first = int(over[0])
        raise FileRefused(
            _(
                "Row %(rows)s: a feature has %(count)s vertices; the limit is %(limit)s per feature. "
                "Simplify the geometry (e.g. in QGIS: Vector → Geometry Tools → Simplify) and import again."
            )
            % {"rows": _rows(over + 1), "count": f"{int(counts[first]):,}", "limit": f"{per_feature:,}"}
        )
    total, per_import = int(counts.sum()), settings.MISTO_IMPORT_MAX_VERTICES_PER_IMPORT
    if total > per_import:
        raise ImportRefused(
            _(
                "The file has %(count)s vertices in all; the limit is %(limit)s per import. Split it into parts."
            )
            % {"count": f"{total:,}", "limit": f"{per_import:,}"}
        )


def _inside(lon, lat, crs: pyproj.CRS) -> np.ndarray:
    area = crs.area_of_use
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if area is None:
        return ok
    return (
        ok
        & (lon >= area.west - MARGIN_DEGREES)
        & (lon <= area.east + MARGIN_DEGREES)
        & (lat >= area.south - MARGIN_DEGREES)
        & (lat <= area.north + MARGIN_DEGREES)
    )


def _to_lonlat(x, y, crs: pyproj.CRS):
    transformer = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    with np.errstate(all="ignore"):
        return transformer.transform(x, y, errcheck=False)


def _suggest(x: float, y: float) -> str:
    """The candidate CRS that puts the point nearest the city (and inside its own area of use)."""
    lat0, lon0 = settings.MISTO_MAP_CENTER
    best, best_distance = "", 5.0  # degrees: farther than this from the city is no suggestion
    for code in CANDIDATES:
        crs = pyproj.CRS.from_epsg(code)
        lon, lat = _to_lonlat(np.array([x]), np.array([y]), crs)
        if not _inside(lon, lat, crs)[0]:
            continue
        distance = float(np.hypot(lon[0] - lon0, lat[0] - lat0))
        if distance < best_distance:
            best, best_distance = f"EPSG:{code} ({crs.name})", distance
    return best


def crs_area_problem(frame: gpd.GeoDataFrame, crs) -> str:
    """ "" when the coordinates fit the area of use of `crs`; else the message that refuses them:
    the first rows named and a likely CRS suggested."""
    crs = pyproj.CRS.from_user_input(crs)
    points = shapely.point_on_surface(np.asarray(frame.geometry.values))
    present = ~shapely.is_missing(points) & ~shapely.is_empty(points)
    if not present.any():
        return ""
    x = np.full(len(points), np.nan)
    y = np.full(len(points), np.nan)
    x[present], y[present] = shapely.get_x(points[present]), shapely.get_y(points[present])
    lon, lat = (np.asarray(v) for v in _to_lonlat(x, y, crs))
    outside = np.flatnonzero(present & ~_inside(lon, lat, crs))
    if not len(outside):
        return ""
    first = int(outside[0])
    name = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.name
    message = _(
        "Rows %(rows)s: the coordinates (e.g. %(x).6g, %(y).6g) lie outside the area where %(crs)s is used, "
        "so the file's coordinate system is wrong. Nothing was imported."
    ) % {"rows": _rows(outside + 1), "x": x[first], "y": y[first], "crs": name}
    suggestion = _suggest(float(x[first]), float(y[first]))
    if suggestion:
        message += " " + _(
            "They look like %(crs)s: state that coordinate system and read the file again."
        ) % {"crs": suggestion}
    return message


def crs_area_check(frame: gpd.GeoDataFrame, crs) -> None:
    """Refuse coordinates that the CRS cannot mean (outside its area of use); nothing is written."""
    problem = crs_area_problem(frame, crs)
    if problem:
        raise ImportRefused(problem)
