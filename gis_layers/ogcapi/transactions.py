# Over 400 lines: OGC API – Features Part 4 in one place: its two resources with their locking, body and CRS parsing.
"""/ogcapi/ writes: OGC API – Features – Part 4 (Create, Replace, Update, Delete) on GIS layers.

- POST /collections/{id}/items creates a feature (201, Location, ETag); PUT …/items/{fid}
  replaces it; PATCH merges a JSON merge patch (RFC 7396) of its properties and/or geometry;
  DELETE deletes it softly (204; the history keeps it and staff can restore it).
- Who: those who may edit the layer's features (gis_layers/permissions.py), logged in by a
  personal API token (core/auth.py: HTTP Basic with the token as the password, or Bearer) or by
  the browser session with its CSRF token. A layer the caller may not see is 404, one they may
  see but not edit 403; the apps' own collections (facilities, buildings) are read-only (405).
- Optimistic locking with ETags: GET of an item answers an ETag naming the feature's version; a
  write with If-Match is refused with 412 when the feature changed since. If-Match is optional,
  as in the standard: QGIS does not send it, and every edit is kept in the history anyway.
- Every change goes through gis_layers.services (schema validation, geometry checks, history
  with who and when) exactly as an edit in the portal's own editor does; invalid values are
  400 with an OGC exception naming each field.
- Geometry comes in CRS84 (longitude, latitude) or, with a Content-Crs header, in EPSG:4326
  (latitude, longitude), EPSG:3857 or EPSG:32636.

GET and HEAD of these two resources are answered by views.ItemsView and views.ItemView.
"""

from __future__ import annotations

import json
import re

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gis_layers.exceptions import InvalidInput, LayerError
from gis_layers.models import Feature
from gis_layers.ogcapi import views
from gis_layers.ogcapi.collections import Collection, collection_for
from gis_layers.ogcapi.openapi_part4 import CONTENT_CRS, CRS84, GEOJSON, MERGE_PATCH
from gis_layers.permissions import can_edit_features
from gis_layers.services import feature_create, feature_delete, feature_update
from gis_layers.services.features import feature_lock

FEATURE_MEDIA = {GEOJSON, "application/json"}
PATCH_MEDIA = {MERGE_PATCH, GEOJSON, "application/json"}
READ_METHODS = ["GET", "HEAD", "OPTIONS"]

ETAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')


class Refusal(Exception):
    """An answer other than success, as an OGC exception (`fields`: field -> reason)."""

    def __init__(self, status: int, code: str, description: str, *, fields=None, allow=None):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description
        self.fields, self.allow = fields, allow

    def response(self) -> JsonResponse:
        body = {"code": self.code, "description": self.description}
        if self.fields:
            body["fields"] = self.fields
        response = JsonResponse(body, status=self.status, json_dumps_params={"ensure_ascii": False})
        if self.allow:
            response["Allow"] = ", ".join(self.allow)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="Misto API"'
        return response


def etag(feature_id: int, version: int) -> str:
    """The strong ETag of a feature's JSON: its id and version (every save adds one to the
    version, including imports and schema changes, so equal ETags mean equal content)."""
    return f'"{feature_id}-{version}"'


