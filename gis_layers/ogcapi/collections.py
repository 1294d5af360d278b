"""The collections of the OGC API: each GIS layer the caller may see, and the collections other
apps register (gis_layers.registry), e.g. public facilities and the buildings' public fields.

Each collection answers `items` with one SQL statement that counts the matches and builds the
page of GeoJSON features in PostgreSQL (json_build_object), so the view only wraps the text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

from core.db_router import read_connection
from gis_layers import registry
from gis_layers.geojson import feature_sql, features_sql, fetch_one
from gis_layers.joins import join_sql, joins_for, json_pairs
from gis_layers.models import Layer
from gis_layers.ogcapi.cql import Property
from gis_layers.ogcapi.crs import CRS84, Crs, geometry_sql
from gis_layers.permissions import is_staff
from gis_layers.schema import FIELD_NAME, FieldSpec, value_clean
from gis_layers.selectors import layers_visible_to
from gis_layers.tiles import data_version

WHOLE = re.compile(r"-?[0-9]{1,9}")
JSON_TYPES = {
    "string": "string",
    "text": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "string",
}


@dataclass
class Queryable:
    name: str
    type: str  # JSON Schema type
    title: str
    spec: FieldSpec | None = None  # GIS layer fields: typed comparison through the schema
    column: str = ""  # fixed collections: the SQL expression compared as text
    format: str = ""
    enum: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        """How a filter compares it: string, number, boolean or date."""
        if self.format == "date":
            return "date"
        return "number" if self.type in ("integer", "number") else self.type

    def sql(self, alias: str) -> Property:
        """The queryable as a typed SQL expression for filters and sorting. A layer's field is read
        from the feature's JSONB; a value of another JSON type than the field's (a schema changed
        after the data) reads as null instead of failing the whole statement."""
        if self.spec is None:
            return Property(self.column, self.kind)
        value = f"{alias}.properties->'{self.spec.name}'"  # the name matched FIELD_NAME: safe in SQL
        text = f"({alias}.properties->>'{self.spec.name}')"
        if self.kind == "number":
            return Property(
                f"(CASE WHEN jsonb_typeof({value}) = 'number' THEN {text}::numeric END)", "number"
            )
        if self.kind == "boolean":
            return Property(
                f"(CASE WHEN jsonb_typeof({value}) = 'boolean' THEN {text}::boolean END)", "boolean"
            )
        if self.kind == "date":
            return Property(
                f"(CASE WHEN {text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {text}::date END)", "date"
            )
        return Property(text, "string")


class InvalidFilter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass
class Collection:
    id: str
    title: str
    description: str
    geometry: str  # point / line / polygon
    queryables: list[Queryable]
    table: str
    alias: str
    base_where: str
    base_params: dict
    geometry_column: str
    properties_sql: str  # a json expression over the page row `p`
    page_columns: str  # columns of the inner select (alias.col AS name, ...)
    license: str = ""
    source: str = ""
    public: bool = True
    version_source: str = ""  # the DataVersion source whose triggers track this collection
    layer: Layer | None = None
    joins: str = ""  # LEFT JOIN LATERAL clauses over the page rows `p` (attribute tables)
    item_type: str = "feature"  # "record": an attribute table, items without geometry

    def properties(self) -> dict[str, Property]:
        """The queryables as SQL, by name (for filters and sortby)."""
        return {
            q.name: q.sql(self.alias) for q in self.queryables if FIELD_NAME.match(q.name) or q.spec is None
        }

    @property
    def geometry_sql(self) -> str:
        return f"{self.alias}.{self.geometry_column}"

    def where(self, bbox, filters: dict[str, str], cql: tuple[str, dict] | None = None) -> tuple[str, dict]:
        """The WHERE condition: the collection's own, the bbox (CRS84), Part 1 property filters
        and a translated CQL2 filter (gis_layers.ogcapi.cql), all with named parameters."""
        a = self.alias
        parts = [self.base_where]
        params = dict(self.base_params)
        if cql is not None:
            parts.append(f"({cql[0]})")
            params.update(cql[1])
        if bbox is not None:
            parts.append(
                f"{a}.{self.geometry_column} && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326) "
                f"AND ST_Intersects({a}.{self.geometry_column}, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"
            )
            params.update(minx=bbox[0], miny=bbox[1], maxx=bbox[2], maxy=bbox[3])
        by_name = {q.name: q for q in self.queryables}
        for i, (name, raw) in enumerate(sorted(filters.items())):
            q = by_name[name]
            if q.spec is not None:
                value, reason = value_clean(q.spec, raw)
                if reason or value is None:
                    raise InvalidFilter(
                        name,
                        _("%(name)s: the value %(reason)s.")
                        % {"name": name, "reason": reason or _("is empty")},
                    )
                parts.append(f"{a}.properties @> %(f{i})s::jsonb")
                params[f"f{i}"] = json.dumps({name: value}, ensure_ascii=False)
            elif q.type == "integer":
                # A number compares as a number: "05" finds 5 floors, "five" is refused.
                if not WHOLE.fullmatch(raw.strip()):
                    raise InvalidFilter(name, _("%(name)s must be a whole number.") % {"name": name})
                parts.append(f"{q.column} = %(f{i})s")
                params[f"f{i}"] = int(raw)
            else:
                parts.append(f"{q.column}::text = %(f{i})s")
                params[f"f{i}"] = str(raw)
        return " AND ".join(parts), params

    def items(
        self,
        *,
        bbox,
        filters,
        limit: int,
        offset: int,
        cql: tuple[str, dict] | None = None,
        sort: list[tuple[str, bool]] | None = None,
        crs: Crs = CRS84,
    ) -> tuple[int, int, str]:
        """(numberMatched, numberReturned, JSON text of the page's features).

        The page is one statement. numberMatched is counted once per data version (the
        triggers bump it on every change) and filter, then kept in the cache: a client paging
        through 100,000 features does not count them again for each page."""
        page_sql, params = self.items_sql(
            bbox=bbox, filters=filters, limit=limit, offset=offset, cql=cql, sort=sort, crs=crs
        )
        where, where_params = self.where(bbox, filters, cql)
        fingerprint = repr((self.id, data_version(self.version_source), where, sorted(where_params.items())))
        key = "ogc-count:" + hashlib.sha1(fingerprint.encode()).hexdigest()
        matched = cache.get(key)
        with read_connection().cursor() as cursor:
            if matched is None:
                cursor.execute(f"SELECT count(*) FROM {self.table} {self.alias} WHERE {where}", where_params)
                matched = cursor.fetchone()[0]
                cache.set(key, matched, 600)
            cursor.execute(page_sql, params)
            returned, features = cursor.fetchone()
        return matched, returned, features

    def items_sql(
        self,
        *,
        bbox,
        filters,
        limit: int,
        offset: int,
        cql: tuple[str, dict] | None = None,
        sort: list[tuple[str, bool]] | None = None,
        crs: Crs = CRS84,
    ) -> tuple[str, dict]:
        """(SQL, parameters) of one page: (numberReturned, JSON text of its features), sorted by
        `sort` ((queryable, descending) pairs; empty values last) and then by id, geometries in
        `crs`."""
        where, params = self.where(bbox, filters, cql)
        params.update(limit=limit, offset=offset)
        a = self.alias
        properties = self.properties()
        order = [
            f"{properties[name].sql} {'DESC' if desc else 'ASC'} NULLS LAST" for name, desc in sort or []
        ]
        page = f"""SELECT {a}.id, {geometry_sql(self.geometry_sql, crs)} AS geom, {self.page_columns}
      FROM {self.table} {a} WHERE {where} ORDER BY {", ".join([*order, f"{a}.id"])} LIMIT %(limit)s OFFSET %(offset)s"""
        return features_sql(
            (page, params),
            geometry="geom",
            properties=self.properties_sql,
            precision=crs.precision,
            with_count=True,
            joins=self.joins,
        )

    def item(self, pk: int, crs: Crs = CRS84) -> str | None:
        a = self.alias
        params = dict(self.base_params, pk=pk)
        feature = feature_sql(geometry="geom", properties=self.properties_sql, precision=crs.precision)
        sql = f"""
SELECT {feature}::text
FROM (SELECT {a}.id, {geometry_sql(self.geometry_sql, crs)} AS geom, {self.page_columns}
      FROM {self.table} {a} WHERE {self.base_where} AND {a}.id = %(pk)s) p {self.joins}"""
        row = fetch_one(sql, params)
        return row[0] if row else None

    def extent(self) -> list[float] | None:
        a = self.alias
        sql = f"SELECT ST_Extent({a}.{self.geometry_column}) FROM {self.table} {a} WHERE {self.base_where}"
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ({sql}) AS x(e)",
                self.base_params,
            )
            row = cursor.fetchone()
        return [round(v, 7) for v in row] if row and row[0] is not None else None


def _ordered_properties(fields: list[FieldSpec], joined: dict[str, str] | None = None) -> str:
    """The properties in the schema's order, every field present (null when empty): clients that
    take a layer's fields from its first features (GDAL, QGIS) see all of them. PostgreSQL takes at
    most 100 arguments per json_build_object; beyond 50 fields the stored object goes as it is.
    `joined`: the joined values after the fields (gis_layers.joins)."""
    if joined:
        own = {f.name: f"p.properties->'{f.name}'" for f in fields if FIELD_NAME.match(f.name)}
        return json_pairs({**own, **joined})
    if not fields or len(fields) > 50 or not all(FIELD_NAME.match(f.name) for f in fields):
        return "p.properties"
    pairs = ", ".join(f"'{f.name}', p.properties->'{f.name}'" for f in fields)
    return f"json_build_object({pairs})"


def layer_collection(layer: Layer, *, staff: bool = False) -> Collection:
    """A layer's collection; with the values of the attribute tables joined to it that the
    caller may see (`staff`: staff-only tables too)."""
    joins = joins_for(layer, staff=staff)
    clauses, joined = join_sql(joins)
    queryables = [
        Queryable(
            name=f.name,
            type=JSON_TYPES[f.type],
            title=f.title,
            spec=f,
            format="date" if f.type == "date" else "",
            enum=list(f.choices),
        )
        for f in layer.fields
    ]
    return Collection(
        id=layer.slug,
        title=layer.title,
        description=layer.description,
        geometry=layer.geometry_type,
        queryables=queryables,
        table="gis_layers_feature",
        alias="f",
        base_where="f.layer_id = %(layer)s AND f.deleted_at IS NULL",
        base_params={"layer": layer.pk},
        geometry_column="geometry",
        properties_sql=_ordered_properties(layer.fields, joined),
        page_columns="f.properties",
        license=layer.licence,
        source=layer.source,
        # A page with a staff-only table's values is never cached publicly.
        public=layer.is_public and all(j.table.is_public for j in joins),
        layer=layer,
        version_source=layer.tile_source,
        joins=clauses,
        item_type="record" if layer.is_table else "feature",
    )


# The apps' own collections (facilities, buildings …), registered in their AppConfig.ready().
FIXED = registry.collections()


def collections_for(user) -> list[Collection]:
    staff = is_staff(user)
    return [layer_collection(layer, staff=staff) for layer in layers_visible_to(user)] + [
        make() for make in FIXED.values()
    ]


_layer_collections: dict[tuple[str, bool], tuple[int, Collection | None]] = {}


def collection_for(user, collection_id: str) -> Collection | None:
    """The collection, if this person may see it. A layer's collection is remembered until the
    layer registry changes: DataVersion "layers", bumped by a trigger on every layer change and
    read fresh here (one primary-key lookup), so a layer made staff-only is refused at once."""
    if collection_id in FIXED:
        return FIXED[collection_id]()
    staff = is_staff(user)
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT version FROM gis_layers_dataversion WHERE source = 'layers'")
        row = cursor.fetchone()
    version = row[0] if row else 0
    cached = _layer_collections.get((collection_id, staff))
    if cached is not None and cached[0] == version:
        return cached[1]
    layer = layers_visible_to(user).filter(slug=collection_id).first()
    collection = layer_collection(layer, staff=staff) if layer else None
    if len(_layer_collections) > 1000:
        _layer_collections.clear()
    _layer_collections[(collection_id, staff)] = (version, collection)
    return collection
