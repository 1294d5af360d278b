"""The SQL behind /api/v1/facilities/: one statement that counts the matches and returns a page
of GeoJSON features built by PostgreSQL (gis_layers.geojson), so the API passes JSON through
instead of serialising thousands of Python objects.

The rows come from selectors.facilities_filtered — the same queryset as the HTML directory —
so both always find the same facilities; only the page's columns and order are added here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from city.address_language import address_in_language, address_sql
from facilities import opening_hours
from facilities.filters import FacilityFilter
from facilities.models import Facility
from facilities.selectors import facilities_filtered
from gis_layers.geojson import LocalISO, count_sql, features_sql, fetch_one, merge

# Whether the page's facility is open at the moment (as selectors.open_at, per row of the page).
OPEN_PERIOD = """SELECT true AS yes FROM facilities_openingperiod op
    WHERE op.facility_id = p.id AND op.weekday = %s AND op.opens <= %s AND op.closes > %s
      AND (op.months = '{}' OR %s = ANY (op.months)) LIMIT 1"""


def _name(english: bool):
    return Coalesce(NullIf("name_en", Value("")), "name_uk") if english else F("name_uk")


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
    name = _name(english)
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
            "address": address_sql("p.address", english),  # the street in the page's language
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


def facilities_collection(queryset: QuerySet[Facility], *, english: bool) -> str:
    """The JSON text of a FeatureCollection of the queryset's facilities with what a marker and
    its popup need (name in the page's language, category, address, phones, opening hours)."""
    rows = (
        queryset.annotate(name=_name(english))
        .order_by("id")
        .values("id", "location", "name", "address", "phones", "opening_hours", "category_id")
    )
    properties = {
        "name": "p.name",
        "category": "c.slug",
        "address": address_sql("p.address", english),
        "phones": "to_json(p.phones)",
        "opening_hours": "p.opening_hours",
    }
    (features,) = fetch_one(
        *features_sql(
            rows,
            geometry="location",
            properties=properties,
            precision=6,
            joins="JOIN facilities_category c ON c.id = p.category_id",
        )
    )
    return f'{{"type":"FeatureCollection","features":{features}}}'


def _local_name(alias: str, english: bool) -> str:
    """The SQL of a bilingual name of the row `alias` in the page's language."""
    return f"coalesce(nullif({alias}.name_en, ''), {alias}.name_uk)" if english else f"{alias}.name_uk"


def _clock(minutes: str) -> str:
    return f"lpad(({minutes} / 60)::text, 2, '0') || ':' || lpad(mod({minutes}, 60)::text, 2, '0')"


DAY_NAMES = "ARRAY[" + ", ".join(f"'{day}'" for day in opening_hours.DAYS) + "]"


def facility_feature(
    queryset: QuerySet[Facility], pk: int, *, english: bool, media_url: str, now: dt.datetime | None = None
) -> str | None:
    """The JSON text of one facility of the queryset as a GeoJSON feature with everything its
    page says (category, district, structured and readable opening hours, open now), or None
    when the queryset has no such facility. Open now is the same SQL as the list's."""
    local = timezone.localtime(now or timezone.now())
    minute = local.hour * 60 + local.minute
    found = queryset.filter(pk=pk).values_list("opening_hours", "address").first()
    if found is None:
        return None
    hours, address = found
    row = (
        queryset.filter(pk=pk)
        .annotate(
            hours_text=Value(opening_hours.display(hours)),
            shown_address=Value(address_in_language(address)),
            media=Value(media_url),
            updated=LocalISO("updated_at"),
        )
        .values(
            "id", "location", "name_uk", "name_en", "category_id", "district_id", "address", "phones", "email",
            "website", "opening_hours", "hours_text", "shown_address", "operator", "description", "accessibility", "photo",
            "source_id", "data_source", "updated", "media",
        )
    )  # fmt: skip
    periods = f"""(SELECT coalesce(json_agg(json_build_object(
            'weekday', ({DAY_NAMES})[op.weekday + 1], 'opens', {_clock("op.opens")},
            'closes', {_clock("op.closes")}, 'months', to_json(op.months)) ORDER BY op.weekday, op.opens), '[]'::json)
        FROM facilities_openingperiod op WHERE op.facility_id = p.id)"""
    category = (
        "json_build_object('slug', c.slug, 'name', " + _local_name("c", english)
        + ", 'group', g.slug, 'icon', c.icon, 'colour', c.colour)"
    )  # fmt: skip
    properties = {
        "name": _local_name("p", english),
        "name_uk": "p.name_uk",
        "name_en": "p.name_en",
        "category": category,
        "address": "p.shown_address",  # the street in the page's language, as the district
        "district": f"CASE WHEN d.id IS NULL THEN NULL ELSE {_local_name('d', english)} END",
        "phones": "to_json(p.phones)",
        "email": "p.email",
        "website": "p.website",
        "opening_hours": "p.opening_hours",
        "opening_hours_text": "p.hours_text",
        "opening_periods": periods,
        "open_now": "CASE WHEN p.opening_hours = '' THEN NULL ELSE open.yes IS NOT NULL END",
        "operator": "p.operator",
        "description": "p.description",
        "accessibility": "p.accessibility",
        "photo": "CASE WHEN p.photo = '' THEN NULL ELSE p.media || p.photo END",
        "source_id": "p.source_id",
        "data_source": "p.data_source",
        "updated_at": "p.updated",
        "url": "'/facilities/' || p.id || '/'",
    }
    joins = f"""JOIN facilities_category c ON c.id = p.category_id
        LEFT JOIN facilities_category g ON g.id = c.parent_id
        LEFT JOIN city_district d ON d.id = p.district_id
        LEFT JOIN LATERAL ({OPEN_PERIOD}) AS open ON true"""
    (text,) = fetch_one(
        *features_sql(
            row,
            geometry="location",
            properties=properties,
            joins=joins,
            join_params=(local.weekday(), minute, minute, local.month),
        )
    )
    return None if text == "[]" else text[1:-1]  # the one feature of the array


def facilities_geojson_page(f: FacilityFilter, **kwargs) -> tuple[int, str]:
    count, features = fetch_one(*page_sql(f, **kwargs))
    return count, features


def facilities_page_sql_text(f: FacilityFilter, **kwargs) -> str:
    """The statement with its parameters filled in (for pgbench in `make bench`)."""
    from django.db import connection

    sql, params = page_sql(f, **kwargs)
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()
