"""The route, step by step: who may take each step, what it changes, what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citizen_requests.calendar import working_days_add, working_days_between
from citizen_requests.exceptions import TransitionRefused, WorkflowRefused
from citizen_requests.models import (
    ApprovalStep,
    ApprovalTemplate,
    ApprovalTemplateStep,
    Event,
    Notification,
    Request,
    RoutingRule,
    Service,
    ServiceMembership,
)
from citizen_requests.services.approvals import (
    response_approve,
    response_draft,
    response_register,
    response_return,
    response_send_for_approval,
)
from citizen_requests.services.intake import Upload
from citizen_requests.services.workflow import (
    actions_for,
    request_appoint,
    request_close,
    request_comment,
    request_forward,
    request_info_answer,
    request_info_ask,
    request_reject,
    request_reopen,
)
from tests.citizen_requests.builders import area_point, file_request, pdf_bytes, user

S = Request.Status


def housing_request(**extra) -> Request:
    """A request of the demo head's service (Житлосервіс-2), filed by the demo resident."""
    extra.setdefault("text", "У під'їзді не світить лампа на третьому поверсі вже тиждень.")
    return file_request(category="entrance", location=area_point("area-housing-2"), **extra)


def second_approver() -> User:
    """The demo deputy head of the same service: the second approver of the route."""
    return user("deputy")


def fresh(request: Request) -> Request:
    return Request.objects.get(pk=request.pk)


def in_progress(**extra) -> Request:
    request = housing_request(**extra)
    request_appoint(request=request, actor=user("head"), owner=user("executor"))
    return fresh(request)


def in_approval(approvers=None) -> Request:
    request = in_progress()
    response_draft(
        request=request,
        actor=user("executor"),
        text="Лампу замінено 20.11.",
        files=[Upload("akt.pdf", pdf_bytes())],
    )
    response_send_for_approval(
        request=fresh(request),
        actor=user("executor"),
        approvers=approvers or [user("approver"), second_approver()],
    )
    return fresh(request)


# -- appoint ------------------------------------------------------------------------------------


def test_the_head_appoints_a_member_of_the_service_with_a_deadline(city):
    request = housing_request()
    assert request.status == S.ASSIGNED and request.service.source_id == "svc-zhytloservis-2"
    deadline = timezone.localdate() + dt.timedelta(days=20)
    event = request_appoint(request=request, actor=user("head"), owner=user("executor"), deadline=deadline)
    request.refresh_from_db()
    assert (request.status, request.owner.username, request.deadline) == (S.IN_PROGRESS, "executor", deadline)
    assert (event.kind, event.from_status, event.to_status, event.actor.username) == (
        Event.Kind.APPOINTED, S.ASSIGNED, S.IN_PROGRESS, "head",
    )  # fmt: skip
    assert event.data["owner_name"] == "Сергій Ткаченко"


def test_only_the_head_of_that_service_or_the_front_office_may_appoint(city):
    request = housing_request()
    other_head = User.objects.create_user("other-head", "oh@example.test", "x", is_staff=True)
    ServiceMembership.objects.create(
        user=other_head, service=Service.objects.get(source_id="svc-vodokanal"), position="head"
    )
    for actor in (user("resident"), user("executor"), user("approver"), other_head):
        with pytest.raises(WorkflowRefused, match="Лише керівник"):
            request_appoint(request=request, actor=actor, owner=user("executor"))
    request_appoint(request=request, actor=user("registrar"), owner=user("executor"))
    assert fresh(request).status == S.IN_PROGRESS


def test_the_owner_must_belong_to_the_service_and_a_request_is_appointed_once(city):
    request = housing_request()
    with pytest.raises(WorkflowRefused, match="має бути працівником"):
        request_appoint(request=request, actor=user("head"), owner=user("dispatcher"))
    request_appoint(request=request, actor=user("head"), owner=user("executor"))
    with pytest.raises(TransitionRefused, match="поки звернення"):
        request_appoint(request=request, actor=user("head"), owner=user("executor"))


