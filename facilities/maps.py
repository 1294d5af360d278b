"""The public city map of facilities (/map/): the city's boundary, the public facilities in
view as clustered markers coloured by category, and City IT's public GIS layers, drawn by the
portal's one map front-end (core/maps.py, static/js/map.js and the city_map*.js modules)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from city.selectors import municipality
from core.maps import VECTORGRID, RenderedMap, map_options, map_render
from facilities.selectors import category_groups_with_counts


@dataclass
class MapState:
    """What a permalink restores: centre, zoom, selected categories, a facility to show."""

    centre: tuple[float, float]
    zoom: int
    selected: list[str] | None  # leaf category slugs; None = all
    focus: int | None = None


# The page's scripts, in the order they load (after map.js): the facilities, the search box, the
# GIS layers. Part of the key of the cached config (portal.views.map_page), so a config cached
# before they changed is not served with scripts that no longer match it.
CITY_MAP_SCRIPTS = ("js/city_map.js", "js/city_map_search.js", "js/city_map_layers.js")


def city_map(*, state: MapState, strings: dict[str, str]) -> RenderedMap:
    """The public map: basemap, the city boundary, and the public facilities in view as
    clustered markers coloured by category (static/js/city_map.js, its search box in
    city_map_search.js, the GIS layers in city_map_layers.js), fetched from
    /api/v1/facilities/ as the view moves; City IT's GIS layers as vector tiles."""
    layers = []
    city = municipality()
    if city is not None:
        boundary = json.loads(city.boundary.simplify(0.0002, preserve_topology=True).geojson)
        style = {"color": "#166534", "weight": 2, "fill": False, "dashArray": "6 4"}
        layers.append(
            {"call": "addGeoJSON", "options": {"data": boundary, "style": style, "interactive": False}}
        )
    groups = category_groups_with_counts()
    categories = {
        leaf.slug: {"name": leaf.name, "colour": leaf.colour, "icon": leaf.icon, "group": group.slug}
        for group in groups
        for leaf in group.leaves
    }
    facilities = {
        "api": reverse("api-facilities"),
        "searchApi": reverse("api-search"),
        "mapUrl": reverse("map"),
        "listUrl": reverse("directory"),
        "lang": get_language(),
        "pageSize": 5000,
        "categories": categories,
        "groups": [{"slug": g.slug, "children": [leaf.slug for leaf in g.leaves]} for g in groups],
        "selected": state.selected,
        "focus": state.focus,
        "strings": strings,
    }
    # Which GIS layers a visitor may see comes from the page (the map.html panel, per user),
    # not from this cached config: staff-only layers are never named in a page for the public.
    gis = {
        "configId": "map-gis-config",
        "strings": {
            "yes": _("yes"),
            "no": _("no"),
            "about": _("About this layer"),
            "failed": _("Some tiles of “%s” could not be loaded."),
            "loading": _("Loading…"),
            "noRows": _("No rows for this feature."),
            "joinedFailed": _("The joined tables could not be loaded."),
        },
    }
    layers += [
        {"call": "initFacilities", "options": facilities},
        {
            "call": "initMapSearch",
            "options": {"searchApi": facilities["searchApi"], "lang": facilities["lang"], "strings": strings},
        },
        {"call": "initGisLayers", "options": gis},
    ]
    config = map_options(center=list(state.centre), zoom=state.zoom, layers=layers)
    return map_render(
        config,
        label=strings["map_label"],
        vendor=["vendor/leaflet.markercluster/leaflet.markercluster.js", VECTORGRID],
        page=CITY_MAP_SCRIPTS,
        css=[
            "vendor/leaflet.markercluster/MarkerCluster.css",
            "vendor/leaflet.markercluster/MarkerCluster.Default.css",
        ],
    )
