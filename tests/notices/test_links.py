"""Requests and notices: the request form shows a matching active notice before filing; staff
link requests to a notice and, when it closes, each gets the closing answer through the
request workflow (approval, registration) and each applicant is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing

from citizen_requests.forms import FORM_SALT
from citizen_requests.models import ApprovalTemplate, ApprovalTemplateStep, Request
from citizen_requests.services.approvals import response_approve, response_register
from notices.exceptions import NoticeRefused
from notices.models import LinkedRequest
from notices.services.links import requests_link
from notices.services.notices import notice_close
from tests.citizen_requests.builders import file_request
from tests.notices.builders import building_in, district, make_notice, point_of
from tests.notices.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def water_request(city):
    return file_request(
        category="no_water",
        text="Немає холодної води з ранку в усьому будинку.",
        location=point_of(building_in(district())),
    )


def test_the_request_form_warns_about_an_active_matching_notice_before_filing(
    vodokanal_head, vodokanal, client
):
    notice = make_notice(vodokanal_head, service=vodokanal)
    client.force_login(User.objects.get(username="resident"))
    point = point_of(building_in(district()))

    def form(**over):
        moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
        data = {
            "category": "no_water", "text": "Немає води в будинку з самого ранку.", "lat": f"{point.y:.6f}",
            "lon": f"{point.x:.6f}", "address": "", "visibility": "public", "website": "",
            "started": signing.TimestampSigner(salt=FORM_SALT).sign(moment.isoformat()),
        }  # fmt: skip
        return {**data, **over}

    before = Request.objects.count()
    warned = client.post("/requests/new/", form())
    page = warned.content.decode()
    assert warned.status_code == 200 and notice.title_uk in page
    assert 'name="notices_seen" id="notices-seen" value="1"' in page
    assert Request.objects.count() == before
    # "Still file?" — sending again files it.
    filed = client.post("/requests/new/", form(notices_seen="1"))
    assert filed.status_code == 302 and Request.objects.count() == before + 1
    # Another kind of problem at the same place is not held up.
    other = client.post(
        "/requests/new/", form(category="pothole", text="Яма на дорозі біля під'їзду, глибока.")
    )
    assert other.status_code == 302
    # The JSON the form's script asks.
    data = client.get("/notices/place.json", {"lat": point.y, "lon": point.x, "category": "no_water"}).json()
    assert notice.title_uk in [n["title"] for n in data["notices"]]
    assert (
        client.get("/notices/place.json", {"lat": point.y, "lon": point.x, "category": "pothole"}).json()[
            "notices"
        ]
        == []
    )
    assert client.get("/notices/place.json", {"lat": "x"}).status_code == 400


def test_linked_requests_are_answered_together_when_the_notice_closes(
    vodokanal_head, vodokanal, water_request, city
):
    service = water_request.service
    head = staff("water-area-head", role="service_head", service=service.source_id)
    approver = staff("water-approver", role="approver", service=service.source_id, position="approver")
    template = ApprovalTemplate.objects.create(service=service, name="test")
    ApprovalTemplateStep.objects.create(template=template, order=1, approver=approver)
    second = file_request(
        category="no_water",
        text="У нас теж немає води, третій поверх.",
        location=point_of(building_in(district())),
    )
    notice = make_notice(head, service=service)
    links = requests_link(notice=notice, actor=head, numbers=f"{water_request.number}, {second.number}")
    assert len(links) == 2
    with pytest.raises(NoticeRefused):
        requests_link(notice=notice, actor=head, numbers="2099-999999")
    notice_close(
        notice=notice,
        actor=head,
        answer_uk="Водопостачання відновлено о 16:00.",
        answer_en="Water was restored at 16:00.",
    )
    registrar = User.objects.get(username="registrar")
    mail.outbox.clear()
    for request in (water_request, second):
        request.refresh_from_db()
        assert request.status == Request.Status.IN_APPROVAL
        assert "Водопостачання відновлено" in request.responses.order_by("-version").first().text
        response_approve(request=request, actor=approver)
        request.refresh_from_db()
        response_register(request=request, actor=registrar, outgoing_number=f"N-{request.pk}")
        request.refresh_from_db()
        assert request.status == Request.Status.RESOLVED
    applicant = User.objects.get(username="resident").email
    answers = [
        m
        for m in mail.outbox
        if applicant in m.to and ("відповід" in m.subject.lower() or "answer" in m.subject.lower())
    ]
    assert len(answers) == 2
    assert all(link.answered_at for link in LinkedRequest.objects.filter(notice=notice))


def test_closing_keeps_requests_the_closer_may_not_answer_on_their_course(
    vodokanal_head, vodokanal, water_request
):
    editor = User.objects.get(username="notices")  # the notices role is no member of the service
    notice = make_notice(editor, service=vodokanal)
    requests_link(notice=notice, actor=editor, numbers=water_request.number)
    notice_close(notice=notice, actor=editor, answer_uk="Відновлено.", answer_en="Restored.")
    link = LinkedRequest.objects.get(notice=notice)
    water_request.refresh_from_db()
    assert link.answered_at is None and link.outcome
    assert water_request.status in (
        Request.Status.ASSIGNED,
        Request.Status.IN_PROGRESS,
        Request.Status.TRIAGE,
    )


def test_a_confidential_request_of_another_service_cannot_be_linked(vodokanal_head, other_head, city):
    secret = file_request(
        category="no_water",
        text="Конфіденційно: немає води у квартирі.",
        visibility="confidential",
        location=point_of(building_in(district())),
    )
    from citizen_requests.models import Service

    notice = make_notice(other_head, service=Service.objects.get(source_id="svc-teploenergo"))
    if secret.service and secret.service.source_id == "svc-teploenergo":
        pytest.skip("routed to the same service")
    with pytest.raises(NoticeRefused) as refused:
        requests_link(notice=notice, actor=other_head, numbers=secret.number)
    assert secret.number in refused.value.message


def test_a_confidential_linked_request_is_listed_only_to_who_may_see_it(vodokanal_head, client, city):
    secret = file_request(
        category="no_water",
        text="Конфіденційно: немає води у квартирі.",
        visibility="confidential",
        location=point_of(building_in(district())),
    )
    head = staff("secret-head", role="service_head", service=secret.service.source_id)
    notice = make_notice(head, service=secret.service)
    requests_link(notice=notice, actor=head, numbers=secret.number)
    client.force_login(head)
    assert secret.number in client.get(f"/notices/{notice.pk}/").content.decode()
    client.force_login(User.objects.get(username="notices"))  # manages every notice, not this request
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Для працівників" in page and secret.number not in page
