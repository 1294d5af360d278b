"""The staff's work queues: what each queue holds for whom, the scoping by service membership
(another service's confidential requests are absent from lists, counts and bulk actions), the
filters, sorting, pages and the bulk appointment of process owners."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from citizen_requests.models import Event, Request, RoutingRule, Service, ServiceMembership
from citizen_requests.services.approvals import response_approve, response_draft, response_send_for_approval
from citizen_requests.services.workflow import request_appoint
from citizen_requests.views import queues as queue_views
from tests.citizen_requests.builders import area_point, file_request, offset, user

S = Request.Status


def housing(text: str = "У під'їзді не світить лампа на третьому поверсі вже тиждень.", **extra) -> Request:
    """A request of the demo head's service (Житлосервіс-2)."""
    extra.setdefault("location", area_point("area-housing-2"))
    return file_request(category="entrance", text=text, **extra)


def water(**extra) -> Request:
    """A request of another service (Водоканал)."""
    request = file_request(category="no_water", text="Немає холодної води в будинку з самого ранку.", **extra)
    assert request.service.source_id == "svc-vodokanal"
    return request


def set_deadline(request: Request, days: int) -> Request:
    Request.objects.filter(pk=request.pk).update(deadline=timezone.localdate() + dt.timedelta(days=days))
    request.refresh_from_db()
    return request


