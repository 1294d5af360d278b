"""Leaflet maps built with folium, served entirely from local static files.

folium writes the map's HTML and JavaScript; every asset it links comes from static/vendor/
(no CDN), and the data layers are fetched from the portal's own endpoints rather than
inlined, so the page stays small however many facilities the city has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from folium.elements import JSCSSMixin
from folium.template import Template

from city.selectors import municipality
from facilities.selectors import category_groups_with_counts

VECTORGRID = ("vectorgrid", "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js")


class MistoMap(folium.Map):
    """A folium map whose page chrome (layout, viewport) is left to the portal's template.

    Its size comes from misto.css (.folium-map), not an inline <style>, which the page's
    Content-Security-Policy would refuse."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{% endmacro %}
        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }}
                 role="application" aria-label="{{ this.aria_label }}"></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
                center: {{ this.location|tojson }},
                crs: L.CRS.{{ this.crs }},
                ...{{ this.options|tojavascript }}
            });
            L.control.scale({imperial: false}).addTo({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *args, aria_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Without a tile layer folium sets no zoom limits; clustering needs a maxZoom.
        self.options.update(max_zoom=19, min_zoom=10)
        self.aria_label = aria_label
        self.default_js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
        self.default_css = [("leaflet_css", static("vendor/leaflet/leaflet.css"))]


class ScriptCall(JSCSSMixin, MacroElement):
    """Calls a function of static/js/map.js with the map and JSON options."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            Misto.{{ this.function }}({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, options: dict, js=(), css=()):
        super().__init__()
        self._name = f"Misto{function}"
        self.function = function
        self.options = options
        self.default_js = [(name, static(path)) for name, path in js]
        self.default_css = [(name, static(path)) for name, path in css]


@dataclass
class RenderedMap:
    header: str
    html: str
    script: str


@dataclass
class MapState:
    """What a permalink restores: centre, zoom, selected categories, a facility to show."""

    centre: tuple[float, float]
    zoom: int
    selected: list[str] | None  # leaf category slugs; None = all
    focus: int | None = None


def _render(m: folium.Map) -> RenderedMap:
    figure = m.get_root()
    figure.render()
    figure.header._children.pop("meta_http", None)
    return RenderedMap(
        header=figure.header.render(), html=figure.html.render(), script=figure.script.render()
    )


def _base_map(centre, zoom: int, label: str) -> MistoMap:
    m = MistoMap(location=list(centre), zoom_start=zoom, tiles=None, control_scale=False, aria_label=label)
    if settings.MISTO_BASEMAP_URL:
        folium.TileLayer(
            tiles=settings.MISTO_BASEMAP_URL,
            attr=settings.MISTO_BASEMAP_ATTRIBUTION,
            name="basemap",
            max_zoom=19,
            control=False,
        ).add_to(m)
    ScriptCall(
        "loadBasemap",
        {
            "url": reverse("map-basemap"),
            "drawStreets": not settings.MISTO_BASEMAP_URL,
            "buildingTiles": "/tiles/buildings/{z}/{x}/{y}.mvt",
        },
        js=[VECTORGRID, ("misto_map", "js/map.js")],
    ).add_to(m)
    return m


def city_map(*, state: MapState, strings: dict[str, str]) -> RenderedMap:
    """The public map: basemap (tiles from the setting, or the city's own drawing), the city
    boundary, and the public facilities in view as clustered markers coloured by category,
    fetched from /api/v1/facilities/ as the view moves."""
    m = _base_map(state.centre, state.zoom, strings["map_label"])
    city = municipality()
    if city is not None:
        folium.GeoJson(
            json.loads(city.boundary.simplify(0.0002, preserve_topology=True).geojson),
            name="boundary",
            style_function=lambda _f: {"color": "#166534", "weight": 2, "fill": False, "dashArray": "6 4"},
            control=False,
            interactive=False,
        ).add_to(m)
    groups = category_groups_with_counts()
    categories = {
        leaf.slug: {"name": leaf.name, "colour": leaf.colour, "icon": leaf.icon, "group": group.slug}
        for group in groups
        for leaf in group.leaves
    }
    ScriptCall(
        "initFacilities",
        {
            "api": reverse("api-facilities"),
            "mapUrl": reverse("map"),
            "listUrl": reverse("directory"),
            "lang": get_language(),
            "pageSize": 5000,
            "categories": categories,
            "groups": [{"slug": g.slug, "children": [leaf.slug for leaf in g.leaves]} for g in groups],
            "selected": state.selected,
            "focus": state.focus,
            "strings": strings,
        },
        js=[
            ("markercluster", "vendor/leaflet.markercluster/leaflet.markercluster.js"),
            ("misto_map", "js/map.js"),
        ],
        css=[
            ("markercluster_css", "vendor/leaflet.markercluster/MarkerCluster.css"),
            ("markercluster_default_css", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
        ],
    ).add_to(m)
    _gis_layers(m)
    return _render(m)


def _gis_layers(m: folium.Map) -> None:
    """City IT's GIS layers from vector tiles, one toggle each in the panel. Which layers a
    visitor may see comes from the page (the map.html panel, per user), not from this cached
    script: staff-only layers are never named in a page for the public."""
    ScriptCall(
        "initGisLayers",
        {
            "configId": "map-gis-config",
            "strings": {
                "yes": _("yes"),
                "no": _("no"),
                "about": _("About this layer"),
                "failed": _("Some tiles of “%s” could not be loaded."),
            },
        },
        js=[VECTORGRID, ("misto_map", "js/map.js")],
    ).add_to(m)


def editor_map(*, layer, config: dict, label: str) -> RenderedMap:
    """The staff map editor of one layer: the basemap, the layer's features from the API, and
    Leaflet-Geoman's drawing tools (static/js/editor.js)."""
    centre = settings.MISTO_MAP_CENTER
    m = _base_map(centre, 16, label)
    m.options.update(max_zoom=21)
    ScriptCall(
        "initEditor",
        config,
        js=[
            ("geoman", "vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.min.js"),
            ("misto_map", "js/map.js"),
            ("misto_editor", "js/editor.js"),
        ],
        css=[("geoman_css", "vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.css")],
    ).add_to(m)
    return _render(m)


def preview_map(*, sample: dict, bbox: list[float] | None, label: str, colour: str) -> RenderedMap:
    """The first rows of an import on a small map (the rows are few: they are inlined)."""
    centre = settings.MISTO_MAP_CENTER
    if bbox:
        centre = ((bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2)
    m = _base_map(centre, 14, label)
    if sample.get("features"):
        points = any(f["geometry"] and f["geometry"]["type"].endswith("Point") for f in sample["features"])
        style = (
            {
                "radius": 7,
                "color": "#ffffff",
                "weight": 2,
                "fill": True,
                "fillColor": colour,
                "fillOpacity": 1,
            }
            if points
            else {"color": colour, "weight": 3, "fillColor": colour, "fillOpacity": 0.3}
        )
        folium.GeoJson(
            sample,
            name="preview",
            style_function=lambda _f: style,
            marker=folium.CircleMarker(radius=7) if points else None,
        ).add_to(m)
        if bbox:
            m.fit_bounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], max_zoom=17)
    return _render(m)


def facility_map(facility, *, label: str) -> RenderedMap:
    """A small map of one facility (its page)."""
    point = facility.location
    m = _base_map((point.y, point.x), 17, label)
    folium.CircleMarker(
        location=[point.y, point.x],
        radius=10,
        color="#ffffff",
        weight=3,
        fill=True,
        fill_color=facility.category.colour,
        fill_opacity=1,
        tooltip=facility.name,
    ).add_to(m)
    return _render(m)