def _if_match(request) -> list[str] | None:
    """The entity tags of If-Match (None: no header; ["*"]: any current version). Weak tags
    never match: If-Match compares strongly (RFC 9110, 13.1.1)."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    if raw.strip() == "*":
        return ["*"]
    tags, pos = [], 0
    while pos < len(raw):
        match = ETAG.match(raw, pos)
        if not match or match.end() == pos:
            raise Refusal(
                400, "InvalidParameterValue", _("If-Match must be “*” or a list of quoted entity tags.")
            )
        if not match.group(1):
            tags.append(f'"{match.group(2)}"')
        pos = match.end()
    return tags


# -- the request's parts ------------------------------------------------------------------------


def _collection(request, collection_id: str, allow: list[str]) -> Collection:
    c = collection_for(request.user, collection_id)
    if c is None:
        raise Refusal(404, "NotFound", _("There is no collection “%(id)s”.") % {"id": collection_id})
    if c.layer is None and request.method not in READ_METHODS:
        raise Refusal(
            405,
            "MethodNotAllowed",
            _("The collection “%(id)s” is read-only here; it is kept in the portal's own pages.")
            % {"id": c.id},
            allow=READ_METHODS,
        )
    return c


def _editor(request, c: Collection) -> None:
    if not request.user.is_authenticated:
        raise Refusal(
            401,
            "NotAuthenticated",
            _("Log in with a personal API token (HTTP Basic with the token as the password, or Bearer)."),
        )
    if not can_edit_features(request.user, c.layer):
        raise Refusal(
            403, "Forbidden", _("You may read “%(id)s” but not change its features.") % {"id": c.id}
        )


def _feature(c: Collection, feature_id: str) -> Feature:
    feature = None
    if feature_id.isdigit() and len(feature_id) < 19:
        feature = Feature.objects.filter(layer=c.layer, pk=int(feature_id), deleted_at__isnull=True).first()
    if feature is None:
        raise Refusal(
            404, "NotFound", _("Collection “%(c)s” has no feature %(id)s.") % {"c": c.id, "id": feature_id}
        )
    return feature


def _body(request, media: set[str]) -> dict:
    content_type = (request.content_type or "").lower()
    if content_type not in media:
        raise Refusal(
            415,
            "UnsupportedMediaType",
            _("Send the body as %(types)s.") % {"types": ", ".join(sorted(media))},
        )
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        raise Refusal(400, "InvalidParameterValue", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refusal(400, "InvalidParameterValue", _("The request body must be a JSON object ({…})."))
    return data


def _content_crs(request) -> tuple[int, bool]:
    raw = request.headers.get("Content-Crs", "").strip()
    if not raw:
        return 4326, False
    uri = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
    if uri not in CONTENT_CRS:
        raise Refusal(
            400,
            "InvalidParameterValue",
            _("Content-Crs %(crs)s is not supported; use one of: %(known)s.")
            % {"crs": raw[:200], "known": ", ".join(f"<{u}>" for u in CONTENT_CRS)},
        )
    return CONTENT_CRS[uri]


def _geometry(request, value):
    """The GeoJSON geometry of the body as a GEOS geometry with its SRID (checked further by
    the service), or the value itself when it is not an object (the service explains)."""
    if not isinstance(value, dict):
        return value
    srid, lat_lon = _content_crs(request)
    try:
        geometry = GEOSGeometry(json.dumps(value))
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise Refusal(
            400,
            "InvalidParameterValue",
            _("The geometry cannot be read."),
            fields={"geometry": _("is not GeoJSON geometry (%(e)s)") % {"e": str(exc)[:200]}},
        ) from None
    if lat_lon:
        import shapely

        swapped = shapely.transform(shapely.from_wkb(bytes(geometry.wkb)), lambda xy: xy[:, ::-1])
        geometry = GEOSGeometry(memoryview(shapely.to_wkb(swapped)))
    geometry.srid = srid
    return geometry


def _check_feature(data: dict, feature_id: str | None) -> None:
    if data.get("type") != "Feature":
        raise Refusal(
            400,
            "InvalidParameterValue",
            _('Send one GeoJSON Feature ({"type": "Feature", "geometry": …, "properties": …}).'),
            fields={"type": _("must be “Feature”")},
        )
    if feature_id is not None and "id" in data and str(data["id"]) != feature_id:
        raise Refusal(
            400,
            "InvalidParameterValue",
            _("The body's id %(body)s is not the feature %(id)s of the address.")
            % {"body": str(data["id"])[:40], "id": feature_id},
            fields={"id": _("must be %(id)s or left out") % {"id": feature_id}},
        )
    properties = data.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise Refusal(
            400,
            "InvalidParameterValue",
            _("properties must be an object."),
            fields={"properties": _("must be an object")},
        )


def merge_patch(target, patch):
    """RFC 7396 JSON Merge Patch: members of `patch` replace those of `target`, null removes."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# -- answers ------------------------------------------------------------------------------------


