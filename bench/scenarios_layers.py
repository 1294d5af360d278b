"""GIS layers (issue 5): the OGC API items page of 1,000 features beside the raw query, GIS layer
tiles, and importing 100,000 features (seconds and peak memory of `manage.py import_layer`).

Scale data: a deterministic GeoPackage of 100,000 shelter-like points (manage.py
generate_layer_file) imported once into the public layer "bench-shelters".

The items endpoint counts numberMatched once per data version and filter (then from the cache),
so a warm request runs one statement: the page. That statement (manage.py ogcapi_items_sql) is
the raw query each items scenario is compared with.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from harness import PYTHON, ROOT, Measurement, Scenario, tile_scenarios

LAYER = "bench-shelters"
IMPORT_LAYER = "bench-import"
FEATURES = int(os.environ.get("BENCH_LAYER_FEATURES", "100000"))
DATA = ROOT / "bench" / "results" / "tmp" / f"shelters-{FEATURES}.gpkg"
CITY_BBOX = "33.60,48.99,33.68,49.03"


def _count(ctx, slug: str) -> int:
    return int(
        ctx.psql(
            f"SELECT count(*) FROM gis_layers_feature f JOIN gis_layers_layer l ON l.id = f.layer_id "
            f"WHERE l.slug = '{slug}' AND f.deleted_at IS NULL"
        )
        or 0
    )


def setup(ctx) -> None:
    ctx.manage("generate_layer_file", str(DATA), "--features", str(FEATURES), "--layer", LAYER, "--keep")
    if _count(ctx, LAYER) != FEATURES:
        ctx.psql(
            f"DELETE FROM gis_layers_historicalfeature WHERE layer_id = (SELECT id FROM gis_layers_layer WHERE slug = '{LAYER}');"
            f"DELETE FROM gis_layers_feature WHERE layer_id = (SELECT id FROM gis_layers_layer WHERE slug = '{LAYER}')"
        )
        ctx.manage("import_layer", str(DATA), "--layer", LAYER)
    # A bulk load leaves the visibility map empty: counting would read the heap, not the index.
    ctx.psql("VACUUM ANALYZE gis_layers_feature")


def scenarios(ctx):
    out = []
    for query, name in (
        ("limit=1000", "OGC API items, page of 1,000 (of 100,000)"),
        ("limit=1000&offset=50000", "OGC API items, page of 1,000 at offset 50,000"),
        (f"limit=1000&bbox={CITY_BBOX}", "OGC API items, 1,000 in the city's bbox"),
    ):
        out.append(
            Scenario(
                name,
                f"/ogcapi/collections/{LAYER}/items?{query}",
                sql=ctx.manage("ogcapi_items_sql", LAYER, query),
            )
        )
    sql = ctx.manage(
        "shell",
        "--no-imports",
        "-c",
        f"from gis_layers.tiles import gis_tiles; print(gis_tiles({LAYER!r}).layer.sql)",
    )
    out += tile_scenarios(
        "GIS layer tile z{z} {label}", f"/tiles/layers/{LAYER}/{{z}}/{{x}}/{{y}}.mvt", sql, (14, 16)
    )
    return out


def _timed_import() -> tuple[float, float]:
    """Wall-clock seconds and peak resident memory (MiB) of one import of the file."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "import_layer", str(DATA), "--layer", IMPORT_LAYER],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"import_layer failed:\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def _interleaved(ctx, query: str, rounds: int = 60) -> tuple[float, float]:
    """Median milliseconds of the items page over HTTP and of its SQL (prepared), one after the
    other in turns: on a busy machine both see the same load, unlike two separate runs."""
    import http.client
    import statistics
    import urllib.parse

    import psycopg2

    sql = ctx.manage("ogcapi_items_sql", LAYER, query)
    url = urllib.parse.urlparse(ctx.base_url)
    path = f"/ogcapi/collections/{LAYER}/items?{query}"
    conn = psycopg2.connect(ctx.pg_dsn)
    cursor = conn.cursor()
    cursor.execute("PREPARE page AS " + sql)
    web, raw = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        http_conn = http.client.HTTPConnection(url.hostname, url.port)
        http_conn.request("GET", path)
        response = http_conn.getresponse()
        response.read()
        http_conn.close()
        web.append(time.perf_counter() - started)
        started = time.perf_counter()
        cursor.execute("EXECUTE page")
        cursor.fetchone()
        raw.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(web) * 1000, statistics.median(raw) * 1000


def measurements(ctx):
    web, raw = _interleaved(ctx, "limit=1000")
    interleaved = [
        Measurement("OGC API items page of 1,000: HTTP, median of 60 in turns with the SQL", web, "ms"),
        Measurement("OGC API items page of 1,000: its SQL (prepared), median of 60", raw, "ms"),
        Measurement(
            "OGC API items page of 1,000: ratio raw/web (1 client, interleaved)",
            raw / web,
            "×",
            "target ≥ 0.5",
        ),
    ]
    # A fresh layer of the same schema each run; the previous run's features are removed first.
    ctx.manage(
        "generate_layer_file", str(DATA), "--features", str(FEATURES), "--layer", IMPORT_LAYER, "--keep"
    )
    ctx.psql(
        f"DELETE FROM gis_layers_historicalfeature WHERE layer_id = (SELECT id FROM gis_layers_layer WHERE slug = '{IMPORT_LAYER}');"
        f"DELETE FROM gis_layers_feature WHERE layer_id = (SELECT id FROM gis_layers_layer WHERE slug = '{IMPORT_LAYER}')"
    )
    seconds, peak = _timed_import()
    size = Path(DATA).stat().st_size / 1024 / 1024
    return [
        *interleaved,
        Measurement(
            f"import {FEATURES:,} points (GeoPackage {size:.0f} MiB): read, check, stage, apply with history",
            seconds,
            "s",
            "manage.py import_layer, one process, wall clock",
        ),
        Measurement(f"import {FEATURES:,} points: peak memory", peak, "MiB", "maximum resident set size"),
    ]
