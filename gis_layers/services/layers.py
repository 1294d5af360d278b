"""Creating and changing layers: settings, attribute schema, style, editors; soft deletion.

A schema change is checked against every live feature first: values are converted to the new
field types where that is unambiguous ("12" → 12), renamed fields carry their values, removed
fields drop theirs (still in the history), and if any feature would not fit, nothing changes
and the first problems are named.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from gis_layers.exceptions import InvalidLayer, LayerError
from gis_layers.history import history_record
from gis_layers.models import GEOMETRY_FAMILIES, Feature, Layer
from gis_layers.permissions import can_create_layer, can_manage_layers, ensure
from gis_layers.schema import FieldSpec, SchemaError, fields_from_schema, properties_clean, schema_from_fields
from gis_layers.styles import style_clean

SETTINGS = (
    "title_uk",
    "title_en",
    "description_uk",
    "description_en",
    "visibility",
    "order",
    "source",
    "licence",
)
PROBLEMS_SHOWN = 10


def _schema_and_style(fields: list[FieldSpec], style: dict | None) -> tuple[dict, dict]:
    try:
        schema = schema_from_fields(fields)
    except SchemaError as exc:
        raise InvalidLayer(
            _("The fields cannot be saved: %(p)s") % {"p": " ".join(exc.problems)},
            {"fields": " ".join(exc.problems)},
        ) from None
    try:
        clean_style = style_clean(style or {}, fields)
    except SchemaError as exc:
        raise InvalidLayer(
            _("The style cannot be saved: %(p)s") % {"p": " ".join(exc.problems)},
            {"style": " ".join(exc.problems)},
        ) from None
    return schema, clean_style


def _full_clean(layer: Layer, exclude=()) -> None:
    try:
        layer.full_clean(exclude=["schema", "style", *exclude])
    except ValidationError as exc:
        errors = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise InvalidLayer(" ".join(errors.values()), errors) from None


@transaction.atomic
def layer_create(
    *,
    actor,
    slug: str,
    title_uk: str,
    geometry_type: str,
    fields: list[FieldSpec],
    style: dict | None = None,
    title_en: str = "",
    description_uk: str = "",
    description_en: str = "",
    visibility: str = Layer.Visibility.STAFF,
    order: int = 100,
    source: str = "",
    licence: str = "",
    editors=(),
) -> Layer:
    """A new layer, created by a GIS admin; empty until features are drawn or imported."""
    ensure(can_create_layer(actor))
    schema, clean_style = _schema_and_style(fields, style)
    layer = Layer(
        slug=slug,
        title_uk=title_uk,
        title_en=title_en,
        description_uk=description_uk,
        description_en=description_en,
        geometry_type=geometry_type,
        schema=schema,
        style=clean_style,
        visibility=visibility,
        order=order,
        source=source,
        licence=licence,
        created_by=actor,
        updated_by=actor,
    )
    _full_clean(layer)
    layer._history_user = actor
    layer._change_reason = "created"
    layer.save()
    if editors:
        layer.editors.set(editors)
    return layer


@transaction.atomic
def layer_update(
    *,
    layer: Layer,
    actor,
    fields: list[FieldSpec] | None = None,
    renames: dict[str, str] | None = None,
    style: dict | None = None,
    geometry_type: str | None = None,
    editors=None,
    **settings,
) -> Layer:
    """Change settings, schema, style or editors (GIS admins). The slug never changes."""
    ensure(can_manage_layers(actor))
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise LayerError(
            _("These settings cannot be changed: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    layer = Layer.objects.select_for_update().get(pk=layer.pk)
    for key, value in settings.items():
        setattr(layer, key, value)
    new_fields = fields if fields is not None else layer.fields
    schema, clean_style = _schema_and_style(new_fields, style if style is not None else layer.style)
    if geometry_type and geometry_type != layer.geometry_type:
        to_table = geometry_type == Layer.GeometryType.NONE
        if to_table != layer.is_table and (
            layer.features.live().exists() or layer.joins.exists() or layer.joined_to.exists()
        ):
            raise InvalidLayer(
                _("A layer with features or joins cannot change between a map layer and an attribute table."),
                {"geometry_type": _("features or joins exist")},
            )
        families = GEOMETRY_FAMILIES.get(geometry_type, ())
        misfits = layer.features.live().exclude(geometry__isnull=True)
        misfits = [f for f in misfits.only("id", "geometry")[:100000] if f.geometry.geom_type not in families]
        if misfits:
            raise InvalidLayer(
                _("%(n)d features of the layer are not %(kind)s (e.g. #%(id)s); the geometry type stays.")
                % {"n": len(misfits), "kind": geometry_type, "id": misfits[0].pk},
                {"geometry_type": _("features of another kind exist")},
            )
        layer.geometry_type = geometry_type
    changed_schema = fields is not None and schema != layer.schema
    layer.schema, layer.style = schema, clean_style
    layer.updated_by = actor
    _full_clean(layer, exclude=["slug"])
    if changed_schema or renames:
        _migrate_properties(layer, new_fields, renames or {}, actor)
    layer._history_user = actor
    layer._change_reason = "changed"
    layer.save()
    if editors is not None:
        layer.editors.set(editors)
    return layer


def _migrate_properties(layer: Layer, fields: list[FieldSpec], renames: dict[str, str], actor) -> None:
    names = {f.name for f in fields}
    problems, changed = [], []
    for pk, props in (
        Feature.objects.live().filter(layer=layer).order_by("id").values_list("id", "properties")
    ):
        moved = dict(props)
        for old, new in renames.items():
            if old in moved and old != new:
                moved[new] = moved.pop(old)
        kept = {k: v for k, v in moved.items() if k in names}
        clean, errors = properties_clean(fields, kept)
        if errors:
            if len(problems) < PROBLEMS_SHOWN:
                problems.append(
                    _("feature #%(id)s: %(errors)s")
                    % {"id": pk, "errors": "; ".join(f"{k} {v}" for k, v in errors.items())}
                )
            else:
                problems.append(None)
            continue
        if clean != props:
            changed.append((pk, json.dumps(clean, ensure_ascii=False)))
    if problems:
        shown = [p for p in problems if p]
        more = len(problems) - len(shown)
        text = "; ".join(shown) + (_(" … and %(n)d more") % {"n": more} if more else "")
        raise InvalidLayer(
            _("The new fields do not fit %(n)d existing features, so nothing was changed: %(list)s")
            % {"n": len(problems), "list": text},
            {"fields": text},
        )
    if not changed:
        return
    with connection.cursor() as cursor:
        execute_values(
            cursor,
            "UPDATE gis_layers_feature f SET properties = v.props::jsonb, version = f.version + 1, "
            f"updated_at = now(), updated_by_id = {int(actor.pk)} "
            "FROM (VALUES %s) AS v(id, props) WHERE f.id = v.id",
            changed,
            page_size=1000,
        )
    ids = [pk for pk, _props in changed]
    history_record(
        where="f.id = ANY(%s)", params=[ids], history_type="~", user_id=actor.pk, reason="schema changed"
    )


@transaction.atomic
def layer_delete(*, layer: Layer, actor) -> Layer:
    """Delete softly: the layer and its features vanish from maps, API and downloads, and a
    GIS admin can restore it with everything in it."""
    ensure(can_manage_layers(actor))
    layer.deleted_at = timezone.now()
    layer.deleted_by = actor
    layer._history_user = actor
    layer._change_reason = "deleted"
    layer.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return layer


@transaction.atomic
def layer_restore(*, layer: Layer, actor) -> Layer:
    ensure(can_manage_layers(actor))
    layer.deleted_at = None
    layer.deleted_by = None
    layer._history_user = actor
    layer._change_reason = "restored"
    layer.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return layer


def layer_fields(layer: Layer) -> list[FieldSpec]:
    return fields_from_schema(layer.schema)
