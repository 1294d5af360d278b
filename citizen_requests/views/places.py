"""The request form's JSON helpers: address suggestions, what is at a place, open requests nearby."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from citizen_requests.selectors.requests import (
    categories_active,
    district_at,
    point_in_city,
    requests_nearby_open_public,
)
from city.addresses import address_at, addresses_suggest


def point_from_query_params(params) -> Point | None:
    try:
        lat, lon = float(params["lat"]), float(params["lon"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Point(lon, lat, srid=4326)


def _point_from_query(request) -> Point | None:
    return point_from_query_params(request.GET)


@require_GET
@cache_control(public=True, max_age=300)
def addresses(request):
    """Suggestions for the address field: streets and building addresses (public), no sheets."""
    q = request.GET.get("q", "")[:100]
    return JsonResponse(
        {"results": [m.as_json() for m in addresses_suggest(q)] if len(q.strip()) >= 2 else []}
    )


@require_GET
def place(request):
    """Is the place in the hromada, and what is it called (the building or street there)?"""
    point = _point_from_query(request)
    if point is None:
        return HttpResponseBadRequest("lat and lon are required")
    if not point_in_city(point):
        return JsonResponse(
            {
                "inside": False,
                "message": _(
                    "This place is outside the Horishni Plavni hromada: the portal cannot accept it."
                ),
            }
        )
    match = address_at(point)
    district = district_at(point)
    return JsonResponse(
        {
            "inside": True,
            "address": match.label if match else "",
            "district": district.name if district else "",
        }
    )


@require_GET
def nearby(request):
    """Open public requests of the category near the place: follow one instead of a duplicate."""
    point = _point_from_query(request)
    category = categories_active().filter(slug=request.GET.get("category", "")).first()
    if point is None or category is None:
        return HttpResponseBadRequest("category, lat and lon are required")
    found = requests_nearby_open_public(category=category, point=point)
    return JsonResponse(
        {
            "radius_m": category.duplicate_radius_m,
            "results": [
                {
                    "number": r.number,
                    "url": reverse("citizen_requests:detail", args=[r.number]),
                    "follow_url": reverse("citizen_requests:follow", args=[r.number]),
                    "category": r.category.name,
                    "icon": r.category.icon,
                    "text": r.text_public[:160],
                    "address": r.address,
                    "status": r.get_status_display(),
                    "distance_m": round(r.distance_m),
                    "followers": r.subscriber_count,
                }
                for r in found
            ],
        }
    )
