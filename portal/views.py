"""Pages of the portal itself: home, the map, the account page, and the health check."""

from __future__ import annotations

import json
import time

from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from city.selectors import basemap_parts
from facilities.api.serializers import FacilityMapSerializer
from facilities.selectors import category_groups_with_counts, facilities_public
from portal.maps import city_map
from portal.roles import ROLES


@require_GET
def home(request):
    groups = category_groups_with_counts()
    total = sum(leaf.facility_count for g in groups for leaf in g.leaves)
    return render(request, "portal/home.html", {"groups": groups, "facility_total": total})


@require_GET
def map_page(request):
    strings = {
        "map_label": _("Map of the city's facilities"),
        "loading": _("Loading facilities…"),
        "failed": _("The facilities could not be loaded. Reload the page to try again."),
        "phone": _("Phone"),
        "hours": _("Opening hours"),
        "address": _("Address"),
        "shown": _("facilities on the map"),
    }
    rendered = city_map(strings=strings)
    return render(
        request,
        "portal/map.html",
        {"map": rendered, "groups": category_groups_with_counts()},
    )


@require_GET
@gzip_page
@cache_control(public=True, max_age=300)
def map_facilities(request):
    """GeoJSON of every public facility, in the visitor's language (the map's data)."""
    queryset = facilities_public().only(
        "id", "name_uk", "name_en", "category__slug", "address", "phones", "opening_hours", "location"
    )
    data = FacilityMapSerializer(queryset, many=True).data
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
def map_basemap(request):
    """GeoJSON the map draws under the facilities when no tile server is configured."""
    parts = basemap_parts()
    features = []
    for d in parts["districts"].annotate(gj=AsGeoJSON("area", precision=6)):
        features.append(_feature(d.gj, {"kind": "district", "name": d.name}))
    for b in parts["barriers"].annotate(gj=AsGeoJSON("geometry", precision=6)):
        features.append(_feature(b.gj, {"kind": b.kind, "name": b.name}))
    for b in parts["buildings"].annotate(gj=AsGeoJSON("footprint", precision=6)):
        features.append(_feature(b.gj, {"kind": "building"}))
    for s in parts["segments"].annotate(gj=AsGeoJSON("geometry", precision=6)):
        features.append(_feature(s.gj, {"kind": "street", "class": s.road_class, "name": s.street.name}))
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(body, content_type="application/geo+json")


def _feature(geometry_json: str, properties: dict) -> str:
    return (
        '{"type":"Feature","geometry":'
        + geometry_json
        + ',"properties":'
        + json.dumps(properties, ensure_ascii=False)
        + "}"
    )


@require_GET
def healthz(request):
    """Liveness and database readiness for load balancers and people: JSON, 200 or 503."""
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("select postgis_lib_version(), version()")
            postgis, postgres = cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": str(exc).strip()[:200]},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "postgis": postgis,
            "postgresql": postgres.split(" on ")[0],
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
        }
    )


@login_required
def account(request):
    groups = set(request.user.groups.values_list("name", flat=True))
    roles = [role.title for role in ROLES.values() if role.group in groups]
    return render(request, "portal/account.html", {"roles": roles})
