"""Coordinate reference systems of the OGC API (OGC API – Features – Part 2: Coordinate Reference
Systems by Reference).

Features are stored in EPSG:4326 with longitude first (PostGIS order), which is CRS84. A client may
ask for its output (`crs`), give its bbox (`bbox-crs`) and the geometries of its filter
(`filter-crs`) in any CRS listed here. Axis order follows each CRS's definition, as Part 2 requires:
CRS84 is longitude, latitude; EPSG:4326 is latitude, longitude; the projected CRSs are easting,
northing. Output is transformed by PostGIS in the page's one statement; a bbox and filter geometries,
being a handful of coordinates, are transformed here with pyproj (which honours the authority's
axis order), so a coordinate outside a CRS's domain is refused as bad input, not met by PostGIS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Transformer
from shapely import get_coordinates
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform as shapely_transform

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@dataclass(frozen=True)
class Crs:
    uri: str
    srid: int  # PostGIS SRID
    pyproj_name: str
    lat_first: bool  # axis order: latitude before longitude (EPSG:4326)
    precision: int  # decimals in output: 7 for degrees (~1 cm), 2 for metres (1 cm)
    geographic: bool

    @property
    def header(self) -> str:
        """The Content-Crs header value."""
        return f"<{self.uri}>"


CRS84 = Crs(CRS84_URI, 4326, "OGC:CRS84", False, 7, True)
SUPPORTED = {
    c.uri: c
    for c in (
        CRS84,
        Crs(EPSG + "4326", 4326, "EPSG:4326", True, 7, True),
        Crs(EPSG + "3857", 3857, "EPSG:3857", False, 2, False),
        Crs(EPSG + "32636", 32636, "EPSG:32636", False, 2, False),
    )
}
URIS = list(SUPPORTED)


class CrsError(ValueError):
    """A CRS or coordinates a client gave cannot be used; the message says why."""


def crs_parse(raw: str, default: Crs = CRS84) -> Crs:
    """The CRS a parameter names (by its URI; the safe CURIE [EPSG:3857] is also read)."""
    value = raw.strip()
    if not value:
        return default
    if value.startswith("[") and value.endswith("]") and ":" in value:
        authority, code = value[1:-1].split(":", 1)
        value = CRS84_URI if (authority, code) == ("OGC", "CRS84") else f"{EPSG}{code}"
    crs = SUPPORTED.get(value)
    if crs is None:
        raise CrsError(value)
    return crs


def geometry_sql(column: str, crs: Crs) -> str:
    """The SQL expression of a stored geometry in `crs`, axes in its order. Its SRID is cleared:
    the CRS is said once, in the Content-Crs header, and GeoJSON geometries carry no crs member
    (ST_AsGeoJSON would add one for an SRID other than 4326)."""
    if crs is CRS84:
        return column
    if crs.srid == 4326:
        return f"ST_FlipCoordinates({column}::geometry)"
    return f"ST_SetSRID(ST_Transform({column}::geometry, {crs.srid}), 0)"


@lru_cache(maxsize=8)
def _to_crs84(crs: Crs) -> Transformer:
    # always_xy=False: each CRS's own axis order (EPSG:4326 is latitude first).
    return Transformer.from_crs(crs.pyproj_name, "OGC:CRS84", always_xy=False)


def _finite(values) -> bool:
    return all(math.isfinite(v) for v in values)


def bbox_to_crs84(values: list[float], crs: Crs) -> tuple[float, float, float, float]:
    """A bbox of 4 numbers (lower corner, upper corner, axes in the CRS's order) as
    (min_lon, min_lat, max_lon, max_lat). Raises CrsError with the reason."""
    a1, b1, a2, b2 = values
    if not _finite(values):
        raise CrsError("not finite")
    if crs.geographic:
        lon1, lat1, lon2, lat2 = (b1, a1, b2, a2) if crs.lat_first else (a1, b1, a2, b2)
        if not (-180 <= lon1 <= 180 and -180 <= lon2 <= 180 and -90 <= lat1 <= 90 and -90 <= lat2 <= 90):
            raise CrsError("out of range")
        if lat1 > lat2:
            raise CrsError("lower corner above the upper")
        # A box that crosses the antimeridian (min_lon > max_lon) is allowed by Part 1; this city
        # is nowhere near it, so it is read as the whole width.
        return (lon1, lat1, lon2, lat2) if lon1 <= lon2 else (-180.0, lat1, 180.0, lat2)
    if a1 > a2 or b1 > b2:
        raise CrsError("lower corner above the upper")
    box = _to_crs84(crs).transform_bounds(a1, b1, a2, b2, densify_pts=21)
    if not _finite(box):
        raise CrsError("outside the CRS")
    return box


def geometry_to_crs84(geometry: BaseGeometry, crs: Crs) -> BaseGeometry:
    """A filter's geometry, given in `crs`, in CRS84. Raises CrsError when a coordinate is not
    finite or lies outside the CRS's domain."""
    coordinates = get_coordinates(geometry).ravel().tolist()
    if not _finite(coordinates):
        raise CrsError("not finite")
    if crs is not CRS84:
        geometry = shapely_transform(_to_crs84(crs).transform, geometry)
        coordinates = get_coordinates(geometry).ravel().tolist()
        if not _finite(coordinates):
            raise CrsError("outside the CRS")
    lons, lats = coordinates[0::2], coordinates[1::2]
    if lons and not (all(-180 <= x <= 180 for x in lons) and all(-90 <= y <= 90 for y in lats)):
        raise CrsError("out of range")
    return geometry
