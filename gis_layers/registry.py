"""How other apps plug their data into the layer engine.

The engine (tiles, OGC API, data versions, the OSM import command) knows no app's tables. An
app that has map data registers it from its AppConfig.ready():

    from gis_layers import registry
    registry.register_tile_layer(TileLayer(name=..., source=..., sql=..., title=...))
    registry.register_collection("things", things_collection)   # a () -> Collection factory
    registry.register_data_version_source("things", tables=["things_thing"])
    registry.register_osm_target(OsmTarget(name="things", ...))

- A tile layer is served at /tiles/<name>/{z}/{x}/{y}.mvt; its SQL takes %(z)s, %(x)s, %(y)s
  (gis_layers.tiles.tile_layer_sql builds it from a SELECT). Its `source` names the DataVersion
  row whose triggers track its tables, so ETags and cached tiles change with the data.
- A collection is one of the OGC API's collections (gis_layers.ogcapi.collections.Collection),
  made fresh on each request by the factory so that it may depend on the data (hidden categories).
- A data-version source is a name that database triggers bump (the app adds the triggers in its
  own migration with gis_layers.migrations_ops.DataVersionTrigger); registering it documents
  which tables feed it.
- An OSM target is a `manage.py import_osm --<name>` destination.

Registered names are reserved: no GIS layer may take one as its slug (its tiles and OGC
collection would clash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Words of the engine's own URLs (/tiles/layers/…, /layers/new/).
ENGINE_NAMES = {"layers", "new"}

_tile_layers: dict[str, Any] = {}  # name -> gis_layers.tiles.TileLayer
_collections: dict[str, Callable[[], Any]] = {}  # id -> () -> Collection
_data_versions: dict[str, tuple[str, ...]] = {}  # source -> tables
_osm_targets: dict[str, OsmTarget] = {}


@dataclass(frozen=True)
class OsmTarget:
    """A destination of `manage.py import_osm --<name>`.

    `add_arguments(parser)` adds the target's own options; `prepare(options)` checks them and
    returns what `run` needs (raising CommandError with a clear message when they are wrong);
    `run(rows=..., context=..., actor=...)` upserts the OsmRows and returns an
    gis_layers.services.osm.OsmResult."""

    name: str
    help: str
    geometry: str  # what read_osm keeps: point / line / polygon
    prepare: Callable[[dict], Any]
    run: Callable[..., Any]
    add_arguments: Callable[[Any], None] | None = None


def _add(registry: dict, key: str, value) -> None:
    # The same object again is fine (ready() may run twice in tests); a different one is a clash.
    if key in registry and registry[key] != value:
        raise ValueError(f"gis_layers.registry: {key!r} is already registered")
    registry[key] = value


def register_tile_layer(layer) -> None:
    _add(_tile_layers, layer.name, layer)


def register_collection(collection_id: str, factory: Callable[[], Any]) -> None:
    _add(_collections, collection_id, factory)


def register_data_version_source(source: str, *, tables: list[str]) -> None:
    _add(_data_versions, source, tuple(tables))


def register_osm_target(target: OsmTarget) -> None:
    _add(_osm_targets, target.name, target)


def tile_layers() -> dict:
    """name -> TileLayer (the live mapping: gis_layers.tiles.LAYERS is this object)."""
    return _tile_layers


def collections() -> dict[str, Callable[[], Any]]:
    return _collections


def data_version_sources() -> dict[str, tuple[str, ...]]:
    return _data_versions


def osm_targets() -> dict[str, OsmTarget]:
    return _osm_targets


def reserved_names() -> set[str]:
    """Names a GIS layer's slug may not take."""
    return ENGINE_NAMES | set(_tile_layers) | set(_collections)