def test_deadlines_count_working_days_and_skip_public_holidays(city, settings):
    # Thursday 24 December 2026 + 3 working days: Friday 25th (Christmas) is off → Wednesday 30th.
    assert working_days_add(dt.date(2026, 12, 24), 3, {dt.date(2026, 12, 25)}) == dt.date(2026, 12, 30)
    assert working_days_add(dt.date(2026, 12, 24), 3) == dt.date(2026, 12, 29)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 30), {dt.date(2026, 12, 25)}) == 3
    # The term of the service's routing rule, from the day of filing, past a configured holiday.
    today = timezone.localdate()
    next_working = working_days_add(today, 1)
    settings.MISTO_PUBLIC_HOLIDAYS = [next_working.isoformat()]
    request = housing_request()
    days = RoutingRule.objects.get(pk=request.routing_rule_id).deadline_days
    assert request.deadline == working_days_add(today, days, {next_working})
    assert request.deadline == working_days_add(working_days_add(today, days), 1)


# -- forward, reject, comment ---------------------------------------------------------------------


def test_forwarding_hands_the_request_to_the_new_service_under_its_rules(
    city, django_capture_on_commit_callbacks
):
    request = in_progress()
    vodokanal = Service.objects.get(source_id="svc-vodokanal")
    with pytest.raises(WorkflowRefused, match="причину"):
        request_forward(request=request, actor=user("head"), service=vodokanal, reason=" ")
    with pytest.raises(WorkflowRefused, match="Лише керівник"):
        request_forward(request=request, actor=user("executor"), service=vodokanal, reason="Не наше")
    with django_capture_on_commit_callbacks(execute=True):
        event = request_forward(
            request=request,
            actor=user("head"),
            service=vodokanal,
            reason="Протікає водопровід, це водоканал.",
        )
    request.refresh_from_db()
    assert (request.status, request.service, request.owner) == (S.ASSIGNED, vodokanal, None)
    assert event.data["from_service_name"] and event.is_public
    forwarded = [m for m in mail.outbox if m.to == ["resident@misto.localhost"] and "переслано" in m.subject]
    assert len(forwarded) == 1 and "водоканал" in forwarded[0].body
    # The old head no longer manages it.
    with pytest.raises(WorkflowRefused):
        request_reject(request=request, actor=user("head"), reason="x")


def test_rejecting_needs_a_reason_and_ends_the_route(city, django_capture_on_commit_callbacks):
    request = housing_request()
    with pytest.raises(WorkflowRefused, match="чому"):
        request_reject(request=request, actor=user("head"), reason="")
    with django_capture_on_commit_callbacks(execute=True):
        request_reject(request=request, actor=user("head"), reason="Будинок на балансі ОСББ.")
    request.refresh_from_db()
    assert request.status == S.REJECTED and request.closed_at is not None
    message = next(m for m in mail.outbox if "відхилено" in m.subject)
    assert "ОСББ" in message.body and message.to == ["resident@misto.localhost"]
    for step in (
        lambda: request_appoint(request=request, actor=user("head"), owner=user("executor")),
        lambda: request_reject(request=request, actor=user("head"), reason="ще раз"),
        lambda: request_comment(request=request, actor=user("head"), text="нотатка"),
    ):
        with pytest.raises(TransitionRefused):
            step()
    assert actions_for(user("head"), request) == set()


def test_an_internal_comment_is_for_the_staff_only(city, client):
    request = in_progress()
    with pytest.raises(WorkflowRefused, match="Лише працівники"):
        request_comment(request=request, actor=user("resident"), text="Я теж працівник")
    event = request_comment(request=request, actor=user("executor"), text="Подзвонити майстру Петренку")
    assert not event.is_public and Event.objects.filter(pk=event.pk, is_public=False).exists()
    url = f"/requests/{request.number}/"
    assert "Петренку" not in client.get(url).content.decode()
    client.force_login(user("resident"))
    assert "Петренку" not in client.get(url).content.decode()
    client.force_login(user("head"))
    assert "Петренку" in client.get(url).content.decode()


