"""/api/v1/requests/: GeoJSON for the map and for apps (visibility as everywhere: 404 for what
the caller may not see)."""

from __future__ import annotations

import math

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from citizen_requests import permissions
from citizen_requests.api.serializers import RequestDetailSerializer, RequestMapSerializer
from citizen_requests.models import Request
from citizen_requests.selectors.requests import (
    RequestFilters,
    map_rows,
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
        """The serializer's GeoJSON built from plain rows: a map asks for thousands of points,
        and a model object (and a serializer pass) for each was the slowest part of the call."""
        try:
            limit = min(max(int(request.query_params.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
        except ValueError:
            raise ValidationError({"limit": _("limit is a number")}) from None
        english = (get_language() or "uk").startswith("en")
        statuses = {value: str(label) for value, label in Request.Status.choices}
        url = reverse("citizen_requests:detail", args=["0000-000000"]).replace("0000-000000", "{}")
        features = [
            {
                "id": r["number"],
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(r["lon"], 6), round(r["lat"], 6)]},
                "properties": {
                    "category": r["category__slug"],
                    "category_name": (r["category__name_en"] if english else "") or r["category__name_uk"],
                    "icon": r["category__icon"],
                    "colour": r["category__group__colour"],
                    "status": r["status"],
                    "status_label": statuses.get(r["status"], r["status"]),
                    "visibility": r["visibility"],
                    "submitted_at": timezone.localtime(r["submitted_at"]).isoformat()
                    if r["submitted_at"]
                    else None,
                    "address": r["address"],
                    "url": url.format(r["number"]),
                },
            }
            for r in map_rows(self.get_queryset())[:limit]
        ]
        return Response({"type": "FeatureCollection", "features": features})


class RequestDetail(generics.RetrieveAPIView):
    serializer_class = RequestDetailSerializer

    def get_object(self):
        grants = session.grants(self.request)
        found = request_get_visible(user=self.request.user, number=self.kwargs["number"], grants=grants)
        if found is None:
            raise Http404(_("No request with this number."))
        self.personal = permissions.can_see_personal_data(self.request.user, found, grants)
        return found

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "personal": getattr(self, "personal", False)}
