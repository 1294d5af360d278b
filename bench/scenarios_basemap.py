"""The city's own basemap (issue 18): its vector tiles at z12, z14, z16 and z18, cached and uncached,
each beside the SQL that makes it; and the public map with the basemap in headless Chromium — time
from navigation to the basemap's first complete render, and the bytes of the whole page (HTML,
scripts, styles, data, basemap tiles, style and glyphs), median of 5 cold loads."""

from __future__ import annotations

import statistics
import time

from harness import CENTRE, Measurement, Scenario, cache_off, launch_chromium, tile_xy


def basemap_sql(ctx, z: int) -> str:
    x, y = tile_xy(z)
    sql = ctx.manage(
        "shell", "--no-imports", "-c", "from gis_layers.tiles import LAYERS; print(LAYERS['basemap'].sql)"
    )
    return sql.replace("%(z)s", str(z)).replace("%(x)s", str(x)).replace("%(y)s", str(y))


def scenarios(ctx):
    out = []
    for z in (12, 14, 16, 18):
        x, y = tile_xy(z)
        sql = basemap_sql(ctx, z)
        path = f"/tiles/basemap/{z}/{x}/{y}.mvt"
        out.append(Scenario(f"basemap tile z{z} uncached", path, sql=sql, server="nocache"))
        out.append(Scenario(f"basemap tile z{z} cached", path, sql=sql))
    out.append(Scenario("basemap style (uk)", "/basemap/style/uk.json"))
    out.append(Scenario("basemap glyphs (Cyrillic)", "/basemap/fonts/DejaVu%20Sans/1024-1279.pbf"))
    return out


def measurements(ctx):
    from playwright.sync_api import sync_playwright

    sizes, renders, firsts = [], [], []
    lat, lon = CENTRE
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            cdp = cache_off(context, page)
            received: list[int] = []
            cdp.on("Network.loadingFinished", lambda e, got=received: got.append(e["encodedDataLength"]))
            started = time.perf_counter()
            page.goto(f"{ctx.base_url}/map/?z=16&c={lat},{lon}")
            page.wait_for_selector(".marker-cluster, .misto-marker", state="attached", timeout=30000)
            firsts.append(time.perf_counter() - started)
            page.wait_for_selector("html[data-basemap]", state="attached", timeout=30000)
            renders.append(time.perf_counter() - started)
            page.wait_for_load_state("networkidle")
            sizes.append(sum(received))
            context.close()
        browser.close()
    return [
        Measurement(
            "public map with the basemap: navigation to the basemap's first complete render",
            statistics.median(renders),
            "s",
            "target <= 1.5 s; median of 5 cold loads at z16 (Leaflet), the centre",
        ),
        Measurement(
            "public map with the basemap: navigation to the first markers",
            statistics.median(firsts),
            "s",
            "median of 5 cold loads",
        ),
        Measurement(
            "public map with the basemap: page weight (every request, tiles and glyphs included)",
            statistics.median(sizes) / 1024 / 1024,
            "MiB",
            "target <= 1.5 MiB; median of 5 cold loads",
        ),
    ]
