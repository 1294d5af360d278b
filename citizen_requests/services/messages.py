"""Who is told what on each event of a request: the table EVENT_MESSAGES, and the one function
`event_announce()` that services/transitions.py calls for every event it writes.

The applicant (and followers of a public request) by e-mail — and by SMS if they chose it in
their account — when the owner is appointed, the request is forwarded, more information is
asked, the answer is sent (with its documents) or the request is rejected; followers when the
status changes otherwise. Staff by e-mail when a request lands in their queue and when an
approval is theirs to give. Every transition (an event that moved the status) also goes to the
document workflow system's webhooks. The daily digest of overdue requests is queued by
`overdue_digest_queue()` (a management command, Celery beat).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

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
    preference_of,
)
from citizen_requests.services.webhooks import webhooks_for_event

K = Event.Kind
OPEN = [
    Request.Status.TRIAGE,
    Request.Status.ASSIGNED,
    Request.Status.IN_PROGRESS,
    Request.Status.IN_APPROVAL,
    Request.Status.APPROVED,
]
Handler = Callable[[Event], Iterable[Draft]]


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


# -- whom: the staff a message goes to ---------------------------------------------------------


def owner(event: Event) -> list:
    return [event.request.owner]


def owner_or_heads(event: Event):
    """The new service's default owner, else its heads (who appoint one)."""
    request = event.request
    return [request.owner] if request.owner_id else service_heads(request.service_id)


def queue_keepers(event: Event):
    """Whoever must act on a request that has just landed: its owner, else the front office
    (triage), else the heads of its service."""
    request = event.request
    if request.owner_id:
        return [request.owner]
    if request.status == Request.Status.TRIAGE:
        return front_office_staff()
    return service_heads(request.service_id)


def front_office(event: Event):
    return front_office_staff()


# -- what: the messages ------------------------------------------------------------------------


def applicant_and_followers(kind: str) -> Handler:
    """`kind` to the applicant (e-mail, and SMS if chosen) and the followers."""
    return lambda event: _applicant_and_followers(event, kind)


def applicant_only(kind: str) -> Handler:
    """`kind` to the applicant alone (a question only they can answer)."""
    return lambda event: _applicant_only(event, kind)


def staff_queue(whom: Callable[[Event], Iterable]) -> Handler:
    """ "A request is in your queue" to `whom`, saying why (the event's kind)."""
    return lambda event: _staff(whom(event), "staff_queue", reason=event.kind)


def followers_status_changed(event: Event) -> list[Draft]:
    """The generic "status changed" message to the applicant and followers (public events)."""
    return drafts_for_followers(event, kind="request_status_changed") if event.is_public else []


def answer_sent(event: Event) -> list[Draft]:
    """The registered answer, with its text and documents, to the applicant and followers."""
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


def approval_due(event: Event) -> list[Draft]:
    """ "An approval is yours to give" to the approver whose turn it is."""
    approver = get_user_model().objects.filter(pk=event.data.get("approver")).first()
    return _staff([approver], "staff_approval_due")


# Event kind → the messages it sends, in this order. A kind missing here sends none.
EVENT_MESSAGES: dict[str, tuple[Handler, ...]] = {
    K.FILED: (),  # the confirmation link / receipt is queued by intake itself
    K.CONFIRMED: (),
    K.ROUTED: (staff_queue(queue_keepers),),
    K.TRIAGED: (staff_queue(queue_keepers),),
    K.STATUS_CHANGED: (followers_status_changed,),
    K.SUBSCRIBED: (),
    K.APPOINTED: (applicant_and_followers("request_appointed"), staff_queue(owner)),
    K.FORWARDED: (applicant_and_followers("request_forwarded"), staff_queue(owner_or_heads)),
    K.REJECTED: (applicant_and_followers("request_rejected"),),
    K.COMMENTED: (),  # internal
    K.INFO_REQUESTED: (applicant_only("request_info_requested"),),
    K.INFO_PROVIDED: (staff_queue(owner),),
    K.DRAFTED: (),
    K.SENT_FOR_APPROVAL: (approval_due,),
    K.APPROVAL_GIVEN: (approval_due,),  # to the next approver
    K.APPROVED: (staff_queue(front_office),),  # the front office registers and sends it
    K.RETURNED: (staff_queue(owner),),
    K.ANSWERED: (answer_sent,),
    K.CLOSED: (followers_status_changed,),
    K.REOPENED: (staff_queue(queue_keepers),),
    K.EXTERNAL_UPDATE: (),
    K.MODERATED: (),
}


def event_announce(event: Event) -> list[Notification]:
    """Queue the messages of EVENT_MESSAGES for `event` (each once per event, channel and
    address) and, for a transition, the webhooks; all are sent after commit."""
    queued = []
    for handler in EVENT_MESSAGES.get(event.kind, ()):
        for draft in handler(event):
            notification = notification_queue(
                draft=draft,
                request=event.request,
                event=event,
                dedupe_key=f"{draft.kind}:e{event.pk}:{draft.channel}:{draft.address}",
            )
            if notification is not None:
                queued.append(notification)
    if event.to_status:
        webhooks_for_event(event)
    return queued


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
