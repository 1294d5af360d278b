"""The request's route, one service function per step (issue 8, DESIGN.md "Request life cycle").

Each step checks the actor's right (permissions.py), moves the request only along
ALLOWED_TRANSITIONS through request_transition() (one conditional UPDATE on the version the
caller read, so of two concurrent moves only one succeeds) and writes an audit Event; the
notifications and webhooks of that Event go out after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.calendar import configured_holidays, working_days_add, working_days_between
from citizen_requests.exceptions import TransitionRefused, WorkflowRefused
from citizen_requests.models import (
    ApprovalStep,
    ApprovalTemplate,
    Attachment,
    Event,
    Request,
    Response,
    RoutingRule,
    Service,
    ServiceMembership,
)
from citizen_requests.services.attachments import attachment_clean, attachment_store
from citizen_requests.services.intake import Upload
from citizen_requests.services.moderation import public_answer_derive
from citizen_requests.services.transitions import FINAL_STATUSES, event_record, request_transition

S = Request.Status
# Events whose comment everybody who sees the request may read; the applicant's own words
# (an answer to a question, a reason to reopen) only those who see its personal data; the rest
# are the staff's.
PUBLIC_COMMENT_KINDS = frozenset({Event.Kind.FORWARDED, Event.Kind.REJECTED, Event.Kind.INFO_REQUESTED})
APPLICANT_COMMENT_KINDS = frozenset({Event.Kind.INFO_PROVIDED, Event.Kind.REOPENED})
OPEN_STATUSES = frozenset({S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.INFO_REQUESTED, S.IN_APPROVAL, S.APPROVED})


def _refuse(message: str) -> WorkflowRefused:
    return WorkflowRefused(message)


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise _refuse(message)


def _status_in(request: Request, statuses, message: str | None = None) -> None:
    if request.status not in statuses:
        raise TransitionRefused(
            message
            or _("This cannot be done while the request is “%(status)s”.")
            % {"status": Request.Status(request.status).label}
        )


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    _need(bool(value), message)
    return value


def _today() -> dt.date:
    return timezone.localdate()


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
    return working_days_add(start or _today(), days, configured_holidays())


def _owner_membership(owner, service_id: int | None) -> ServiceMembership:
    membership = ServiceMembership.objects.filter(
        user=owner, service_id=service_id, user__is_active=True
    ).first()
    _need(membership is not None, _("The process owner must be a member of the responsible service."))
    return membership


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@transaction.atomic
def request_appoint(
    *, request: Request, actor, owner, deadline: dt.date | None = None, comment: str = ""
) -> Event:
    """The head of the responsible service (or the front office) appoints the process owner
    (a member of the service) and the deadline (default: the service's term in working days)."""
    _need(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may appoint the process owner."))  # fmt: skip
    _status_in(request, {S.ASSIGNED})
    membership = _owner_membership(owner, request.service_id)
    deadline = deadline or request.deadline or default_deadline(request=request)
    _need(deadline >= _today(), _("The deadline cannot be in the past."))
    service = request.service
    return request_transition(
        request=request,
        to=S.IN_PROGRESS,
        kind=Event.Kind.APPOINTED,
        actor=actor,
        comment=comment.strip(),
        data={
            "owner": owner.pk,
            "owner_name": _person(owner),
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
    _need(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may forward the request."))  # fmt: skip
    _status_in(request, {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS})
    reason = _text(reason, _("Say why the request is forwarded."))
    _need(service.pk != request.service_id, _("The request is with this service already."))
    _need(service.kind != Service.Kind.FRONT_OFFICE, _("Choose a service that answers requests."))
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
    _need(permissions.can_manage(actor, request), _("Only the head of the responsible service or the front office may reject the request."))  # fmt: skip
    _status_in(request, {S.TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.INFO_REQUESTED})
    reason = _text(reason, _("Say why the request is rejected."))
    return request_transition(
        request=request, to=S.REJECTED, kind=Event.Kind.REJECTED, actor=actor, comment=reason
    )


@transaction.atomic
def request_comment(*, request: Request, actor, text: str) -> Event:
    """An internal note of the staff (never in the public history, never to the applicant)."""
    _need(
        permissions.is_service_staff(actor, request),
        _("Only the staff working the request may comment on it."),
    )
    _status_in(request, OPEN_STATUSES)
    text = _text(text, _("Write the comment."))
    return event_record(request=request, kind=Event.Kind.COMMENTED, actor=actor, comment=text, public=False)


@transaction.atomic
def request_info_ask(*, request: Request, actor, question: str) -> Event:
    """The process owner asks the applicant for more information; the clock stops."""
    _need(
        permissions.can_work(actor, request), _("Only the process owner or the head may ask the applicant.")
    )
    _status_in(request, {S.IN_PROGRESS})
    _need(
        bool(request.applicant_id or request.applicant_email),
        _("The applicant left no way to reach them; answer with what the request says."),
    )
    question = _text(question, _("Write what the applicant should tell."))
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
    _need(permissions.is_applicant(actor, request, grants), _("Only the applicant may answer this question."))
    _status_in(request, {S.INFO_REQUESTED})
    text = _text(text, _("Write your answer."))
    waited = working_days_between(
        timezone.localdate(request.paused_at) if request.paused_at else _today(),
        _today(),
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


def response_current(request: Request) -> Response | None:
    return request.responses.order_by("-version").first()


def _touch(request: Request) -> None:
    """Claim the request's version for a step that keeps its status (an intermediate
    approval, a draft): a concurrent step on the same version is refused."""
    updated = Request.objects.filter(pk=request.pk, version=request.version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise TransitionRefused(
            _("The request was changed by someone else meanwhile. Reload it and try again.")
        )
    request.version += 1


@transaction.atomic
def response_draft(*, request: Request, actor, text: str, files: Sequence[Upload] = ()) -> Response:
    """The process owner writes (or rewrites) the answer and attaches documents; a draft
    returned by an approver is rewritten as the next version."""
    _need(permissions.can_work(actor, request), _("Only the process owner or the head may draft the answer."))
    _status_in(request, {S.IN_PROGRESS})
    text = _text(text, _("Write the answer."))
    cleaned = [attachment_clean(name=f.name, data=f.data) for f in files]
    for clean in cleaned:
        _need(clean.kind == Attachment.Kind.DOCUMENT, _("Documents of an answer must be PDF files."))
    _touch(request)
    response = response_current(request)
    if response is None or response.approval_steps.exists():
        previous = response
        response = Response.objects.create(
            request=request, version=(previous.version + 1) if previous else 1, text=text, author=actor
        )
        if previous is not None:  # the documents stay with the answer unless replaced
            for document in previous.documents.all():
                Attachment.objects.create(
                    request=request, response=response, kind=Attachment.Kind.RESPONSE,
                    file=document.file.name, content_type=document.content_type, size=document.size,
                    original_name=document.original_name, sha256=document.sha256, order=document.order,
                )  # fmt: skip
    else:
        response.text, response.author = text, actor
        response.save(update_fields=["text", "author", "updated_at"])
    _documents_save(request, response, cleaned)
    event_record(
        request=request,
        kind=Event.Kind.DRAFTED,
        actor=actor,
        data={"response": response.pk, "version": response.version},
        public=False,
    )
    return response


def _documents_save(request: Request, response: Response, files) -> None:

    start = response.documents.count()
    for order, clean in enumerate(files, start=start):
        attachment = Attachment(
            request=request,
            response=response,
            kind=Attachment.Kind.RESPONSE,
            content_type=clean.content_type,
            size=len(clean.content),
            original_name=clean.original_name,
            sha256=clean.sha256,
            order=order,
        )
        attachment_store(attachment, clean)


def template_approvers(service_id: int | None) -> list:
    template = ApprovalTemplate.objects.filter(service_id=service_id, is_default=True).first()
    if template is None:
        return []
    return [step.approver for step in template.steps.select_related("approver").order_by("order")]


@transaction.atomic
def response_send_for_approval(*, request: Request, actor, approvers: Sequence | None = None) -> Event:
    """Send the current draft through the approval route: the approvers chosen by hand, in
    order, or else the service's template."""
    _need(permissions.can_work(actor, request), _("Only the process owner or the head may send the answer for approval."))  # fmt: skip
    _status_in(request, {S.IN_PROGRESS})
    response = response_current(request)
    _need(
        response is not None and not response.approval_steps.exists(),
        _("Write the answer first (a returned answer must be revised before it goes again)."),
    )
    chosen = list(approvers) if approvers else template_approvers(request.service_id)
    _need(bool(chosen), _("Choose the approvers: the service has no approval route template."))
    _need(len({a.pk for a in chosen}) == len(chosen), _("Each approver may be in the route once."))
    for approver in chosen:
        # An approver must be able to read the request, a confidential one too.
        _need(
            approver.is_active and permissions.is_service_staff(approver, request),
            _("%(name)s is not staff of the responsible service or the front office.")
            % {"name": _person(approver)},
        )
    ApprovalStep.objects.bulk_create(
        ApprovalStep(response=response, order=order, approver=approver)
        for order, approver in enumerate(chosen, 1)
    )
    return request_transition(
        request=request,
        to=S.IN_APPROVAL,
        kind=Event.Kind.SENT_FOR_APPROVAL,
        actor=actor,
        data={"response": response.pk, "approvers": [a.pk for a in chosen], "approver": chosen[0].pk},
    )


def approval_current(request: Request, *, lock: bool = False) -> ApprovalStep | None:
    """The step whose turn it is: the first pending one of the current answer."""
    response = response_current(request)
    if response is None:
        return None
    steps = ApprovalStep.objects.filter(response=response, state=ApprovalStep.State.PENDING).order_by("order")
    if lock:
        steps = steps.select_for_update(of=("self",))
    return steps.select_related("approver").first()


def _approver_turn(request: Request, actor) -> ApprovalStep:
    _status_in(request, {S.IN_APPROVAL})
    step = approval_current(request, lock=True)
    _need(step is not None, _("The answer has no approval waiting."))
    if step.approver_id != getattr(actor, "pk", None):
        mine = ApprovalStep.objects.filter(
            response_id=step.response_id,
            approver_id=getattr(actor, "pk", None),
            state=ApprovalStep.State.PENDING,
        ).exists()
        raise _refuse(
            _("It is not your turn yet: %(name)s approves first.") % {"name": _person(step.approver)}
            if mine
            else _("You are not an approver of this answer.")
        )
    return step


@transaction.atomic
def response_approve(*, request: Request, actor, comment: str = "") -> Event:
    """The approver whose turn it is approves; the last approval makes the answer approved
    (the front office then registers and sends it)."""
    step = _approver_turn(request, actor)
    step.state, step.acted_at, step.comment = ApprovalStep.State.APPROVED, timezone.now(), comment.strip()
    step.save(update_fields=["state", "acted_at", "comment"])
    following = approval_current(request)
    data = {"response": step.response_id, "step": step.order}
    if following is not None:
        _touch(request)
        return event_record(
            request=request,
            kind=Event.Kind.APPROVAL_GIVEN,
            actor=actor,
            comment=step.comment,
            data={**data, "approver": following.approver_id},
            public=False,
        )
    return request_transition(
        request=request, to=S.APPROVED, kind=Event.Kind.APPROVED, actor=actor, comment=step.comment, data=data
    )


@transaction.atomic
def response_return(*, request: Request, actor, comment: str) -> Event:
    """The approver whose turn it is returns the answer to the process owner with a comment."""
    step = _approver_turn(request, actor)
    comment = _text(comment, _("Say what should change in the answer."))
    now = timezone.now()
    step.state, step.acted_at, step.comment = ApprovalStep.State.RETURNED, now, comment
    step.save(update_fields=["state", "acted_at", "comment"])
    ApprovalStep.objects.filter(response_id=step.response_id, state=ApprovalStep.State.PENDING).update(
        state=ApprovalStep.State.CANCELLED
    )
    return request_transition(
        request=request,
        to=S.IN_PROGRESS,
        kind=Event.Kind.RETURNED,
        actor=actor,
        comment=comment,
        data={"response": step.response_id, "step": step.order},
        public=False,
    )


@transaction.atomic
def response_register(
    *,
    request: Request,
    actor,
    outgoing_number: str,
    outgoing_date: dt.date | None = None,
    actor_label: str = "",
) -> Event:
    """The front office registers the approved answer (outgoing number and date) and sends
    it: the request is answered. `actor` None with `actor_label`: the document system did it."""
    _need(
        actor is None and bool(actor_label) or permissions.is_front_office(actor),
        _("Only the front office registers and sends answers."),
    )
    _status_in(request, {S.APPROVED})
    outgoing_number = _text(outgoing_number, _("Give the outgoing number of the answer."))
    outgoing_date = outgoing_date or _today()
    _need(outgoing_date <= _today(), _("The outgoing date cannot be in the future."))
    response = response_current(request)
    now = timezone.now()
    Response.objects.filter(pk=response.pk).update(sent_at=now)
    return request_transition(
        request=request,
        to=S.RESOLVED,
        kind=Event.Kind.ANSWERED,
        actor=actor,
        actor_label=actor_label,
        data={
            "response": response.pk,
            "outgoing_number": outgoing_number,
            "outgoing_date": outgoing_date.isoformat(),
        },
        # Open311 and the API read the answer of a public request as its status notes.
        fields=dict(
            outgoing_number=outgoing_number,
            outgoing_date=outgoing_date,
            answered_at=now,
            status_notes=public_answer_derive(request, response.text)
            if request.is_public
            else request.status_notes,
        ),
    )


@transaction.atomic
def request_close(
    *, request: Request, actor=None, grants: Sequence[int] = (), comment: str = "", automatic: bool = False
) -> Event:
    """Close an answered request: the applicant confirms it, or (`automatic`) the period
    MISTO_REQUEST_CLOSE_AFTER_DAYS has passed (requests_close_answered)."""
    if not automatic:
        _need(
            permissions.is_applicant(actor, request, grants), _("Only the applicant may confirm the answer.")
        )
    _status_in(request, {S.RESOLVED})
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
    _need(permissions.is_applicant(actor, request, grants), _("Only the applicant may reopen the request."))
    _status_in(request, {S.RESOLVED, S.CLOSED})
    limit = dt.timedelta(days=settings.MISTO_REQUEST_REOPEN_DAYS)
    _need(
        request.answered_at is not None and timezone.now() - request.answered_at <= limit,
        _("A request can be reopened within %(days)s days of its answer; please file a new one.")
        % {"days": settings.MISTO_REQUEST_REOPEN_DAYS},
    )
    reason = _text(reason, _("Say why the answer does not solve the problem."))
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


def actions_for(user, request: Request, grants: Sequence[int] = ()) -> set[str]:
    """The steps `user` may take on `request` now (the request page shows their forms)."""
    status = request.status
    allowed: set[str] = set()
    if status == S.UNCONFIRMED:
        return allowed
    if permissions.is_service_staff(user, request) and status not in FINAL_STATUSES:
        allowed.add("comment")
    if permissions.can_manage(user, request):
        if status == S.ASSIGNED:
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
