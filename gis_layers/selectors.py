"""Read queries on GIS layers shared by the pages, the API, the OGC API and the map."""

from __future__ import annotations

import json

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from gis_layers.geojson import features_sql, fetch_one, merge
from gis_layers.models import Feature, Layer
from gis_layers.permissions import can_view_layer, is_staff


def layers_visible_to(user) -> QuerySet[Layer]:
    """Live layers this person may see: public ones, and staff-only ones for staff."""
    layers = Layer.objects.live()
    if not is_staff(user):
        layers = layers.filter(visibility=Layer.Visibility.PUBLIC)
    return layers.order_by("order", "title_uk")


def layers_with_counts(user) -> QuerySet[Layer]:
    return layers_visible_to(user).annotate(
        feature_count=Count("features", filter=Q(features__deleted_at__isnull=True))
    )


def layer_for(user, slug: str, *, include_deleted: bool = False) -> Layer:
    """The layer, or Http404 when it does not exist or this person may not see it (a
    staff-only layer does not exist for visitors: its name is not confirmed either)."""
    layer = Layer.objects.filter(slug=slug).first()
    if layer is None or not can_view_layer(user, layer) or (layer.deleted_at and not include_deleted):
        raise Http404(_("There is no layer “%(slug)s”.") % {"slug": slug})
    return layer


def feature_for(layer: Layer, pk, *, include_deleted: bool = False) -> Feature:
    features = Feature.objects.filter(layer=layer)
    if not include_deleted:
        features = features.live()
    feature = features.filter(pk=pk).first() if str(pk).isdigit() else None
    if feature is None:
        raise Http404(_("Layer “%(slug)s” has no feature %(id)s.") % {"slug": layer.slug, "id": pk})
    return feature


def feature_geojson(feature: Feature) -> dict:
    """One feature as GeoJSON, built by PostgreSQL like every list (gis_layers.geojson), with
    its version (for optimistic locking), last change and deletion as foreign members."""
    row = Feature.objects.filter(pk=feature.pk).values(
        "id", "geometry", "properties", "version", "updated_at", "deleted_at"
    )
    members = {
        "version": "p.version",
        "updated_at": "to_json(p.updated_at)",
        "deleted": "p.deleted_at IS NOT NULL",
    }
    (text,) = fetch_one(*features_sql(row, geometry="geometry", properties="p.properties", members=members))
    return json.loads(text)[0]


def features_geojson_text(
    layer: Layer, *, bbox: tuple[float, float, float, float] | None, limit: int
) -> tuple[int, str]:
    """(count in the box, JSON text of up to `limit` features) built by PostgreSQL."""
    params: dict = {"layer": layer.pk, "limit": limit}
    where = "f.layer_id = %(layer)s AND f.deleted_at IS NULL"
    if bbox is not None:
        where += " AND f.geometry && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)"
        params.update(minx=bbox[0], miny=bbox[1], maxx=bbox[2], maxy=bbox[3])
    page = (
        f"SELECT f.id, f.geometry, f.properties, f.version FROM gis_layers_feature f WHERE {where} ORDER BY f.id LIMIT %(limit)s",
        params,
    )
    count, text = fetch_one(
        *merge(
            (f"SELECT count(*) FROM gis_layers_feature f WHERE {where}", params),
            features_sql(
                page, geometry="geometry", properties="p.properties", members={"version": "p.version"}
            ),
        )
    )
    return count, text


def layer_summary(layer: Layer) -> dict:
    """What a client needs to draw and edit a layer: titles, fields, style, links."""
    return {
        "slug": layer.slug,
        "title": layer.title,
        "title_uk": layer.title_uk,
        "title_en": layer.title_en,
        "description": layer.description,
        "geometry_type": layer.geometry_type,
        "visibility": layer.visibility,
        "fields": [f.as_dict() | {"title": f.title} for f in layer.fields],
        "schema": layer.schema,
        "style": layer.style,
        "source": layer.source,
        "licence": layer.licence,
        "updated_at": layer.updated_at.isoformat(),
        "tiles": reverse("layer-tile", args=[layer.slug, 0, 0, 0]).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt"),
        "features": reverse("api-layer-features", args=[layer.slug]),
    }


def feature_versions(feature: Feature) -> list:
    """The feature's history, newest first, each with who, when, what kind of change and
    which properties differ from the version before."""
    records = list(feature.history.select_related("history_user").order_by("-history_date", "-history_id"))
    for newer, older in zip(records, records[1:] + [None], strict=True):
        newer.changed_fields = _diff(older, newer)
        newer.kind = _kind(older, newer)
    return records


def _kind(older, newer) -> str:
    if older is None:
        return "created"
    if newer.deleted_at and not older.deleted_at:
        return "deleted"
    if older.deleted_at and not newer.deleted_at:
        return "restored"
    return "changed"


def _diff(older, newer) -> list[str]:
    if older is None:
        return sorted(newer.properties)
    names = set(older.properties) | set(newer.properties)
    changed = sorted(n for n in names if older.properties.get(n) != newer.properties.get(n))
    if (
        older.geometry is not None
        and newer.geometry is not None
        and not older.geometry.equals_exact(newer.geometry, 1e-9)
    ):
        changed.insert(0, "geometry")
    return changed