# -- more information: the clock pauses -------------------------------------------------------------


def test_asking_the_applicant_pauses_the_clock_and_the_answer_moves_the_deadline(city, settings):
    request = in_progress()
    deadline = request.deadline
    with pytest.raises(WorkflowRefused):
        request_info_ask(request=request, actor=user("approver"), question="?")
    request_info_ask(request=request, actor=user("executor"), question="На якому поверсі?")
    request = fresh(request)
    assert request.status == S.INFO_REQUESTED and request.paused_at is not None
    with pytest.raises(TransitionRefused):
        response_draft(request=request, actor=user("executor"), text="x")
    with pytest.raises(WorkflowRefused, match="Лише заявник"):
        request_info_answer(request=request, actor=user("executor"), text="Третій")
    # The applicant answers a week (5 working days) later; one of those days is a holiday.
    week_ago = timezone.now() - dt.timedelta(days=7)
    Request.objects.filter(pk=request.pk).update(paused_at=week_ago)
    holiday = working_days_add(timezone.localdate(week_ago), 2)
    settings.MISTO_PUBLIC_HOLIDAYS = [holiday.isoformat()]
    event = request_info_answer(
        request=fresh(request), actor=user("resident"), text="Третій поверх, ліворуч."
    )
    request = fresh(request)
    assert (request.status, request.paused_at, request.paused_days) == (S.IN_PROGRESS, None, 4)
    assert request.deadline == working_days_add(deadline, 4, {holiday})
    assert event.data["waited_days"] == 4 and event.actor.username == "resident"


# -- the answer and its approval route --------------------------------------------------------------


def test_two_approvers_approve_strictly_in_order_and_the_last_finalises(
    city, django_capture_on_commit_callbacks
):
    request = in_approval()
    deputy = user("deputy")
    assert request.status == S.IN_APPROVAL
    with pytest.raises(WorkflowRefused, match="Зараз не ваша черга"):
        response_approve(request=request, actor=deputy)
    with pytest.raises(WorkflowRefused, match="не погоджуєте"):
        response_approve(request=request, actor=user("head"))
    with django_capture_on_commit_callbacks(execute=True):
        event = response_approve(request=request, actor=user("approver"), comment="Згодна")
    request = fresh(request)
    assert request.status == S.IN_APPROVAL and event.kind == Event.Kind.APPROVAL_GIVEN and not event.is_public
    assert [m.to for m in mail.outbox if "погодження" in m.subject] == [["deputy@misto.localhost"]]
    with pytest.raises(WorkflowRefused):
        response_approve(request=request, actor=user("approver"))  # not twice
    event = response_approve(request=request, actor=deputy)
    request = fresh(request)
    assert request.status == S.APPROVED and event.kind == Event.Kind.APPROVED
    assert list(ApprovalStep.objects.filter(response__request=request).values_list("state", flat=True)) == [
        "approved", "approved",
    ]  # fmt: skip


def test_a_stale_copy_of_the_request_cannot_approve_twice(city):
    request = in_approval(approvers=[user("approver")])
    first, second = fresh(request), fresh(request)
    response_approve(request=first, actor=user("approver"))
    with pytest.raises(TransitionRefused):
        response_approve(request=second, actor=user("approver"))
    assert fresh(request).status == S.APPROVED


