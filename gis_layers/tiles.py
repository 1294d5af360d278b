"""Mapbox vector tiles made by PostGIS: one statement per tile (ST_AsMVTGeom + ST_AsMVT).

Each layer names the DataVersion source whose triggers track its tables; the version is part
of every ETag and cache key, so a change to the data is never hidden by a cached tile.

Two kinds of tile layers: those the apps register (gis_layers.registry), and one per GIS
layer (/tiles/layers/<slug>/…), looked up in the database on every request together with its
visibility and version — so a layer made staff-only is refused at once, by every process.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.db_router import read_connection
from gis_layers import registry

EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22

_BOUNDS = f"""
bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}), 4326) AS env_4326
)"""


@dataclass(frozen=True)
class TileLayer:
    name: str
    source: str
    sql: str
    title: str
    # Further data-version sources of a tile drawn from several apps' tables (the basemap):
    # each one's version is part of the ETag, so a change to any of them makes a new tile.
    more_sources: tuple[str, ...] = ()


def mvt_sql(name: str, *, geometry: str, columns: str, tables: str, where: str = "true") -> str:
    """The statement of one tile (parameters %(z)s, %(x)s, %(y)s): the rows of `tables` whose
    `geometry` (EPSG:4326, indexed) meets the tile, with `columns` as attributes (the first, the
    id, is the feature id). Only trusted SQL text goes in here: values come as parameters."""
    return f"""
WITH {_BOUNDS},
mvt AS (
    SELECT ST_AsMVTGeom(ST_Transform({geometry}, 3857), b.env, {EXTENT}, {BUFFER}, true) AS geom,
           {columns}
    FROM {tables}
    CROSS JOIN bounds b
    WHERE {geometry} && b.env_4326 AND {where}
)
SELECT ST_AsMVT(mvt.*, '{name}', {EXTENT}, 'geom', 'id') FROM mvt"""


# The tile layers the apps registered (gis_layers.registry), by name: /tiles/<name>/….
LAYERS = registry.tile_layers()


def gis_layer_sql(slug: str, layer_id: int) -> str:
    """The tile of one GIS layer: its live features with all their properties (jsonb keys
    become tile attributes). `slug` is a SlugField value and `layer_id` an integer."""
    return mvt_sql(
        slug,
        geometry="f.geometry",
        columns="f.id, f.properties",
        tables="gis_layers_feature f",
        where=f"f.layer_id = {int(layer_id)} AND f.deleted_at IS NULL",
    )


@dataclass(frozen=True)
class GisTiles:
    layer: TileLayer
    public: bool


_gis_layers: dict[tuple[str, int], TileLayer] = {}

GIS_LOOKUP = """
SELECT l.id, l.visibility = 'public', coalesce(v.version, 0)
FROM gis_layers_layer l
LEFT JOIN gis_layers_dataversion v ON v.source = 'layer:' || l.id
WHERE l.slug = %s AND l.deleted_at IS NULL AND l.geometry_type <> 'none'"""  # tables have no tiles


def gis_tiles(slug: str) -> GisTiles | None:
    """The tile layer of a live GIS layer and whether it is public — read fresh (one indexed
    query that also brings the data version, so the ETag costs nothing more)."""
    with read_connection().cursor() as cursor:
        cursor.execute(GIS_LOOKUP, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    layer_id, public, version = row
    layer = _gis_layers.get((slug, layer_id))
    if layer is None:
        # The id is in the name (and so in ETags and cache keys): a layer made again under an
        # old slug never meets the old layer's cached tiles.
        layer = TileLayer(
            name=f"layer{layer_id}:{slug}",
            source=f"layer:{layer_id}",
            sql=gis_layer_sql(slug, layer_id),
            title=slug,
        )
        _gis_layers[(slug, layer_id)] = layer
    _versions[layer.source] = (version, time.monotonic())
    return GisTiles(layer=layer, public=bool(public))


_versions: dict[str, tuple[int, float]] = {}


def data_version(source: str) -> int:
    """The source's current version, re-read at most every MISTO_TILE_VERSION_TTL seconds."""
    now = time.monotonic()
    cached = _versions.get(source)
    if cached and now - cached[1] < settings.MISTO_TILE_VERSION_TTL:
        return cached[0]
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT version FROM gis_layers_dataversion WHERE source = %s", [source])
        row = cursor.fetchone()
    version = row[0] if row else 0
    _versions[source] = (version, now)
    return version


# Every per_data_version cache of this process (tests empty them: a rolled-back test's version
# numbers come back with other data).
_per_version_caches: list[dict] = []


def per_data_version(source: str):
    """Decorator: keep a function's result (it takes no arguments) in this process until the
    data version of `source` changes, e.g. what is read from a whole table on every page."""

    def wrap(make):
        kept: dict[int, object] = {}
        _per_version_caches.append(kept)

        @functools.wraps(make)
        def cached():
            version = data_version(source)
            if version not in kept:
                value = make()
                kept.clear()
                kept[version] = value
            return kept[version]

        return cached

    return wrap


def per_data_version_clear() -> None:
    for kept in _per_version_caches:
        kept.clear()


def tile_etag(layer: TileLayer, z: int, x: int, y: int) -> str:
    versions = ".".join(str(data_version(source)) for source in (layer.source, *layer.more_sources))
    return f'"{layer.name}-{versions}-{z}-{x}-{y}"'


class TileMemory:
    """The tiles this process served last, up to a byte budget (keys carry the data version,
    so an entry is never stale: old versions simply age out)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            data = self.items.get(key)
            if data is not None:
                self.items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.budget // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = data
            self.size += len(data)
            while self.size > self.budget:
                _old, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)


memory = TileMemory(budget=64 * 1024 * 1024)


def tile_bytes(layer: TileLayer, z: int, x: int, y: int, etag: str) -> bytes:
    """The tile: from this process's memory, then the shared cache, then PostGIS."""
    seconds = settings.MISTO_TILE_CACHE_SECONDS
    key = f"tile:{etag}"
    if seconds:
        data = memory.get(key)
        if data is not None:
            return data
        data = cache.get(key)
        if data is not None:
            memory.put(key, data)
            return data
    with read_connection().cursor() as cursor:
        cursor.execute(layer.sql, {"z": z, "x": x, "y": y})
        data = bytes(cursor.fetchone()[0] or b"")
    if seconds:
        cache.set(key, data, seconds)
        memory.put(key, data)
    return data


def parse_tile_address(z: str, x: str, y: str) -> tuple[int, int, int] | None:
    """(z, x, y) when they name a tile of the pyramid, else None."""
    if not (z.isdigit() and x.isdigit() and y.isdigit()):
        return None
    zi, xi, yi = int(z), int(x), int(y)
    if zi > MAX_ZOOM or xi >= 2**zi or yi >= 2**zi:
        return None
    return zi, xi, yi


TILE_HEADERS = {"Cache-Control": "public, max-age=60", "X-Content-Type-Options": "nosniff"}
# Staff-only layers: never stored by a shared cache or proxy.
PRIVATE_TILE_HEADERS = {"Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff"}
