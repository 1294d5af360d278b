"""Duplicate hints: open public requests of the same category within the category's radius,
measured in metres on the spheroid, nearest first — and following one instead of filing."""

from __future__ import annotations

import pytest
from django.core import mail

from citizen_requests.models import Category, Request, Subscription
from citizen_requests.selectors.requests import requests_nearby_open_public
from tests.citizen_requests.builders import CENTRE, building_point, file_request, offset, user


@pytest.fixture
def here(city):
    return building_point(CENTRE)


def _nearby(client, category: str, point):
    return client.get("/requests/new/nearby/", {"category": category, "lat": point.y, "lon": point.x}).json()


def test_open_public_requests_of_the_category_within_250_m_are_hinted_nearest_first(here, client):
    near = file_request(location=offset(here, north_m=100))
    nearer = file_request(location=offset(here, east_m=-40))
    edge = file_request(location=offset(here, north_m=240))
    file_request(location=offset(here, north_m=262))  # beyond the radius
    file_request(category="graffiti", text="Написи на стіні гаража.", location=offset(here, east_m=10))
    file_request(location=offset(here, east_m=20), visibility=Request.Visibility.CONFIDENTIAL)
    closed = file_request(location=offset(here, east_m=30))
    Request.objects.filter(pk=closed.pk).update(status=Request.Status.CLOSED)
    data = _nearby(client, "pothole", here)
    assert data["radius_m"] == 250
    assert [r["number"] for r in data["results"]] == [nearer.number, near.number, edge.number]
    assert [r["distance_m"] for r in data["results"]] == [pytest.approx(40, abs=1), pytest.approx(100, abs=1),
                                                          pytest.approx(240, abs=1)]  # fmt: skip
    assert all("text" in r and "@" not in r["text"] for r in data["results"])


def test_the_radius_is_set_per_category(here, client):
    roof = Category.objects.get(slug="roof_leak")
    assert roof.duplicate_radius_m == 30
    same_house = file_request(
        category="roof_leak", text="Тече дах над 9 поверхом.", location=offset(here, north_m=15)
    )
    file_request(category="roof_leak", text="Тече дах над 5 поверхом.", location=offset(here, north_m=60))
    assert [r["number"] for r in _nearby(client, "roof_leak", here)["results"]] == [same_house.number]
    roof.duplicate_radius_m = 100
    roof.save()
    assert len(requests_nearby_open_public(category=roof, point=here)) == 2


def test_a_resident_follows_a_similar_request_instead_of_filing_it_again(
    here, client, django_capture_on_commit_callbacks
):
    existing = file_request(applicant="editor", location=offset(here, north_m=50))
    client.force_login(user("resident"))
    answer = client.post(f"/requests/{existing.number}/follow/", HTTP_ACCEPT="application/json")
    assert answer.json()["ok"] is True
    assert Subscription.objects.filter(
        request=existing, user__username="resident", confirmed_at__isnull=False
    ).exists()
    twice = client.post(f"/requests/{existing.number}/follow/", HTTP_ACCEPT="application/json")
    assert twice.json()["ok"] is True and Subscription.objects.filter(request=existing).count() == 1
    assert "Ви стежите за цим зверненням" in client.get(f"/requests/{existing.number}/").content.decode()


def test_a_visitor_follows_by_e_mail_after_confirming_it(here, client, django_capture_on_commit_callbacks):
    existing = file_request(location=offset(here, north_m=50))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{existing.number}/follow/", {"email": "sosid@example.test"})
    subscription = Subscription.objects.get(request=existing, email="sosid@example.test")
    assert subscription.confirmed_at is None
    link = (
        next(m for m in mail.outbox if "sosid@example.test" in m.to)
        .body.split("http://testserver", 1)[1]
        .split()[0]
    )
    response = client.get(link)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_following_by_e_mail_is_limited_per_address_of_the_visitor(here, client):
    existing = file_request(location=offset(here, north_m=50))
    codes = [
        client.post(
            f"/requests/{existing.number}/follow/",
            {"email": f"n{i}@example.test"},
            HTTP_ACCEPT="application/json",
        ).status_code
        for i in range(11)
    ]
    assert codes == [200] * 10 + [400]
    assert Subscription.objects.filter(request=existing).count() == 10
