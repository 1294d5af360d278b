"""City notices (issue 17): a notice over a whole district of 100,000 buildings computes its
households and queues its messages (one per subscribed household and channel) — the target is
10 s. `manage.py notices_bench` builds the district inside a transaction it rolls back, so the
bench database keeps nothing of it. BENCH_NOTICES_BUILDINGS / _SUBSCRIBERS change the scale."""

from __future__ import annotations

import json
import os

from harness import Measurement, Scenario

BUILDINGS = os.environ.get("BENCH_NOTICES_BUILDINGS", "100000")
SUBSCRIBERS = os.environ.get("BENCH_NOTICES_SUBSCRIBERS", "20000")


def scenarios(ctx) -> list[Scenario]:
    return [
        Scenario("notices page /notices/", "/notices/"),
        Scenario(
            "notices GeoJSON /api/v1/notices/",
            "/api/v1/notices/",
            sql="select id, ST_AsGeoJSON(area, 6) from notices_notice where status = 'published' and ends_at > now()",
        ),
    ]


def measurements(ctx) -> list[Measurement]:
    out = ctx.manage("notices_bench", "--buildings", BUILDINGS, "--subscribers", SUBSCRIBERS, "--json")
    numbers = json.loads(out.strip().splitlines()[-1])
    where = (
        f"{numbers['buildings']:,} buildings ({numbers['households_in_area']:,} households) in the district, "
        f"{numbers['messages_queued']:,} messages queued for {numbers['subscribers']:,} subscribers (target ≤ 10 s)"
    )
    return [
        Measurement(
            "notice over a district: households counted and messages queued", numbers["publish_s"], "s", where
        )
    ]