def test_an_approver_returns_the_answer_to_the_owner_who_revises_it(city, django_capture_on_commit_callbacks):
    request = in_approval()
    with pytest.raises(WorkflowRefused, match="Зараз не ваша черга"):
        response_return(request=request, actor=user("deputy"), comment="Ні")
    with pytest.raises(WorkflowRefused, match="що змінити"):
        response_return(request=request, actor=user("approver"), comment="")
    with django_capture_on_commit_callbacks(execute=True):
        response_return(request=request, actor=user("approver"), comment="Додайте дату заміни лампи.")
    request = fresh(request)
    assert request.status == S.IN_PROGRESS
    states = list(
        ApprovalStep.objects.filter(response__request=request)
        .order_by("order")
        .values_list("state", flat=True)
    )
    assert states == ["returned", "cancelled"]
    assert any(m.to == ["executor@misto.localhost"] and "повернув" in m.body for m in mail.outbox)
    with pytest.raises(WorkflowRefused, match="Спершу напишіть"):
        response_send_for_approval(request=request, actor=user("executor"))
    revised = response_draft(request=request, actor=user("executor"), text="Лампу замінено 20.11.2026.")
    assert revised.version == 2 and revised.documents.count() == 1  # the document stays with the answer
    response_send_for_approval(request=fresh(request), actor=user("executor"), approvers=[user("approver")])
    assert fresh(request).status == S.IN_APPROVAL


def test_the_approval_route_comes_from_the_services_template(city):
    deputy = second_approver()
    template = ApprovalTemplate.objects.create(
        service=Service.objects.get(source_id="svc-zhytloservis-2"), name="Заступник, потім керівник"
    )
    ApprovalTemplateStep.objects.create(template=template, order=1, approver=deputy)
    ApprovalTemplateStep.objects.create(template=template, order=2, approver=user("head"))
    request = in_progress()
    response_draft(request=request, actor=user("executor"), text="Відповідь")
    response_send_for_approval(request=fresh(request), actor=user("executor"))
    steps = ApprovalStep.objects.filter(response__request=request).order_by("order")
    assert [s.approver.username for s in steps] == ["deputy", "head"]


def test_approvers_must_be_staff_of_the_service_and_only_the_owner_sends(city):
    request = in_progress()
    response_draft(request=request, actor=user("executor"), text="Відповідь")
    with pytest.raises(WorkflowRefused, match="не працівник"):
        response_send_for_approval(
            request=fresh(request), actor=user("executor"), approvers=[user("dispatcher")]
        )
    with pytest.raises(WorkflowRefused, match="Лише виконавець"):
        response_send_for_approval(
            request=fresh(request), actor=user("approver"), approvers=[user("approver")]
        )
    with pytest.raises(WorkflowRefused, match="шаблону"):
        response_send_for_approval(request=fresh(request), actor=user("executor"))


def test_answer_documents_must_be_pdf(city):
    from tests.citizen_requests.builders import jpeg_bytes

    request = in_progress()
    with pytest.raises(WorkflowRefused, match="PDF"):
        response_draft(
            request=request, actor=user("executor"), text="x", files=[Upload("a.jpg", jpeg_bytes())]
        )


# -- register, close, reopen --------------------------------------------------------------------------


def test_the_front_office_registers_the_approved_answer_and_the_applicant_gets_it(
    city, django_capture_on_commit_callbacks
):
    request = in_approval(approvers=[user("approver")])
    with pytest.raises(TransitionRefused):
        response_register(request=request, actor=user("registrar"), outgoing_number="01-12/345")
    response_approve(request=request, actor=user("approver"))
    request = fresh(request)
    with pytest.raises(WorkflowRefused, match="Лише фронт-офіс"):
        response_register(request=request, actor=user("head"), outgoing_number="01-12/345")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response_register(request=request, actor=user("registrar"), outgoing_number="01-12/345")
    request = fresh(request)
    assert (request.status, request.outgoing_number, request.outgoing_date) == (
        S.RESOLVED, "01-12/345", timezone.localdate(),
    )  # fmt: skip
    assert request.answered_at is not None
    answers = [m for m in mail.outbox if m.to == ["resident@misto.localhost"]]
    assert len(answers) == 1 and "Лампу замінено" in answers[0].body and "01-12/345" in answers[0].body
    assert [(name, mime) for name, _data, mime in answers[0].attachments] == [("akt.pdf", "application/pdf")]


