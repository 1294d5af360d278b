"""/api/v1/facilities/ (and nearest/), /api/v1/categories/ and /api/v1/search/."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from city.address_language import address_in_language
from facilities.api.serializers import (
    CategoryTreeSerializer,
    FacilityDetailSerializer,
    FacilityListFeatureSerializer,
)
from facilities.filters import InvalidParameter, page_params, parse_facility_filter
from facilities.nearest import facilities_nearest, nearest_query
from facilities.search import DEFAULT_LIMIT, places_search
from facilities.search import MAX_QUERY_LENGTH as MAX_SEARCH_LENGTH
from facilities.selectors import category_groups_with_counts, facilities_public
from facilities.sql import facilities_geojson_page, facility_feature

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
MAX_SEARCH_LIMIT = 50
MAX_NEAREST_LIMIT = 20

FILTER_PARAMETERS = [
    OpenApiParameter("bbox", OpenApiTypes.STR, description="min_lon,min_lat,max_lon,max_lat (WGS 84), e.g. 33.60,48.99,33.68,49.03"),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category or group slugs, comma-separated (see /api/v1/categories/)."),
    OpenApiParameter("district", OpenApiTypes.STR, description="District id, e.g. district-centre."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text search in Ukrainian or English names, address and operator; case and apostrophes (' ’ ʼ) do not matter."),
    OpenApiParameter("open_now", OpenApiTypes.BOOL, description="Only facilities open right now (Europe/Kyiv)."),
    OpenApiParameter("lat", OpenApiTypes.NUMBER, description="Latitude of a point: results are ordered by distance and carry distance_m."),
    OpenApiParameter("lon", OpenApiTypes.NUMBER, description="Longitude of the point."),
    OpenApiParameter("radius", OpenApiTypes.NUMBER, description="With lat/lon: only within this many metres (1–50000)."),
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"Features per page (1–{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE})."),
    OpenApiParameter("lang", OpenApiTypes.STR, enum=["uk", "en"], description="Language of names (default uk)."),
    OpenApiParameter("properties", OpenApiTypes.STR, enum=["all", "minimal"], description="minimal: only name and category (for drawing markers); default all."),
]  # fmt: skip


def _properties_param(params) -> bool:
    value = params.get("properties", "all")
    if value not in ("all", "minimal"):
        raise InvalidParameter("properties", _("properties must be “all” or “minimal”."))
    return value == "minimal"


@method_decorator(gzip_page, name="dispatch")
class FacilityListView(APIView):
    """Public facilities as a GeoJSON FeatureCollection, filtered and paged."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/geo+json"): FacilityListFeatureSerializer(many=True)},
    )
    def get(self, request):
        try:
            f = parse_facility_filter(request.query_params)
            page, page_size = page_params(
                request.query_params, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE
            )
            minimal = _properties_param(request.query_params)
        except InvalidParameter as exc:
            return Response(exc.as_dict(), status=400)
        count, features = facilities_geojson_page(
            f,
            district_id=f.district_id,
            english=(get_language() or "uk").startswith("en"),
            limit=page_size,
            offset=(page - 1) * page_size,
            minimal=minimal,
        )
        next_link = self._link(request, page + 1) if page * page_size < count else None
        previous_link = self._link(request, page - 1) if page > 1 else None
        # The features are PostgreSQL's JSON text, put in place without parsing it again.
        body = (
            f'{{"type":"FeatureCollection","count":{count},"page":{page},"page_size":{page_size},'
            f'"next":{json.dumps(next_link)},"previous":{json.dumps(previous_link)},"features":{features}}}'
        )
        response = HttpResponse(body, content_type="application/geo+json")
        response["Cache-Control"] = "public, max-age=60"
        return response

    @staticmethod
    def _link(request, page: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class FacilityDetailView(APIView):
    """One public facility, with its structured opening hours (a GeoJSON feature built by
    PostgreSQL, like the list's)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/geo+json"): FacilityDetailSerializer})
    def get(self, request, pk: int):
        body = facility_feature(
            facilities_public(),
            pk,
            english=(get_language() or "uk").startswith("en"),
            media_url=request.build_absolute_uri(settings.MEDIA_URL),
        )
        if body is None:
            raise Http404(_("No facility with this number."))
        return HttpResponse(body, content_type="application/geo+json")


@method_decorator(gzip_page, name="dispatch")
class CategoryListView(ListAPIView):
    """The public category tree: groups, their categories and facility counts."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = CategoryTreeSerializer
    pagination_class = None

    def get_queryset(self):
        return category_groups_with_counts()


SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, required=True, description="What a person typed: a facility's name, a street, an address (“вул. Миру, 9”). Case, accents and apostrophes do not matter; typos are forgiven. Under 2 characters: no results."),
    OpenApiParameter("limit", OpenApiTypes.INT, description=f"At most this many results (1–{MAX_SEARCH_LIMIT}, default {DEFAULT_LIMIT})."),
    OpenApiParameter("lang", OpenApiTypes.STR, enum=["uk", "en"], description="Language of facility names and categories (default uk)."),
]  # fmt: skip


