"""Walking distances on small hand-built networks whose shortest paths are known.

Coordinates are metres in a local frame (see conftest.lonlat); distances are measured on the
ellipsoid, so they match the planar expectation to a fraction of a per cent.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from coverage.models import BuildingCoverage, CoverageRun
from coverage.selectors import buildings_without_distance, warning_texts
from coverage.services import coverage_recompute

Status = BuildingCoverage.Status
REL = 3e-3


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the portal speaks Ukrainian by default)."""
    with translation.override("en"):
        yield


def run_ok():
    run = coverage_recompute()
    assert run.status == CoverageRun.Status.DONE, run.error
    return run


def result(service_type, building):
    return BuildingCoverage.objects.get(service_type=service_type, building=building)


def grid(city):
    """Two east-west streets (y = 0 and y = 1000) and three north-south ones (x = 0, 1000, 2000)."""
    city.road((0, 0), (1000, 0), (2000, 0))
    city.road((0, 1000), (1000, 1000), (2000, 1000))
    for x in (0, 1000, 2000):
        city.road((x, 0), (x, 1000))


def test_distance_along_the_streets_matches_the_known_shortest_path(empty_city):
    city = empty_city
    grid(city)
    school = city.facility(0, -20)  # 20 m south of the corner (0, 0)
    home = city.home(1500, 1030)  # 30 m north of the street y = 1000, halfway between 1000 and 2000
    near = city.home(400, 15)  # on the street the school stands on
    service_type = city.service_type(threshold=3000)
    run_ok()
    far = result(service_type, home)
    # 20 to the corner, 1000 east, 1000 north, 500 east, 30 to the door.
    assert far.status == Status.OK and far.facility_id == school.pk
    assert far.network_m == pytest.approx(2550, rel=REL)
    assert far.straight_m == pytest.approx((1500**2 + 1050**2) ** 0.5, rel=REL)
    assert far.minutes == pytest.approx(2550 / (4.5 * 1000 / 60), rel=REL)
    # Along one edge: 20 + 400 + 15, not via any junction.
    assert result(service_type, near).network_m == pytest.approx(435, rel=REL)


def test_the_nearest_facility_is_the_nearest_along_the_streets_not_as_the_crow_flies(empty_city):
    city = empty_city
    grid(city)
    across = city.facility(1000, 520, name="Across the block")  # 480 m from the home as the crow flies
    along = city.facility(1600, 1010, name="Along the street")  # 610 m away, but on the home's street
    home = city.home(1000, 1040)
    city.road((1000, 520), (1000, 520.5))  # a stub too short to matter: the facility joins x = 1000
    service_type = city.service_type(threshold=3000)
    run_ok()
    row = result(service_type, home)
    assert row.straight_facility_id in (across.pk, along.pk)
    assert row.facility_id == along.pk
    assert row.network_m == pytest.approx(40 + 600 + 10, rel=REL)


def test_a_river_without_a_bridge_forces_the_long_way_round(empty_city):
    city = empty_city
    # The river runs from the north down to y = 100; the north street stops at both banks, the
    # south street (y = 0) passes below the river's head.
    city.water(900, 100, 1100, 5000)
    city.road((0, 0), (1000, 0), (2000, 0))
    city.road((0, 600), (880, 600))
    city.road((1120, 600), (2000, 600))
    city.road((0, 0), (0, 600))
    city.road((2000, 0), (2000, 600))
    home = city.home(800, 630)
    school = city.facility(1200, 630)
    service_type = city.service_type(threshold=1000)
    run_ok()
    row = result(service_type, home)
    assert row.facility_id == school.pk
    assert row.straight_m == pytest.approx(400, rel=REL)
    # 30 + 800 west + 600 south + 2000 east + 600 north + 800 west + 30.
    assert row.network_m == pytest.approx(4860, rel=REL)
    assert row.network_m > 10 * row.straight_m

    # With a bridge the walk is straight across.
    city.road((880, 600), (1120, 600), bridge=True)
    run_ok()
    assert result(service_type, home).network_m == pytest.approx(460, rel=REL)


