"""The basemap's MapLibre style (style specification v8): how the layers of the basemap's tile
(basemap/tiles.py) are drawn, with labels in the page's language. Zooms here are MapLibre's,
one less than Leaflet's (the basemap is drawn in 512-pixel tiles under Leaflet's 256-pixel grid):
house numbers from MapLibre 16 are on Leaflet's (and the permalink's) zoom 17."""

from __future__ import annotations

from core.maps import basemap_attribution

FONT = ["DejaVu Sans"]
TILE_MAXZOOM = 16  # deeper views draw the zoom-16 tiles larger (they hold every layer)

LAND = "#f4f1ea"
WATER = "#a9d3e6"
GREEN = "#cfe8b4"
BUILDING = "#ddd4cb"
TEXT = "#2f2f2f"
HALO = "#ffffff"


def _by_zoom(*stops) -> list:
    return ["interpolate", ["exponential", 1.5], ["zoom"], *stops]


def _road_width(primary: float, secondary: float, other: float) -> list:
    """Width by zoom (the zoom must lead the expression), scaled by the street's class."""
    scale = ["match", ["get", "class"], "primary", primary, "secondary", secondary, other]
    stops = []
    for zoom, width in ((10, 0.5), (13, 1.5), (15, 4), (17, 10), (18, 18)):
        stops += [zoom, ["*", width, scale]]
    return _by_zoom(*stops)


def _class_is(*classes) -> list:
    return ["in", ["get", "class"], ["literal", list(classes)]]


def basemap_style(*, language: str, tiles: str, glyphs: str) -> dict:
    """The style for `language` (uk or en): `tiles` and `glyphs` are absolute URL templates."""
    name = ["get", "name_en" if language == "en" else "name_uk"]
    label = {"text-font": FONT, "text-field": name}
    halo = {"text-color": TEXT, "text-halo-color": HALO, "text-halo-width": 1.5}
    return {
        "version": 8,
        "name": "Misto basemap",
        "glyphs": glyphs,
        "sources": {
            "misto": {
                "type": "vector",
                "tiles": [tiles],
                "minzoom": 0,
                "maxzoom": TILE_MAXZOOM,
                "attribution": basemap_attribution(),
            }
        },
        "layers": [
            {"id": "land", "type": "background", "paint": {"background-color": LAND}},
            {
                "id": "green",
                "type": "fill",
                "source": "misto",
                "source-layer": "green",
                "paint": {"fill-color": GREEN},
            },
            {
                "id": "water",
                "type": "fill",
                "source": "misto",
                "source-layer": "water",
                "paint": {"fill-color": WATER},
            },
            {
                "id": "district-lines",
                "type": "line",
                "source": "misto",
                "source-layer": "districts",
                "minzoom": 11,
                "paint": {"line-color": "#b9aed0", "line-width": 1, "line-dasharray": [3, 2]},
            },
            {
                "id": "boundary",
                "type": "line",
                "source": "misto",
                "source-layer": "boundary",
                "paint": {
                    "line-color": "#9b6fb8",
                    "line-width": 2,
                    "line-dasharray": [4, 2],
                    "line-opacity": 0.7,
                },
            },
            {
                "id": "buildings",
                "type": "fill",
                "source": "misto",
                "source-layer": "buildings",
                "minzoom": 14,
                "paint": {"fill-color": BUILDING, "fill-outline-color": "#bfb2a6"},
            },
            {
                "id": "railway",
                "type": "line",
                "source": "misto",
                "source-layer": "railway",
                "paint": {"line-color": "#777777", "line-width": _by_zoom(10, 1, 16, 3)},
            },
            {
                "id": "railway-ties",
                "type": "line",
                "source": "misto",
                "source-layer": "railway",
                "minzoom": 13,
                "paint": {
                    "line-color": "#ffffff",
                    "line-width": _by_zoom(13, 0.8, 16, 1.5),
                    "line-dasharray": [3, 3],
                },
            },
            {
                "id": "street-casing",
                "type": "line",
                "source": "misto",
                "source-layer": "streets",
                "layout": {"line-cap": "round", "line-join": "round"},
                "paint": {
                    "line-color": "#c9bfb4",
                    "line-width": _road_width(1.25, 1.05, 0.8),
                },
            },  # fmt: skip
            {
                "id": "streets",
                "type": "line",
                "source": "misto",
                "source-layer": "streets",
                "layout": {"line-cap": "round", "line-join": "round"},
                "paint": {
                    "line-color": [
                        "case",
                        _class_is("primary"),
                        "#f9d39a",
                        _class_is("secondary"),
                        "#f6f3b9",
                        "#ffffff",
                    ],
                    "line-width": _road_width(1.0, 0.85, 0.6),
                },
            },  # fmt: skip
            {
                "id": "street-names",
                "type": "symbol",
                "source": "misto",
                "source-layer": "streets",
                "minzoom": 12,
                "layout": {
                    **label,
                    "symbol-placement": "line",
                    "text-size": _by_zoom(12, 10, 16, 13, 18, 15),
                    "text-max-angle": 35,
                    "symbol-spacing": 300,
                },
                "paint": halo,
            },
            {
                "id": "house-numbers",
                "type": "symbol",
                "source": "misto",
                "source-layer": "housenumbers",
                "minzoom": 16,
                "layout": {
                    "text-font": FONT,
                    "text-field": ["get", "house_number"],
                    "text-size": 11,
                    "text-allow-overlap": False,
                    "text-padding": 1,
                },
                "paint": {"text-color": "#5b5048", "text-halo-color": BUILDING, "text-halo-width": 1},
            },
            {
                "id": "landmarks",
                "type": "circle",
                "source": "misto",
                "source-layer": "landmarks",
                "minzoom": 15,
                "paint": {
                    "circle-radius": 3,
                    "circle-color": "#8a6a52",
                    "circle-stroke-color": HALO,
                    "circle-stroke-width": 1,
                },
            },
            {
                "id": "landmark-names",
                "type": "symbol",
                "source": "misto",
                "source-layer": "landmarks",
                "minzoom": 15,
                "layout": {
                    **label,
                    "text-size": 11,
                    "text-anchor": "top",
                    "text-offset": [0, 0.5],
                    "text-max-width": 9,
                },
                "paint": {**halo, "text-color": "#6b4f3a"},
            },
            {
                "id": "water-names",
                "type": "symbol",
                "source": "misto",
                "source-layer": "water",
                "minzoom": 12,
                "layout": {**label, "text-size": 12, "symbol-placement": "point"},
                "paint": {"text-color": "#2c6e91", "text-halo-color": WATER, "text-halo-width": 1},
            },
            {
                "id": "district-names",
                "type": "symbol",
                "source": "misto",
                "source-layer": "districts",
                "minzoom": 11,
                "maxzoom": 15,
                "layout": {
                    **label,
                    "text-size": 12,
                    "text-transform": "uppercase",
                    "text-letter-spacing": 0.08,
                },
                "paint": {"text-color": "#7a6f8f", "text-halo-color": LAND, "text-halo-width": 1.5},
            },
        ],
    }
