"""The staff map of buildings: the page, its vector tiles and its summary (legend, count, extent,
the first buildings by address). Tiles and summary take the page's filters as query parameters;
a value the form does not accept is a 400, never a silently wider map."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.maps import map_options
from gis_layers.views import private_tile
from housing_registry.forms import MapForm
from housing_registry.permissions import registry_staff_data, registry_staff_required
from housing_registry.selectors import BuildingFilters
from housing_registry.staff_map import DEFAULT_ATTRIBUTE, TILE_LAYER, map_summary, staff_tile_layer


@require_GET
@registry_staff_required
def building_map(request):
    form = MapForm(request.GET or None)
    strings = {
        "loading": _("Loading buildings…"),
        "failed": _("The buildings could not be loaded. Reload the page to try again."),
        "shown": _("buildings shown"),
        "listed": _("The list shows the first %(n)s by address."),
        "open": _("Open the data sheet"),
        "none": _("No building matches the filters."),
    }
    sheet_url = reverse("housing_registry:sheet", args=[0]).removesuffix("0/")  # + "<id>/"
    options = map_options(
        element="registry-map",
        form="map-filters",
        summaryUrl=reverse("housing_registry:map-summary"),
        # Leaflet.VectorGrid fills in {z}/{x}/{y}; the page adds the filters as the query.
        tilesUrl=reverse("housing_registry:map-tile", args=[0, 0, 0]).replace("0/0/0", "{z}/{x}/{y}"),
        tileLayer=TILE_LAYER,
        sheetUrl=sheet_url,
        strings=strings,
    )
    return render(request, "housing_registry/map.html", {"form": form, "options": options})


def _parsed(request) -> tuple[BuildingFilters, str] | JsonResponse:
    """The filters and colour attribute of the query, or the 400 that names the bad parameter."""
    form = MapForm(request.GET)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        error = {"code": "invalid_parameter", "parameter": name, "message": " ".join(errors)}
        return JsonResponse({"error": error}, status=400)
    return form.filters(), form.cleaned_data.get("colour") or DEFAULT_ATTRIBUTE


@require_GET
@registry_staff_data
def building_map_summary(request):
    """The legend (classes, colours, counts), how many buildings the filters find, their extent
    and the first of them by address: what the page shows beside the tiles."""
    parsed = _parsed(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    summary = map_summary(*parsed)
    sheet_url = reverse("housing_registry:sheet", args=[0]).removesuffix("0/")
    payload = {
        "legend": {
            "attribute": summary.attribute,
            "title": summary.title,
            "classes": [vars(item) for item in summary.legend],
        },
        "count": summary.count,
        "bounds": summary.bounds,
        "buildings": [{**b, "url": f"{sheet_url}{b['id']}/"} for b in summary.buildings],
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@registry_staff_data
def building_map_tile(request, z: str, x: str, y: str):
    """A tile of the staff map: each building's outline, id, address and colour class `cls`
    (the legend's key) for the chosen attribute, of the buildings the filters find."""
    parsed = _parsed(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    return private_tile(request, staff_tile_layer(*parsed), z, x, y)
