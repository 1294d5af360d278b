"""Coverage pages: the public page (aggregates), its table view, and the staff analysis."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.maps import map_options
from coverage import exports, selectors, siting
from coverage.models import ServiceType
from coverage.permissions import REFUSALS, can, ensure_can
from coverage.services import CoverageError, coverage_run_start, service_type_get
from coverage.tiles import TILE_LAYER, homes_tile_layer
from facilities.models import Facility
from gis_layers.views import private_tile


def _map_config(request, *, mode: str) -> dict:
    # Staff modes draw the homes from vector tiles (the type's slug is added as ?type=).
    homes = reverse("coverage:homes-tile", args=[0, 0, 0]).replace("0/0/0", "{z}/{x}/{y}")
    return map_options(
        mode=mode,
        api="/api/v1/coverage/service-types/",
        homeTiles=homes if mode != "public" else "",
        homesLayer=TILE_LAYER,
        panel=reverse("coverage:panel"),
        colours=selectors.CLASS_COLOURS,
        strings={
            "residents": _("residents"),
            "buildings": _("buildings"),
            "median": _("median walk"),
            "within": _("within the threshold"),
            "nearest": _("nearest"),
            "walk": _("on foot"),
            "straight": _("as the crow flies"),
            "loading": _("Loading…"),
            "failed": _("The map data could not be loaded. Reload the page to try again."),
            "map_label": _("Map of walking distances"),
            "unknown": _("unknown"),
            "minutes": _("min"),
            "km": _("km"),
            "m": _("m"),
        },
    )


def _types_for(request) -> list[ServiceType]:
    return list(selectors.service_types_for(public_only=not can(request.user, "analyse")))


def _chosen_type(request, types: list[ServiceType]) -> ServiceType:
    slug = request.GET.get("type") or (types[0].slug if types else "")
    return service_type_get(slug=slug, public_only=not can(request.user, "analyse"))


def _panel_context(service_type: ServiceType) -> dict:
    summary = selectors.city_summary(service_type)
    return {
        "service_type": service_type,
        "summary": summary,
        "districts": selectors.district_summaries(service_type),
        "legend": selectors.legend(service_type, summary),
        "facility_count": selectors.facility_count(service_type),
        "household_size": selectors.household_size(),
    }


def _error(request, exc: CoverageError):
    return render(request, "coverage/error.html", {"message": exc.message}, status=exc.status)


@require_GET
def coverage_page(request):
    """Public: choose a service type, see hexagons by walking distance, districts and the city."""
    types = _types_for(request)
    if not types:
        return render(
            request, "coverage/page.html", {"types": [], "map_config": _map_config(request, mode="public")}
        )
    try:
        service_type = _chosen_type(request, types)
    except CoverageError as exc:
        return _error(request, exc)
    context = {
        "types": types,
        "map_config": _map_config(request, mode="public"),
        **_panel_context(service_type),
    }
    return render(request, "coverage/page.html", context)


@require_GET
def coverage_panel(request):
    """The figures and tables of the page for one type (the page swaps them in on a change)."""
    try:
        service_type = _chosen_type(request, _types_for(request))
    except CoverageError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    return render(request, "coverage/_panel.html", _panel_context(service_type))


@require_GET
def coverage_table(request):
    """The same figures as the map, as tables only (screen readers, printing)."""
    types = _types_for(request)
    try:
        service_type = _chosen_type(request, types)
    except CoverageError as exc:
        return _error(request, exc)
    return render(request, "coverage/table.html", {"types": types, **_panel_context(service_type)})


# -- staff ----------------------------------------------------------------------------------------


def _staff_only(request, action: str = "analyse"):
    """None if the user may; else a redirect to log in (anonymous) or PermissionDenied."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        ensure_can(request.user, action)
    except PermissionDenied as exc:
        return render(request, "coverage/error.html", {"message": str(exc)}, status=403)
    return None


# Homes without a walking distance listed on the staff page: the first ones by address, and how
# many there are; the exports list every one. (Unlisted, a city cut off by a broken network put
# 50,000 rows and 11.8 MB in the page, 7 s of rendering.)
WITHOUT_DISTANCE_SHOWN = 200


@require_GET
def staff_page(request):
    """Analysts: per-building map, the farthest homes, homes without a distance, runs, exports."""
    if (refused := _staff_only(request)) is not None:
        return refused
    types = _types_for(request)
    try:
        service_type = _chosen_type(request, types)
    except CoverageError as exc:
        return _error(request, exc)
    counts = selectors.results_count(service_type)
    context = {
        "types": types,
        "map_config": _map_config(request, mode="staff"),
        **_panel_context(service_type),
        "most_distant": selectors.most_distant(service_type, limit=15),
        "without_distance": selectors.buildings_without_distance(service_type, limit=WITHOUT_DISTANCE_SHOWN),
        "without_distance_total": sum(n for status, n in counts.items() if status != "ok"),
        "counts": counts,
        "homes": sum(counts.values()),
        "run": selectors.active_run() or selectors.last_run(),
        "last_recompute": selectors.last_full_run_with_warnings(),
        "network": selectors.network_build(),
        "can_run": can(request.user, "run"),
        "facilities": Facility.objects.filter(category__in=service_type.categories.all()).order_by("name_uk"),
        "formats": list(exports.FORMATS),
    }
    if context["last_recompute"] is not None:
        context["warnings"] = selectors.warning_texts(context["last_recompute"].warnings)
    return render(request, "coverage/staff.html", context)