def test_the_applicant_confirms_and_closes_and_may_reopen_within_30_days(city, settings):
    request = in_approval(approvers=[user("approver")])
    response_approve(request=request, actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="7")
    request = fresh(request)
    with pytest.raises(WorkflowRefused, match="Лише заявник"):
        request_close(request=request, actor=user("head"))
    request_close(request=request, actor=user("resident"))
    request = fresh(request)
    assert request.status == S.CLOSED
    with pytest.raises(WorkflowRefused, match="Лише заявник"):
        request_reopen(request=request, actor=user("head"), reason="ні")
    with pytest.raises(WorkflowRefused, match="чому"):
        request_reopen(request=request, actor=user("resident"), reason="")
    request_reopen(request=request, actor=user("resident"), reason="Лампа знову не світить.")
    request = fresh(request)
    assert (request.status, request.service.source_id, request.owner) == (
        S.ASSIGNED,
        "svc-zhytloservis-2",
        None,
    )
    assert request.closed_at is None


def test_reopening_after_30_days_is_refused(city):
    request = in_approval(approvers=[user("approver")])
    response_approve(request=request, actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="7")
    Request.objects.filter(pk=request.pk).update(answered_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(WorkflowRefused, match="30"):
        request_reopen(request=fresh(request), actor=user("resident"), reason="Знову")
    assert "reopen" not in actions_for(user("resident"), fresh(request))


def test_answered_requests_close_after_the_configured_period(city, settings):
    settings.MISTO_REQUEST_CLOSE_AFTER_DAYS = 10
    request = in_approval(approvers=[user("approver")])
    response_approve(request=request, actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="7")
    call_command("requests_close_answered")
    assert fresh(request).status == S.RESOLVED
    Request.objects.filter(pk=request.pk).update(answered_at=timezone.now() - dt.timedelta(days=11))
    call_command("requests_close_answered")
    request = fresh(request)
    assert request.status == S.CLOSED
    event = request.events.get(kind=Event.Kind.CLOSED)
    assert event.actor is None and event.data == {"confirmed": False}


def test_each_step_writes_exactly_one_event_and_each_message_goes_once(
    city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = in_approval(approvers=[user("approver")])
        response_approve(request=request, actor=user("approver"))
        response_register(request=fresh(request), actor=user("registrar"), outgoing_number="7")
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["filed", "routed", "appointed", "drafted", "sent_for_approval", "approved", "answered"]
    keys = list(Notification.objects.filter(request=request).values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) and len(mail.outbox) == len(keys)
    assert Notification.objects.filter(request=request, state="sent").count() == len(keys)


def test_a_published_answer_hides_the_applicants_name_but_the_applicant_reads_it_whole(city, client):
    request = in_progress()
    request.applicant_name = "Олена Коваленко"
    request.visibility = Request.Visibility.PUBLIC
    request.save(update_fields=["applicant_name", "visibility"])
    response_draft(
        request=fresh(request),
        actor=user("executor"),
        text="Шановна Олено Коваленко! Лампу замінено 20.11. Ваш телефон 050-765-43-21 передано майстру.",
    )
    response_send_for_approval(request=fresh(request), actor=user("executor"), approvers=[user("approver")])
    response_approve(request=fresh(request), actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="01-12/7")
    request = fresh(request)
    for text in (request.status_notes, client.get(f"/requests/{request.number}/").content.decode()):
        assert "Лампу замінено" in text
        assert "Олено" not in text and "Коваленко" not in text and "765-43-21" not in text
    client.force_login(request.applicant)
    assert "Шановна Олено Коваленко" in client.get(f"/requests/{request.number}/").content.decode()
