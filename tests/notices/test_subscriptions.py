"""Subscribing to an address: an account at once, a visitor's e-mail by a single-use link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from notices.models import Subscription
from tests.notices.builders import building_in, district, point_of

pytestmark = pytest.mark.django_db


def test_a_visitor_confirms_by_a_single_use_link(city, client):
    building = building_in(district())
    answer = client.post(
        "/notices/subscribe/", {"address": building.address, "email": "Mariya@Example.org", "by_email": "on"}
    )
    assert answer.status_code == 200, answer.content.decode()[:2000]
    subscription = Subscription.objects.get(email="mariya@example.org")
    assert subscription.confirmed_at is None and subscription.building_id == building.pk
    link = re.search(r"http://testserver(/notices/subscribe/confirm/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200  # a mail scanner opening it confirms nothing
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert client.post(link).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    again = client.post(link)
    assert again.status_code == 400 and "вже використано" in again.content.decode()


def test_an_account_subscribes_at_once_and_sees_its_addresses(city, client):
    resident = User.objects.get(username="resident")
    client.force_login(resident)
    building = building_in(district())
    point = point_of(building)
    answer = client.post("/notices/subscribe/", {"lat": point.y, "lon": point.x, "by_email": "on"})
    assert answer.status_code == 302
    subscription = Subscription.objects.get(user=resident)
    assert subscription.confirmed_at is not None and subscription.building_id == building.pk
    page = client.get("/notices/subscriptions/").content.decode()
    assert subscription.address in page
    # The same house again is the same subscription.
    client.post("/notices/subscribe/", {"address": building.address, "by_email": "on"})
    assert Subscription.objects.filter(user=resident).count() == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"address": "вулиця Неіснуюча, 999", "email": "a@example.org"}, "не знайдено"),
        ({"address": "", "email": "a@example.org"}, "Введіть адресу"),
        ({"lat": "49.5", "lon": "34.5", "email": "a@example.org"}, "поза межами громади"),
        ({"address": "__BUILDING__", "email": "not an e-mail"}, 'aria-invalid="true"'),
    ],
)
def test_bad_subscription_input_is_answered_and_nothing_is_kept(city, client, data, words):
    if data.get("address") == "__BUILDING__":
        data["address"] = building_in(district()).address
    answer = client.post("/notices/subscribe/", data)
    assert answer.status_code == 400
    assert words in answer.content.decode().replace("&#x27;", "'")
    assert Subscription.objects.count() == 0


def test_sms_needs_a_ukrainian_mobile_number(city, client):
    client.force_login(User.objects.get(username="resident"))
    building = building_in(district())
    answer = client.post(
        "/notices/subscribe/", {"address": building.address, "by_sms": "on", "phone": "12345"}
    )
    assert answer.status_code == 400 and "+380" in answer.content.decode()
    assert Subscription.objects.count() == 0


def test_only_the_owner_stops_a_subscription(city, client):
    resident = User.objects.get(username="resident")
    client.force_login(resident)
    building = building_in(district())
    client.post("/notices/subscribe/", {"address": building.address, "by_email": "on"})
    subscription = Subscription.objects.get(user=resident)
    other = User.objects.create_user("neighbour", email="n@example.org", password="x")
    client.force_login(other)
    assert client.post("/notices/subscriptions/", {"delete": subscription.pk}).status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    client.force_login(resident)
    client.post("/notices/subscriptions/", {"delete": subscription.pk})
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
