"""Joined values: the rows of attribute tables attached to a spatial layer's features by a key
(gis_layers.models.LayerJoin), read for the popup, the editor, exports and the OGC API.

One rule for every door: a join shows only to those who may see its table (a staff-only table
adds nothing for visitors, not even empty columns), and only while the table is live. Keys are
compared as text (`properties->>'key'`), so a street code 12 in the layer finds "12" in a
spreadsheet; an empty or missing key finds nothing.

One-to-one: flat properties `<name>_<field>` (null when no row matches), one-to-many: a list of
row objects under `<name>` (empty when none).
"""

from __future__ import annotations

import json

from django.db.models import Q
from django.db.models.fields.json import KT

from gis_layers.models import Feature, Layer, LayerJoin
from gis_layers.permissions import is_staff
from gis_layers.schema import FIELD_NAME, FieldSpec

# PostgreSQL takes at most 100 arguments per json_build_object: 50 pairs.
PAIRS_PER_CALL = 50


def joins_for(layer: Layer, *, staff: bool) -> list[LayerJoin]:
    """The joins of `layer` whose table is live and visible (public, or any table for staff)."""
    if layer.pk is None or layer.is_table:
        return []
    joins = LayerJoin.objects.filter(layer=layer, table__deleted_at__isnull=True).select_related("table")
    if not staff:
        joins = joins.filter(table__visibility=Layer.Visibility.PUBLIC)
    return list(joins.order_by("id"))


def joins_visible_to(user, layer: Layer) -> list[LayerJoin]:
    return joins_for(layer, staff=is_staff(user))


def joined_names(join: LayerJoin, fields: list[FieldSpec] | None = None) -> list[str]:
    """The property names the join adds to each feature."""
    if join.is_many:
        return [join.name]
    return [f"{join.name}_{f.name}" for f in (fields if fields is not None else join.table.fields)]


def key_text(value) -> str | None:
    """A property value as PostgreSQL's ->> gives it (the text the keys are compared as)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _safe(name: str) -> str:
    if not FIELD_NAME.match(name):
        raise ValueError(f"not a field name: {name!r}")
    return name


def _match(join: LayerJoin, row: str) -> str:
    # Literals, not parameters: the planner then uses the partial key index made with the join
    # (services/joins.py). Ids are integers and names match FIELD_NAME.
    return (
        f"t.layer_id = {int(join.table_id)} AND t.deleted_at IS NULL "
        f"AND t.properties->>'{_safe(join.table_field)}' = {row}.properties->>'{_safe(join.layer_field)}'"
    )


def row_object_sql(fields: list[FieldSpec], alias: str = "t") -> str:
    """A json object of a table row's fields in the table's order (every field, null when empty)."""
    if not fields:
        return "'{}'::json"
    return json_pairs({f.name: f"{alias}.properties->'{_safe(f.name)}'" for f in fields})


def json_pairs(pairs: dict[str, str]) -> str:
    """json_build_object over trusted SQL expressions; beyond 50 pairs, several merged as jsonb
    (key order then follows jsonb's)."""
    items = list(pairs.items())
    calls = [
        "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in items[i : i + PAIRS_PER_CALL]) + ")"
        for i in range(0, len(items), PAIRS_PER_CALL)
    ] or ["json_build_object()"]
    if len(calls) == 1:
        return calls[0]
    return "(" + " || ".join(f"{c}::jsonb" for c in calls) + ")::json"


def join_sql(joins: list[LayerJoin], *, row: str = "p") -> tuple[str, dict[str, str]]:
    """(LEFT JOIN LATERAL clauses over the rows `row`, {property name: SQL expression})."""
    clauses, pairs = [], {}
    for i, join in enumerate(joins):
        alias = f"misto_join_{i}"
        fields = join.table.fields
        if join.is_many:
            clauses.append(
                f"LEFT JOIN LATERAL (SELECT coalesce(json_agg({row_object_sql(fields)} ORDER BY t.id), '[]'::json) AS rows "
                f"FROM gis_layers_feature t WHERE {_match(join, row)}) {alias} ON true"
            )
            pairs[join.name] = f"{alias}.rows"
        else:
            clauses.append(
                f"LEFT JOIN LATERAL (SELECT t.properties FROM gis_layers_feature t WHERE {_match(join, row)} "
                f"ORDER BY t.id LIMIT 1) {alias} ON true"
            )
            for f in fields:
                pairs[f"{join.name}_{f.name}"] = f"{alias}.properties->'{_safe(f.name)}'"
    return " ".join(clauses), pairs


def table_rows_for(join: LayerJoin, value) -> list[Feature]:
    """The live rows of the join's table whose key equals `value` (one at most for one-to-one)."""
    key = key_text(value)
    if key is None:
        return []
    rows = (
        Feature.objects.live()
        .filter(layer_id=join.table_id)
        .annotate(misto_key=KT(f"properties__{join.table_field}"))
        .filter(misto_key=key)
        .order_by("id")
    )
    return list(rows[:1] if not join.is_many else rows[:1000])


def feature_joined(user, feature: Feature) -> list[dict]:
    """What the popup and the editor show of a feature's joins (read-only)."""
    out = []
    for join in joins_visible_to(user, feature.layer):
        fields = join.table.fields
        rows = table_rows_for(join, (feature.properties or {}).get(join.layer_field))
        out.append(
            {
                "name": join.name,
                "title": join.title,
                "table": join.table.slug,
                "table_title": join.table.title,
                "relation": join.cardinality,
                "key": join.layer_field,
                "table_key": join.table_field,
                "fields": [f.as_dict() | {"title": f.title} for f in fields],
                "rows": [{f.name: r.properties.get(f.name) for f in fields} for r in rows],
            }
        )
    return out


def tables_joinable_q() -> Q:
    return Q(geometry_type=Layer.GeometryType.NONE, deleted_at__isnull=True)
