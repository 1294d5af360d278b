"""/api/v1/requests/: GeoJSON for the map and for apps (visibility as everywhere: 404 for what
the caller may not see)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from citizen_requests import permissions
from citizen_requests.api.serializers import RequestDetailSerializer, RequestMapSerializer
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
    if not (minx < maxx and miny < maxy):
        raise ValidationError({"bbox": _("bbox is min_lon,min_lat,max_lon,max_lat")})
    return minx, miny, maxx, maxy


class RequestList(generics.ListAPIView):
    """Requests the caller may see, newest first: `bbox`, `category`, `group`, `status`
    (open, closed or a status), `limit` (≤ 5000)."""

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
        try:
            limit = min(max(int(params.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
        except ValueError:
            raise ValidationError({"limit": _("limit is a number")}) from None
        visible = requests_visible_to(self.request.user, session.grants(self.request))
        return (
            requests_filtered(visible, filters)
            .select_related("category__group")
            .only(
                "number",
                "location",
                "status",
                "visibility",
                "submitted_at",
                "address",
                "category__slug",
                "category__name_uk",
                "category__name_en",
                "category__icon",
                "category__group__colour",
            )  # fmt: skip
            .order_by("-id")[:limit]
        )


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