def _item_url(request, c: Collection, pk: int) -> str:
    return request.build_absolute_uri(reverse("ogc-item", args=[c.id, str(pk)]))


def _feature_response(request, c: Collection, feature: Feature, status: int) -> HttpResponse:
    text = c.item(feature.pk)
    data = json.loads(text) if text else {"type": "Feature", "id": feature.pk}
    data["links"] = [
        {"href": _item_url(request, c, feature.pk), "rel": "self", "type": GEOJSON, "title": str(c.title)},
    ]
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=GEOJSON, status=status)
    response["ETag"] = etag(feature.pk, feature.version)
    response["Cache-Control"] = "no-store"
    response["Content-Crs"] = f"<{CRS84}>"
    return response


def _refused_edit(exc: LayerError) -> Refusal:
    if isinstance(exc, InvalidInput):
        return Refusal(400, "InvalidParameterValue", exc.message, fields=exc.errors)
    return Refusal(409, "Conflict", exc.message)


def _locked_current(feature: Feature, tags: list[str] | None) -> Feature:
    """The feature, locked for this transaction; 412 when If-Match names another version."""
    current = feature_lock(feature, None)
    if current.deleted_at is not None:
        raise Refusal(404, "NotFound", _("This feature has been deleted."))
    if tags is not None and tags != ["*"] and etag(current.pk, current.version) not in tags:
        raise Refusal(
            412,
            "PreconditionFailed",
            _(
                "The feature was changed after you read it (it is now version %(v)d). "
                "Read it again and make your change on top of it."
            )
            % {"v": current.version},
        )
    return current


# -- the two resources --------------------------------------------------------------------------


class _Resource(View):
    http_method_names = ["get", "head", "options", "post", "put", "patch", "delete"]
    write_methods: list[str] = []

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Refusal as exc:
            return exc.response()
        except PermissionDenied as exc:
            return Refusal(403, "Forbidden", str(exc) or _("You may not do this.")).response()

    def http_method_not_allowed(self, request, *args, **kwargs):
        c = _collection(request, kwargs["collection_id"], READ_METHODS)
        allowed = self._allowed(request, c)
        raise Refusal(
            405,
            "MethodNotAllowed",
            _("%(method)s is not allowed here; allowed: %(allowed)s.")
            % {"method": request.method[:10], "allowed": ", ".join(allowed)},
            allow=allowed,
        )

    def _allowed(self, request, c: Collection) -> list[str]:
        if c.layer is not None and can_edit_features(request.user, c.layer):
            return READ_METHODS + self.write_methods
        return list(READ_METHODS)

    def options(self, request, collection_id: str, **kwargs):
        """The methods this caller may use here (QGIS asks before it offers editing)."""
        c = _collection(request, collection_id, READ_METHODS)
        response = HttpResponse(status=204)
        response["Allow"] = ", ".join(self._allowed(request, c))
        response["Cache-Control"] = "private, no-store"
        return response


class ItemsResource(_Resource):
    """/collections/{id}/items: GET lists (views.ItemsView), POST creates one feature."""

    write_methods = ["POST"]

    def get(self, request, collection_id: str):
        return views.ItemsView.as_view()(request, collection_id=collection_id)

    def post(self, request, collection_id: str):
        c = _collection(request, collection_id, READ_METHODS)
        _editor(request, c)
        data = _body(request, FEATURE_MEDIA)
        _check_feature(data, None)
        try:
            feature = feature_create(
                layer=c.layer,
                actor=request.user,
                geometry=_geometry(request, data.get("geometry")),
                properties=data.get("properties") or {},
            )
        except LayerError as exc:
            raise _refused_edit(exc) from None
        response = _feature_response(request, c, feature, 201)
        response["Location"] = _item_url(request, c, feature.pk)
        return response


