"""Who hears of each step of the route (handlers for services.notifications.EVENT_NOTIFICATIONS).

The applicant (and followers of a public request) by e-mail — and by SMS if they chose it in
their account — when the owner is appointed, the request is forwarded, more information is
asked, the answer is sent (with its documents) or the request is rejected. Staff by e-mail
when a request lands in their queue and when an approval is theirs to give; the daily digest
of overdue requests is queued by `overdue_digest_queue()` (a management command, Celery beat).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from citizen_requests.models import (
    Event,
    Notification,
    Request,
    Response,
    Service,
    ServiceMembership,
)
from citizen_requests.permissions import FRONT_OFFICE_GROUP
from citizen_requests.services.notifications import (
    Draft,
    drafts_for_followers,
    notification_queue,
    notify_on,
    preference_of,
)

K = Event.Kind
OPEN = [
    Request.Status.TRIAGE,
    Request.Status.ASSIGNED,
    Request.Status.IN_PROGRESS,
    Request.Status.IN_APPROVAL,
    Request.Status.APPROVED,
]


def _sms_drafts(event: Event, kind: str) -> list[Draft]:
    """An SMS to the applicant's account phone, if they chose SMS about their requests."""
    request = event.request
    if not request.applicant_id:
        return []
    preference = preference_of(request.applicant)
    if not (preference.pk and preference.sms_own_requests and preference.phone):
        return []
    return [
        Draft(
            kind,
            preference.phone,
            preference.language,
            request.applicant_id,
            {"event_id": event.pk},
            Notification.Channel.SMS,
        )
    ]


def _applicant_and_followers(event: Event, kind: str, **context) -> list[Draft]:
    drafts = [
        Draft(d.kind, d.address, d.language, d.user_id, {**d.context, **context}, d.channel)
        for d in drafts_for_followers(event, kind=kind)
    ]
    return drafts + _sms_drafts(event, kind)


def _applicant_only(event: Event, kind: str) -> list[Draft]:
    drafts = [d for d in drafts_for_followers(event, kind=kind) if not d.context.get("follower")]
    return drafts + _sms_drafts(event, kind)


def _staff(users, kind: str, **context) -> list[Draft]:
    drafts, seen = [], set()
    for user in users:
        if user is None or not user.is_active or not user.email or user.pk in seen:
            continue
        seen.add(user.pk)
        drafts.append(Draft(kind, user.email, preference_of(user).language, user.pk, dict(context)))
    return drafts


def service_heads(service_id: int | None):
    return get_user_model().objects.filter(
        service_memberships__service_id=service_id,
        service_memberships__position=ServiceMembership.Position.HEAD,
        is_active=True,
    )


def front_office_staff():
    front = ServiceMembership.objects.filter(service__kind=Service.Kind.FRONT_OFFICE).values("user_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=front) | Q(groups__name=FRONT_OFFICE_GROUP), is_active=True)
        .distinct()
    )


# -- the applicant -----------------------------------------------------------------------------


@notify_on(K.APPOINTED)
def _appointed(event: Event) -> list[Draft]:
    return _applicant_and_followers(event, "request_appointed") + _staff(
        [event.request.owner], "staff_queue", reason="appointed"
    )


@notify_on(K.FORWARDED)
def _forwarded(event: Event) -> list[Draft]:
    request = event.request
    staff = [request.owner] if request.owner_id else service_heads(request.service_id)
    return _applicant_and_followers(event, "request_forwarded") + _staff(
        staff, "staff_queue", reason="forwarded"
    )


@notify_on(K.INFO_REQUESTED)
def _info_requested(event: Event) -> list[Draft]:
    return _applicant_only(event, "request_info_requested")


@notify_on(K.ANSWERED)
def _answered(event: Event) -> list[Draft]:
    response = Response.objects.filter(pk=event.data.get("response")).first()
    if response is None:
        return []
    return _applicant_and_followers(
        event,
        "request_answered",
        response_id=response.pk,
        answer_text=response.text,
        documents=response.documents.count(),
    )


@notify_on(K.REJECTED)
def _rejected(event: Event) -> list[Draft]:
    return _applicant_and_followers(event, "request_rejected")


# -- staff ---------------------------------------------------------------------------------------


@notify_on(K.ROUTED, K.TRIAGED, K.REOPENED)
def _landed(event: Event) -> list[Draft]:
    request = event.request
    if request.owner_id:
        users = [request.owner]
    elif request.status == Request.Status.TRIAGE:
        users = front_office_staff()
    else:
        users = service_heads(request.service_id)
    return _staff(users, "staff_queue", reason=event.kind)


@notify_on(K.INFO_PROVIDED)
def _info_provided(event: Event) -> list[Draft]:
    return _staff([event.request.owner], "staff_queue", reason=event.kind)


@notify_on(K.RETURNED)
def _returned(event: Event) -> list[Draft]:
    return _staff([event.request.owner], "staff_queue", reason=event.kind)


@notify_on(K.APPROVED)
def _approved(event: Event) -> list[Draft]:
    return _staff(front_office_staff(), "staff_queue", reason=event.kind)


@notify_on(K.SENT_FOR_APPROVAL, K.APPROVAL_GIVEN)
def _approval_due(event: Event) -> list[Draft]:
    approver = get_user_model().objects.filter(pk=event.data.get("approver")).first()
    return _staff([approver], "staff_approval_due")


def overdue_digest_queue(*, today: dt.date | None = None) -> int:
    """Queue today's digest of overdue requests to each process owner and each head of a
    service with overdue requests (once a day per person); returns how many were queued."""
    today = today or timezone.localdate()
    overdue = Request.objects.filter(status__in=OPEN, deadline__lt=today)
    per_user: dict[int, set[int]] = {}
    for pk, owner_id, service_id in overdue.values_list("pk", "owner_id", "service_id"):
        if owner_id:
            per_user.setdefault(owner_id, set()).add(pk)
        for head_id in ServiceMembership.objects.filter(
            service_id=service_id, position=ServiceMembership.Position.HEAD
        ).values_list("user_id", flat=True):
            per_user.setdefault(head_id, set()).add(pk)
    queued = 0
    users = get_user_model().objects.filter(pk__in=per_user, is_active=True).exclude(email="")
    for user in users:
        numbers = list(
            Request.objects.filter(pk__in=per_user[user.pk])
            .order_by("deadline", "id")
            .values_list("number", "deadline")
        )
        draft = Draft(
            "staff_overdue_digest",
            user.email,
            preference_of(user).language,
            user.pk,
            {"overdue": [[n, d.isoformat()] for n, d in numbers], "day": today.isoformat()},
        )
        if notification_queue(draft=draft, dedupe_key=f"overdue:{today.isoformat()}:{user.pk}"):
            queued += 1
    return queued


# A follower hears that an answered request was closed or reopened, through the generic message.
def _status_for_followers(event: Event) -> list[Draft]:
    return drafts_for_followers(event, kind="request_status_changed") if event.is_public else []


notify_on(K.CLOSED)(_status_for_followers)
