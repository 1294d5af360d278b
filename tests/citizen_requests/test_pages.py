"""The public list (filters, search, pages), the map data, the personal account, the exports,
the admin of the routing table and Open311 apps, the demo staff, and the scale generator."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from citizen_requests.models import ApiClient, Event, Request, RoutingRule, ServiceMembership, Subscription
from citizen_requests.services.api_clients import api_client_authenticate
from citizen_requests.services.intake import Contact
from tests.citizen_requests.builders import area_point, file_request, user


@pytest.fixture
def several(city):
    pothole = file_request(location=area_point("area-housing-1"))
    graffiti = file_request(
        category="graffiti", text="Написи на паркані дитсадка.", location=area_point("area-housing-3")
    )
    closed = file_request(
        text="Вибоїна біля зупинки, колесо пошкоджене.", location=area_point("area-housing-4")
    )
    Request.objects.filter(pk=closed.pk).update(
        status=Request.Status.CLOSED, status_notes="Яму залатано 12.11."
    )
    old = file_request(text="Стара яма, подана давно навесні.", location=area_point("area-housing-2"))
    Request.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=200))
    return pothole, graffiti, closed, old


def numbers_in(response) -> set[str]:
    html = response.content.decode()
    return {
        n
        for n in Request.objects.exclude(number=None).values_list("number", flat=True)
        if f"/requests/{n}/" in html
    }


def test_the_list_filters_by_category_status_district_period_and_words(several, client):
    pothole, graffiti, closed, old = several
    assert numbers_in(client.get("/requests/")) == {
        pothole.number,
        graffiti.number,
        closed.number,
        old.number,
    }
    assert numbers_in(client.get("/requests/", {"category": "graffiti"})) == {graffiti.number}
    assert numbers_in(client.get("/requests/", {"status": "closed"})) == {closed.number}
    assert closed.number not in numbers_in(client.get("/requests/", {"status": "open"}))
    assert numbers_in(client.get("/requests/", {"district": pothole.district_id})) == {pothole.number}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert old.number not in numbers_in(client.get("/requests/", {"date_from": since}))
    assert numbers_in(
        client.get("/requests/", {"date_to": (timezone.localdate() - dt.timedelta(days=100)).isoformat()})
    ) == {old.number}
    assert numbers_in(client.get("/requests/", {"q": "паркані"})) == {graffiti.number}
    assert numbers_in(client.get("/requests/", {"q": graffiti.number})) == {graffiti.number}
    assert "Немає звернень за цими умовами" in client.get("/requests/", {"q": "космодром"}).content.decode()


def test_the_list_pages_by_cursor_newest_first(city, client):
    made = [file_request(location=area_point("area-housing-1")) for _ in range(23)]
    first = client.get("/requests/")
    assert numbers_in(first) == {r.number for r in made[-20:]}
    cursor = first.context["next_query"]
    second = client.get(f"/requests/?{cursor}")
    assert numbers_in(second) == {r.number for r in made[:3]} and second.context["next_query"] is None


def test_the_list_page_costs_the_same_few_queries_however_many_rows(
    city, client, django_assert_max_num_queries
):
    for _ in range(25):
        file_request(location=area_point("area-housing-1"))
    with django_assert_max_num_queries(6):
        client.get("/requests/")
    with django_assert_max_num_queries(6):
        client.get("/open311/v2/requests.json")


def test_the_map_data_is_geojson_limited_to_a_box(several, client):
    pothole, graffiti, *_ = several
    data = client.get("/api/v1/requests/").json()
    assert data["type"] == "FeatureCollection"
    feature = next(f for f in data["features"] if f["id"] == pothole.number)
    assert feature["geometry"]["type"] == "Point"
    assert set(feature["properties"]) == {"category", "category_name", "icon", "colour", "status",
                                          "status_label", "visibility", "submitted_at", "address", "url"}  # fmt: skip
    p = graffiti.location
    box = f"{p.x - 0.001},{p.y - 0.001},{p.x + 0.001},{p.y + 0.001}"
    assert [f["id"] for f in client.get("/api/v1/requests/", {"bbox": box}).json()["features"]] == [
        graffiti.number
    ]
    assert client.get("/api/v1/requests/", {"bbox": "1,2,3"}).status_code == 400
    assert len(client.get("/api/v1/requests/", {"limit": 2}).json()["features"]) == 2
    assert "Звернення на мапі" in client.get("/requests/map/").content.decode()


def test_the_export_and_the_feed_carry_the_public_list(several, client):
    pothole, graffiti, closed, _old = several
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/requests/export.csv", {"status": "closed"}).streaming_content)
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    assert [r["number"] for r in rows] == [closed.number] and rows[0]["category_code"] == "pothole"
    feed = client.get("/requests/feed/").content.decode()
    assert f"/requests/{graffiti.number}/" in feed and "<rss" in feed


def test_the_personal_account_shows_my_requests_answers_and_what_i_follow(several, client):
    pothole, graffiti, closed, _old = several
    secret = file_request(text="Конфіденційно: сусіди шумлять щоночі.", category="noise",
                          visibility=Request.Visibility.CONFIDENTIAL)  # fmt: skip
    other = file_request(applicant="editor", text="Чужа яма біля магазину на розі.")
    Subscription.objects.create(request=other, user=user("resident"), confirmed_at=timezone.now())
    assert client.get("/requests/mine/").status_code == 302
    client.force_login(user("resident"))
    page = client.get("/requests/mine/")
    html = page.content.decode()
    assert numbers_in(page) >= {pothole.number, graffiti.number, closed.number, secret.number, other.number}
    assert "конфіденційне" in html and "Яму залатано 12.11." in html and "надано відповідь" not in html
    assert "Звернення, за якими я стежу" in html
    client.post("/requests/mine/", {"email_own_requests": "", "email_subscriptions": "on", "language": "en"})
    preference = user("resident").notification_preference
    assert (preference.email_own_requests, preference.email_subscriptions, preference.language) == (
        False,
        True,
        "en",
    )
    client.post(f"/requests/{other.number}/unfollow/", {"next": "mine"})
    assert not Subscription.objects.filter(request=other, user__username="resident").exists()


def test_the_pages_speak_english_on_request(several, client):
    pothole, *_ = several
    html = client.get(f"/requests/{pothole.number}/", {"lang": "en"}).content.decode()
    assert "Responsible service" in html and "Pothole" in html and "in area" in html
    assert "Report a problem" in client.get("/requests/new/", {"lang": "en"}).content.decode()


def test_the_front_office_keeps_the_routing_table_in_the_admin_with_a_map(city, client):
    client.force_login(user("registrar"))
    rule = RoutingRule.objects.filter(
        area__source_id="area-lighting-west", category__slug="street_light_out"
    ).get()
    page = client.get(f"/admin/citizen_requests/routingrule/{rule.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and "rule-area-map" in html and "/static/vendor/leaflet/leaflet.js" in html
    response = client.post(
        f"/admin/citizen_requests/routingrule/{rule.pk}/change/",
        {
            "category": rule.category_id,
            "area": rule.area_id,
            "service": rule.service_id,
            "deadline_days": 3,
            "priority": "high",
            "is_active": "on",
            "note": "",
        },  # fmt: skip
        follow=True,
    )
    assert "уже спрямовані звернення залишаються" in response.content.decode()
    rule.refresh_from_db()
    assert rule.deadline_days == 3
    assert client.get("/admin/citizen_requests/apiclient/").status_code == 403  # City IT issues app keys


def test_city_it_registers_an_open311_app_and_sees_its_key_once(city, client):
    client.force_login(user("gisadmin"))
    response = client.post(
        "/admin/citizen_requests/apiclient/add/",
        {
            "name": "Мобільний застосунок",
            "contact_email": "dev@example.test",
            "requests_per_minute": 30,
            "is_active": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    app = ApiClient.objects.get(name="Мобільний застосунок")
    key = next(w for w in html.replace("<", " ").split() if w.startswith(app.key_prefix + "."))
    assert api_client_authenticate(key) == app and key not in app.key_hash
    assert key not in client.get(f"/admin/citizen_requests/apiclient/{app.pk}/change/").content.decode()


def test_the_demo_staff_work_in_services_that_make_sense(city):
    positions = {
        (m.user.username, m.service.source_id, m.position)
        for m in ServiceMembership.objects.select_related("user", "service")
    }
    assert positions >= {
        ("registrar", "svc-front-office", "registrar"),
        ("head", "svc-zhytloservis-2", "head"),
        ("executor", "svc-zhytloservis-2", "executor"),
        ("approver", "svc-zhytloservis-2", "approver"),
    }


def test_the_generator_adds_routed_numbered_requests_once(city):
    before = Request.objects.count()
    call_command(
        "generate_requests", "--count", "60", "--until", timezone.localdate().isoformat(), "--days", "400"
    )
    generated = Request.objects.filter(device_id="misto-generator")
    assert generated.count() == 60 and Request.objects.count() == before + 60
    assert generated.filter(service=None).count() == 0 and generated.filter(number=None).count() == 0
    assert len(set(generated.values_list("number", flat=True))) == 60
    assert Event.objects.filter(request__in=generated).count() == 120
    assert generated.exclude(routing_rule=None).filter(routing_explanation__uk__icontains="→").count() > 40
    call_command("generate_requests", "--count", "60")
    assert generated.count() == 60
    later = file_request(
        applicant=None, contact=Contact("Гість", "g@example.test"), channel=Request.Channel.OPEN311
    )
    year = str(timezone.localdate().year)
    this_year = generated.filter(number__startswith=year).values_list("number", flat=True)
    assert all(later.number > n for n in this_year)


def test_a_visitor_without_an_account_cannot_open_the_personal_account(city):
    assert Client().get("/requests/mine/")["Location"].startswith("/accounts/login/")
