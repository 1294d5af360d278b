"""Actions on many requests at once from a staff queue: each request is one whole step (its
own transaction through the workflow's service function), so one refusal never leaves another
half-done, and every refusal is reported with its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from citizen_requests.exceptions import RequestRefused, TransitionRefused
from citizen_requests.models import Request
from citizen_requests.selectors.queues import queue_requests
from citizen_requests.services.workflow import request_appoint


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # registration numbers
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, reason)


def requests_appoint_bulk(
    *, actor, request_ids: list[int], owner, deadline: dt.date | None = None, comment: str = ""
) -> BulkResult:
    """Appoint `owner` (and the deadline, if given) on each of the requests through
    request_appoint(); a request the actor cannot see in their queues is refused as unknown."""
    result = BulkResult()
    visible = {
        r.pk: r for r in queue_requests(user=actor, queue="service").filter(pk__in=request_ids).order_by("pk")
    }
    for pk in dict.fromkeys(request_ids):
        request = visible.get(pk)
        if request is None:
            result.refused.append((f"#{pk}", _("No such request in your queues.")))
            continue
        try:
            with transaction.atomic():
                locked = Request.objects.select_for_update().get(pk=pk)
                request_appoint(request=locked, actor=actor, owner=owner, deadline=deadline, comment=comment)
        except (PermissionDenied, TransitionRefused, RequestRefused) as exc:
            result.refused.append((request.number, _reason(exc)))
        else:
            result.done.append(request.number)
    return result


def _reason(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc) or _("You may not do this.")
