"""Where a new facility helps most (greedy maximal coverage) and what closing or moving one does."""

from __future__ import annotations

import pytest
from django.utils import translation

from coverage.models import CoverageRun
from coverage.services import CoverageError, coverage_recompute
from coverage.siting import facility_what_if, sites_suggest

HOUSEHOLD = 2.3


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the portal speaks Ukrainian by default)."""
    with translation.override("en"):
        yield


def line_city(city):
    """One straight street x = 0..4000 with a junction every 500 m; a school at its west end;
    threshold 1 km. Homes: one near the school (covered), three small ones at x = 2000 and two
    big ones at x = 3500 (both beyond reach)."""
    city.road(*[(x, 0) for x in range(0, 4001, 500)])
    school = city.facility(0, -10)
    covered = city.home(600, 20, apartments=10)
    small = [city.home(2000 + dx, 20, apartments=10) for dx in (-30, 0, 30)]
    big = [city.home(3500 + dx, 20, apartments=40) for dx in (-30, 30)]
    service_type = city.service_type(threshold=1000)
    assert coverage_recompute().status == CoverageRun.Status.DONE
    return school, service_type, covered, small, big


def test_site_suggestion_picks_the_known_best_site_and_reports_the_gain(empty_city):
    _school, service_type, covered, small, big = line_city(empty_city)
    total = (10 + 30 + 80) * HOUSEHOLD

    one = sites_suggest(service_type=service_type, k=1, source="buildings")
    assert one.uncovered_buildings == 5
    assert one.share_before == pytest.approx(10 * HOUSEHOLD / total)
    [pick] = one.picks
    assert pick.candidate.key in {b.pk for b in big}
    assert pick.residents == pytest.approx(80 * HOUSEHOLD)
    assert sorted(pick.building_ids) == sorted(b.pk for b in big)
    assert pick.share_after == pytest.approx(90 * HOUSEHOLD / total)

    two = sites_suggest(service_type=service_type, k=2, source="buildings")
    assert [p.residents for p in two.picks] == pytest.approx([80 * HOUSEHOLD, 30 * HOUSEHOLD])
    assert two.picks[1].candidate.key in {b.pk for b in small}
    assert two.picks[1].share_before == pytest.approx(pick.share_after)
    assert two.picks[1].share_after == pytest.approx(1.0)

    # Nothing is left to gain: the greedy stops rather than suggest useless sites.
    assert len(sites_suggest(service_type=service_type, k=5, source="buildings").picks) == 2


def test_grid_candidates_find_the_same_gain(empty_city, settings):
    settings.MISTO_COVERAGE_GRID_M = 100
    _school, service_type, *_ = line_city(empty_city)
    suggestion = sites_suggest(service_type=service_type, k=2, source="grid")
    assert suggestion.source == "grid"
    assert [round(p.residents, 1) for p in suggestion.picks] == [
        round(80 * HOUSEHOLD, 1),
        round(30 * HOUSEHOLD, 1),
    ]
    assert "вулиця Тестова" in suggestion.picks[0].candidate.label


def test_bad_requests_for_sites_get_a_message(empty_city):
    _school, service_type, *_ = line_city(empty_city)
    for k in (0, 11, "3"):
        with pytest.raises(CoverageError, match="between 1 and 10"):
            sites_suggest(service_type=service_type, k=k)
    with pytest.raises(CoverageError, match="Unknown kind of candidate sites"):
        sites_suggest(service_type=service_type, k=1, source="plots")


def test_what_if_the_only_school_closed_or_moved(empty_city, settings):
    school, service_type, covered, small, big = line_city(empty_city)
    closed = facility_what_if(service_type=service_type, facility=school, action="close")
    assert [b.building_id for b in closed.lost] == [covered.pk]
    assert closed.residents_lost == pytest.approx(10 * HOUSEHOLD)
    assert closed.share_after == 0 and closed.lost[0].after_m is None

    # Moved to x = 2750 it would reach both groups east and lose the home at x = 600.
    settings.MISTO_COVERAGE_MAX_ACCESS_M = 300
    lon, lat = empty_city.lonlat(2750, -10)
    moved = facility_what_if(service_type=service_type, facility=school, action="move", lon=lon, lat=lat)
    assert [b.building_id for b in moved.lost] == [covered.pk]
    assert sorted(b.building_id for b in moved.gained) == sorted(b.pk for b in small + big)
    assert moved.share_after == pytest.approx(110 / 120)
    xs = {b.pk: x for b, x in zip(small + big, (1970, 2000, 2030, 3470, 3530), strict=True)}
    for home in moved.gained:
        assert home.after_m == pytest.approx(10 + abs(xs[home.building_id] - 2750) + 20, rel=3e-3)


def test_a_facility_moved_outside_the_city_is_refused(computed):
    from coverage.models import ServiceType
    from facilities.models import Facility

    stops = ServiceType.objects.get(slug="transport-stop")
    stop = Facility.objects.filter(category__slug="bus_stop").first()
    with pytest.raises(CoverageError, match="outside the city"):
        facility_what_if(service_type=stops, facility=stop, action="move", lon=30.5, lat=50.45)
    with pytest.raises(CoverageError, match="new place"):
        facility_what_if(service_type=stops, facility=stop, action="move", lon=None, lat=None)
    pharmacy = Facility.objects.filter(category__slug="pharmacy").first()
    with pytest.raises(CoverageError, match="is not a facility of"):
        facility_what_if(service_type=stops, facility=pharmacy, action="close")
