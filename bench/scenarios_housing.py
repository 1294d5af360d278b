"""The housing registry under load (staff only, logged in as the demo dispatcher).

setup: tops the works log up to 10,000 records (manage.py housing_bench_works, deterministic).
scenarios: the staff list of buildings (page and API), and the staff map's vector tiles at
z12/z14/z16 (uncached and cached) beside their own SQL, and its summary (legend counts, extent,
first buildings by address).
measurements: the staff map's first render in headless Chromium (target ≤ 1.5 s), and the
whole-city works report over the 10,000 records, as a person downloads it (HTTP, logged in) in
every format; the target is under 5 s.
"""

from __future__ import annotations

import urllib.request

from harness import Measurement, Scenario, first_render, tile_scenarios, timed

WORKS_TOTAL = 10000

# The building list's page of 50 (search annotations, district and supplier joined) and its count.
LIST_SQL = """
select b.id, b.address, d.name_uk, b.year_built, b.floors, b.apartments, b.technical_state,
       s.name_uk, b.management_form, b.heating_type
from housing_registry_building b
join city_street st on st.id = b.street_id
left join city_district d on d.id = b.district_id
left join citizen_requests_service s on s.id = b.heating_provider_id
order by b.address limit 50
"""
MAP_QUERY = "colour=technical_state"  # the page's first load: every building, coloured by state
REPORT = "/registry/reports/?report=works"


def setup(ctx) -> None:
    ctx.manage("housing_bench_works", "--total", str(WORKS_TOTAL))


def scenarios(ctx) -> list[Scenario]:
    return [
        Scenario("registry: building list page", "/registry/", sql=LIST_SQL, login_as="dispatcher"),
        Scenario(
            "registry: building list API", "/registry/api/buildings/", sql=LIST_SQL, login_as="dispatcher"
        ),
        *map_tile_scenarios(ctx),
        Scenario(
            "registry: staff map summary (all buildings)",
            f"/registry/map/summary.json?{MAP_QUERY}",
            login_as="dispatcher",
        ),
    ]


def map_tile_scenarios(ctx) -> list[Scenario]:
    """The staff map's tiles for MAP_QUERY beside their statement, as the view runs it (filters
    bound)."""
    sql = ctx.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.http import QueryDict; from housing_registry.forms import MapForm; "
        "from housing_registry.staff_map import tile_sql; "
        f"form = MapForm(QueryDict({MAP_QUERY!r})); form.full_clean(); "
        "print(tile_sql(form.filters(), form.cleaned_data['colour']))",
    )
    path = "/registry/map/tiles/{z}/{x}/{y}.mvt?" + MAP_QUERY
    return tile_scenarios(
        "registry: staff map tile z{z} {label}", path, sql, (12, 14, 16), login_as="dispatcher"
    )


def _download(ctx, path: str) -> int:
    request = urllib.request.Request(
        ctx.base_url + path, headers={"Cookie": ctx.session_cookie("dispatcher")}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return len(response.read())


def measurements(ctx) -> list[Measurement]:
    buildings = ctx.psql("select count(*) from housing_registry_building")
    times = first_render(
        ctx,
        "/registry/map/",
        "() => document.documentElement.dataset.buildingsLoaded !== undefined",
        login_as="dispatcher",
    )
    out = [
        Measurement(
            "registry staff map: navigation to buildings drawn (tiles in view and legend)",
            times[len(times) // 2],
            "s",
            f"target ≤ 1.5 s; median of {len(times)} cold loads; {buildings} buildings",
        )
    ]
    works = ctx.psql("select count(*) from housing_registry_workrecord")
    for label, query in [
        ("whole-city works report, every work, PDF", "&format=pdf"),
        ("whole-city works report, every work, XLSX", "&format=xlsx"),
        ("whole-city works report, every work, CSV", "&format=csv"),
        ("whole-city works report, on screen (first page)", ""),
        ("whole-city works by district, PDF", "&work_group=district&format=pdf"),
        ("whole-city overdue works, PDF", "&report=overdue&format=pdf"),
    ]:
        size = _download(ctx, REPORT + query)  # warm up and check it answers
        best, median = timed(lambda q=query: _download(ctx, REPORT + q), repeat=3)
        out.append(
            Measurement(
                name=label,
                value=best,
                unit="s",
                note=f"median {median:.2f} s over 3; {works} work records; {size // 1024} KiB; target < 5 s",
            )
        )
    return out
