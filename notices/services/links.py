"""Requests caused by a notice's event: staff link them (by registration number) and, when the
notice closes, they are answered together through the request workflow — the closing answer is
drafted on each and sent along its service's approval route, so each applicant gets it the way
every answer reaches them (services/approvals.py, then the front office's registration)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions as request_permissions
from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import Request
from citizen_requests.selectors.requests import requests_visible_to
from citizen_requests.services.approvals import response_draft, response_send_for_approval
from citizen_requests.services.workflow import request_appoint
from notices.exceptions import NoticeRefused
from notices.models import LinkedRequest, Notice, NoticeChange
from notices.services.changes import change_record, guard

R = Request.Status
NUMBER = re.compile(r"[0-9A-Za-zА-Яа-яІіЇїЄєҐґ/\-]{3,20}")
OPEN = {R.TRIAGE, R.ASSIGNED, R.IN_PROGRESS, R.INFO_REQUESTED, R.IN_APPROVAL, R.APPROVED}


@transaction.atomic
def requests_link(*, notice: Notice, actor, numbers: str) -> list[LinkedRequest]:
    """Link the requests named by their registration numbers (one or more, separated by spaces
    or commas) to `notice`; refused whole if a number is unknown to the actor or closed."""
    guard(actor, notice)
    if notice.status != Notice.Status.PUBLISHED:
        raise NoticeRefused(_("Requests are linked to a published notice."))
    wanted = [n for n in re.split(r"[\s,;]+", numbers or "") if n]
    if not wanted:
        raise NoticeRefused({"numbers": _("Give the registration numbers of the requests.")})
    bad = [n for n in wanted if not NUMBER.fullmatch(n)]
    found = {r.number: r for r in requests_visible_to(actor).filter(number__in=wanted)}
    missing = [n for n in wanted if n not in found and n not in bad]
    if bad or missing:
        raise NoticeRefused({"numbers": _("No such request: %(n)s.") % {"n": ", ".join(bad + missing)}})
    closed = [n for n, r in found.items() if r.status not in OPEN]
    if closed:
        raise NoticeRefused(
            {"numbers": _("Already answered or closed: %(n)s.") % {"n": ", ".join(sorted(closed))}}
        )
    links = []
    for request in found.values():
        link, created = LinkedRequest.objects.get_or_create(
            notice=notice, request=request, defaults={"linked_by": actor}
        )
        if created:
            links.append(link)
    if links:
        change_record(
            notice=notice,
            kind=NoticeChange.Kind.LINKED,
            actor=actor,
            fields={"requests": sorted(link.request.number for link in links)},
        )
    return links


def _answer_one(request: Request, *, actor, text: str) -> tuple[bool, str]:
    if request.status == R.ASSIGNED and request_permissions.can_manage(actor, request):
        request_appoint(
            request=request, actor=actor, owner=actor, comment=_("Answered with the city notice.")
        )
        request.refresh_from_db()
    if request.status != R.IN_PROGRESS:
        return False, _("left as it was (%(status)s): its process owner answers it") % {
            "status": request.get_status_display()
        }
    response_draft(request=request, actor=actor, text=text)
    response_send_for_approval(request=request, actor=actor)
    return True, _("answer drafted and sent for approval")


def linked_requests_answer(*, notice: Notice, actor) -> int:
    """Draft the notice's closing answer on every open linked request and send it for approval;
    a request the actor may not answer keeps its course (the outcome says why). Returns how
    many were answered."""
    answered = 0
    text_by_language = {"uk": notice.closing_text_uk, "en": notice.closing_text_en}
    links = LinkedRequest.objects.filter(notice=notice, answered_at__isnull=True).select_related("request")
    for link in links:
        request = Request.objects.select_for_update().get(pk=link.request_id)
        text = text_by_language.get(request.language) or notice.closing_text_uk
        if request.status not in OPEN:
            outcome = _("already answered or closed")
        else:
            try:
                with transaction.atomic():
                    title = notice.title_en if request.language == "en" else notice.title_uk
                    done, outcome = _answer_one(request, actor=actor, text=f"{title}\n\n{text}")
                if done:
                    answered += 1
                    link.answered_at = timezone.now()
            except TransitionRefused as exc:
                outcome = str(exc)
        link.outcome = str(outcome)[:500]
        link.save(update_fields=["outcome", "answered_at"])
    return answered
