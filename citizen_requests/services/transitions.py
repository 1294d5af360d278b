"""The request's workflow as data (its statuses' allowed moves), and the one function that
moves a request along it.

ALLOWED_TRANSITIONS is the whole life cycle of DESIGN.md; intake (this issue) performs the
first moves — confirmation, routing, triage — and the workflow steps (appoint, request
information, approve, register the answer, close, reopen, forward, reject) are service
functions that call request_transition() with their own event kind, rights check and fields,
after the guards every step opens with (refuse_unless, status_required, text_required). Each
event is announced through services/messages.py EVENT_MESSAGES.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests.exceptions import TransitionRefused, WorkflowRefused
from citizen_requests.models import Event, Request
from citizen_requests.services.messages import event_announce

S = Request.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.UNCONFIRMED: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ASSIGNED, S.TRIAGE}),
    # The front office registers a triaged request with a service, or rejects it.
    S.TRIAGE: frozenset({S.ASSIGNED, S.REJECTED}),
    # ASSIGNED → ASSIGNED is a forward to another service; → TRIAGE hands it back to the front office.
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.ASSIGNED, S.TRIAGE, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.INFO_REQUESTED, S.IN_APPROVAL, S.ASSIGNED, S.TRIAGE, S.REJECTED}),
    S.INFO_REQUESTED: frozenset({S.IN_PROGRESS, S.REJECTED}),
    # An approver returns the draft (→ IN_PROGRESS); the last approval finalises it.
    S.IN_APPROVAL: frozenset({S.IN_PROGRESS, S.APPROVED}),
    S.APPROVED: frozenset({S.RESOLVED}),
    # Closed after a period or on the applicant's confirmation; reopened within 30 days.
    S.RESOLVED: frozenset({S.CLOSED, S.ASSIGNED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.ASSIGNED, S.IN_PROGRESS}),
    S.REJECTED: frozenset(),
}
FINAL_STATUSES = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})


def request_transition(
    *,
    request: Request,
    to: str,
    kind: str = Event.Kind.STATUS_CHANGED,
    actor=None,
    actor_label: str = "",
    comment: str = "",
    data: dict | None = None,
    public: bool = True,
    fields: dict | None = None,
) -> Event:
    """Move `request` to status `to` if its workflow allows the move from the status the caller
    read, setting `fields` in the same UPDATE; write the audit Event and queue its
    notifications. The UPDATE is conditional on the version the caller read, so of two
    concurrent moves of one request only the first succeeds; the other is refused."""
    current = request.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(
            _("A request that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Request.Status(current).label, "to": Request.Status(to).label}
        )
    now = timezone.now()
    values = {"status": to, "updated_at": now, **(fields or {})}
    if to in FINAL_STATUSES:
        values.setdefault("closed_at", now)
    elif current in FINAL_STATUSES:
        values.setdefault("closed_at", None)
    updated = Request.objects.filter(pk=request.pk, version=request.version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise TransitionRefused(
            _("The request was changed by someone else meanwhile. Reload it and try again.")
        )
    for name, value in values.items():
        setattr(request, name, value)
    request.version += 1
    return event_record(
        request=request,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        from_status=current,
        to_status=to,
        comment=comment,
        data=data,
        public=public,
    )


def event_record(
    *,
    request: Request,
    kind: str,
    actor=None,
    actor_label: str = "",
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict | None = None,
    public: bool = True,
) -> Event:
    """Write one line of the request's history and queue what it announces (services/messages.py
    EVENT_MESSAGES, and the webhooks of a transition)."""
    event = Event.objects.create(
        request=request,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=data or {},
        is_public=public,
    )
    event_announce(event)
    return event


def request_touch(request: Request) -> None:
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


# -- the guards every workflow step opens with --------------------------------------------------


def refuse_unless(condition: bool, message: str) -> None:
    """Refuse the step (the actor may not take it) with `message` unless `condition` holds."""
    if not condition:
        raise WorkflowRefused(message)


def status_required(request: Request, statuses, message: str | None = None) -> None:
    """Refuse the step unless the request is in one of `statuses`."""
    if request.status not in statuses:
        raise TransitionRefused(
            message
            or _("This cannot be done while the request is “%(status)s”.")
            % {"status": Request.Status(request.status).label}
        )


def text_required(value: str, message: str) -> str:
    """The stripped text; refused with `message` when it is empty."""
    value = (value or "").strip()
    refuse_unless(bool(value), message)
    return value


def actor_name(user) -> str:
    """How a person is named in the request's history and messages."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""
