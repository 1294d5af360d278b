"""The SQL behind /api/v1/facilities/: one statement that counts the matches and returns a page
of GeoJSON features built by PostgreSQL (json_build_object), so the API passes JSON through
instead of serialising thousands of Python objects.

Written by hand because it is the hot path of the map: Django's query compiler costs more than
the query itself here. It applies exactly the filters of selectors.facilities_filtered (the
HTML directory); tests/facilities/test_api.py checks that both find the same facilities.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from city.selectors import box_degrees
from facilities.filters import FacilityFilter, category_tree
from facilities.selectors import search_terms

OPEN_PERIOD = """p.weekday = %(weekday)s AND p.opens <= %(minute)s AND p.closes > %(minute)s
      AND (p.months = '{}' OR %(month)s = ANY (p.months))"""
OPEN_AT = f"EXISTS (SELECT 1 FROM facilities_openingperiod p WHERE p.facility_id = f.id AND {OPEN_PERIOD})"
POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"
DISTANCE = f"ST_Distance(f.location::geography, {POINT}::geography)"
# True (spherical) nearest-first order from the geography index (migration facilities 0003).
NEAREST_FIRST = f"f.location::geography <-> {POINT}::geography"


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def where_clause(f: FacilityFilter, district_id: int | None, params: dict) -> str:
    # Visibility comes from the cached category tree, so the planner need not join the category
    # table to filter. Without a category filter only the hidden categories are named (usually
    # none): a long IN list costs the planner more than the query itself.
    tree = category_tree()
    parts = []
    if f.category_ids is not None:
        public = {pk for pk, parent in tree.public.values() if parent is not None}
        parts.append("f.category_id = ANY (%(category_ids)s)")
        params["category_ids"] = sorted(public & set(f.category_ids))
    elif tree.hidden_leaves:
        parts.append("f.category_id <> ALL (%(hidden_ids)s)")
        params["hidden_ids"] = sorted(tree.hidden_leaves)
    if district_id is not None:
        parts.append("f.district_id = %(district_id)s")
        params["district_id"] = district_id
    for i, word in enumerate(search_terms(f.q)):
        parts.append(f"f.search_text LIKE %(word{i})s")
        params[f"word{i}"] = _like(word)
    if f.open_now:
        parts.append(OPEN_AT)
    if f.bbox is not None:
        minx, miny, maxx, maxy = f.bbox.extent
        parts.append(
            "ST_Intersects(f.location, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"
        )
        params.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    if f.point is not None and f.radius_m is not None:
        # The index finds candidates in a box a little larger than the circle; geography decides.
        degrees = box_degrees(f.radius_m, f.point.y)
        parts.append(
            f"f.location && ST_Expand({POINT}, %(degrees)s) AND ST_DWithin(f.location::geography, {POINT}::geography, %(radius)s)"
        )
        params.update(degrees=degrees, radius=f.radius_m)
    return " AND ".join(parts) or "true"


def page_sql(
    f: FacilityFilter,
    *,
    district_id: int | None,
    english: bool,
    limit: int,
    offset: int,
    minimal: bool = False,
    now: dt.datetime | None = None,
) -> tuple[str, dict]:
    """(SQL, parameters) returning (count, JSON text of the features of one page).

    `minimal` features carry only name and category: what a map needs to draw markers.
    """
    local = timezone.localtime(now or timezone.now())
    if f.open_now and f.moment is not None:
        local = timezone.localtime(f.moment)
    params: dict = {
        "weekday": local.weekday(),
        "minute": local.hour * 60 + local.minute,
        "month": local.month,
        "limit": limit,
        "offset": offset,
    }
    where = where_clause(f, district_id, params)
    near = f.point is not None
    if near:
        params.update(lon=f.point.x, lat=f.point.y)
    name = "coalesce(nullif(f.name_en, ''), f.name_uk)" if english else "f.name_uk"
    distance = ", 'distance_m', round(page.distance::numeric, 1)" if near else ""
    # Nearest first comes from the index; the exact distance shown is on the spheroid.
    sort_key = NEAREST_FIRST if near else "f.id"
    distance_column = f", {DISTANCE} AS distance" if near else ""
    if minimal:
        return _minimal_sql(where, name, sort_key), params
    sql = f"""
SELECT
  (SELECT count(*) FROM facilities_facility f WHERE {where}),
  (SELECT coalesce(json_agg(json_build_object(
      'type', 'Feature', 'id', page.id,
      'geometry', ST_AsGeoJSON(page.location, 6)::json,
      'properties', json_build_object(
        'name', page.name, 'category', c.slug, 'address', page.address, 'phones', to_json(page.phones),
        'opening_hours', page.opening_hours,
        'open_now', CASE WHEN page.opening_hours = '' THEN NULL ELSE open.yes IS NOT NULL END,
        'url', '/facilities/' || page.id || '/'{distance}))
      ORDER BY page.position), '[]'::json)::text
   FROM (
     SELECT f.id, f.category_id, f.location, {name} AS name, f.address, f.phones, f.opening_hours{distance_column},
            row_number() OVER () AS position
     FROM (SELECT f.id, f.category_id, f.location, f.name_uk, f.name_en, f.address, f.phones, f.opening_hours
           FROM facilities_facility f WHERE {where} ORDER BY {sort_key}, f.id LIMIT %(limit)s OFFSET %(offset)s) f
   ) AS page
   JOIN facilities_category c ON c.id = page.category_id
   -- One index probe per facility of the page (never a scan of every period).
   LEFT JOIN LATERAL (
     SELECT true AS yes FROM facilities_openingperiod p WHERE p.facility_id = page.id AND {OPEN_PERIOD} LIMIT 1
   ) AS open ON true)"""
    return sql, params


def _minimal_sql(where: str, name: str, sort_key: str) -> str:
    return f"""
SELECT
  (SELECT count(*) FROM facilities_facility f WHERE {where}),
  (SELECT coalesce(json_agg(json_build_object(
      'type', 'Feature', 'id', page.id,
      'geometry', ST_AsGeoJSON(page.location, 6)::json,
      'properties', json_build_object('name', page.name, 'category', c.slug))
      ORDER BY page.position), '[]'::json)::text
   FROM (
     SELECT f.id, f.category_id, f.location, {name} AS name, row_number() OVER () AS position
     FROM (SELECT f.id, f.category_id, f.location, f.name_uk, f.name_en
           FROM facilities_facility f WHERE {where} ORDER BY {sort_key}, f.id LIMIT %(limit)s OFFSET %(offset)s) f
   ) AS page
   JOIN facilities_category c ON c.id = page.category_id)"""


def facilities_geojson_page(f: FacilityFilter, **kwargs) -> tuple[int, str]:
    sql, params = page_sql(f, **kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, features = cursor.fetchone()
    return count, features


def facilities_page_sql_text(f: FacilityFilter, **kwargs) -> str:
    """The statement with its parameters filled in (for pgbench in `make bench`)."""
    sql, params = page_sql(f, **kwargs)
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()