def test_a_home_on_a_part_of_the_network_without_facilities_is_unreachable_and_listed(empty_city):
    city = empty_city
    grid(city)
    city.road((5000, 0), (6000, 0))  # an island: not joined to the grid
    city.facility(0, -20)
    reachable = city.home(500, 20)
    island = city.home(5500, 20)
    service_type = city.service_type()
    run = run_ok()
    assert result(service_type, reachable).status == Status.OK
    cut_off = result(service_type, island)
    assert cut_off.status == Status.UNREACHABLE
    assert cut_off.network_m is None and cut_off.facility_id is None and cut_off.minutes is None
    assert cut_off.straight_m == pytest.approx(5500, rel=REL)  # the straight line is still known
    assert [b["address"] for b in buildings_without_distance(service_type)] == [island.address]
    texts = " ".join(warning_texts(run.warnings))
    assert "2 unconnected parts" in texts
    assert "1 building cannot reach any facility" in texts


def test_a_home_far_from_any_street_is_not_connected_rather_than_given_a_distance(empty_city, settings):
    city = empty_city
    settings.MISTO_COVERAGE_MAX_ACCESS_M = 300
    grid(city)
    city.facility(0, -20)
    lonely = city.home(1000, 2000)  # 1 km north of the nearest street
    service_type = city.service_type()
    run = run_ok()
    row = result(service_type, lonely)
    assert row.status == Status.UNCONNECTED and row.network_m is None
    assert buildings_without_distance(service_type)[0]["status"] == "unconnected"
    assert "1 building has no street within reach" in " ".join(warning_texts(run.warnings))


def test_a_home_joins_the_street_on_its_own_side_of_the_railway(empty_city, settings):
    city = empty_city
    settings.MISTO_COVERAGE_MAX_ACCESS_M = 1000
    city.railway(-100, 300, 2100)
    # The street south of the railway in short pieces: the nearest few edges are all across it.
    city.road(*[(x, 0) for x in range(0, 2001, 100)])
    city.road((0, 1000), (1000, 1000), (2000, 1000))
    city.road((0, 0), (0, 300), (0, 1000), crossing=True)  # the only level crossing
    home = city.home(1000, 320)  # 20 m north of the railway: the street y = 0 is nearer, but across it
    school = city.facility(1000, -20)  # south of the railway, 340 m away as the crow flies
    service_type = city.service_type(threshold=5000)
    run_ok()
    row = result(service_type, home)
    assert row.facility_id == school.pk
    assert row.straight_m == pytest.approx(340, rel=REL)
    # 680 to the street y = 1000, 1000 west, 1000 south over the crossing, 1000 east, 20.
    assert row.network_m == pytest.approx(680 + 1000 + 1000 + 1000 + 20, rel=REL)


def test_a_service_type_without_facilities_says_so_and_stores_no_distances(empty_city):
    city = empty_city
    grid(city)
    city.home(500, 20)
    service_type = city.service_type()
    run = run_ok()
    assert not BuildingCoverage.objects.filter(service_type=service_type).exists()
    assert "has no facilities" in " ".join(warning_texts(run.warnings))


def test_the_staff_page_lists_the_first_homes_without_a_distance_and_says_how_many(
    empty_city, login, monkeypatch
):
    """A network cut in two can leave tens of thousands of homes without a distance: the page
    lists the first ones by address and says how many there are; the export holds every one."""
    import coverage.views

    city = empty_city
    grid(city)
    city.road((5000, 0), (6000, 0))  # an island: not joined to the grid
    city.facility(0, -20)
    city.home(500, 20)
    islands = sorted([city.home(5500, 20), city.home(5600, 20), city.home(5700, 20)], key=lambda b: b.address)
    service_type = city.service_type()
    run_ok()
    monkeypatch.setattr(coverage.views, "WITHOUT_DISTANCE_SHOWN", 2)
    client = login("gis_admin")
    html = client.get(f"/coverage/staff/?type={service_type.slug}").content.decode()
    table = html.split('id="without-distance"')[1].split("</table>")[0]
    assert table.count("<tr><td>") == 2 and islands[0].address in table and islands[2].address not in table
    assert "Перші 2 з 3 за адресою" in html
    export = client.get(f"/coverage/staff/export/{service_type.slug}.csv").content.decode("utf-8-sig")
    assert all(b.address in export for b in islands)
