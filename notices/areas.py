"""The area of a notice from what staff give: a drawn polygon, streets, buildings, districts or
a radius around a point; made valid and checked against the hromada's boundary.

PostGIS does the geometry (geography buffers in metres, unions); the result is one
MultiPolygon in EPSG:4326. Expected failures raise NoticeRefused on the field "area".
"""

from __future__ import annotations

import json

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import connection
from django.utils.translation import gettext as _

from city.selectors import municipality
from notices.exceptions import NoticeRefused
from notices.models import Notice

M = Notice.AreaMethod
STREET_BUFFER_M = 30  # either side of a street's segments; the buildings on it are added whole
BUILDING_BUFFER_M = 5
MAX_RADIUS_M = 20_000
MAX_VERTICES = 20_000
# A drawn area may overshoot the boundary by a sliver (it is clipped); more is refused.
OUTSIDE_TOLERANCE = 0.02


def _refuse(message: str) -> NoticeRefused:
    return NoticeRefused({"area": message})


def _one(sql: str, params) -> GEOSGeometry | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(({sql})), 3)))", params)
        row = cursor.fetchone()
    if not row or row[0] is None:
        return None
    geometry = GEOSGeometry(memoryview(bytes(row[0])))
    return None if geometry.empty else geometry


def _ids(values) -> list[int]:
    try:
        ids = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        raise _refuse(_("The chosen places are not valid.")) from None
    if not ids:
        raise _refuse(_("Choose at least one place for the area."))
    return ids


def area_build(method: str, source: dict) -> MultiPolygon:
    """The area of `method` from `source` (ids, a GeoJSON polygon, lat/lon/metres), inside the
    hromada, as a valid MultiPolygon."""
    if method == M.POLYGON:
        area = _polygon(source.get("geojson"))
    elif method == M.STREETS:
        area = _one(
            """SELECT ST_Union(g) FROM (
                 SELECT ST_Buffer(s.geometry::geography, %(m)s)::geometry AS g
                   FROM city_streetsegment s WHERE s.street_id = ANY(%(ids)s)
                 UNION ALL
                 SELECT ST_Buffer(b.footprint::geography, %(b)s)::geometry
                   FROM housing_registry_building b WHERE b.street_id = ANY(%(ids)s)) parts""",
            {"ids": _ids(source.get("streets", [])), "m": STREET_BUFFER_M, "b": BUILDING_BUFFER_M},
        )
    elif method == M.BUILDINGS:
        area = _one(
            "SELECT ST_Union(ST_Buffer(b.footprint::geography, %(b)s)::geometry) "
            "FROM housing_registry_building b WHERE b.id = ANY(%(ids)s)",
            {"ids": _ids(source.get("buildings", [])), "b": BUILDING_BUFFER_M},
        )
    elif method == M.DISTRICTS:
        area = _one(
            "SELECT ST_Union(d.area) FROM city_district d WHERE d.id = ANY(%(ids)s)",
            {"ids": _ids(source.get("districts", []))},
        )
    elif method == M.RADIUS:
        try:
            lat, lon, metres = float(source["lat"]), float(source["lon"]), float(source["metres"])
        except (KeyError, TypeError, ValueError):
            raise _refuse(_("Give the centre on the map and the radius in metres.")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _refuse(_("The centre is not a place on Earth."))
        if not 10 <= metres <= MAX_RADIUS_M:
            raise _refuse(_("The radius must be from 10 to %(max)s metres.") % {"max": MAX_RADIUS_M})
        area = _one(
            "SELECT ST_Buffer(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(m)s, 24)::geometry",
            {"lat": lat, "lon": lon, "m": metres},
        )
    else:
        raise _refuse(_("Choose how the area is given."))
    if area is None:
        raise _refuse(_("The chosen places have no shape to make an area of."))
    return area_within_city(area)


def _polygon(text) -> MultiPolygon:
    if not text:
        raise _refuse(_("Draw the area on the map."))
    try:
        data = json.loads(text) if isinstance(text, str) else text
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            polygons = [f.get("geometry") for f in data.get("features", [])]
            data = {
                "type": "MultiPolygon",
                "coordinates": [
                    c
                    for g in polygons
                    if g
                    for c in (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
                ],
            }
        if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
            raise _refuse(_("The area must be a polygon."))
        geometry = GEOSGeometry(json.dumps(data), srid=4326)
    except (ValueError, TypeError, KeyError, GEOSException):
        raise _refuse(_("The drawn area could not be read; draw it again.")) from None
    if geometry.num_coords > MAX_VERTICES:
        raise _refuse(_("The drawn area has too many corners (at most %(n)s).") % {"n": MAX_VERTICES})
    valid = _one("SELECT ST_GeomFromEWKB(%s)", [memoryview(geometry.ewkb)])
    if valid is None:
        raise _refuse(_("The drawn area has no surface; draw a polygon."))
    return valid


def area_within_city(area: GEOSGeometry) -> MultiPolygon:
    """The area clipped to the hromada; refused when it lies outside or overshoots by more than
    a sliver."""
    city = municipality()
    if city is None:
        raise _refuse(_("The city's boundary is not loaded."))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_Area(a::geography), ST_Area(i::geography),
                      ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(i), 3)))
                 FROM (SELECT a, ST_Intersection(a, %(city)s) AS i
                         FROM (SELECT ST_SetSRID(%(area)s::geometry, 4326) AS a) x) y""",
            {"area": memoryview(area.ewkb), "city": memoryview(city.boundary.ewkb)},
        )
        whole, inside, clipped = cursor.fetchone()
    if not inside or clipped is None:
        raise _refuse(_("The area is outside the hromada: a notice can only cover the city's territory."))
    if whole and (whole - inside) / whole > OUTSIDE_TOLERANCE:
        raise _refuse(
            _("Part of the area (%(share)s%%) is outside the hromada; draw it within the city's boundary.")
            % {"share": round(100 * (whole - inside) / whole)}
        )
    result = GEOSGeometry(memoryview(bytes(clipped)))
    if result.empty:
        raise _refuse(_("The area is outside the hromada: a notice can only cover the city's territory."))
    if isinstance(result, Polygon):
        result = MultiPolygon(result, srid=4326)
    result.srid = 4326
    return result


def area_households(area: GEOSGeometry) -> tuple[int, int]:
    """(buildings, households) of the area: the registry's buildings it touches, and their
    apartments (a house without apartments is one household)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(greatest(coalesce(b.apartments, 0), 1)), 0) "
            "FROM housing_registry_building b WHERE ST_Intersects(b.footprint, ST_SetSRID(%s::geometry, 4326))",
            [memoryview(area.ewkb)],
        )
        buildings, households = cursor.fetchone()
    return int(buildings), int(households)