def as_(username: str | None) -> Client:
    """A client of `username` reading the portal in English (the messages asserted below)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def numbers(response) -> list[str]:
    """The registration numbers listed in the queue table, in order."""
    body = response.content.decode()
    table = body.split('<table class="queue-table">', 1)
    if len(table) == 1:
        return []
    return re.findall(r'<a href="/requests/(\d{4}-\d+)/">', table[1].split("</table>", 1)[0])


def count_in_nav(response, queue: str) -> str:
    return re.search(rf'data-queue="{queue}">([^<]*)<', response.content.decode()).group(1)


@pytest.fixture(autouse=True)
def _heads_appoint(city):
    """The housing rules of these tests name no default owner: their requests wait for the head
    to appoint one (the demo's rule sends them to the executor at once; see the test below)."""
    RoutingRule.objects.filter(area__source_id="area-housing-2").update(default_owner=None)


def test_the_to_appoint_queue_leaves_out_requests_that_have_an_owner_already(city):
    """Issue 20: a request routed with its rule's default process owner is in that owner's
    hands; it is not offered to the head for appointing again."""
    RoutingRule.objects.filter(area__source_id="area-housing-2", category__slug="entrance").update(
        default_owner=user("executor")
    )
    owned = housing()
    assert owned.status == S.ASSIGNED and owned.owner == user("executor")
    RoutingRule.objects.filter(area__source_id="area-housing-2").update(default_owner=None)
    waiting = housing(location=offset(area_point("area-housing-2"), north_m=30))
    assert waiting.owner is None
    new = as_("head").get(reverse("citizen_requests:queue", args=["new"]))
    assert numbers(new) == [waiting.number] and count_in_nav(new, "new") == "1"
    mine = as_("executor").get(reverse("citizen_requests:queue", args=["mine"]))
    assert owned.number in numbers(mine)


def test_the_queue_table_names_service_and_sort_by_registration_number_in_ukrainian(city):
    file_request(category="other", text="Прошу встановити лавку біля під'їзду нашого будинку.")
    client = Client()
    client.force_login(user("registrar"))
    html = client.get(reverse("citizen_requests:queue", args=["new"])).content.decode()
    assert '<th scope="col">Служба</th>' in html and "Послуга" not in html
    assert '<option value="number">номер</option>' in html and "число" not in html


@pytest.fixture
def other_head(city) -> User:
    """The head of the water utility: a member of another service."""
    head = User.objects.create_user("waterhead", "waterhead@example.test", "x", is_staff=True)
    head.groups.add(Group.objects.get(name="Service heads"))
    ServiceMembership.objects.create(
        service=Service.objects.get(source_id="svc-vodokanal"), user=head, position="head"
    )
    return head


def test_the_head_sees_the_new_requests_of_the_service_by_deadline(city):
    late = set_deadline(housing(), 20)
    soon = set_deadline(housing(location=offset(area_point("area-housing-2"), north_m=30)), 3)
    middle = set_deadline(housing(location=offset(area_point("area-housing-2"), east_m=30)), 10)
    elsewhere = water()
    response = as_("head").get(reverse("citizen_requests:queue", args=["new"]))
    assert response.status_code == 200
    listed = numbers(response)
    assert listed == [soon.number, middle.number, late.number]
    assert elsewhere.number not in response.content.decode()
    assert count_in_nav(response, "new") == "3"
    newest_first = as_("head").get(reverse("citizen_requests:queue", args=["new"]), {"sort": "-submitted"})
    assert numbers(newest_first) == [middle.number, soon.number, late.number]


def test_a_member_of_another_service_never_sees_its_confidential_requests(city, other_head):
    secret = housing(text="Конфіденційно: сусід погрожує, прошу перевірити тихо.", visibility="confidential")
    own = water()
    client = as_("waterhead")
    for queue in ("new", "overdue"):
        Request.objects.filter(pk=secret.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
        response = client.get(reverse("citizen_requests:queue", args=[queue]))
        assert response.status_code == 200
        assert secret.number not in response.content.decode()
        assert "Конфіденційно" not in response.content.decode()
    new = client.get(reverse("citizen_requests:queue", args=["new"]))
    assert numbers(new) == [own.number]
    assert count_in_nav(new, "new") == "1" and count_in_nav(new, "overdue") == "0"
    # The other service's queue does not exist for them; nor does a search for the number.
    housing_service = Service.objects.get(source_id="svc-zhytloservis-2")
    assert client.get(reverse("citizen_requests:queue-service", args=[housing_service.pk])).status_code == 404
    searched = client.get(reverse("citizen_requests:queue", args=["overdue"]), {"q": secret.number})
    assert numbers(searched) == [] and "This queue is empty" not in searched.content.decode()
    # Nor can they act on it through the bulk form.
    response = client.post(
        reverse("citizen_requests:queue-appoint"),
        {"requests": [secret.pk], "owner": other_head.pk, "next": "/requests/staff/new/"},
        follow=True,
    )
    assert "No such request in your queues." in response.content.decode()
    assert Request.objects.get(pk=secret.pk).status == S.ASSIGNED


def test_the_queues_are_for_staff_only(city):
    url = reverse("citizen_requests:queue", args=["new"])
    assert as_(None).get(url).status_code == 302  # to the login page
    for who in ("resident", "dispatcher", "leader"):
        assert as_(who).get(url).status_code == 403, who
        assert as_(who).get(reverse("citizen_requests:queues")).status_code == 403, who
        assert as_(who).post(reverse("citizen_requests:queue-appoint"), {}).status_code == 403, who
    # A process owner has no queue of new requests (only heads and the front office appoint).
    assert as_("executor").get(url).status_code == 404
    assert as_("executor").get(reverse("citizen_requests:queues")).url == reverse(
        "citizen_requests:queue", args=["mine"]
    )


def test_mine_lists_the_open_requests_the_user_owns(city):
    first, second = housing(), housing(location=offset(area_point("area-housing-2"), north_m=40))
    for request in (first, second):
        request_appoint(request=request, actor=user("head"), owner=user("executor"))
    Request.objects.filter(pk=second.pk).update(status=S.RESOLVED)
    response = as_("executor").get(reverse("citizen_requests:queue", args=["mine"]))
    assert numbers(response) == [first.number]
    assert count_in_nav(response, "mine") == "1"
    assert numbers(as_("head").get(reverse("citizen_requests:queue", args=["mine"]))) == []


def test_awaiting_my_approval_is_only_for_the_approver_whose_turn_it_is(city):
    second = User.objects.create_user("approver2", "a2@example.test", "x", is_staff=True)
    ServiceMembership.objects.create(
        service=Service.objects.get(source_id="svc-zhytloservis-2"), user=second, position="approver"
    )
    request = housing()
    request_appoint(request=request, actor=user("head"), owner=user("executor"))
    response_draft(request=request, actor=user("executor"), text="Лампу замінено 20 листопада.")
    response_send_for_approval(request=request, actor=user("executor"), approvers=[user("approver"), second])
    url = reverse("citizen_requests:queue", args=["approval"])
    assert numbers(as_("approver").get(url)) == [request.number]
    assert numbers(as_("approver2").get(url)) == []
    assert count_in_nav(as_("approver2").get(url), "approval") == "0"
    response_approve(request=Request.objects.get(pk=request.pk), actor=user("approver"))
    assert numbers(as_("approver").get(url)) == []
    assert numbers(as_("approver2").get(url)) == [request.number]


def test_overdue_holds_open_requests_past_their_deadline(city):
    overdue = set_deadline(housing(), -3)
    due_today = set_deadline(housing(location=offset(area_point("area-housing-2"), north_m=30)), 0)
    answered_late = set_deadline(housing(location=offset(area_point("area-housing-2"), east_m=30)), -5)
    Request.objects.filter(pk=answered_late.pk).update(status=S.RESOLVED)
    for who in ("head", "executor", "approver", "registrar"):
        response = as_(who).get(reverse("citizen_requests:queue", args=["overdue"]))
        listed = numbers(response)
        assert (
            overdue.number in listed and due_today.number not in listed and answered_late.number not in listed
        )


def test_filters_find_by_category_district_status_priority_and_number(city):
    place = area_point("area-housing-2")
    lamp = housing()
    roof = file_request(
        category="roof_leak",
        text="Протікає дах над квартирою після дощу.",
        location=offset(place, north_m=25),
    )
    assert roof.service_id == lamp.service_id
    Request.objects.filter(pk=roof.pk).update(priority="urgent")
    url = reverse("citizen_requests:queue", args=["service"])
    head = as_("head")
    service = lamp.service
    url = reverse("citizen_requests:queue-service", args=[service.pk])
    assert set(numbers(head.get(url))) >= {lamp.number, roof.number}
    assert numbers(head.get(url, {"category": "roof_leak"})) == [roof.number]
    assert numbers(head.get(url, {"priority": "urgent", "category": "entrance"})) == []
    assert roof.number in numbers(head.get(url, {"priority": "urgent"}))
    assert numbers(head.get(url, {"q": lamp.number})) == [lamp.number]
    assert numbers(head.get(url, {"q": "дах над квартирою"})) == [roof.number]
    assert lamp.number in numbers(head.get(url, {"district": lamp.district_id, "status": "assigned"}))
    assert numbers(head.get(url, {"status": "rejected", "q": lamp.number})) == []
    empty = head.get(url, {"q": "немає такого тексту"})
    assert "No requests match these filters." in empty.content.decode()


def test_pages_follow_the_sort(city, monkeypatch):
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 2)
    place = area_point("area-housing-2")
    made = [set_deadline(housing(location=offset(place, north_m=20 * i)), 10 - i) for i in range(5)]
    by_deadline = [r.number for r in sorted(made, key=lambda r: r.deadline)]
    url = reverse("citizen_requests:queue", args=["new"])
    seen = []
    for page in (1, 2, 3):
        response = as_("head").get(url, {"page": page})
        seen += numbers(response)
        assert ('rel="next"' in response.content.decode()) == (page < 3)
    assert seen == by_deadline


def test_bulk_appoint_appoints_each_request_or_reports_why_not(city, other_head):
    place = area_point("area-housing-2")
    first, second = housing(), housing(location=offset(place, north_m=30))
    taken = housing(location=offset(place, east_m=30))
    request_appoint(request=taken, actor=user("head"), owner=user("executor"))
    theirs = water()
    deadline = timezone.localdate() + dt.timedelta(days=12)
    response = as_("head").post(
        reverse("citizen_requests:queue-appoint"),
        {
            "requests": [first.pk, second.pk, taken.pk, theirs.pk],
            "owner": user("executor").pk,
            "deadline": deadline.isoformat(),
            "comment": "Терміново",
            "next": "/requests/staff/new/",
        },
        follow=True,
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/requests/staff/new/"
    assert f"Process owner appointed: {first.number}, {second.number}." in body
    assert f"{taken.number} was not changed: This cannot be done while the request is" in body
    assert "No such request in your queues." in body
    for request in (first, second):
        request.refresh_from_db()
        assert (request.status, request.owner.username, request.deadline) == (
            S.IN_PROGRESS,
            "executor",
            deadline,
        )
        assert request.events.filter(kind=Event.Kind.APPOINTED, comment="Терміново").count() == 1
    theirs.refresh_from_db()
    assert (theirs.status, theirs.owner_id) == (S.ASSIGNED, None)
    assert taken.events.filter(kind=Event.Kind.APPOINTED).count() == 1


def test_bulk_appoint_refuses_an_owner_from_outside_and_a_past_deadline(city):
    request = housing()
    client = as_("head")
    response = client.post(
        reverse("citizen_requests:queue-appoint"),
        {"requests": [request.pk], "owner": user("dispatcher").pk, "next": "/requests/staff/new/"},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("citizen_requests:queue-appoint"),
        {
            "requests": [request.pk],
            "owner": user("executor").pk,
            "deadline": past,
            "next": "/requests/staff/new/",
        },
        follow=True,
    )
    assert "The deadline cannot be in the past." in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.ASSIGNED
    assert not request.events.filter(kind=Event.Kind.APPOINTED).exists()


def test_the_front_office_sees_every_service_and_the_triage(city, django_assert_max_num_queries):
    lamp, tap = housing(), water()
    client = as_("registrar")
    response = client.get(reverse("citizen_requests:queue", args=["service"]), follow=True)
    assert response.status_code == 200
    for request in (lamp, tap):
        page = client.get(reverse("citizen_requests:queue-service", args=[request.service_id]))
        assert request.number in numbers(page)
    with django_assert_max_num_queries(40):
        client.get(reverse("citizen_requests:queue", args=["overdue"]))


def test_a_service_queue_opens_on_its_open_requests(city):
    place = area_point("area-housing-2")
    working, answered = housing(), housing(location=offset(place, north_m=35))
    Request.objects.filter(pk=answered.pk).update(status=S.RESOLVED)
    url = reverse("citizen_requests:queue-service", args=[working.service_id])
    head = as_("head")
    listed = numbers(head.get(url))
    assert working.number in listed and answered.number not in listed
    assert answered.number in numbers(head.get(url, {"status": "closed"}))
    assert {working.number, answered.number} <= set(numbers(head.get(url, {"status": ""})))


def test_bulk_appoint_returns_only_to_a_page_of_the_portal(city):
    request = housing()
    response = as_("head").post(
        reverse("citizen_requests:queue-appoint"),
        {"requests": [request.pk], "owner": user("executor").pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == reverse("citizen_requests:queues")
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS
