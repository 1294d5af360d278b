"""/api/v1/layers/: layers and their features for the map and the editor (JSON, GeoJSON).

Reading follows the layer's visibility (a staff-only layer is 404 for others); writing needs
the right to edit the layer's features and the version the edit is based on.
"""

from __future__ import annotations

import math

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_layers.exceptions import InvalidInput, LayerError, StaleFeature
from gis_layers.joins import feature_joined
from gis_layers.permissions import can_edit_features, can_see_history, ensure
from gis_layers.selectors import (
    feature_for,
    feature_geojson,
    feature_versions,
    features_geojson_text,
    layer_for,
    layer_summary,
    layers_visible_to,
)
from gis_layers.services import feature_create, feature_delete, feature_restore, feature_update

MAX_FEATURES = 5000
GEOJSON = "application/geo+json"
# A layer of the demo city, so that readers of the document (and the fuzz suite) reach real data.
SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, examples=[OpenApiExample("shelters", value="shelters")]
)


def error_response(exc: LayerError) -> Response:
    body = {"code": exc.code, "message": exc.message}
    if isinstance(exc, InvalidInput):
        body["fields"] = exc.errors
    if isinstance(exc, StaleFeature):
        body["current"] = feature_geojson(exc.feature)
        return Response({"error": body}, status=status.HTTP_409_CONFLICT)
    return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)


def _invalid(parameter: str, message: str) -> Response:
    return Response(
        {"error": {"code": "invalid_parameter", "parameter": parameter, "message": message}}, status=400
    )


def _version(data) -> int | None:
    raw = data.get("version")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise LayerError(_("version must be a whole number.")) from None


class LayerListView(APIView):
    """Layers the caller may see (staff also see staff-only layers)."""

    @extend_schema(operation_id="api_v1_layers_list", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"layers": [layer_summary(layer) for layer in layers_visible_to(request.user)]})


class LayerDetailView(APIView):
    @extend_schema(parameters=[SLUG], responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        layer = layer_for(request.user, slug)
        summary = layer_summary(layer)
        summary["can_edit"] = can_edit_features(request.user, layer)
        return Response(summary)


@method_decorator(gzip_page, name="dispatch")
class FeatureListView(APIView):
    """GET: the layer's features as GeoJSON (optionally in a bbox). POST: a new feature."""

    @extend_schema(
        operation_id="api_v1_layers_features_list",
        parameters=[
            SLUG,
            OpenApiParameter(
                "bbox", OpenApiTypes.STR, description="min_lon,min_lat,max_lon,max_lat (WGS 84)"
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"At most this many features (1–{MAX_FEATURES})."
            ),
        ],
        responses={(200, GEOJSON): OpenApiTypes.OBJECT},
    )
    def get(self, request, slug: str):
        layer = layer_for(request.user, slug)
        bbox = None
        if request.query_params.get("bbox"):
            try:
                bbox = tuple(float(v) for v in request.query_params["bbox"].split(","))
                if (
                    len(bbox) != 4
                    or not all(math.isfinite(v) for v in bbox)
                    or bbox[0] > bbox[2]
                    or bbox[1] > bbox[3]
                ):
                    raise ValueError
            except ValueError:
                return _invalid("bbox", _("bbox is four numbers: min_lon,min_lat,max_lon,max_lat."))
        raw = request.query_params.get("limit", str(MAX_FEATURES))
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_FEATURES:
            return _invalid("limit", _("limit must be a whole number from 1 to %(n)d.") % {"n": MAX_FEATURES})
        count, features = features_geojson_text(layer, bbox=bbox, limit=int(raw))
        body = f'{{"type":"FeatureCollection","count":{count},"features":{features}}}'
        response = HttpResponse(body, content_type="application/geo+json")
        response["Cache-Control"] = "private, no-cache" if not layer.is_public else "public, max-age=30"
        return response

    @extend_schema(parameters=[SLUG], request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, slug: str):
        layer = layer_for(request.user, slug)
        try:
            feature = feature_create(
                layer=layer,
                actor=request.user,
                geometry=request.data.get("geometry"),
                properties=request.data.get("properties") or {},
            )
        except LayerError as exc:
            return error_response(exc)
        return Response(feature_geojson(feature), status=status.HTTP_201_CREATED)


class FeatureDetailView(APIView):
    """GET one feature; PUT/PATCH changes it (with the version it is based on); DELETE deletes
    it softly (restore brings it back)."""

    @extend_schema(parameters=[SLUG], responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str, pk: int):
        layer = layer_for(request.user, slug)
        feature = feature_for(layer, pk)
        # The rows of the attribute tables joined to the layer that the caller may see
        # (read-only: the popup and the editor show them).
        return Response(feature_geojson(feature) | {"joined": feature_joined(request.user, feature)})

    @extend_schema(parameters=[SLUG], request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def put(self, request, slug: str, pk: int):
        return self._change(request, slug, pk)

    @extend_schema(parameters=[SLUG], request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def patch(self, request, slug: str, pk: int):
        return self._change(request, slug, pk)

    def _change(self, request, slug, pk):
        layer = layer_for(request.user, slug)
        feature = feature_for(layer, pk)
        try:
            version = _version(request.data)
            if version is None:
                raise LayerError(_("Send the version the change is based on (field “version”)."))
            feature = feature_update(
                feature=feature,
                actor=request.user,
                version=version,
                geometry=request.data.get("geometry"),
                properties=request.data.get("properties"),
            )
        except LayerError as exc:
            return error_response(exc)
        return Response(feature_geojson(feature))

    @extend_schema(
        parameters=[SLUG, OpenApiParameter("version", OpenApiTypes.INT, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def delete(self, request, slug: str, pk: int):
        layer = layer_for(request.user, slug)
        feature = feature_for(layer, pk)
        try:
            version = _version(request.query_params)
            if version is None:
                raise LayerError(_("Send the version the deletion is based on (?version=…)."))
            feature = feature_delete(feature=feature, actor=request.user, version=version)
        except LayerError as exc:
            return error_response(exc)
        return Response(feature_geojson(feature))


class FeatureRestoreView(APIView):
    """Undelete a feature, or bring back one of its earlier versions (history_id)."""

    @extend_schema(parameters=[SLUG], request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, slug: str, pk: int):
        layer = layer_for(request.user, slug)
        feature = feature_for(layer, pk, include_deleted=True)
        try:
            history_id = request.data.get("history_id")
            feature = feature_restore(
                feature=feature,
                actor=request.user,
                history_id=int(history_id) if history_id not in (None, "") else None,
                version=_version(request.data),
            )
        except (TypeError, ValueError):
            return _invalid("history_id", _("history_id must be a whole number."))
        except LayerError as exc:
            return error_response(exc)
        return Response(feature_geojson(feature))


class FeatureHistoryView(APIView):
    """Every version of a feature: who, when, what changed (staff)."""

    @extend_schema(parameters=[SLUG], responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str, pk: int):
        layer = layer_for(request.user, slug)
        ensure(can_see_history(request.user, layer))
        feature = feature_for(layer, pk, include_deleted=True)
        return Response(
            {
                "feature": feature.pk,
                "versions": [
                    {
                        "history_id": r.history_id,
                        "version": r.version,
                        "date": r.history_date.isoformat(),
                        "user": r.history_user.get_username() if r.history_user else None,
                        "kind": r.kind,
                        "reason": r.history_change_reason or "",
                        "changed": r.changed_fields,
                        "properties": r.properties,
                        "deleted": r.deleted_at is not None,
                    }
                    for r in feature_versions(feature)
                ],
            }
        )
