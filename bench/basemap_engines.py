"""The basemap's engine, chosen by measurement (issue 18): the same city drawn two ways from the
same PostGIS tables, timed on this machine.

(a) vector: the portal's /tiles/basemap/ tile (ST_AsMVT, basemap/tiles.py) — its time is the SQL
    statement's; MapLibre GL draws it in the browser (bench/scenarios_basemap.py measures that).
(b) raster: Mapnik (Debian's python3-mapnik) rendering 512-pixel PNG tiles of the same layers
    (water, green, railway, streets with names along the line, buildings, house numbers) in
    DejaVu Sans, the way a mod_tile/renderd server would, one tile at a time.

    /usr/bin/python3 bench/basemap_engines.py postgresql://misto:misto@127.0.0.1:5432/misto_basemap

Runs with Debian's Python (python3-mapnik is built for it, not the portal's .venv): psycopg2 from
python3-psycopg2 as well. Prints p50/p95 per zoom for both and the bytes a 1280×800 view fetches.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from xml.sax.saxutils import escape

import mapnik
import psycopg2

CENTRE = (49.0105, 33.638)
ZOOMS = (12, 14, 16, 18)
TILES_PER_ZOOM = 9  # the 3×3 tiles around the centre


def tiles_around(z: int) -> list[tuple[int, int, int]]:
    lat, lon = CENTRE
    n = 2**z
    cx = int((lon + 180) / 360 * n)
    cy = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return [(z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


def merc_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * math.pi * 6378137 / 2**z
    minx = -math.pi * 6378137 + x * size
    maxy = math.pi * 6378137 - y * size
    return minx, maxy - size, minx + size, maxy


def build_map(dsn: dict) -> mapnik.Map:
    """The basemap's layers as a Mapnik XML style over the same tables (PostGIS datasource)."""
    params = "".join(f'<Parameter name="{k}">{v}</Parameter>' for k, v in dsn.items())

    def layer(name, sql, style_name):
        return (
            f'<Layer name="{name}" srs="epsg:3857"><StyleName>{style_name}</StyleName><Datasource>'
            f'<Parameter name="type">postgis</Parameter>{params}'
            f'<Parameter name="table">({escape(sql)}) AS t</Parameter><Parameter name="geometry_field">geom</Parameter>'
            f'<Parameter name="srid">3857</Parameter><Parameter name="extent_from_subquery">true</Parameter>'
            "</Datasource></Layer>"
        )

    to3857 = "ST_Transform({}, 3857) AS geom"
    streets = (
        f"SELECT {to3857.format('ST_LineMerge(ST_Collect(sg.geometry))')}, s.name_uk "
        "FROM city_streetsegment sg JOIN city_street s ON s.id = sg.street_id GROUP BY s.id, s.name_uk"
    )
    halo = 'halo-fill="white" halo-radius="1.5" face-name="DejaVu Sans Book"'
    xml = f"""<Map background-color="#f4f1ea" srs="epsg:3857">
<Style name="water"><Rule><PolygonSymbolizer fill="#a9d3e6"/></Rule></Style>
<Style name="green"><Rule><PolygonSymbolizer fill="#cfe8b4"/></Rule></Style>
<Style name="buildings"><Rule><MaxScaleDenominator>70000</MaxScaleDenominator>
  <PolygonSymbolizer fill="#ddd4cb"/><LineSymbolizer stroke="#bfb2a6" stroke-width="0.5"/></Rule></Style>
<Style name="railway"><Rule><LineSymbolizer stroke="#777777" stroke-width="2"/></Rule></Style>
<Style name="streets"><Rule><LineSymbolizer stroke="#c9bfb4" stroke-width="8"/>
  <LineSymbolizer stroke="#ffffff" stroke-width="6"/></Rule></Style>
<Style name="names"><Rule><TextSymbolizer placement="line" size="12" fill="#2f2f2f" {halo}>[name_uk]</TextSymbolizer></Rule></Style>
<Style name="numbers"><Rule><MaxScaleDenominator>9000</MaxScaleDenominator>
  <TextSymbolizer size="10" fill="#5b5048" {halo}>[house_number]</TextSymbolizer></Rule></Style>
{layer("water", f"SELECT {to3857.format('geometry')} FROM city_barrier WHERE kind = 'water'", "water")}
{layer("green", f"SELECT {to3857.format('area')} FROM basemap_maparea WHERE kind = 'green'", "green")}
{layer("railway", f"SELECT {to3857.format('geometry')} FROM city_barrier WHERE kind = 'railway'", "railway")}
{layer("streets", streets, "streets")}
{layer("buildings", f"SELECT {to3857.format('footprint')} FROM housing_registry_building", "buildings")}
{layer("names", streets, "names")}
{layer("numbers", f"SELECT {to3857.format('ST_PointOnSurface(footprint)')}, house_number FROM housing_registry_building", "numbers")}
</Map>"""
    m = mapnik.Map(512, 512)
    mapnik.load_map_from_string(m, xml)
    return m


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://misto:misto@127.0.0.1:5432/misto_basemap"
    conn = psycopg2.connect(url)
    params = conn.get_dsn_parameters()
    dsn = {"host": params["host"], "port": params["port"], "user": params["user"], "dbname": params["dbname"]}
    dsn["password"] = url.split(":")[2].split("@")[0]
    m = build_map(dsn)
    # The vector tile's statement, as the portal runs it (printed by the portal's own code).
    sql = open(sys.argv[2]).read() if len(sys.argv) > 2 else None
    print("zoom | Mapnik raster p50 / p95 ms | PNG KiB (mean) | vector SQL p50 / p95 ms | MVT KiB (mean)")
    for z in ZOOMS:
        raster_ms, raster_bytes, vector_ms, vector_bytes = [], [], [], []
        for address in tiles_around(z):
            for _ in range(3):
                m.zoom_to_box(mapnik.Box2d(*merc_bounds(*address)))
                image = mapnik.Image(512, 512)
                started = time.perf_counter()
                mapnik.render(m, image)
                png = image.tostring("png8")
                raster_ms.append((time.perf_counter() - started) * 1000)
            raster_bytes.append(len(png))
            if sql:
                with conn.cursor() as cursor:
                    for _ in range(3):
                        started = time.perf_counter()
                        cursor.execute(sql, {"z": address[0], "x": address[1], "y": address[2]})
                        data = bytes(cursor.fetchone()[0] or b"")
                        vector_ms.append((time.perf_counter() - started) * 1000)
                vector_bytes.append(len(data))
        vector = (
            f"{statistics.median(vector_ms):.1f} / {percentile(vector_ms, 0.95):.1f} | {statistics.mean(vector_bytes) / 1024:.1f}"
            if sql
            else "-"
        )
        print(
            f"z{z} | {statistics.median(raster_ms):.1f} / {percentile(raster_ms, 0.95):.1f} | "
            f"{statistics.mean(raster_bytes) / 1024:.1f} | {vector}"
        )
        if z == 16:
            image.save("/tmp/basemap-mapnik-z16.png", "png8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
