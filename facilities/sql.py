"""The SQL behind /api/v1/facilities/: one statement that counts the matches and returns a page
of GeoJSON features built by PostgreSQL (gis_layers.geojson), so the API passes JSON through
instead of serialising thousands of Python objects.

The rows come from selectors.facilities_filtered — the same queryset as the HTML directory —
so both always find the same facilities; only the page's columns and order are added here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from facilities.filters import FacilityFilter
from facilities.selectors import facilities_filtered
from gis_layers.geojson import count_sql, features_sql, fetch_one, merge

# Whether the page's facility is open at the moment (as selectors.open_at, per row of the page).
OPEN_PERIOD = """SELECT true AS yes FROM facilities_openingperiod op
    WHERE op.facility_id = p.id AND op.weekday = %s AND op.opens <= %s AND op.closes > %s
      AND (op.months = '{}' OR %s = ANY (op.months)) LIMIT 1"""


def _nearest_first(point) -> RawSQL:
    # True (spherical) nearest-first order from the geography index (migration facilities 0003).
    return RawSQL(
        "facilities_facility.location::geography <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography",
        (point.x, point.y),
    )


def page_sql(
    f: FacilityFilter,
    *,
    district_id: int | None,
    english: bool,
    limit: int,
    offset: int,
    minimal: bool = False,
    now: dt.datetime | None = None,
) -> tuple[str, tuple]:
    """(SQL, parameters) returning (count, JSON text of the features of one page).

    `minimal` features carry only name and category: what a map needs to draw markers.
    """
    if district_id != f.district_id:
        f = dataclasses.replace(f, district_id=district_id)
    matches = facilities_filtered(f).order_by()
    name = Coalesce(NullIf("name_en", Value("")), "name_uk") if english else F("name_uk")
    columns = ["id", "location", "name", "category_id"]
    properties = {"name": "p.name", "category": "c.slug"}
    # Joined to the page's rows only (after its LIMIT): one index probe per row.
    joins = "JOIN facilities_category c ON c.id = p.category_id"
    join_params: tuple = ()
    if not minimal:
        local = timezone.localtime(
            f.moment if f.open_now and f.moment is not None else (now or timezone.now())
        )
        joins += f"\nLEFT JOIN LATERAL ({OPEN_PERIOD}) AS open ON true"
        minute = local.hour * 60 + local.minute
        join_params = (local.weekday(), minute, minute, local.month)
        columns += ["address", "phones", "opening_hours"]
        properties |= {
            "address": "p.address",
            "phones": "to_json(p.phones)",
            "opening_hours": "p.opening_hours",
            "open_now": "CASE WHEN p.opening_hours = '' THEN NULL ELSE open.yes IS NOT NULL END",
            "url": "'/facilities/' || p.id || '/'",
        }
        if f.point is not None:
            # Nearest first comes from the index; the exact distance shown is on the spheroid.
            columns.append("distance")
            properties["distance_m"] = "round(p.distance::numeric, 1)"
    order = (_nearest_first(f.point).asc(), "id") if f.point is not None else ("id",)
    page = matches.annotate(name=name).order_by(*order).values(*columns)[offset : offset + limit]
    features = features_sql(
        page, geometry="location", properties=properties, precision=6, joins=joins, join_params=join_params
    )
    return merge(count_sql(matches.values("id")), features)


def facilities_geojson_page(f: FacilityFilter, **kwargs) -> tuple[int, str]:
    count, features = fetch_one(*page_sql(f, **kwargs))
    return count, features


def facilities_page_sql_text(f: FacilityFilter, **kwargs) -> str:
    """The statement with its parameters filled in (for pgbench in `make bench`)."""
    from django.db import connection

    sql, params = page_sql(f, **kwargs)
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()
