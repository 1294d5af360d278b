"""GeoJSON features built by PostgreSQL: one statement wraps the rows of a query (a Django
queryset, or SQL text) in json_build_object / json_agg with ST_AsGeoJSON, so an API passes the
JSON text through instead of serialising thousands of Python objects.

Used by every GeoJSON the portal sends: the facilities, requests and coverage APIs, the layer
features API (lists and single features), the OGC API items and the maps. The rows keep the
order of the inner query (its ORDER BY and LIMIT stay inside); the statement adds no parameters
of its own, so the inner query's parameter style (%s or %(name)s) is the statement's.

    sql, params = features_sql(queryset.values("id", "location", "name")[:100],
                               geometry="location", properties={"name": "p.name"})
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, Func, QuerySet

from core.db_router import read_connection

Properties = dict[str, str] | str


def query_sql(query: QuerySet | tuple[str, tuple | dict]) -> tuple[str, tuple | dict]:
    """(SQL, parameters) of a queryset, or of (SQL, parameters) as given."""
    if isinstance(query, QuerySet):
        return query.query.sql_with_params()
    return query


def json_object(pairs: dict[str, str]) -> str:
    """json_build_object over trusted SQL expressions, keys in the given order."""
    return "json_build_object(" + ", ".join(f"'{key}', {expr}" for key, expr in pairs.items()) + ")"


def feature_sql(
    *,
    geometry: str,
    properties: Properties,
    precision: int,
    members: dict[str, str] | None = None,
    feature_id: str = "p.id",
) -> str:
    """One feature of the page row `p`: type, id, geometry, properties and extra members.
    (The ::geometry cast: Django selects geometry columns as EWKB bytea.)

    `properties` is either {key: SQL expression over p} or one SQL expression of a json value."""
    props = json_object(properties) if isinstance(properties, dict) else properties
    pairs = {
        "type": "'Feature'",
        "id": feature_id,
        "geometry": f"ST_AsGeoJSON(p.{geometry}::geometry, {precision})::json",
        "properties": props,
        **(members or {}),
    }
    return json_object(pairs)


def features_sql(
    query: QuerySet | tuple[str, tuple | dict],
    *,
    geometry: str,
    properties: Properties,
    precision: int = 7,
    members: dict[str, str] | None = None,
    feature_id: str = "p.id",
    joins: str = "",
    join_params: tuple | dict = (),
    with_count: bool = False,
) -> tuple[str, tuple | dict]:
    """(SQL returning one text: the JSON array of the features of the query's rows, "[]" when
    none — preceded by their number `with_count`; parameters). The rows are `p`; `joins` (with
    `join_params`, of the inner query's style) may add tables for the properties: they are
    joined to the page's rows only, after its LIMIT."""
    inner, params = query_sql(query)
    if join_params:
        params = {**params, **join_params} if isinstance(params, dict) else (*params, *join_params)
    feature = feature_sql(
        geometry=geometry, properties=properties, precision=precision, members=members, feature_id=feature_id
    )
    count = "count(*), " if with_count else ""
    sql = f"""
SELECT {count}coalesce(json_agg({feature} ORDER BY p.geojson_position), '[]'::json)::text
FROM (SELECT q.*, row_number() OVER () AS geojson_position FROM ({inner}) q) p {joins}"""
    return sql, params


def count_sql(query: QuerySet | tuple[str, tuple | dict]) -> tuple[str, tuple | dict]:
    """(SQL counting the query's rows, parameters)."""
    inner, params = query_sql(query)
    return f"SELECT count(*) FROM ({inner}) q", params


def merge(*parts: tuple[str, tuple | dict]) -> tuple[str, tuple | dict]:
    """One statement selecting each part as a column: `SELECT (a), (b)` with their parameters
    (all positional, or all named)."""
    sql = "SELECT " + ", ".join(f"({text})" for text, _ in parts)
    if all(isinstance(p, dict) for _, p in parts):
        params: tuple | dict = {}
        for _, p in parts:
            params.update(p)
        return sql, params
    return sql, tuple(value for _, p in parts for value in p)


def fetch_one(sql: str, params) -> tuple:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def local_iso_sql(ts: str, *, seconds: bool = False) -> str:
    """SQL of the timestamp expression `ts` as ISO 8601 text in the site's time zone with its
    offset (`timezone.localtime(value).isoformat()`; NULL stays NULL). `seconds`: without a
    fraction of a second, as the W3C dates of Open311. Written for statements with parameters
    (its % is doubled)."""
    zone = "'" + settings.TIME_ZONE.replace("'", "''") + "'"
    local = f"({ts} AT TIME ZONE {zone})"
    offset = f"({local} - ({ts} AT TIME ZONE 'UTC'))"
    fraction = (
        "''"
        if seconds
        else f"CASE WHEN date_part('microseconds', {ts})::int %% 1000000 = 0 THEN '' ELSE to_char({ts}, '.US') END"
    )
    return (
        f"CASE WHEN {ts} IS NULL THEN NULL ELSE (to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {fraction}"
        f" || CASE WHEN {offset} < interval '0' THEN '-' || to_char(-{offset}, 'HH24:MI')"
        f" ELSE '+' || to_char({offset}, 'HH24:MI') END) END"
    )


class LocalISO(Func):
    """A timestamp as ISO 8601 text in the site's time zone with its offset — what
    `timezone.localtime(value).isoformat()` prints — computed by PostgreSQL."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        ts, ts_params = compiler.compile(self.source_expressions[0])
        sql = local_iso_sql(ts)
        # The expression's parameters, once for each place it is written in.
        return sql, tuple(ts_params) * sql.count(ts)
