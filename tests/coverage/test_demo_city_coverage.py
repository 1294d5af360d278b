"""Coverage of the demo city: its network, the barriers, population and the summaries."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection

from city.models import Barrier
from coverage import network, results
from coverage.models import (
    BuildingAccess,
    BuildingCoverage,
    CoverageHexagon,
    CoverageSummary,
    NetworkBuild,
    ResidentCount,
    ServiceType,
)
from coverage.selectors import building_rows, city_summary
from coverage.summaries import summaries_refresh, weighted_percentile
from facilities.models import Category, Facility
from housing_registry.models import Building

pytestmark = pytest.mark.usefixtures("computed")


def test_the_demo_streets_are_one_routable_network_crossing_barriers_only_at_bridges_and_crossings():
    build = NetworkBuild.objects.get()
    assert build.components == 1 and build.edges == 420
    with connection.cursor() as cursor:
        cursor.execute(
            """select b.kind, s.is_bridge, s.is_crossing, count(*) from city_streetsegment s
               join city_barrier b on st_intersects(s.geometry, b.geometry) group by 1, 2, 3 order by 1"""
        )
        assert cursor.fetchall() == [("railway", False, True, 3), ("water", True, False, 1)]
    assert BuildingAccess.objects.filter(connected=False).count() == 0


def _across(barrier: Barrier, metres_beyond: float):
    """A home near the barrier but far from its bridge or crossings, and a point
    `metres_beyond` on the far side of the barrier from it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            select a.building_id, st_x(a.point), st_y(a.point), st_x(c), st_y(c),
                   st_distance(a.point::geography, c::geography)
              from coverage_buildingaccess a,
                   lateral (select st_closestpoint(%(b)s::geometry, a.point) c) x
             where st_dwithin(a.point::geography, %(b)s::geography, 250)
             order by (select min(st_distance(c::geography, s.geometry::geography)) from city_streetsegment s
                        where s.is_bridge or s.is_crossing) desc
             limit 1
            """,
            {"b": barrier.geometry.ewkt},
        )
        building, bx, by, cx, cy, gap = cursor.fetchone()
    scale = (gap + metres_beyond) / gap
    return building, Point(bx + (cx - bx) * scale, by + (cy - by) * scale, srid=4326)


@pytest.mark.parametrize("barrier_name", ["Staryk Inlet", "Kremenchuk — Mining Plant Railway"])
def test_straight_line_and_walking_distance_differ_where_the_inlet_or_railway_is_in_the_way(barrier_name):
    barrier = Barrier.objects.get(name_en=barrier_name)
    building, place = _across(barrier, 100)
    group = Category.objects.get(slug="poi")
    kiosk_category = Category.objects.create(
        slug="t-kiosk", name_uk="Кіоск", parent=group, icon="K", colour="#000000"
    )
    kiosk = Facility.objects.create(
        source_id="t-kiosk", name_uk="Кіоск", category=kiosk_category, location=place
    )
    kiosks = ServiceType.objects.create(slug="t-kiosk", name_uk="Кіоск", threshold_m=500)
    kiosks.categories.set([kiosk_category])
    network.facilities_join(facility_ids=[kiosk.pk])
    results.results_compute(service_type=kiosks)

    row = BuildingCoverage.objects.get(service_type=kiosks, building_id=building)
    home = BuildingAccess.objects.get(building_id=building).point
    assert LineString(home, place, srid=4326).intersects(barrier.geometry)
    assert row.straight_m < 400
    assert row.network_m > 2 * row.straight_m and row.network_m - row.straight_m > 300


def test_population_is_apartments_times_household_size_unless_residents_are_known(settings):
    schools = ServiceType.objects.get(slug="school")
    rows = {r["building_id"]: r for r in building_rows(schools)}
    unknown = Building.objects.filter(apartments__isnull=True)
    assert unknown.count() == 4
    for building in unknown:
        assert rows[building.pk]["population"] is None and not rows[building.pk]["population_known"]
    flats = Building.objects.filter(apartments__isnull=False).first()
    assert rows[flats.pk]["population"] == pytest.approx(flats.apartments * 2.3)

    summary = city_summary(schools)
    assert summary.unknown_population_buildings == 4
    assert summary.buildings == 350
    assert summary.population == pytest.approx(
        sum(b.apartments for b in Building.objects.exclude(apartments=None)) * 2.3, abs=0.2
    )

    ResidentCount.objects.create(building=unknown[0], residents=123)
    ResidentCount.objects.create(building=flats, residents=7)
    settings.MISTO_COVERAGE_HOUSEHOLD_SIZE = 2.0
    rows = {r["building_id"]: r for r in building_rows(schools)}
    assert rows[unknown[0].pk]["population"] == 123
    assert rows[flats.pk]["population"] == 7
    other = Building.objects.exclude(pk=flats.pk).filter(apartments__isnull=False).first()
    assert rows[other.pk]["population"] == pytest.approx(other.apartments * 2.0)
    assert summaries_refresh(service_type=schools).unknown_population_buildings == 3


@pytest.mark.parametrize("slug", ["school", "transport-stop", "kindergarten"])
def test_summaries_match_the_per_building_results(slug):
    service_type = ServiceType.objects.get(slug=slug)
    rows = building_rows(service_type)
    threshold = service_type.threshold_m
    city = city_summary(service_type)
    known = [r for r in rows if r["population"] is not None]
    assert city.buildings == len(rows)
    assert city.population == pytest.approx(sum(r["population"] for r in known), abs=0.5)
    assert city.population_within == pytest.approx(
        sum(r["population"] for r in known if r["status"] == "ok" and r["network_m"] <= threshold), abs=0.5
    )
    assert city.buildings_within == sum(1 for r in rows if r["within_threshold"])
    assert city.share_within == pytest.approx(city.population_within / city.population, abs=1e-4)
    pairs = [(r["network_m"], r["population"]) for r in known if r["status"] == "ok"]
    assert city.median_m == pytest.approx(weighted_percentile(pairs, 0.5))
    assert city.p90_m == pytest.approx(weighted_percentile(pairs, 0.9))
    # At least half of the residents live within the median, fewer than half strictly closer.
    total = sum(p for _d, p in pairs)
    assert sum(p for d, p in pairs if d <= city.median_m) >= total / 2
    assert sum(p for d, p in pairs if d < city.median_m) < total / 2
    districts = CoverageSummary.objects.filter(service_type=service_type, district__isnull=False)
    assert sum(d.buildings for d in districts) == city.buildings
    assert sum(d.population_within for d in districts) == pytest.approx(city.population_within, abs=1)
    hexagons = CoverageHexagon.objects.filter(service_type=service_type)
    assert sum(h.buildings for h in hexagons) == city.buildings
    assert sum(c["population"] for c in city.classes) == pytest.approx(city.population, abs=1)


def test_the_farthest_homes_are_the_ones_with_the_longest_walk():
    from coverage.selectors import most_distant

    stops = ServiceType.objects.get(slug="transport-stop")
    farthest = most_distant(stops, limit=5)
    longest = list(
        BuildingCoverage.objects.filter(service_type=stops, status="ok")
        .order_by("-network_m")
        .values_list("network_m", flat=True)[:5]
    )
    assert [round(b["network_m"], 3) for b in farthest] == [round(d, 3) for d in longest]
    assert all(b["address"] for b in farthest)
