"""The basemap's vector tile (/tiles/basemap/{z}/{x}/{y}.mvt): the city's streets with their names,
buildings with house numbers, water, green areas, railway, district and hromada boundaries and
landmarks, made by PostGIS in one statement (one ST_AsMVT per layer, concatenated).

Names come in both languages: `name_uk`, and `name_en` — the English name where the data has one,
else the official transliteration (misto_translit_uk, basemap/translit.py). The style of the
page's language picks one (basemap/style.py), so one tile serves both languages.

The city's layers are written here (city is a floor below); building outlines and landmarks come
from the apps that own them (basemap.registry). Every layer names the data-version source of its
tables, and the ETag carries all their versions: a street renamed or a building added makes new
tiles at once (gis_layers.tiles.tile_etag).
"""

from __future__ import annotations

from basemap.registry import BasemapLayer, basemap_layers, register_basemap_layer
from gis_layers.tiles import BUFFER, EXTENT

# Data-version sources of the city's tables (the triggers are in basemap/migrations/0001).
BASEMAP_SOURCES = {
    "streets": ["city_street", "city_streetsegment"],
    "territory": ["city_municipality", "city_district", "city_barrier"],
    "basemap": ["basemap_maparea"],
}


def english(alias: str) -> str:
    """The English name of a row: its own, else the Ukrainian one transliterated."""
    return f"coalesce(nullif({alias}.name_en, ''), misto_translit_uk({alias}.name_uk))"


# The zoom from which a street of each class is drawn (and named).
ROAD_MINZOOM = "CASE sg.road_class WHEN 'primary' THEN 10 WHEN 'secondary' THEN 11 WHEN 'residential' THEN 13 ELSE 14 END"

CITY_LAYERS = [
    BasemapLayer(
        name="boundary",
        source="territory",
        tables="city_municipality m",
        geometry="ST_Boundary(m.boundary)",
        index_geometry="m.boundary",
        columns=f"m.name_uk, {english('m')} AS name_en",
        order=10,
    ),
    BasemapLayer(
        name="water",
        source="territory",
        tables=(
            "(SELECT geometry AS geom, name_uk, name_en FROM city_barrier WHERE kind = 'water'"
            " UNION ALL SELECT area, name_uk, name_en FROM basemap_maparea WHERE kind = 'water') w"
        ),
        geometry="w.geom",
        columns=f"w.name_uk, {english('w')} AS name_en",
        order=20,
    ),
    BasemapLayer(
        name="green",
        source="basemap",
        tables="basemap_maparea a",
        where="a.kind = 'green'",
        geometry="a.area",
        columns=f"a.name_uk, {english('a')} AS name_en",
        minzoom=11,
        order=21,
    ),
    BasemapLayer(
        name="districts",
        source="territory",
        tables="city_district d",
        geometry="d.area",
        columns=f"d.name_uk, {english('d')} AS name_en",
        order=30,
    ),
    BasemapLayer(
        name="railway",
        source="territory",
        tables="city_barrier r",
        where="r.kind = 'railway'",
        geometry="r.geometry",
        columns=f"r.name_uk, {english('r')} AS name_en",
        order=40,
    ),
    # One line per street and class in the tile (its segments merged), so that the name is laid
    # along the street rather than squeezed onto each piece between two junctions.
    BasemapLayer(
        name="streets",
        source="streets",
        tables="city_streetsegment sg JOIN city_street s ON s.id = sg.street_id",
        geometry="ST_LineMerge(ST_Collect(sg.geometry))",
        index_geometry="sg.geometry",
        where=f"%(z)s >= {ROAD_MINZOOM}",
        group_by="s.id, s.name_uk, s.name_en, s.kind, sg.road_class, sg.is_bridge",
        columns=f"s.id AS street, s.name_uk, {english('s')} AS name_en, s.kind, sg.road_class AS class, sg.is_bridge AS bridge",
        order=50,
    ),
]

for _layer in CITY_LAYERS:
    register_basemap_layer(_layer)


def _layer_sql(layer: BasemapLayer) -> str:
    index = layer.index_geometry or layer.geometry
    group = f"\n        GROUP BY {layer.group_by}, b.env" if layer.group_by else ""
    return f"""
    l_{layer.name} AS (
        SELECT ST_AsMVTGeom(ST_Transform({layer.geometry}, 3857), b.env, {EXTENT}, {BUFFER}, true) AS geom,
               {layer.columns}
        FROM {layer.tables}
        CROSS JOIN bounds b
        WHERE %(z)s >= {int(layer.minzoom)} AND {index} && b.env_4326 AND {layer.where}{group}
    )"""


def basemap_sql(layers: list[BasemapLayer] | None = None) -> str:
    """The statement of one basemap tile (parameters %(z)s, %(x)s, %(y)s): every layer's
    ST_AsMVT, concatenated (a vector tile is the sequence of its layers)."""
    layers = basemap_layers() if layers is None else layers
    ctes = ",".join(_layer_sql(layer) for layer in layers)
    parts = " ||\n       ".join(
        f"coalesce((SELECT ST_AsMVT(l_{layer.name}.*, '{layer.name}', {EXTENT}, 'geom') "
        f"FROM l_{layer.name} WHERE geom IS NOT NULL), ''::bytea)"
        for layer in layers
    )
    return f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}), 4326) AS env_4326
),{ctes}
SELECT {parts}"""


class BasemapTileLayer:
    """The basemap as a tile layer of the engine (gis_layers.tiles.TileLayer's attributes): its
    statement and sources are read from the registered layers when used, so the layers other
    apps register after this app's ready() are in it too."""

    name = "basemap"
    source = "streets"
    title = "The city's basemap (streets, buildings and house numbers, water, green areas, landmarks)"

    def __init__(self):
        self._built: tuple[tuple, str] | None = None

    @property
    def sql(self) -> str:
        layers = tuple(basemap_layers())
        if self._built is None or self._built[0] != layers:
            self._built = (layers, basemap_sql(list(layers)))
        return self._built[1]

    @property
    def more_sources(self) -> tuple[str, ...]:
        return tuple(sorted({layer.source for layer in basemap_layers()} - {self.source}))


BASEMAP = BasemapTileLayer()


def basemap_tile_layer() -> BasemapTileLayer:
    return BASEMAP
