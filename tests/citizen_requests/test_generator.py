"""The scale-data generator routes each request exactly as intake does: it asks routing.py
(once per category × service-area cell) instead of keeping its own copy of the rules."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from citizen_requests.models import Request, RoutingRule
from citizen_requests.routing import Named
from citizen_requests.routing import service_choose as decide
from citizen_requests.selectors.requests import front_office_service, routing_facts


def _intake_decision(request: Request):
    front = front_office_service()
    category = request.category
    return decide(
        category=Named(category.pk, category.name_uk, category.name_en),
        rules=routing_facts(category=category, point=request.location),
        front_office=Named(front.pk, front.name_uk, front.name_en),
    )


def test_generated_requests_go_where_intake_would_send_them(city):
    call_command("generate_requests", "--count", "300", "--until", timezone.localdate().isoformat())
    generated = list(Request.objects.filter(device_id="misto-generator").select_related("category"))
    assert len(generated) == 300
    for request in generated:
        decision = _intake_decision(request)
        assert (request.routing_rule_id, request.service_id, request.priority) == (
            decision.rule_id,
            decision.service.id,
            decision.priority,
        ), request.number
        assert request.routing_explanation == decision.explanation
    # The places fall into different cells: some requests go by an area's rule, some by a rule
    # for the whole hromada.
    rules = RoutingRule.objects.in_bulk({r.routing_rule_id for r in generated} - {None})
    assert {rule.area_id is None for rule in rules.values()} == {True, False}
