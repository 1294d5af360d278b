"""The city's own basemap (issue 18): its vector tiles at z12, z14, z16 and z18, cached and uncached,
each beside the SQL that makes it; and the public map with the basemap in headless Chromium — time
from navigation to the basemap's first complete render, and the bytes of the whole page (HTML,
scripts, styles, data, basemap tiles, style and glyphs), median of 5 cold loads."""

from __future__ import annotations

import statistics
import time

from harness import CENTRE, Measurement, Scenario, cache_off, launch_chromium, tile_scenarios


def scenarios(ctx):
    sql = ctx.manage(
        "shell", "--no-imports", "-c", "from gis_layers.tiles import LAYERS; print(LAYERS['basemap'].sql)"
    )
    out = tile_scenarios("basemap tile z{z} {label}", "/tiles/basemap/{z}/{x}/{y}.mvt", sql, (12, 14, 16, 18))
    out.append(Scenario("basemap style (uk)", "/basemap/style/uk.json"))
    out.append(Scenario("basemap glyphs (Cyrillic)", "/basemap/fonts/DejaVu%20Sans/1024-1279.pbf"))
    return out


# Where the first render waits: when each step of the chain had arrived (seconds after the page
# was requested; the first or the last of its requests).
# The downloads by address (static names carry a hash: maplibre-gl.<hash>.js); the map's own
# steps by the marks static/js/map.js puts on the page's performance timeline.
STAGES = [
    ("the map library (MapLibre GL) downloaded", "/maplibre-gl/maplibre-gl.", True),
    ("the basemap style downloaded", "/basemap/style/", True),
    ("the last label glyphs downloaded", "/basemap/fonts/", True),
]
MARKS = [
    ("the map library run and the basemap started", "basemap:library"),
    ("the style applied (MapLibre load)", "basemap:style"),
    ("the first view drawn (MapLibre idle)", "basemap:idle"),
]
SHOWN = "the first view on screen (the frame after idle presented)"
# Two animation frames after idle: the page has composited the canvas MapLibre drew (in software
# WebGL the copy of its pixels is a step of its own).
READ_SHOWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() / 1000))))"
READ_MARKS = """() => Object.fromEntries(performance.getEntriesByType("mark")
  .filter((m) => m.name.startsWith("basemap:")).map((m) => [m.name, m.startTime / 1000]))"""


def measurements(ctx):
    from playwright.sync_api import sync_playwright

    sizes, renders, firsts = [], [], []
    stages: dict[str, list[float]] = {name: [] for name, *_ in STAGES + MARKS + [(SHOWN,)]}
    lat, lon = CENTRE
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            cdp = cache_off(context, page)
            received: list[int] = []
            urls: dict[str, str] = {}
            finished: list[tuple[str, float]] = []  # (url, CDP monotonic time)
            sent: list[float] = []  # when the page itself was requested (CDP monotonic time)
            cdp.on(
                "Network.requestWillBeSent",
                lambda e, u=urls, s=sent: (
                    u.setdefault(e["requestId"], e["request"]["url"]),
                    s or s.append(e["timestamp"]),
                ),
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e, got=received, done=finished, u=urls: (
                    got.append(e["encodedDataLength"]),
                    done.append((u.get(e["requestId"], ""), e["timestamp"])),
                ),
            )
            started = time.perf_counter()
            page.goto(f"{ctx.base_url}/map/?z=16&c={lat},{lon}")
            page.wait_for_selector(".marker-cluster, .misto-marker", state="attached", timeout=30000)
            firsts.append(time.perf_counter() - started)
            page.wait_for_selector("html[data-basemap]", state="attached", timeout=30000)
            renders.append(time.perf_counter() - started)
            stages[SHOWN].append(page.evaluate(READ_SHOWN))
            page.wait_for_load_state("networkidle")
            sizes.append(sum(received))
            for name, pattern, last in STAGES:
                times = [at - sent[0] for url, at in finished if pattern in url]
                if times:
                    stages[name].append(max(times) if last else min(times))
            marks = page.evaluate(READ_MARKS)
            for name, mark in MARKS:
                if mark in marks:
                    stages[name].append(marks[mark])
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
    ] + [
        Measurement(
            f"public map with the basemap: navigation to {name}", statistics.median(times), "s", "median"
        )
        for name, *_ in STAGES + MARKS + [(SHOWN,)]
        if (times := stages[name])
    ]
