"""Pages of the portal itself: home, the map, the account page, and the health check."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from citizen_requests.selectors.requests import requests_recent_public
from city.selectors import basemap_parts
from core.db_router import replica_configured, replica_report
from core.roles import ROLES
from facilities.filters import InvalidParameter, resolve_categories
from facilities.maps import CITY_MAP_SCRIPTS, MapState, city_map
from facilities.models import Category
from facilities.selectors import category_groups_with_counts
from gis_layers.tiles import data_version


@require_GET
def home(request):
    """The front door: report a problem from an address or "locate me", the newest public
    requests, and the facility categories as links into the map and the directory."""
    groups = category_groups_with_counts()
    total = sum(leaf.facility_count for g in groups for leaf in g.leaves)
    for group in groups:
        group.facility_count = sum(leaf.facility_count for leaf in group.leaves)
    return render(
        request,
        "portal/home.html",
        {"groups": groups, "facility_total": total, "recent": requests_recent_public(limit=5)},
    )


def map_state(params) -> MapState:
    """The permalink parameters (?layers=pharmacy,school&z=15&c=49.01,33.64&f=12); anything
    malformed falls back to the default view rather than failing the page."""
    lat, lon = settings.MISTO_MAP_CENTER
    try:
        clat, clon = (float(v) for v in params.get("c", "").split(","))
        if -90 <= clat <= 90 and -180 <= clon <= 180:
            lat, lon = clat, clon
    except ValueError:
        pass
    zoom = settings.MISTO_MAP_ZOOM
    if params.get("z", "").isdigit():
        zoom = min(max(int(params["z"]), 10), 19)
    selected = None
    if "layers" in params:
        slugs = [s for s in params["layers"].split(",") if s]
        try:
            ids = set(resolve_categories(slugs)) if slugs else set()
        except InvalidParameter as exc:
            known = [s for s in slugs if s not in exc.message]
            ids = set(resolve_categories(known)) if known else set()
        selected = sorted(Category.objects.filter(pk__in=ids).values_list("slug", flat=True))
    focus = int(params["f"]) if params.get("f", "").isdigit() else None
    return MapState(centre=(lat, lon), zoom=zoom, selected=selected, focus=focus)


@require_GET
def map_page(request):
    state = map_state(request.GET)
    strings = {
        "map_label": _("Map of the city's facilities"),
        "loading": _("Loading facilities…"),
        "failed": _("The facilities could not be loaded. Reload the page to try again."),
        "phone": _("Phone"),
        "hours": _("Opening hours"),
        "address": _("Address"),
        "open": _("open now"),
        "closed": _("closed now"),
        "details": _("More about this place"),
        "inView": _("Facilities in view: %s."),
        "zoomIn": _("Showing %s of them: zoom in to see all."),
        "noneSelected": _("No category is selected."),
        "noResults": _("Nothing found."),
        "searchFailed": _("The search is not available right now. Try again in a moment."),
        "locating": _("Finding where you are…"),
        "locateFailed": _("Your location is not available (the browser did not share it)."),
    }
    fingerprint = repr(
        (get_language(), state, data_version("facilities"), settings.MISTO_BASEMAP_URL, CITY_MAP_SCRIPTS)
    )
    key = "map-config:" + hashlib.sha1(fingerprint.encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = city_map(state=state, strings=strings)
        cache.set(key, rendered, 600)
    groups = category_groups_with_counts()
    selected = set(state.selected) if state.selected is not None else None
    return render(
        request,
        "portal/map.html",
        {"map": rendered, "groups": groups, "selected": selected},
    )


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
def map_basemap(request):
    """GeoJSON the map draws under the facilities when no tile server is configured: districts,
    water, railway and streets. Buildings come as vector tiles (/tiles/buildings/), which scale
    to any number of them."""
    parts = basemap_parts()
    features = []
    for d in parts["districts"].annotate(gj=AsGeoJSON("area", precision=6)):
        features.append(_feature(d.gj, {"kind": "district", "name": d.name}))
    for b in parts["barriers"].annotate(gj=AsGeoJSON("geometry", precision=6)):
        features.append(_feature(b.gj, {"kind": b.kind, "name": b.name}))
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
    body = {
        "status": "ok",
        "database": "ok",
        "postgis": postgis,
        "postgresql": postgres.split(" on ")[0],
    }
    if replica_configured():  # reported, never fatal: reads fall back to the primary
        body["replica"] = replica_report()
    body["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(body)


@login_required
def account(request):
    groups = set(request.user.groups.values_list("name", flat=True))
    roles = [role.title for role in ROLES.values() if role.group in groups]
    return render(request, "portal/account.html", {"roles": roles})


@require_GET
def security_txt(request):
    """RFC 9116: how to report a vulnerability (README, "Privacy and security")."""
    expires = (timezone.now() + timedelta(days=365)).strftime("%Y-%m-%dT00:00:00Z")
    lines = [
        f"Contact: {settings.MISTO_SECURITY_CONTACT}",
        f"Expires: {expires}",
        "Preferred-Languages: uk, en",
        f"Canonical: {settings.MISTO_SITE_URL.rstrip('/')}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