@require_POST
def staff_recompute(request):
    """Queue a full recompute (or one type's) for the worker; the page then shows its progress."""
    if (refused := _staff_only(request, "run")) is not None:
        return refused
    service_type = None
    if request.POST.get("type"):
        service_type = get_object_or_404(ServiceType, slug=request.POST["type"])
    coverage_run_start(actor=request.user, service_type=service_type)
    back = reverse("coverage:staff")
    slug = request.POST.get("back_type") or (service_type.slug if service_type else "")
    return redirect(f"{back}?type={slug}" if slug else back)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value):
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None


@require_GET
def staff_suggest(request):
    """Where new facilities would bring the most residents within the threshold."""
    if (refused := _staff_only(request)) is not None:
        return refused
    types = _types_for(request)
    context = {"types": types, "map_config": _map_config(request, mode="suggest"), "k": 1, "source": "auto",
               "result_json": {}}  # fmt: skip
    try:
        service_type = _chosen_type(request, types)
        context.update(service_type=service_type, homes=selectors.homes_count(service_type))
        if "k" in request.GET:
            k = _int(request.GET.get("k"), default=-1)
            source = request.GET.get("candidates", "auto")
            context.update(k=k, source=source)
            suggestion = siting.sites_suggest(service_type=service_type, k=k, source=source)
            context["suggestion"] = suggestion
            context["result_json"] = {
                "picks": [
                    {"rank": p.rank, "lon": p.candidate.lon, "lat": p.candidate.lat, "label": p.candidate.label,
                     "buildings": p.building_ids}
                    for p in suggestion.picks
                ]
            }  # fmt: skip
    except CoverageError as exc:
        context["error"] = exc.message
        return render(request, "coverage/suggest.html", context, status=exc.status)
    return render(request, "coverage/suggest.html", context)


@require_GET
def staff_what_if(request):
    """Close or move a facility on paper and see who would lose coverage."""
    if (refused := _staff_only(request)) is not None:
        return refused
    types = _types_for(request)
    context = {"types": types, "map_config": _map_config(request, mode="what-if"), "action": "close",
               "result_json": {}}  # fmt: skip
    try:
        service_type = _chosen_type(request, types)
        facilities = Facility.objects.filter(category__in=service_type.categories.all()).order_by("name_uk")
        context.update(
            service_type=service_type, facilities=facilities, homes=selectors.homes_count(service_type)
        )
        if "facility" in request.GET:
            facility = facilities.filter(pk=_int(request.GET.get("facility"), -1)).first()
            if facility is None:
                raise CoverageError(_("Choose one of the facilities of this service type."))
            action = request.GET.get("action", "close")
            lon, lat = _float(request.GET.get("lon")), _float(request.GET.get("lat"))
            context.update(facility=facility, action=action, lon=lon, lat=lat)
            what_if = siting.facility_what_if(
                service_type=service_type, facility=facility, action=action, lon=lon, lat=lat
            )
            context["what_if"] = what_if
            context["result_json"] = {
                "facility": {"lon": facility.location.x, "lat": facility.location.y, "name": facility.name},
                "moved": {"lon": lon, "lat": lat} if action == "move" else None,
                "lost": [b.building_id for b in what_if.lost],
                "gained": [b.building_id for b in what_if.gained],
            }
    except CoverageError as exc:
        context["error"] = exc.message
        return render(request, "coverage/what_if.html", context, status=exc.status)
    return render(request, "coverage/what_if.html", context)


@require_GET
def staff_export(request, slug: str, fmt: str):
    """Per-building results of a type as CSV, XLSX or GeoPackage."""
    if (refused := _staff_only(request)) is not None:
        return refused
    if fmt not in exports.FORMATS:
        return render(
            request,
            "coverage/error.html",
            {"message": _("Exports come as %(formats)s.") % {"formats": ", ".join(exports.FORMATS)}},
            status=404,
        )
    try:
        service_type = service_type_get(slug=slug)
    except CoverageError as exc:
        return _error(request, exc)
    body = exports.EXPORTERS[fmt](service_type)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="coverage-{service_type.slug}.{fmt}"'
    return response


@require_GET
def staff_homes_tile(request, z: str, x: str, y: str):
    """A tile of the analysts' map of homes of the type `?type=<slug>` (coverage/tiles.py): 403
    (as JSON, anonymous included) to whoever may not see per-building results, 400 when the
    type is missing or unknown."""
    if not can(request.user, "analyse"):
        error = {"code": "forbidden", "message": str(REFUSALS["analyse"])}
        return JsonResponse({"error": error}, status=403)
    try:
        service_type = service_type_get(slug=request.GET.get("type", ""))
    except CoverageError as exc:
        error = {"code": "invalid_parameter", "parameter": "type", "message": exc.message}
        return JsonResponse({"error": error}, status=400)
    return private_tile(request, homes_tile_layer(service_type, english=selectors.is_english()), z, x, y)
