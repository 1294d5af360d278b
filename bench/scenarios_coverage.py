"""Service coverage (issue 9): the public page and its data under load beside the SQL underneath
(the analysts' map of homes as vector tiles at z12/z14/z16, and a page of the per-home GeoJSON
QGIS reads), and the full recompute, the straight-line baseline and incremental updates timed, for the demo
city (the bench database) and a scale city (100,000 homes, 2,000 facilities, a generated street
grid of ~51,000 segments with a river and a railway) kept in its own database,
`<bench database>_coverage_scale`, so the other areas' numbers are not disturbed by it.
"""

from __future__ import annotations

import json
import os
import subprocess

from harness import PYTHON, ROOT, Measurement, Scenario, first_render, tile_scenarios

SCALE_HOMES = int(os.environ.get("BENCH_COVERAGE_HOMES", "100000"))
SCALE_FACILITIES = int(os.environ.get("BENCH_COVERAGE_FACILITIES", "2000"))

TYPE = "(select id from coverage_servicetype where slug = 'school')"

HEXAGONS_SQL = f"""
select h.id, h.buildings, h.population, h.population_within, h.share_within, h.median_m, h.distance_class,
       ST_AsGeoJSON(c.geometry, 6)
  from coverage_coveragehexagon h join coverage_hexcell c on c.id = h.cell_id
 where h.service_type_id = {TYPE} order by h.cell_id
"""

SUMMARY_SQL = f"""
select s.*, d.name_uk from coverage_coveragesummary s left join city_district d on d.id = s.district_id
 where s.service_type_id = {TYPE}
"""

BUILDINGS_SQL = f"""
select r.building_id, b.address, ST_AsGeoJSON(b.footprint, 6), r.status, r.network_m, r.minutes, r.straight_m,
       f.name_uk, coalesce(rc.residents::float8, b.apartments * 2.3)
  from coverage_buildingcoverage r
  join housing_registry_building b on b.id = r.building_id
  left join coverage_buildingaccess a on a.building_id = b.id
  left join coverage_residentcount rc on rc.building_id = b.id
  left join facilities_facility f on f.id = r.facility_id
 where r.service_type_id = {TYPE}
"""


def _scale_url(ctx) -> str:
    base, _, name = ctx.database_url.rpartition("/")
    return f"{base}/{name}_coverage_scale"


def _manage(ctx, database_url: str, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**ctx.env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def setup(ctx) -> None:
    # The demo city in the bench database: the pages below read these results.
    ctx.manage("coverage_recompute", "--demo-types")
    url = _scale_url(ctx)
    dsn = url.replace("postgis://", "postgresql://", 1)
    name = dsn.rsplit("/", 1)[1]
    if not ctx.psql(f"select 1 from pg_database where datname = '{name}'"):
        ctx.psql(f'create database "{name}"')
    subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            dsn,
            "-c",
            "create extension if not exists postgis; create extension if not exists pgrouting",
        ],
        check=True,
        capture_output=True,
    )
    _manage(ctx, url, "migrate", "--no-input", "-v", "0")
    _manage(
        ctx,
        url,
        "coverage_scale_city",
        "--buildings",
        str(SCALE_HOMES),
        "--facilities",
        str(SCALE_FACILITIES),
    )


def scenarios(ctx) -> list[Scenario]:
    return [
        Scenario("coverage page /coverage/", "/coverage/?type=school"),
        Scenario(
            "coverage hexagons (public GeoJSON)",
            "/api/v1/coverage/service-types/school/hexagons/",
            sql=HEXAGONS_SQL,
        ),  # fmt: skip
        Scenario("coverage figures (public JSON)", "/api/v1/coverage/service-types/school/", sql=SUMMARY_SQL),
        *homes_tile_scenarios(ctx),
        Scenario(
            "coverage per-home GeoJSON, a page of 1,000 (staff, QGIS)",
            "/api/v1/coverage/service-types/school/buildings/?page_size=1000",
            sql=BUILDINGS_SQL + " order by r.building_id limit 1000",
            login_as="gisadmin",
        ),  # fmt: skip
    ]


def homes_tile_scenarios(ctx) -> list[Scenario]:
    """The analysts' map of homes: its tiles of the school type at z12/z14/z16 beside their
    statement, as the view runs it (Ukrainian names), uncached and cached."""
    sql = ctx.manage(
        "shell",
        "--no-imports",
        "-c",
        "from coverage.models import ServiceType; from coverage.tiles import homes_tile_sql; "
        "print(homes_tile_sql(ServiceType.objects.get(slug='school'), english=False))",
    )
    path = "/coverage/staff/tiles/{z}/{x}/{y}.mvt?type=school"
    return tile_scenarios(
        "coverage homes tile z{z} {label} (staff)", path, sql, (12, 14, 16), login_as="gisadmin"
    )


def _measure(label: str, numbers: dict) -> list[Measurement]:
    where = f"{label}: {numbers['homes']:,} homes, {numbers['segments']:,} street segments, " \
            f"{numbers['facilities']:,} facilities, {numbers['service_types']} service types"  # fmt: skip
    steps = ", ".join(f"{k} {v:.1f}" for k, v in numbers["full_steps_s"].items())
    rows = [
        Measurement(f"full recompute, {label}", numbers["full_s"], "s", f"{where}; steps (s): {steps}"),
        Measurement(
            f"straight-line baseline, {label}",
            numbers["straight_s"],
            "s",
            "nearest facility as the crow flies, every home and type (no routing)",
        ),  # fmt: skip
        Measurement(
            f"full recompute peak memory (PostgreSQL backend), {label}",
            numbers["full_backend_peak_mb"] or float("nan"),
            "MB",
        ),  # fmt: skip
        Measurement(
            f"straight-line peak memory (PostgreSQL backend), {label}",
            numbers["straight_backend_peak_mb"] or float("nan"),
            "MB",
        ),  # fmt: skip
        Measurement(f"peak memory (Python process), {label}", numbers["python_peak_mb"], "MB"),
    ]
    for key, what in (
        ("moved_s", "a stop moved"),
        ("added_s", "a stop added"),
        ("closed_s", "a stop closed"),
    ):
        if key in numbers:
            rows.append(Measurement(f"incremental update after {what}, {label}", numbers[key], "s"))
    return rows


def measurements(ctx) -> list[Measurement]:
    demo = json.loads(ctx.manage("coverage_bench", "--json").strip().splitlines()[-1])
    scale = json.loads(_manage(ctx, _scale_url(ctx), "coverage_bench", "--json").strip().splitlines()[-1])
    homes = ctx.psql(f"select count(*) from coverage_buildingcoverage where service_type_id = {TYPE}")
    times = first_render(
        ctx,
        "/coverage/staff/?type=school",
        "() => document.documentElement.dataset.coverageLoaded === 'school'",
        login_as="gisadmin",
    )
    render = Measurement(
        "coverage staff map: navigation to homes drawn (tiles in view)",
        times[len(times) // 2],
        "s",
        f"target ≤ 1.5 s; median of {len(times)} cold loads; {homes} homes of the type",
    )
    return [render, *_measure("demo city", demo), *_measure("scale city", scale)]