class PlaceSearchView(APIView):
    """One search over public facilities, streets and building addresses, best first: the
    building at the typed house number, the street of the typed name, facilities by name, …"""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(parameters=SEARCH_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = " ".join(request.query_params.get("q", "").split())
        raw_limit = request.query_params.get("limit", "")
        if len(q) > MAX_SEARCH_LENGTH:
            error = InvalidParameter(
                "q", _("The search text is too long (at most %(n)d characters).") % {"n": MAX_SEARCH_LENGTH}
            )
            return Response(error.as_dict(), status=400)
        if raw_limit and (not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_SEARCH_LIMIT):
            error = InvalidParameter(
                "limit", _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_SEARCH_LIMIT}
            )
            return Response(error.as_dict(), status=400)
        places = places_search(
            q,
            limit=int(raw_limit) if raw_limit else DEFAULT_LIMIT,
            english=(get_language() or "uk").startswith("en"),
        )
        response = Response({"query": q, "results": [p.as_json() for p in places]})
        response["Cache-Control"] = "public, max-age=60"
        return response


NEAREST_PARAMETERS = [
    OpenApiParameter("category", OpenApiTypes.STR, description="A category or group slug (default pharmacy)."),
    OpenApiParameter("lat", OpenApiTypes.NUMBER, description="Latitude of the place (or give address)."),
    OpenApiParameter("lon", OpenApiTypes.NUMBER, description="Longitude of the place."),
    OpenApiParameter("address", OpenApiTypes.STR, description="An address in the city instead of lat/lon, e.g. “вулиця Миру, 9”."),
    OpenApiParameter("open_now", OpenApiTypes.BOOL, description="Only facilities open right now (Europe/Kyiv)."),
    OpenApiParameter("limit", OpenApiTypes.INT, description=f"How many (1–{MAX_NEAREST_LIMIT}, default 5)."),
    OpenApiParameter("lang", OpenApiTypes.STR, enum=["uk", "en"], description="Language of names and texts (default uk)."),
]  # fmt: skip


class NearestView(APIView):
    """The facilities of a category nearest on foot to a place, with whether each is open now
    and when it closes or opens. `measured` says "walking" or, before the street network is
    built, "straight_line"."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=NEAREST_PARAMETERS, responses={(200, "application/geo+json"): OpenApiTypes.OBJECT}
    )
    def get(self, request):
        params = request.query_params
        try:
            category_ids, point, label, open_only = nearest_query(params)
            if point is None:
                raise InvalidParameter("lat", _("Give lat and lon, or an address."))
            raw_limit = params.get("limit", "")
            if raw_limit and (not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_NEAREST_LIMIT):
                raise InvalidParameter(
                    "limit", _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_NEAREST_LIMIT}
                )
        except InvalidParameter as exc:
            return Response(exc.as_dict(), status=400)
        answer = facilities_nearest(
            point=point, category_ids=category_ids, limit=int(raw_limit or 5), open_only=open_only
        )
        english = (get_language() or "uk").startswith("en")
        body = {
            "type": "FeatureCollection",
            "place": {"label": label, "lat": round(point.y, 6), "lon": round(point.x, 6)},
            "measured": "walking" if answer.on_foot else "straight_line",
            "at": answer.moment.isoformat(timespec="minutes"),
            "features": [_nearest_feature(r, english=english) for r in answer.results],
        }
        response = Response(body, content_type="application/geo+json")
        response["Cache-Control"] = "public, max-age=60"
        return response


def _nearest_feature(row, *, english: bool) -> dict:
    f = row.facility
    state = row.state
    return {
        "type": "Feature",
        "id": f.pk,
        "geometry": {"type": "Point", "coordinates": [round(f.location.x, 6), round(f.location.y, 6)]},
        "properties": {
            "name": (f.name_en or f.name_uk) if english else f.name_uk,
            "category": f.category.slug,
            "address": address_in_language(f.address, "en" if english else "uk"),
            "distance_m": round(row.distance_m),
            "walking_m": round(row.walking_m) if row.walking_m is not None else None,
            "straight_m": round(row.straight_m),
            "opening_hours": f.opening_hours,
            "opening_hours_text": f.opening_hours_text,
            "open_now": state.is_open if state else None,
            "closes_at": state.closes.strftime("%H:%M") if state and state.closes else None,
            "opens_at": state.opens.isoformat(timespec="minutes") if state and state.opens else None,
            "open_text": row.state_text,
            "url": f"/facilities/{f.pk}/",
        },
    }
