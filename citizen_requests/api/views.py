"""/api/v1/requests/: GeoJSON for the map and for apps (visibility as everywhere: 404 for what
the caller may not see)."""

from __future__ import annotations

import math

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from citizen_requests import permissions
from citizen_requests.api.serializers import RequestDetailSerializer, RequestMapSerializer
from citizen_requests.selectors.geojson import map_geojson, request_feature
from citizen_requests.selectors.requests import (
    RequestFilters,
    request_get_visible,
    requests_filtered,
    requests_visible_to,
)
from citizen_requests.views import session

DEFAULT_LIMIT, MAX_LIMIT = 1000, 5000


def _bbox(value: str) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in value.split(","))
    except ValueError:
        raise ValidationError({"bbox": _("bbox is min_lon,min_lat,max_lon,max_lat")}) from None
    if not (minx < maxx and miny < maxy) or not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        raise ValidationError({"bbox": _("bbox is min_lon,min_lat,max_lon,max_lat")})
    return minx, miny, maxx, maxy


@extend_schema(responses={(200, "application/geo+json"): RequestMapSerializer(many=True)})
class RequestList(generics.ListAPIView):
    """Requests the caller may see, newest first: `bbox`, `category`, `group`, `status`
    (open, closed or a status), `limit` (≤ 5000). Each feature as RequestMapSerializer."""

    serializer_class = RequestMapSerializer
    pagination_class = None

    def get_queryset(self):
        params = self.request.query_params
        filters = RequestFilters(
            category=params.get("category", "")[:50],
            group=params.get("group", "")[:50],
            status=params.get("status", "")[:20],
            bbox=_bbox(params.get("bbox", "")),
        )
        visible = requests_visible_to(self.request.user, session.grants(self.request))
        return requests_filtered(visible, filters).order_by("-id")

    def list(self, request, *args, **kwargs):
        """GeoJSON built by PostgreSQL from the visible, filtered rows (a map asks for thousands
        of points; a model object and a serializer pass for each was the slowest part)."""
        try:
            limit = min(max(int(request.query_params.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
        except ValueError:
            raise ValidationError({"limit": _("limit is a number")}) from None
        english = (get_language() or "uk").startswith("en")
        body = map_geojson(self.get_queryset(), limit=limit, english=english)
        return HttpResponse(body, content_type="application/geo+json")


@extend_schema(responses={(200, "application/geo+json"): RequestDetailSerializer})
class RequestDetail(generics.RetrieveAPIView):
    """One request the caller may see (404 otherwise) as a GeoJSON feature built by PostgreSQL,
    like the map's list."""

    serializer_class = RequestDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        grants = session.grants(request)
        found = request_get_visible(user=request.user, number=self.kwargs["number"], grants=grants)
        if found is None:
            raise Http404(_("No request with this number."))
        body = request_feature(
            found,
            personal=permissions.can_see_personal_data(request.user, found, grants),
            english=(get_language() or "uk").startswith("en"),
        )
        return HttpResponse(body, content_type="application/geo+json")
