"""Nearest on foot (issue 20, deliver 4): the directory's nearest ranks by walking metres
along the street network coverage builds (pgRouting), not by the straight line; the API and
the page say so; the query stays a handful of statements."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from coverage.models import CoverageRun
from coverage.services import coverage_recompute
from facilities.nearest import facilities_nearest
from tests.coverage.conftest import lonlat

REL = 3e-3


def run_ok():
    run = coverage_recompute()
    assert run.status == CoverageRun.Status.DONE, run.error


def riverside(city):
    """The river of test_network_distances: the north street stops at both banks; the way round
    goes by the south street below the river's head."""
    city.water(900, 100, 1100, 5000)
    city.road((0, 0), (1000, 0), (2000, 0))
    city.road((0, 600), (880, 600))
    city.road((1120, 600), (2000, 600))
    city.road((0, 0), (0, 600))
    city.road((2000, 0), (2000, 600))


def test_the_nearest_on_foot_beats_the_nearest_across_the_river(empty_city, django_assert_max_num_queries):
    city = empty_city
    riverside(city)
    across = city.facility(1200, 630, name="Across the river")  # 400 m as the crow flies
    same_side = city.facility(300, 630, name="Same bank")  # 500 m as the crow flies
    run_ok()
    here = Point(*lonlat(800, 630), srid=4326)
    with django_assert_max_num_queries(6):
        answer = facilities_nearest(point=here, category_ids=[city.category.pk], limit=2)
    assert answer.on_foot
    first, second = answer.results
    assert first.facility == same_side and second.facility == across
    assert first.straight_m > second.straight_m  # the straight line would have it the other way
    assert first.walking_m == pytest.approx(30 + 500 + 30, rel=REL)
    # 30 + 800 west + 600 south + 2000 east + 600 north + 800 west + 30.
    assert second.walking_m == pytest.approx(4860, rel=REL)


def test_a_place_on_the_same_street_as_the_facility_walks_along_it(empty_city):
    city = empty_city
    city.road((0, 0), (1000, 0))
    shop = city.facility(700, 20)
    run_ok()
    answer = facilities_nearest(point=Point(*lonlat(200, 10), srid=4326), category_ids=[city.category.pk])
    assert answer.results[0].facility == shop
    assert answer.results[0].walking_m == pytest.approx(10 + 500 + 20, rel=REL)


def test_a_facility_no_street_reaches_is_listed_after_the_reachable_ones(empty_city):
    city = empty_city
    city.road((0, 0), (1000, 0))
    city.road((5000, 5000), (6000, 5000))  # another part of the network, without the place
    island = city.facility(300, 4990, name="Island")
    reachable = city.facility(900, 10, name="Reachable")
    run_ok()
    answer = facilities_nearest(point=Point(*lonlat(100, 10), srid=4326), category_ids=[city.category.pk])
    assert [r.facility for r in answer.results] == [reachable, island]
    assert answer.results[1].walking_m is None


def test_the_api_and_the_page_say_on_foot(computed, client):
    body = client.get(
        "/api/v1/facilities/nearest/", {"category": "pharmacy", "address": "вулиця Миру, 9"}
    ).json()
    assert body["measured"] == "walking" and len(body["features"]) == 5
    walked = [f["properties"]["walking_m"] for f in body["features"]]
    assert all(w is not None for w in walked) and walked == sorted(walked)
    assert all(f["properties"]["walking_m"] >= f["properties"]["straight_m"] - 1 for f in body["features"])
    html = client.get(
        "/facilities/nearest/", {"category": "pharmacy", "address": "вулиця Миру, 9"}
    ).content.decode()
    assert html.count("м</strong> пішки") == 5 and "Пішохідні відстані ще недоступні" not in html
