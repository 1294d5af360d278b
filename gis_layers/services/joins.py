"""Joining an attribute table to a spatial layer by a key, and undoing it (GIS admins)."""

from __future__ import annotations

import logging
import re

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from gis_layers.exceptions import InvalidLayer
from gis_layers.joins import joined_names
from gis_layers.models import Layer, LayerJoin
from gis_layers.permissions import can_manage_layers, ensure

log = logging.getLogger(__name__)
JOIN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
REPEATS_SHOWN = 5


def _key_index(table: Layer, field: str) -> None:
    """A partial index on the table's key, so each feature finds its rows by index (a 7,000-row
    table joined to 100 features of a page is 100 index probes, not 700,000 comparisons).
    Built CONCURRENTLY after the join commits, so edits never wait for it; the join works without
    it (only slower), so a failure is logged for the administrators rather than shown."""
    name = f"gis_layers_feature_key_{int(table.pk)}_{field}"[:63]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON gis_layers_feature "
                f"((properties->>'{field}')) WHERE layer_id = {int(table.pk)} AND deleted_at IS NULL"
            )
    except DatabaseError:
        log.exception("join key index %s could not be built", name)


def _repeated_keys(table: Layer, field: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT properties->>%s FROM gis_layers_feature WHERE layer_id = %s AND deleted_at IS NULL "
            "AND coalesce(properties->>%s, '') <> '' GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT %s",
            [field, table.pk, field, REPEATS_SHOWN + 1],
        )
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def join_create(
    *,
    actor,
    layer: Layer,
    table: Layer,
    layer_field: str,
    table_field: str,
    cardinality: str = LayerJoin.Cardinality.ONE,
    name: str = "",
    title_uk: str = "",
    title_en: str = "",
) -> LayerJoin:
    """Attach `table`'s rows to `layer`'s features where layer_field = table_field; InvalidLayer
    naming each problem (wrong kinds, unknown fields, clashing names, a one-to-one key that
    repeats in the table)."""
    ensure(can_manage_layers(actor))
    errors: dict[str, str] = {}
    if layer.is_table or layer.deleted_at:
        errors["layer"] = _("Join tables to a live layer with geometry.")
    if not table.is_table or table.deleted_at:
        errors["table"] = _("Only a live attribute table (a layer without geometry) can be joined.")
    name = name or table.slug.replace("-", "_")[:30]
    if not JOIN_NAME.match(name):
        errors["name"] = _("Use 1–30 small Latin letters, digits and _, starting with a letter.")
    if layer_field not in {f.name for f in layer.fields}:
        errors["layer_field"] = _("“%(f)s” is not a field of %(layer)s.") % {
            "f": layer_field,
            "layer": layer.slug,
        }
    if table_field not in {f.name for f in table.fields}:
        errors["table_field"] = _("“%(f)s” is not a field of %(layer)s.") % {
            "f": table_field,
            "layer": table.slug,
        }
    if cardinality not in LayerJoin.Cardinality.values:
        errors["cardinality"] = _("Choose one-to-one or one-to-many.")
    if errors:
        raise InvalidLayer(" ".join(errors.values()), errors)
    join = LayerJoin(
        layer=layer,
        table=table,
        name=name,
        layer_field=layer_field,
        table_field=table_field,
        cardinality=cardinality,
        title_uk=title_uk or table.title_uk,
        title_en=title_en or table.title_en,
        created_by=actor,
    )
    taken = {f.name for f in layer.fields}
    for other in layer.joins.select_related("table"):
        taken.update(joined_names(other))
        taken.add(other.name)
    clash = sorted(set(joined_names(join)) & taken) or ([name] if name in taken else [])
    if clash:
        raise InvalidLayer(
            _("The joined values would be named like existing ones (%(names)s); choose another name.")
            % {"names": ", ".join(clash[:5])},
            {"name": _("is taken")},
        )
    if not join.is_many:
        repeated = _repeated_keys(table, table_field)
        if repeated:
            shown = ", ".join(f"“{v}”" for v in repeated[:REPEATS_SHOWN])
            raise InvalidLayer(
                _(
                    "The key “%(f)s” repeats in the table (%(values)s), so a feature could have several rows: "
                    "choose one-to-many, or another key."
                )
                % {"f": table_field, "values": shown},
                {"cardinality": _("the key is not unique in the table")},
            )
    join.save()
    transaction.on_commit(lambda: _key_index(table, table_field))
    return join


@transaction.atomic
def join_delete(*, actor, join: LayerJoin) -> None:
    """Detach the table; the rows of both layers stay as they are."""
    ensure(can_manage_layers(actor))
    join.delete()
