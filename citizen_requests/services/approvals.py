"""The answer to a request through its approval workflow: the process owner drafts it (with PDF
documents), sends it to the approvers (chosen by hand or the service's template), who approve
strictly in order or return it; the front office registers the approved answer and sends it.

Each step checks the actor's right (permissions.py) and moves the request only through
services/transitions.py, like every step in services/workflow.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.exceptions import WorkflowRefused
from citizen_requests.models import ApprovalStep, ApprovalTemplate, Attachment, Event, Request, Response
from citizen_requests.services.attachments import attachment_clean, attachment_store
from citizen_requests.services.intake import Upload
from citizen_requests.services.moderation import public_text_derive
from citizen_requests.services.transitions import (
    actor_name,
    event_record,
    refuse_unless,
    request_touch,
    request_transition,
    status_required,
    text_required,
)

S = Request.Status


def response_current(request: Request) -> Response | None:
    return request.responses.order_by("-version").first()


@transaction.atomic
def response_draft(*, request: Request, actor, text: str, files: Sequence[Upload] = ()) -> Response:
    """The process owner writes (or rewrites) the answer and attaches documents; a draft
    returned by an approver is rewritten as the next version."""
    refuse_unless(
        permissions.can_work(actor, request), _("Only the process owner or the head may draft the answer.")
    )
    status_required(request, {S.IN_PROGRESS})
    text = text_required(text, _("Write the answer."))
    cleaned = [attachment_clean(name=f.name, data=f.data) for f in files]
    for clean in cleaned:
        refuse_unless(clean.kind == Attachment.Kind.DOCUMENT, _("Documents of an answer must be PDF files."))
    request_touch(request)
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
    refuse_unless(permissions.can_work(actor, request), _("Only the process owner or the head may send the answer for approval."))  # fmt: skip
    status_required(request, {S.IN_PROGRESS})
    response = response_current(request)
    refuse_unless(
        response is not None and not response.approval_steps.exists(),
        _("Write the answer first (a returned answer must be revised before it goes again)."),
    )
    chosen = list(approvers) if approvers else template_approvers(request.service_id)
    refuse_unless(bool(chosen), _("Choose the approvers: the service has no approval route template."))
    refuse_unless(len({a.pk for a in chosen}) == len(chosen), _("Each approver may be in the route once."))
    for approver in chosen:
        # An approver must be able to read the request, a confidential one too.
        refuse_unless(
            approver.is_active and permissions.is_service_staff(approver, request),
            _("%(name)s is not staff of the responsible service or the front office.")
            % {"name": actor_name(approver)},
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
    status_required(request, {S.IN_APPROVAL})
    step = approval_current(request, lock=True)
    refuse_unless(step is not None, _("The answer has no approval waiting."))
    if step.approver_id != getattr(actor, "pk", None):
        mine = ApprovalStep.objects.filter(
            response_id=step.response_id,
            approver_id=getattr(actor, "pk", None),
            state=ApprovalStep.State.PENDING,
        ).exists()
        raise WorkflowRefused(
            _("It is not your turn yet: %(name)s approves first.") % {"name": actor_name(step.approver)}
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
        request_touch(request)
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
    comment = text_required(comment, _("Say what should change in the answer."))
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
    refuse_unless(
        actor is None and bool(actor_label) or permissions.is_front_office(actor),
        _("Only the front office registers and sends answers."),
    )
    status_required(request, {S.APPROVED})
    outgoing_number = text_required(outgoing_number, _("Give the outgoing number of the answer."))
    outgoing_date = outgoing_date or timezone.localdate()
    refuse_unless(outgoing_date <= timezone.localdate(), _("The outgoing date cannot be in the future."))
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
            status_notes=public_text_derive(request, response.text)
            if request.is_public
            else request.status_notes,
        ),
    )
