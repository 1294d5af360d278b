"""Routing: the pure decision (routing.service_choose) on hand-made facts, and the routing table of the
demo city on real PostGIS areas — every category in every area, the borders, the rest of the
hromada, no rule, and rule changes that leave routed requests alone."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils import translation

from citizen_requests.models import Category, Event, Request, RoutingRule, Service, ServiceArea
from citizen_requests.routing import AreaFact, Named, RuleFact, service_choose
from citizen_requests.selectors.requests import routing_facts
from tests.citizen_requests.builders import area_point, file_request

LIGHTING = Named(1, "Не світить ліхтар", "Street light out")
FRONT = Named(99, "Відділ роботи зі зверненнями громадян", "Citizens' Requests Office")
SVITLO = Named(10, "КП «Міськсвітло»", "Misksvitlo")
BLAGO = Named(11, "КП «Благоустрій міста»", "City Improvement Company")
DEPT = Named(12, "Управління ЖКГ", "Housing Department")


def area(key: str, *, contains: bool, covers: bool = True, size: float = 1e6, name: str = "") -> AreaFact:
    return AreaFact(id=hash(key) % 1000, key=key, name_uk=name or key, name_en=name or key, contains=contains,
                    covers=covers, size_m2=size)  # fmt: skip


# -- the pure decision ---------------------------------------------------------------------------


def test_a_rule_for_an_area_containing_the_place_beats_the_rule_for_the_whole_hromada():
    rules = [
        RuleFact(1, DEPT, None, 10),
        RuleFact(2, SVITLO, area("west", contains=True), 5, "high"),
    ]
    decision = service_choose(category=LIGHTING, rules=rules, front_office=FRONT)
    assert decision.service == SVITLO and decision.rule_id == 2 and decision.reason == "area"
    assert decision.deadline_days == 5 and decision.priority == "high"


def test_the_rule_for_the_whole_hromada_applies_outside_every_area():
    rules = [
        RuleFact(1, DEPT, None, 10),
        RuleFact(2, SVITLO, area("west", contains=False, covers=False), 5),
    ]
    decision = service_choose(category=LIGHTING, rules=rules, front_office=FRONT)
    assert decision.service == DEPT and decision.reason == "category"


def test_an_area_that_contains_the_place_beats_one_whose_edge_it_lies_on():
    rules = [
        RuleFact(5, BLAGO, area("east", contains=False, size=10.0)),
        RuleFact(6, SVITLO, area("west", contains=True, size=1e9)),
    ]
    assert service_choose(category=LIGHTING, rules=rules, front_office=FRONT).service == SVITLO


def test_on_a_border_the_smaller_area_wins_whatever_order_the_rules_come_in():
    west = RuleFact(3, SVITLO, area("area-lighting-west", contains=False, size=6_868_462, name="Захід"))
    east = RuleFact(4, BLAGO, area("area-lighting-east", contains=False, size=6_278_888, name="Схід"))
    for rules in ([west, east], [east, west]):
        decision = service_choose(category=LIGHTING, rules=rules, front_office=FRONT)
        assert decision.service == BLAGO and decision.reason == "area_edge"
        assert "Захід" in decision.explanation["uk"] and "Схід" in decision.explanation["uk"]


def test_areas_of_equal_size_are_ordered_by_their_key_then_the_older_rule():
    a = RuleFact(8, SVITLO, area("b-area", contains=False, size=100.0))
    b = RuleFact(7, BLAGO, area("a-area", contains=False, size=100.0))
    assert service_choose(category=LIGHTING, rules=[a, b], front_office=FRONT).service == BLAGO
    same_area = area("same", contains=True)
    older, newer = RuleFact(3, DEPT, same_area), RuleFact(9, SVITLO, same_area)
    assert service_choose(category=LIGHTING, rules=[newer, older], front_office=FRONT).rule_id == 3


def test_inactive_rules_are_ignored_and_no_rule_means_the_front_office_triage():
    rules = [RuleFact(1, SVITLO, area("west", contains=True), is_active=False)]
    decision = service_choose(category=LIGHTING, rules=rules, front_office=FRONT)
    assert decision.is_triage and decision.service == FRONT and decision.rule_id is None
    assert "Відділ роботи зі зверненнями громадян" in decision.explanation["uk"]
    assert service_choose(category=LIGHTING, rules=[], front_office=None).service is None


def test_the_explanation_says_category_area_and_service_in_both_languages():
    rules = [RuleFact(2, SVITLO, area("area-lighting-west", contains=True, name="Освітлення — Захід"))]
    decision = service_choose(category=LIGHTING, rules=rules, front_office=FRONT)
    with translation.override("uk"):
        assert (
            decision.explanation["uk"]
            == "категорія «Не світить ліхтар» у зоні «Освітлення — Захід» → КП «Міськсвітло»"
        )
    assert (
        decision.explanation["en"] == "category “Street light out” in area “Освітлення — Захід” → Misksvitlo"
    )


# -- the demo city's routing table on real areas ----------------------------------------------------

AREA_KINDS = ["water", "heating", "roads_lighting", "housing"]


def _expected(category: Category, area: ServiceArea | None) -> Service:
    rule = RoutingRule.objects.filter(category=category, area=area, is_active=True).get()
    return rule.service


@pytest.mark.parametrize("kind", AREA_KINDS)
def test_every_category_of_a_kind_lands_with_the_service_of_each_area(city, kind):
    categories = Category.objects.filter(area_kind=kind)
    assert categories.exists()
    for area in ServiceArea.objects.filter(kind=kind):
        point = area_point(area.source_id)
        for category in categories:
            request = file_request(category=category.slug, location=point, attributes=_answers(category))
            assert request.service == area.service, (category.slug, area.source_id)
            assert request.status == Request.Status.ASSIGNED
            assert area.name_uk in request.routing_explanation["uk"]


def _answers(category: Category) -> dict:
    return {
        a["code"]: [a["values"][0]["key"] if a.get("values") else "7"]
        for a in category.attributes
        if a.get("required")
    }


def test_city_wide_categories_land_with_their_service_anywhere(city):
    for category in Category.objects.filter(area_kind="").exclude(slug="other"):
        for where in ("area-housing-1", "area-housing-4"):
            request = file_request(
                category=category.slug, location=area_point(where), attributes=_answers(category)
            )
            assert request.service == _expected(category, None), category.slug
            assert "правило для всієї громади" in request.routing_explanation["uk"]


def test_outside_the_city_areas_but_inside_the_hromada_the_hromada_rule_applies(city):
    with connection.cursor() as cursor:
        cursor.execute(
            """select ST_AsEWKT(ST_PointOnSurface(ST_Difference(m.boundary, ST_Buffer(a.area, 0.01))))
               from city_municipality m, citizen_requests_servicearea a where a.source_id = 'area-water-city'"""
        )
        (ewkt,) = cursor.fetchone()
    village = GEOSGeometry(ewkt)
    request = file_request(category="no_water", location=village, attributes={})
    assert request.service.source_id == "svc-vodokanal"
    assert request.routing_rule.area is None
    pothole = file_request(category="pothole", location=village)
    assert pothole.service.source_id == "svc-housing-dept"


def _shared_vertex(a: str, b: str):
    """A vertex of area `a` that lies on the edge of area `b` (their shared border)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            select ST_AsEWKT(d.geom)
            from citizen_requests_servicearea x, citizen_requests_servicearea y, city_municipality m,
                 lateral ST_DumpPoints(x.area) d
            where x.source_id = %s and y.source_id = %s
              and ST_Covers(y.area, d.geom) and not ST_Contains(y.area, d.geom) and not ST_Contains(x.area, d.geom)
              and ST_Covers(m.boundary, d.geom)
            order by d.path limit 1
            """,
            [a, b],
        )
        row = cursor.fetchone()
    assert row, f"{a} and {b} share no vertex"
    return GEOSGeometry(row[0])


@pytest.mark.parametrize(
    "category, west, east",
    [("street_light_out", "area-lighting-west", "area-lighting-east"),
     ("no_heating", "area-heating-north", "area-heating-south")],
)  # fmt: skip
def test_a_place_on_the_border_of_two_areas_is_routed_the_same_way_every_time(city, category, west, east):
    point = _shared_vertex(west, east)
    cat = Category.objects.get(slug=category)
    facts = routing_facts(category=cat, point=point)
    on_edge = [f for f in facts if f.area and not f.area.contains]
    assert {f.area.key for f in on_edge} == {west, east}, "the point must lie on both areas' edges"
    areas = {a.source_id: a for a in ServiceArea.objects.filter(source_id__in=[west, east])}
    smaller = min(
        areas.values(), key=lambda a: next(f.area.size_m2 for f in on_edge if f.area.key == a.source_id)
    )
    services = {file_request(category=category, location=point).service for _ in range(5)}
    assert services == {smaller.service}
    request = Request.objects.filter(category=cat).order_by("-id").first()
    assert "border" in request.routing_explanation["en"]


def test_the_other_category_has_no_rule_and_goes_to_front_office_triage(city):
    request = file_request(category="other", text="Прошу встановити лавку біля під'їзду нашого будинку.")
    assert request.status == Request.Status.TRIAGE
    assert request.service.kind == Service.Kind.FRONT_OFFICE
    assert request.routing_rule is None and request.deadline is None
    assert request.events.filter(kind=Event.Kind.TRIAGED).count() == 1


def test_a_rule_change_routes_new_requests_and_leaves_routed_ones_alone(city):
    point = area_point("area-lighting-west")
    before = file_request(category="street_light_out", location=point)
    rule = before.routing_rule
    old_service, explanation = before.service, dict(before.routing_explanation)
    rule.service = Service.objects.get(source_id="svc-housing-dept")
    rule.deadline_days = 2
    rule.save()
    after = file_request(category="street_light_out", location=point)
    before.refresh_from_db()
    assert before.service == old_service and before.routing_explanation == explanation
    assert after.service.source_id == "svc-housing-dept"
    assert after.routing_rule == rule and after.explanation != before.explanation


def test_every_category_but_other_and_every_area_have_demo_rules(city):
    ruled = set(RoutingRule.objects.filter(is_active=True).values_list("category__slug", flat=True))
    assert set(Category.objects.values_list("slug", flat=True)) - ruled == {"other"}
    used_areas = set(RoutingRule.objects.exclude(area=None).values_list("area__source_id", flat=True))
    assert used_areas == set(ServiceArea.objects.values_list("source_id", flat=True))


def test_the_rule_of_housing_area_2_names_the_demo_executor_as_default_owner(city):
    request = file_request(category="entrance", location=area_point("area-housing-2"))
    assert request.service.source_id == "svc-zhytloservis-2"
    assert request.owner.username == "executor"
