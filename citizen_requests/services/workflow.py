"""The request's workflow, one service function per step (issue 8, DESIGN.md "Request life cycle"):
appoint the process owner, forward, reject, comment, ask the applicant and take the answer,
close and reopen; the answer's draft, approvals and registration are in services/approvals.py.

Each step checks the actor's right (permissions.py), moves the request only along
ALLOWED_TRANSITIONS through request_transition() (one conditional UPDATE on the version the
caller read, so of two concurrent moves only one succeeds) and writes an audit Event; who is
told of it is services/messages.py EVENT_MESSAGES, sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.calendar import configured_holidays, working_days_add, working_days_between
from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import Event, Request, RoutingRule, Service, ServiceMembership
from citizen_requests.services.approvals import approval_current, response_current
from citizen_requests.services.transitions import (
    FINAL_STATUSES,
    actor_name,
    event_record,
    refuse_unless,
    request_transition,
    status_required,
    text_required,
)

S = Request.Status
# Events whose comment everybody who sees the request may read; the applicant's own words
# (an answer to a question, a reason to reopen) only those who see its personal data; the rest
# are the staff's.
PUBLIC_COMMENT_KINDS = frozenset({Event.Kind.FORWARDED, Event.Kind.REJECTED, Event.Kind.INFO_REQUESTED})
APPLICANT_COMMENT_KINDS = frozenset({Event.Kind.INFO_PROVIDED, Event.Kind.REOPENED})
OPEN_STATUSES = frozenset({S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.INFO_REQUESTED, S.IN_APPROVAL, S.APPROVED})


def default_deadline(
    *, request: Request, service: Service | None = None, start: dt.date | None = None
) -> dt.date:
    """The deadline in working days (holidays from MISTO_PUBLIC_HOLIDAYS) by the service's
    routing rule for the request's category, or MISTO_REQUEST_DEFAULT_DEADLINE_DAYS."""
    service_id = service.pk if service is not None else request.service_id
    rule = (
        RoutingRule.objects.filter(category_id=request.category_id, service_id=service_id, is_active=True)
        .order_by("area_id")
        .first()
    )
    days = rule.deadline_days if rule else settings.MISTO_REQUEST_DEFAULT_DEADLINE_DAYS
    return working_days_add(start or timezone.localdate(), days, configured_holidays())


def _owner_membership(owner, service_id: int | None) -> ServiceMembership:
    membership = ServiceMembership.objects.filter(
        user=owner, service_id=service_id, user__is_active=True
    ).first()
    refuse_unless(membership is not None, _("The process owner must be a member of the responsible service."))
    return membership


