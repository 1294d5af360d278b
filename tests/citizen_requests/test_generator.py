"""The scale-data generator routes each request exactly as intake does: it asks routing.py
(once per category × service-area cell) instead of keeping its own copy of the rules."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from citizen_requests.models import Category, Request, RoutingRule, ServiceArea
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
    # An area rule next to the hromada-wide ones, so the cells really differ by place.
    area = ServiceArea.objects.order_by("source_id").exclude(kind="water").first()
    category = Category.objects.filter(is_active=True).order_by("id").first()
    RoutingRule.objects.create(category=category, area=area, service=area.service, deadline_days=7)
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
    in_area = [r for r in generated if r.category_id == category.pk and area.area.contains(r.location)]
    assert in_area and all(r.service_id == area.service_id for r in in_area)