class ItemResource(_Resource):
    """/collections/{id}/items/{featureId}: GET (views.ItemView, with an ETag), PUT, PATCH, DELETE."""

    write_methods = ["PUT", "PATCH", "DELETE"]

    def get(self, request, collection_id: str, feature_id: str):
        tag = None
        c = collection_for(request.user, collection_id)
        if c is not None and c.layer is not None and feature_id.isdigit() and len(feature_id) < 19:
            # Read before the feature itself: if a save lands in between, the tag is the older
            # one and a write based on it is refused, never the other way round.
            version = (
                Feature.objects.filter(layer=c.layer, pk=int(feature_id), deleted_at__isnull=True)
                .values_list("version", flat=True)
                .first()
            )
            if version is not None:
                tag = etag(int(feature_id), version)
                if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
                    response = HttpResponse(status=304)
                    response["ETag"] = tag
                    return response
        response = views.ItemView.as_view()(request, collection_id=collection_id, feature_id=feature_id)
        if tag and response.status_code == 200 and not response["Content-Type"].startswith("text/html"):
            response["ETag"] = tag
        return response

    def put(self, request, collection_id: str, feature_id: str):
        c = _collection(request, collection_id, READ_METHODS)
        _editor(request, c)
        feature = _feature(c, feature_id)
        data = _body(request, FEATURE_MEDIA)
        _check_feature(data, feature_id)
        return self._save(request, c, feature, data, replace=True)

    def patch(self, request, collection_id: str, feature_id: str):
        c = _collection(request, collection_id, READ_METHODS)
        _editor(request, c)
        feature = _feature(c, feature_id)
        patch = _body(request, PATCH_MEDIA)
        if "type" in patch and patch["type"] != "Feature":
            raise Refusal(
                400, "InvalidParameterValue", _("type can only be “Feature”."), fields={"type": "Feature"}
            )
        _check_feature({"type": "Feature", **patch}, feature_id)
        return self._save(request, c, feature, patch, replace=False)

    def _save(self, request, c: Collection, feature: Feature, data: dict, *, replace: bool):
        tags = _if_match(request)
        try:
            with transaction.atomic():
                current = _locked_current(feature, tags)
                if replace:
                    geometry, properties = data.get("geometry"), data.get("properties") or {}
                else:
                    # The merge patch applies to the stored feature (RFC 7396), so a property set
                    # to null is removed and the rest stay as they are.
                    if "geometry" in data and data["geometry"] is None:
                        raise Refusal(
                            400,
                            "InvalidParameterValue",
                            _("A feature of this layer needs a geometry; it cannot be removed."),
                            fields={"geometry": _("is required")},
                        )
                    geometry = data.get("geometry")
                    if isinstance(geometry, dict):
                        geometry = merge_patch(json.loads(current.geometry.geojson), geometry)
                    properties = None
                    if "properties" in data:
                        properties = merge_patch(current.properties, data["properties"] or {})
                        if data["properties"] is None:
                            properties = {}
                if replace and geometry is None:
                    raise Refusal(
                        400,
                        "InvalidParameterValue",
                        _("A feature needs a geometry."),
                        fields={"geometry": _("is required")},
                    )
                saved = feature_update(
                    feature=current,
                    actor=request.user,
                    version=current.version,
                    geometry=_geometry(request, geometry) if geometry is not None else None,
                    properties=properties,
                )
        except LayerError as exc:
            raise _refused_edit(exc) from None
        return _feature_response(request, c, saved, 200)

    def delete(self, request, collection_id: str, feature_id: str):
        c = _collection(request, collection_id, READ_METHODS)
        _editor(request, c)
        feature = _feature(c, feature_id)
        tags = _if_match(request)
        try:
            with transaction.atomic():
                current = _locked_current(feature, tags)
                feature_delete(feature=current, actor=request.user, version=current.version)
        except LayerError as exc:
            raise _refused_edit(exc) from None
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        return response