@transaction.atomic
def request_appoint(
    *, request: Request, actor, owner, deadline: dt.date | None = None, comment: str = ""
) -> Event:
    """The head of the responsible service (or the front office) appoints the process owner
    (a member of the service) and the deadline (default: the service's term in working days)."""
    refuse_unless(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may appoint the process owner."))  # fmt: skip
    status_required(request, {S.ASSIGNED})
    membership = _owner_membership(owner, request.service_id)
    deadline = deadline or request.deadline or default_deadline(request=request)
    refuse_unless(deadline >= timezone.localdate(), _("The deadline cannot be in the past."))
    service = request.service
    return request_transition(
        request=request,
        to=S.IN_PROGRESS,
        kind=Event.Kind.APPOINTED,
        actor=actor,
        comment=comment.strip(),
        data={
            "owner": owner.pk,
            "owner_name": actor_name(owner),
            "unit": membership.unit,
            "phone": service.phone if service else "",
            "deadline": deadline.isoformat(),
        },
        fields=dict(owner_id=owner.pk, owner_unit=membership.unit, deadline=deadline),
    )


@transaction.atomic
def request_forward(*, request: Request, actor, service: Service, reason: str) -> Event:
    """Send the request to another service with a reason; that service's routing applies
    (its default owner, its deadline from today) and its head appoints the owner."""
    refuse_unless(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may forward the request."))  # fmt: skip
    status_required(request, {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS})
    reason = text_required(reason, _("Say why the request is forwarded."))
    refuse_unless(service.pk != request.service_id, _("The request is with this service already."))
    refuse_unless(service.kind != Service.Kind.FRONT_OFFICE, _("Choose a service that answers requests."))
    refuse_unless(
        service_has_staff(service.pk),
        _("%(service)s has no staff on the portal: the request would wait unseen. Choose another service.")
        % {"service": service.name},
    )
    rule = (
        RoutingRule.objects.filter(category_id=request.category_id, service=service, is_active=True)
        .order_by("area_id")
        .first()
    )
    previous = request.service
    return request_transition(
        request=request,
        to=S.ASSIGNED,
        kind=Event.Kind.FORWARDED,
        actor=actor,
        comment=reason,
        data={
            "from_service": previous.pk if previous else None,
            "from_service_name": previous.name_uk if previous else "",
            "service": service.pk,
            "service_name": service.name_uk,
        },
        fields=dict(
            service_id=service.pk,
            routing_rule_id=rule.pk if rule else None,
            priority=rule.priority if rule else request.priority,
            owner_id=rule.default_owner_id if rule else None,
            owner_unit="",
            deadline=default_deadline(request=request, service=service),
        ),
    )


@transaction.atomic
def request_reject(*, request: Request, actor, reason: str) -> Event:
    """Refuse to work the request, with the reason the applicant is told."""
    refuse_unless(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may reject the request."))  # fmt: skip
    status_required(request, {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.INFO_REQUESTED})
    reason = text_required(reason, _("Say why the request is rejected."))
    return request_transition(
        request=request, to=S.REJECTED, kind=Event.Kind.REJECTED, actor=actor, comment=reason
    )


@transaction.atomic
def request_comment(*, request: Request, actor, text: str) -> Event:
    """An internal note of the staff (never in the public history, never to the applicant)."""
    refuse_unless(
        permissions.is_service_staff(actor, request),
        _("Only the staff working the request may comment on it."),
    )
    status_required(request, OPEN_STATUSES)
    text = text_required(text, _("Write the comment."))
    return event_record(request=request, kind=Event.Kind.COMMENTED, actor=actor, comment=text, public=False)


@transaction.atomic
def request_info_ask(*, request: Request, actor, question: str) -> Event:
    """The process owner asks the applicant for more information; the clock stops."""
    refuse_unless(
        permissions.can_work(actor, request), _("Only the process owner or the head may ask the applicant.")
    )
    status_required(request, {S.IN_PROGRESS})
    refuse_unless(
        bool(request.applicant_id or request.applicant_email),
        _("The applicant left no way to reach them; answer with what the request says."),
    )
    question = text_required(question, _("Write what the applicant should tell."))
    return request_transition(
        request=request,
        to=S.INFO_REQUESTED,
        kind=Event.Kind.INFO_REQUESTED,
        actor=actor,
        comment=question,
        fields=dict(paused_at=timezone.now()),
    )


@transaction.atomic
def request_info_answer(*, request: Request, actor, text: str, grants: Sequence[int] = ()) -> Event:
    """The applicant answers; the clock runs again and the deadline moves by the working days
    the request waited for them."""
    refuse_unless(
        permissions.is_applicant(actor, request, grants), _("Only the applicant may answer this question.")
    )
    status_required(request, {S.INFO_REQUESTED})
    text = text_required(text, _("Write your answer."))
    waited = working_days_between(
        timezone.localdate(request.paused_at) if request.paused_at else timezone.localdate(),
        timezone.localdate(),
        configured_holidays(),
    )
    deadline = request.deadline
    if deadline is not None and waited:
        deadline = working_days_add(deadline, waited, configured_holidays())
    return request_transition(
        request=request,
        to=S.IN_PROGRESS,
        kind=Event.Kind.INFO_PROVIDED,
        actor=actor,
        actor_label="" if actor is not None and actor.is_authenticated else _("applicant"),
        comment=text,
        data={"waited_days": waited, "deadline": deadline.isoformat() if deadline else None},
        fields=dict(paused_at=None, paused_days=request.paused_days + waited, deadline=deadline),
    )


def question_pending(request: Request) -> str:
    """What the process owner asked the applicant, while the request waits for the answer."""
    if request.status != S.INFO_REQUESTED:
        return ""
    asked = request.events.filter(kind=Event.Kind.INFO_REQUESTED).order_by("-created_at", "-id").first()
    return asked.comment if asked else ""


@transaction.atomic
def request_close(
    *, request: Request, actor=None, grants: Sequence[int] = (), comment: str = "", automatic: bool = False
) -> Event:
    """Close an answered request: the applicant confirms it, or (`automatic`) the period
    MISTO_REQUEST_CLOSE_AFTER_DAYS has passed (requests_close_answered)."""
    if not automatic:
        refuse_unless(
            permissions.is_applicant(actor, request, grants), _("Only the applicant may confirm the answer.")
        )
    status_required(request, {S.RESOLVED})
    return request_transition(
        request=request,
        to=S.CLOSED,
        kind=Event.Kind.CLOSED,
        actor=None if automatic else actor,
        actor_label=_("closed automatically") if automatic else ("" if actor is not None else _("applicant")),
        comment=comment.strip(),
        data={"confirmed": not automatic},
    )


def requests_close_answered(*, older_than_days: int | None = None) -> int:
    """Close every request answered more than MISTO_REQUEST_CLOSE_AFTER_DAYS ago; returns how many."""
    days = settings.MISTO_REQUEST_CLOSE_AFTER_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    closed = 0
    for pk in Request.objects.filter(status=S.RESOLVED, answered_at__lte=cutoff).values_list("pk", flat=True):
        try:
            request_close(request=Request.objects.get(pk=pk), automatic=True)
        except TransitionRefused:  # changed meanwhile (reopened): leave it
            continue
        closed += 1
    return closed


@transaction.atomic
def request_reopen(*, request: Request, actor, reason: str, grants: Sequence[int] = ()) -> Event:
    """The applicant reopens an answered request within MISTO_REQUEST_REOPEN_DAYS, with a
    reason; it goes back to the same service, whose head appoints the owner again."""
    refuse_unless(
        permissions.is_applicant(actor, request, grants), _("Only the applicant may reopen the request.")
    )
    status_required(request, {S.RESOLVED, S.CLOSED})
    limit = dt.timedelta(days=settings.MISTO_REQUEST_REOPEN_DAYS)
    refuse_unless(
        request.answered_at is not None and timezone.now() - request.answered_at <= limit,
        _("A request can be reopened within %(days)s days of its answer; please file a new one.")
        % {"days": settings.MISTO_REQUEST_REOPEN_DAYS},
    )
    reason = text_required(reason, _("Say why the answer does not solve the problem."))
    return request_transition(
        request=request,
        to=S.ASSIGNED,
        kind=Event.Kind.REOPENED,
        actor=actor,
        actor_label="" if actor is not None and actor.is_authenticated else _("applicant"),
        comment=reason,
        fields=dict(
            owner_id=None, owner_unit="", deadline=default_deadline(request=request), answered_at=None
        ),
    )


def service_has_staff(service_id: int | None) -> bool:
    """Somebody on the portal works for the service (an active member of it)."""
    return (
        service_id is not None
        and ServiceMembership.objects.filter(service_id=service_id, user__is_active=True).exists()
    )


def actions_for(user, request: Request, grants: Sequence[int] = ()) -> set[str]:
    """The steps `user` may take on `request` now (the request page shows their forms). A
    service without staff has nobody to appoint: its request is forwarded instead."""
    status = request.status
    allowed: set[str] = set()
    if status == S.UNCONFIRMED:
        return allowed
    if permissions.is_service_staff(user, request) and status not in FINAL_STATUSES:
        allowed.add("comment")
    if permissions.can_manage(user, request):
        if status == S.ASSIGNED and service_has_staff(request.service_id):
            allowed.add("appoint")
        if status in {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS}:
            allowed.add("forward")
        if status in {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.INFO_REQUESTED}:
            allowed.add("reject")
    if permissions.can_work(user, request) and status == S.IN_PROGRESS:
        allowed |= {"draft", "info_ask"}
        response = response_current(request)
        if response is not None and not response.approval_steps.exists():
            allowed.add("send_for_approval")
    if status == S.IN_APPROVAL:
        step = approval_current(request)
        if step is not None and step.approver_id == getattr(user, "pk", None):
            allowed |= {"approve", "return"}
    if status == S.APPROVED and permissions.is_front_office(user):
        allowed.add("register")
    if permissions.is_applicant(user, request, grants):
        if status == S.INFO_REQUESTED:
            allowed.add("info_answer")
        if status == S.RESOLVED:
            allowed.add("close")
        if status in {S.RESOLVED, S.CLOSED} and request.answered_at is not None:
            if timezone.now() - request.answered_at <= dt.timedelta(days=settings.MISTO_REQUEST_REOPEN_DAYS):
                allowed.add("reopen")
    return allowed
