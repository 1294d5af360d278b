"""Nearest without a walking network (issue 20, deliver 4): the straight line, said so;
open/closed marks and "open now only" on the page and in the API; bad input answered with a
400 and a machine-readable body; hidden categories refused."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from coverage.models import NetworkEdge
from facilities.filters import resolve_categories
from facilities.models import Category
from facilities.nearest import facilities_nearest
from tests.citizen_requests.builders import building_point

NIGHT = timezone.make_aware(dt.datetime(2026, 12, 8, 2, 30))  # a Tuesday, 02:30 in Kyiv


def test_without_the_network_the_metres_are_straight_and_said_so(city, client):
    assert not NetworkEdge.objects.exists()
    answer = facilities_nearest(
        point=building_point("вулиця Миру, 9"), category_ids=resolve_categories(["pharmacy"])
    )
    assert not answer.on_foot and len(answer.results) == 5
    assert all(r.walking_m is None for r in answer.results)
    straight = [r.straight_m for r in answer.results]
    assert straight == sorted(straight)
    html = client.get(
        "/facilities/nearest/", {"category": "pharmacy", "address": "вул. Миру 9"}
    ).content.decode()
    assert "по прямій" in html and "Пішохідні відстані ще недоступні" in html


def test_at_night_open_only_leaves_the_closed_ones_out(city):
    point = building_point("вулиця Миру, 9")
    ids = resolve_categories(["pharmacy"])
    every = facilities_nearest(point=point, category_ids=ids, moment=NIGHT, limit=20)
    assert any(r.state and not r.state.is_open for r in every.results)
    open_only = facilities_nearest(point=point, category_ids=ids, moment=NIGHT, open_only=True)
    assert open_only.results and all(r.state and r.state.is_open for r in open_only.results)


def test_the_page_marks_open_and_closed_and_keeps_the_toggle(city, client):
    response = client.get(
        "/facilities/nearest/", {"category": "pharmacy", "address": "вул. Миру 9", "open_now": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="n-open" name="open_now" type="checkbox" value="1" checked' in html
    marks = re.findall(r'<span class="badge (open|closed)">([^<]+)</span>', html)
    # Only open ones are listed (or the page says none is open now).
    assert all(kind == "open" for kind, _text in marks)
    assert marks or "Зараз жоден не відчинений" in html


def test_the_api_answers_nearest_with_marks_and_refuses_bad_input(city, client):
    body = client.get(
        "/api/v1/facilities/nearest/", {"category": "pharmacy", "address": "вулиця Миру, 9"}
    ).json()
    assert body["measured"] == "straight_line" and body["place"]["label"] == "вулиця Миру, 9"
    assert len(body["features"]) == 5
    props = body["features"][0]["properties"]
    assert {"distance_m", "walking_m", "straight_m", "open_now", "closes_at", "opens_at", "open_text"} <= set(
        props
    )
    for params, parameter in [
        ({"category": "pharmacy"}, "lat"),
        ({"category": "nope", "lat": "49.01", "lon": "33.63"}, "category"),
        ({"lat": "91", "lon": "33.63"}, "lat"),
        ({"lat": "49.01", "lon": "33.63", "limit": "500"}, "limit"),
        ({"address": "вулиця Неіснуюча, 5"}, "address"),
    ]:
        response = client.get("/api/v1/facilities/nearest/", params)
        assert response.status_code == 400, params
        assert response.json()["error"]["parameter"] == parameter, params


def test_a_hidden_category_is_refused_by_nearest(city, client):
    Category.objects.filter(slug="police").update(is_public=False)
    response = client.get(
        "/api/v1/facilities/nearest/", {"category": "police", "lat": "49.01", "lon": "33.63"}
    )
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "category"
    page = client.get("/facilities/nearest/", {"category": "police", "lat": "49.01", "lon": "33.63"})
    assert page.status_code == 400
