"""Routing never dead-ends (issue 20, Deliver 7): a service with nobody on the portal does not
receive requests to sit on. The system check and the admin name such services; routing sends
their requests to the front office's triage with the reason; the front office forwards them,
only to services that have staff; nobody is offered an empty list of process owners; and the
demo loader moves requests already stuck at such a service the same way."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from citizen_requests.checks import services_have_staff
from citizen_requests.exceptions import WorkflowRefused
from citizen_requests.models import Event, Request, Service, ServiceMembership
from citizen_requests.routing import Named, RuleFact, service_choose
from citizen_requests.services.registration import requests_unstaffed_triage
from citizen_requests.services.workflow import actions_for, request_forward
from tests.admin_forms import admin_client
from tests.citizen_requests.builders import area_point, file_request, service_unstaff, user

S = Request.Status
WATER = "Немає холодної води в будинку з самого ранку."
LIGHT = Named(1, "Не світить ліхтар", "Street light out")
FRONT = Named(99, "Відділ роботи зі зверненнями громадян", "Citizens' Requests Office")
SVITLO = Named(10, "КП «Міськсвітло»", "Misksvitlo")


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_rule_whose_service_has_no_staff_sends_the_request_to_triage_with_the_reason():
    decision = service_choose(
        category=LIGHT,
        rules=[RuleFact(1, SVITLO, None, 5, "high", service_staffed=False)],
        front_office=FRONT,
    )
    assert decision.is_triage and decision.reason == "no_staff" and decision.service == FRONT
    assert decision.unstaffed_service == SVITLO and decision.rule_id is None
    assert "КП «Міськсвітло» не має працівників на порталі" in decision.explanation["uk"]
    assert "Misksvitlo has no staff on the portal" in decision.explanation["en"]
    assert decision.priority == "high"  # the rule's urgency goes with it to the front office


def test_a_request_for_an_unstaffed_service_waits_in_triage_and_its_page_says_why(city):
    service_unstaff("svc-vodokanal")
    request = file_request(category="no_water", text=WATER)
    assert (request.status, request.service.source_id, request.owner) == (S.TRIAGE, "svc-front-office", None)
    event = request.events.get(kind=Event.Kind.TRIAGED)
    assert event.data["reason"] == "no_staff"
    assert event.data["unstaffed_service"] == Service.objects.get(source_id="svc-vodokanal").pk
    page = _as("registrar").get(reverse("citizen_requests:detail", args=[request.number])).content.decode()
    assert "але КП «Водоканал» не має працівників на порталі" in page
    # It is in the front office's queue of new requests, with the forward form open to them.
    queue = _as("registrar").get(reverse("citizen_requests:queue", args=["new"])).content.decode()
    assert request.number in queue
    assert "forward" in actions_for(user("registrar"), request)


def test_the_front_office_forwards_only_to_services_with_staff(city):
    service_unstaff("svc-vodokanal")
    service_unstaff("svc-teploenergo")
    request = file_request(category="no_water", text=WATER)
    page = _as("registrar").get(reverse("citizen_requests:detail", args=[request.number])).content.decode()
    forward = page.split('data-action="forward"', 1)[1].split("</form>", 1)[0]
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', forward)
    names = [name for _pk, name in options]
    assert options[0] == ("", "— виберіть службу —")  # an explained placeholder, not "---------"
    assert "КП «Житлосервіс-2»" in names and "КП «Водоканал»" not in names
    assert not any("Теплоенерго" in n for n in names)
    assert "Показано лише служби, що мають працівників на порталі" in forward
    vodokanal = Service.objects.get(source_id="svc-vodokanal")
    try:
        request_forward(request=request, actor=user("registrar"), service=vodokanal, reason="Це водоканал.")
        raise AssertionError("forwarded to a service with nobody on the portal")
    except WorkflowRefused as refused:
        assert "не має працівників на порталі" in refused.message
    request.refresh_from_db()
    assert request.status == S.TRIAGE
    housing = Service.objects.get(source_id="svc-zhytloservis-2")
    request_forward(
        request=request, actor=user("registrar"), service=housing, reason="Внутрішня мережа будинку."
    )
    request.refresh_from_db()
    assert (request.status, request.service) == (S.ASSIGNED, housing)


def test_an_assigned_request_of_a_service_left_without_staff_offers_forwarding_not_an_empty_list(city):
    request = file_request(category="no_water", text=WATER)
    assert request.status == S.ASSIGNED and request.service.source_id == "svc-vodokanal"
    service_unstaff("svc-vodokanal")
    assert "appoint" not in actions_for(user("registrar"), request)
    page = _as("registrar").get(reverse("citizen_requests:detail", args=[request.number])).content.decode()
    assert "---------" not in page
    assert "нікому" in page and "Перешліть звернення службі" in page
    assert 'data-action="appoint"' not in page and 'data-action="forward"' in page


def test_the_appoint_form_explains_its_empty_choice(city):
    request = file_request(
        category="entrance",
        location=area_point("area-housing-2"),
        text="У під'їзді не зачиняються вхідні двері.",
    )
    assert request.status == S.ASSIGNED and request.service.source_id == "svc-zhytloservis-2"
    page = _as("head").get(reverse("citizen_requests:detail", args=[request.number])).content.decode()
    appoint = page.split('data-action="appoint"', 1)[1].split("</form>", 1)[0]
    assert "— виберіть виконавця —" in appoint and "---------" not in appoint


def test_requests_already_waiting_at_an_unstaffed_service_go_to_triage_once(city):
    waiting = file_request(category="no_water", text=WATER)
    appointed_elsewhere = file_request(
        category="no_heating", text="Холодні батареї в усій квартирі третій день."
    )
    service_unstaff("svc-vodokanal")
    assert requests_unstaffed_triage() == [waiting.number]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.service.source_id, waiting.deadline) == (
        S.TRIAGE,
        "svc-front-office",
        None,
    )
    assert "не має працівників на порталі" in waiting.routing_explanation["uk"]
    assert "has no staff on the portal" in waiting.routing_explanation["en"]
    event = waiting.events.get(kind=Event.Kind.TRIAGED)
    assert event.actor_label == "routing" and event.data["reason"] == "no_staff"
    appointed_elsewhere.refresh_from_db()
    assert appointed_elsewhere.status == S.ASSIGNED  # its service has staff
    assert requests_unstaffed_triage() == []


def test_the_demo_loader_sends_the_stuck_demo_requests_to_triage(city, settings):
    from demo.loader import load_demo_city

    stuck = file_request(category="no_water", text=WATER, device_id="demo-route:forwarded")
    residents = file_request(category="no_water", text=WATER)  # not the demo's: left as it is
    service_unstaff("svc-vodokanal")
    report = load_demo_city(settings.MISTO_DEMO_DATA_DIR, log=lambda _line: None)
    assert report.counts["dead ends triaged"].updated == 1
    stuck.refresh_from_db()
    residents.refresh_from_db()
    assert (stuck.status, residents.status) == (S.TRIAGE, S.ASSIGNED)


def test_the_system_check_names_each_service_that_rules_route_to_but_nobody_staffs(city):
    assert services_have_staff(databases=None) == []  # a database check: only when asked
    service_unstaff("svc-vodokanal")
    warnings = services_have_staff(databases=["default"])
    names = [w.obj.source_id for w in warnings]
    assert names == ["svc-vodokanal"] and warnings[0].id == "citizen_requests.W001"
    assert "КП «Водоканал»" in warnings[0].msg and "triage" in warnings[0].msg
    # A service with no routing rules is not warned about.
    Service.objects.create(kind=Service.Kind.UTILITY, name_uk="КП «Нове»", source_id="svc-new")
    assert [w.obj.source_id for w in services_have_staff(databases=["default"])] == ["svc-vodokanal"]


def test_manage_py_check_with_the_database_prints_the_warning(city, capsys):
    service_unstaff("svc-vodokanal")
    call_command("check", "--database", "default", "--tag", "database")
    out = capsys.readouterr()
    assert "citizen_requests.W001" in out.out + out.err


def test_the_admin_warns_of_services_without_staff_and_counts_each_services_staff(city):
    service_unstaff("svc-vodokanal")
    client = admin_client("admin")
    page = client.get(reverse("admin:citizen_requests_service_changelist")).content.decode()
    assert (
        "No staff on the portal: " in page
        and "КП «Водоканал»" in page.split("No staff on the portal: ", 1)[1]
    )
    assert "staff on the portal" in page
    vodokanal = Service.objects.get(source_id="svc-vodokanal")
    change = client.get(
        reverse("admin:citizen_requests_service_change", args=[vodokanal.pk])
    ).content.decode()
    assert "No staff on the portal" in change
    housing = Service.objects.get(source_id="svc-zhytloservis-2")
    staffed = client.get(reverse("admin:citizen_requests_service_change", args=[housing.pk])).content.decode()
    assert "No staff on the portal" not in staffed


def test_an_inactive_account_does_not_count_as_staff(city):
    service_unstaff("svc-vodokanal")
    gone = User.objects.create_user("retired", is_active=False)
    ServiceMembership.objects.create(
        service=Service.objects.get(source_id="svc-vodokanal"), user=gone, position="head"
    )
    assert file_request(category="no_water", text=WATER).status == S.TRIAGE


def test_the_front_office_is_told_why_the_request_needs_forwarding(city, django_capture_on_commit_callbacks):
    from django.core import mail

    service_unstaff("svc-vodokanal")
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(category="no_water", text=WATER)
    told = [m for m in mail.outbox if m.to == ["registrar@misto.localhost"] and request.number in m.subject]
    assert len(told) == 1
    assert "Його служба не має працівників на порталі" in told[0].body
    assert "Жодне правило" not in told[0].body


def test_the_triage_page_opens_on_forwarding_with_the_reason_on_top(city):
    service_unstaff("svc-vodokanal")
    request = file_request(category="no_water", text=WATER)
    page = _as("registrar").get(reverse("citizen_requests:detail", args=[request.number])).content.decode()
    work = page.split('id="route-actions-title"', 1)[1]
    assert work.index("Чому потрібен розподіл") < work.index('id="action-forward"')
    assert '<details class="route-action" id="action-forward" open>' in page
    assert '<details class="route-action" id="action-comment" open>' not in page


def test_the_demo_route_shows_a_dead_end_forwarded_by_the_front_office(city):
    """The demo's "forwarded" stage: a blocked sewer for КП «Водоканал», which has nobody on
    the portal, goes to triage and the registrar forwards it to the building's managers."""
    from demo import route

    service_unstaff("svc-vodokanal")
    route.approval_templates_ensure()
    assert route.demo_route_requests_ensure() == len(route.TEXTS)
    forwarded = Request.objects.get(device_id=route.MARK + "forwarded")
    assert (forwarded.status, forwarded.service.source_id) == (S.ASSIGNED, "svc-zhytloservis-2")
    kinds = list(forwarded.events.order_by("pk").values_list("kind", "actor__username", "data__reason"))
    assert ("triaged", "resident", "no_staff") in kinds  # routed as the resident filed it
    assert kinds[-1][:2] == ("forwarded", "registrar")
    # Every other stage stays with the staffed service, none left waiting at an unstaffed one.
    assert not Request.objects.filter(
        device_id__startswith=route.MARK, status=S.ASSIGNED, service__source_id="svc-vodokanal"
    ).exists()
