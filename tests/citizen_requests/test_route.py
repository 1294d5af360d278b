"""The route, step by step: who may take each step, what it changes, what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from citizen_requests.exceptions import RouteRefused, TransitionRefused
from citizen_requests.models import Event, Request, Service, ServiceMembership
from citizen_requests.services.route import request_appoint
from tests.citizen_requests.builders import area_point, file_request, user

S = Request.Status


def housing_request(**extra) -> Request:
    """A request of the demo head's service (Житлосервіс-2), filed by the demo resident."""
    extra.setdefault("text", "У під'їзді не світить лампа на третьому поверсі вже тиждень.")
    return file_request(category="entrance", location=area_point("area-housing-2"), **extra)


def test_the_head_appoints_a_member_of_the_service_with_a_deadline(city):
    request = housing_request()
    assert request.status == S.ASSIGNED and request.service.source_id == "svc-zhytloservis-2"
    deadline = timezone.localdate() + dt.timedelta(days=20)
    event = request_appoint(request=request, actor=user("head"), owner=user("executor"), deadline=deadline)
    request.refresh_from_db()
    assert (request.status, request.owner.username, request.deadline) == (S.IN_PROGRESS, "executor", deadline)
    assert (event.kind, event.from_status, event.to_status, event.actor.username) == (
        Event.Kind.APPOINTED, S.ASSIGNED, S.IN_PROGRESS, "head",
    )  # fmt: skip
    assert event.data["owner_name"] == "Сергій Ткаченко"


def test_only_the_head_of_that_service_or_the_front_office_may_appoint(city):
    request = housing_request()
    other_head = User.objects.create_user("other-head", "oh@example.test", "x", is_staff=True)
    ServiceMembership.objects.create(
        user=other_head, service=Service.objects.get(source_id="svc-vodokanal"), position="head"
    )
    for actor in (user("resident"), user("executor"), user("approver"), other_head):
        with pytest.raises(RouteRefused, match="Only the head"):
            request_appoint(request=request, actor=actor, owner=user("executor"))
    request_appoint(request=request, actor=user("registrar"), owner=user("executor"))
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS


def test_the_owner_must_belong_to_the_service_and_a_closed_request_cannot_be_appointed(city):
    request = housing_request()
    with pytest.raises(RouteRefused, match="must be a member"):
        request_appoint(request=request, actor=user("head"), owner=user("dispatcher"))
    request_appoint(request=request, actor=user("head"), owner=user("executor"))
    with pytest.raises(TransitionRefused, match="cannot be done while"):
        request_appoint(request=request, actor=user("head"), owner=user("executor"))
