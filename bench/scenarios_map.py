"""The public map (issue 4): tiles, the facilities API, nearest search and the map page.

Scale data: 100,000 buildings and 50,000 facilities (manage.py generate_scale_data, run by
scripts/bench.sh). Each HTTP scenario is loaded beside the SQL it runs (pgbench -M prepared).
"""

from __future__ import annotations

import time

from harness import CENTRE, Measurement, Scenario, cache_off, launch_chromium, tile_scenarios

CITY_BBOX = "33.60,48.99,33.68,49.03"
PAGE_QUERY = f"bbox={CITY_BBOX}&page_size=1000"
NEAREST_QUERY = (
    f"lat={CENTRE[0]}&lon={CENTRE[1]}&category=pharmacy&page_size=5"  # nearest/ reads no page_size
)


def scenarios(ctx):
    sql = ctx.manage(
        "shell", "--no-imports", "-c", "from gis_layers.tiles import LAYERS; print(LAYERS['buildings'].sql)"
    )
    out = tile_scenarios("building tile z{z} {label}", "/tiles/buildings/{z}/{x}/{y}.mvt", sql, (12, 14, 16))
    out.append(
        Scenario(
            "facilities GeoJSON, bbox page of 1,000",
            f"/api/v1/facilities/?{PAGE_QUERY}",
            sql=ctx.manage("facilities_api_sql", PAGE_QUERY),
        )
    )
    out.append(
        Scenario(
            "nearest 5 pharmacies",
            f"/api/v1/facilities/?{NEAREST_QUERY}",
            sql=ctx.manage("facilities_api_sql", NEAREST_QUERY),
        )
    )
    # The same question on foot: K nearest by straight line, then one pgRouting call for them
    # (facilities/nearest.py + coverage/walking.py); straight line when no network is built.
    out.append(Scenario("nearest 5 pharmacies on foot", f"/api/v1/facilities/nearest/?{NEAREST_QUERY}"))
    out.append(Scenario("search box: an address", "/api/v1/search/?q=%D0%9C%D0%B8%D1%80%D1%83%2C+9"))
    out.append(Scenario("map page /map/", "/map/"))
    return out


def measurements(ctx):
    """The map page in headless Chromium: bytes transferred (without basemap tiles) and the
    time until the first markers are on the map, median of 5 cold loads."""
    from playwright.sync_api import sync_playwright

    sizes, times = [], []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            cdp = cache_off(context, page)
            received: list[int] = []
            cdp.on("Network.loadingFinished", lambda e, got=received: got.append(e["encodedDataLength"]))
            started = time.perf_counter()
            page.goto(ctx.base_url + "/map/")
            page.wait_for_selector(".marker-cluster, .misto-marker", state="attached", timeout=15000)
            times.append(time.perf_counter() - started)
            page.wait_for_load_state("networkidle")
            sizes.append(sum(received))
            context.close()
        browser.close()
    sizes.sort()
    times.sort()
    return [
        Measurement(
            "map page transfer (all requests, no basemap tiles)", sizes[2] / 1024, "KiB", "target < 1,024 KiB"
        ),
        Measurement(
            "map page: navigation to first markers", times[2], "s", "target < 1.5 s; median of 5 cold loads"
        ),
    ]
