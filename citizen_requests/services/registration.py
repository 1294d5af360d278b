"""Registering a filed request: its registration number, the routing decision (routing.py,
on the facts PostGIS gives for its place), the move to the chosen service or to the front
office's triage, and the receipt to the applicant. Called by intake once a request is
submitted (at once, or when a visitor's e-mail link confirms it)."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from citizen_requests.calendar import configured_holidays, working_days_add
from citizen_requests.models import Event, Request
from citizen_requests.routing import Decision, Named, explanation_unstaffed, service_choose
from citizen_requests.selectors.requests import front_office_service, routing_facts, services_unstaffed
from citizen_requests.services.notifications import Draft, absolute_url, notification_queue
from citizen_requests.services.transitions import request_transition


def registration_number_allocate(*, year: int) -> str:
    """The next registration number of `year` (`2026-000153`). The counter row stays locked
    until the filing commits, so concurrent filings get consecutive, unique numbers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            insert into citizen_requests_registrationcounter (year, last_number) values (%s, 1)
            on conflict (year) do update
                set last_number = citizen_requests_registrationcounter.last_number + 1
            returning last_number
            """,
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{year}-{number:06d}"


def routing_decide(request: Request) -> Decision:
    """Which service answers `request`, by routing.py on the facts at its place."""
    category = request.category
    front = front_office_service()
    return service_choose(
        category=Named(category.pk, category.name_uk, category.name_en),
        rules=routing_facts(category=category, point=request.location),
        front_office=Named(front.pk, front.name_uk, front.name_en) if front else None,
    )


def request_route(request: Request, decision: Decision, *, actor=None, actor_label: str = "") -> None:
    """Move a submitted request to the decided service (deadline in working days from its
    submission) or to the front office's triage, recording the decision and its explanation."""
    deadline = None
    if decision.deadline_days:
        deadline = working_days_add(
            timezone.localdate(request.submitted_at), decision.deadline_days, configured_holidays()
        )
    request_transition(
        request=request,
        to=Request.Status.TRIAGE if decision.is_triage else Request.Status.ASSIGNED,
        kind=Event.Kind.TRIAGED if decision.is_triage else Event.Kind.ROUTED,
        actor=actor,
        actor_label=actor_label,
        comment=decision.explanation.get("uk", ""),
        data={
            "rule": decision.rule_id,
            "reason": decision.reason,
            "service": decision.service.id if decision.service else None,
            **({"unstaffed_service": decision.unstaffed_service.id} if decision.unstaffed_service else {}),
        },
        fields=dict(
            service_id=decision.service.id if decision.service else None,
            routing_rule_id=decision.rule_id,
            routing_explanation=decision.explanation,
            deadline=deadline,
            priority=decision.priority,
            owner_id=decision.default_owner_id,
        ),
    )


def requests_unstaffed_triage(*, actor_label: str = "routing", among=None) -> list[str]:
    """Send to the front office's triage every request that waits for a process owner at a
    service with nobody on the portal (routed before its last member left, or before this rule
    existed), with the reason in its explanation; the front office forwards it. Returns the
    numbers moved; `among` (a queryset of requests) narrows the search. Routing sends new
    requests there itself (routing.py, "no_staff")."""
    front = front_office_service()
    if front is None:
        return []
    office = Named(front.pk, front.name_uk, front.name_en)
    waiting = (
        (Request.objects.all() if among is None else among)
        .filter(status=Request.Status.ASSIGNED, owner__isnull=True, service__in=services_unstaffed())
        .select_related("service", "routing_rule")
        .order_by("pk")
    )
    moved = []
    for request in waiting:
        service = request.service
        named = Named(service.pk, service.name_uk, service.name_en)
        # The routing explanation says why it went to this service, unless it came by forwarding.
        routed_here = request.routing_rule_id is not None and request.routing_rule.service_id == service.pk
        explanation = explanation_unstaffed(
            request.routing_explanation if routed_here else {}, service=named, front_office=office
        )
        request_transition(
            request=request,
            to=Request.Status.TRIAGE,
            kind=Event.Kind.TRIAGED,
            actor_label=actor_label,
            comment=explanation.get("uk", ""),
            data={"reason": "no_staff", "service": front.pk, "unstaffed_service": service.pk},
            fields=dict(service_id=front.pk, routing_explanation=explanation, deadline=None, owner_id=None),
        )
        moved.append(request.number)
    return moved


def receipt_queue(request: Request, *, key: str = "") -> None:
    """The "request registered" message to the applicant (with the private link, if any)."""
    user = request.applicant
    address = user.email if user is not None else request.applicant_email
    if not address:
        return
    language = request.language
    if user is not None and hasattr(user, "notification_preference"):
        language = user.notification_preference.language
    context = {"link": access_link(key)} if key else {}
    notification_queue(
        draft=Draft("request_received", address, language, user.pk if user else None, context),
        request=request,
        dedupe_key=f"request_received:r{request.pk}",
    )


def access_link(key: str) -> str:
    return absolute_url(reverse("citizen_requests:access", args=[key]))
