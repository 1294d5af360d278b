"""What other apps add to the basemap, registered from their AppConfig.ready():

    from basemap.registry import BasemapLayer, register_basemap_layer
    register_basemap_layer(BasemapLayer(name="buildings", source="buildings", ...))

The basemap (below the domain apps) never names their tables itself: an app that owns map data
the basemap should draw (building outlines and house numbers, landmarks) hands over the SQL
pieces of one tile layer, and the data-version source whose triggers track its tables. Only
public data belongs here: the basemap is served to everybody and cached by shared caches.
"""

from __future__ import annotations

from dataclasses import dataclass

_layers: dict[str, BasemapLayer] = {}


@dataclass(frozen=True)
class BasemapLayer:
    """One layer of the basemap's vector tile.

    The tile keeps the rows of `tables` whose `index_geometry` (an indexed EPSG:4326 column;
    `geometry` when empty) meets the tile and that satisfy `where`, from zoom `minzoom` on.
    `geometry` is what is drawn (EPSG:4326; an aggregate when `group_by` is given), `columns`
    the attributes (SQL select items). Trusted SQL text only: no values from requests."""

    name: str
    source: str
    tables: str
    geometry: str
    columns: str
    where: str = "true"
    index_geometry: str = ""
    group_by: str = ""
    minzoom: int = 0
    order: int = 50  # drawing order of the layers inside the tile


def register_basemap_layer(layer: BasemapLayer) -> None:
    # The same object again is fine (ready() may run twice in tests); a different one is a clash.
    if layer.name in _layers and _layers[layer.name] != layer:
        raise ValueError(f"basemap.registry: {layer.name!r} is already registered")
    _layers[layer.name] = layer


def basemap_layers() -> list[BasemapLayer]:
    return sorted(_layers.values(), key=lambda layer: (layer.order, layer.name))
