"""The portal's maps: one JSON config per map, drawn by static/js/map.js (vendored Leaflet).

Every map page is set up the same way. `map_options` is what any map needs (centre, zoom, the
basemap with its attribution, localised control titles); pages with a script of their own
(requests, registry, coverage, the filing form) put it in their JSON config and call
Misto.createMap. The maps below need no page script: `_render` writes the map element with its
config, and map.js starts it and calls the functions the config names. No inline script, no
CDN: every asset comes from static/, and data layers are fetched from the portal's endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape, json_script
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
VECTORGRID = "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"
MAP_JS = "js/map.js"
# The city's own basemap (basemap/): MapLibre GL under Leaflet, loaded by map.js when a map starts.
MAPLIBRE_JS = "vendor/maplibre-gl/maplibre-gl.js"
MAPLIBRE_CSS = "vendor/maplibre-gl/maplibre-gl.css"
MAPLIBRE_LEAFLET_JS = "vendor/@maplibre/maplibre-gl-leaflet/leaflet-maplibre-gl.js"


def basemap_attribution() -> str:
    """The licences of the city's own basemap, in the page's language (HTML, as Leaflet shows it)."""
    return settings.MISTO_BASEMAP_OWN_ATTRIBUTION or _(
        "&copy; OpenStreetMap contributors (ODbL) &middot; streets, buildings and districts &copy; the city council"
    )


def basemap_language() -> str:
    """The language of the basemap's labels: the page's, of the two the style is made in."""
    return "en" if (get_language() or "uk").startswith("en") else "uk"


def basemap_config() -> dict:
    """The basemap of every map: the tile server MISTO_BASEMAP_URL names, or else the city's own
    vector basemap (its MapLibre style in the page's language and the scripts that draw it), with
    the licences of its data. `geojson` and `buildings` are the plain drawing map.js falls back to
    where the browser cannot draw the vector basemap (no WebGL)."""
    own = not settings.MISTO_BASEMAP_URL
    config = {
        "tiles": settings.MISTO_BASEMAP_URL,
        "attribution": basemap_attribution() if own else settings.MISTO_BASEMAP_ATTRIBUTION,
        "geojson": reverse("map-basemap"),
        "buildings": "/tiles/buildings/{z}/{x}/{y}.mvt",
    }
    if own:
        config["style"] = reverse("basemap-style", args=[basemap_language()])
        config["title"] = _("Map")  # the map library's name for its canvas, in the page's language
        config["library"] = {
            "scripts": [static(MAPLIBRE_JS), static(MAPLIBRE_LEAFLET_JS)],
            "css": static(MAPLIBRE_CSS),
        }
    return config


# What the app drawing the basemap adds to the preloads of its first view, registered from its
# AppConfig.ready() (basemap/: the label glyphs every view of the city needs):
# source(language) -> [URL, ...], each fetched as MapLibre fetches it (CORS mode).
_BASEMAP_PRELOADS: list[Callable[[str], list[str]]] = []


def basemap_preload_register(source: Callable[[str], list[str]]) -> None:
    if source not in _BASEMAP_PRELOADS:
        _BASEMAP_PRELOADS.append(source)


def basemap_preload(config: dict | None = None) -> str:
    """<link rel="preload"> tags for a page whose map draws the city's own basemap (`config`, the
    map's basemap_config(), made here when the page has none at hand): the map library's
    scripts, its style sheet, the basemap's style and the registered glyphs start downloading
    with the page instead of one after another once the map has started (HTML, then Leaflet,
    then MapLibre, then the style was the first render's wait). Empty with a tile server."""
    config = config if config is not None else basemap_config()
    if "library" not in config:
        return ""
    library = config["library"]
    # MapLibre fetches in CORS mode with the page's credentials: "anonymous" matches.
    fetched = [config["style"], *(url for source in _BASEMAP_PRELOADS for url in source(basemap_language()))]
    return (
        "".join(f'<link rel="preload" href="{src}" as="script">' for src in library["scripts"])
        + f'<link rel="preload" href="{library["css"]}" as="style">'
        + "".join(f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous">' for url in fetched)
    )


def map_options(**extra) -> dict:
    """What every map of the portal needs: centre, zoom, the basemap (a tile server with its
    attribution, or the city's own vector basemap) and the zoom buttons' titles in the page's
    language; `extra` are the page's own options."""
    return {
        "center": list(settings.MISTO_MAP_CENTER),
        "zoom": settings.MISTO_MAP_ZOOM,
        "basemap": basemap_config(),
        "controls": {
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "leaflet": _("A JavaScript library for interactive maps"),
            "metres": _("m"),
            "kilometres": _("km"),
            "places": plural_forms("%s place", "%s places"),
        },
        **extra,
    }


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A count's forms in the page's language for the browser, by the categories of
    Intl.PluralRules (1 аптека, 2 аптеки, 5 аптек): static/js/map.js Misto.plural picks one."""
    return {
        "one": ngettext(singular, plural, 1),
        "few": ngettext(singular, plural, 2),
        "many": ngettext(singular, plural, 5),
    }


@dataclass
class RenderedMap:
    header: str  # <link> and deferred <script src> tags, for the page's <head>
    html: str  # the map element and its JSON config


def map_render(config: dict, *, label: str, vendor=(), page=(), css=()) -> RenderedMap:
    """The map element (filled by static/js/map.js from `config`) and the assets it needs:
    Leaflet and its `vendor` plugins, map.js, then the `page` script (or scripts, in order)
    that use map.js."""
    config_id = "misto-map-config"
    styles = [LEAFLET_CSS, *css]
    scripts = [LEAFLET_JS, *vendor, MAP_JS, *([page] if isinstance(page, str) else page)]
    header = (
        "".join(f'<link rel="stylesheet" href="{static(path)}">' for path in styles)
        + "".join(f'<script defer src="{static(path)}"></script>' for path in scripts)
        + (basemap_preload(config["basemap"]) if config.get("basemap") else "")
    )
    html = (
        f'<div class="misto-map" id="misto-map" data-misto-map="{config_id}" role="application" '
        f'aria-label="{escape(label)}"></div>' + json_script(config, config_id)
    )
    return RenderedMap(header=header, html=html)


def editor_map(*, layer, config: dict, label: str) -> RenderedMap:
    """The staff map editor of one layer: the basemap, the layer's features from the API, and
    Leaflet-Geoman's drawing tools (static/js/editor.js)."""
    options = map_options(zoom=16, maxZoom=21, layers=[{"call": "initEditor", "options": config}])
    return map_render(
        options,
        label=label,
        vendor=[VECTORGRID, "vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.min.js"],
        page="js/editor.js",
        css=["vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.css"],
    )


def preview_map(*, sample: dict, bbox: list[float] | None, label: str, colour: str) -> RenderedMap:
    """The first rows of an import on a small map (the rows are few: they are inlined)."""
    centre = list(settings.MISTO_MAP_CENTER)
    if bbox:
        centre = [(bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2]
    layers = []
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
        layers.append({"call": "addGeoJSON", "options": {"data": sample, "style": style, "fit": bool(bbox)}})
    return map_render(map_options(center=centre, zoom=14, layers=layers), label=label, vendor=[VECTORGRID])


def facility_map(facility, *, label: str) -> RenderedMap:
    """A small map of one facility (its page)."""
    point = [facility.location.y, facility.location.x]
    place = {"point": point, "colour": facility.category.colour, "title": facility.name}
    config = map_options(center=point, zoom=17, layers=[{"call": "addPlace", "options": place}])
    return map_render(config, label=label, vendor=[VECTORGRID])
