"""The route on the request page: each viewer sees the forms of the steps they may take now,
a step posted by someone else is refused with a message, the history shows the public part to
the public and all of it to the staff, and a published answer shows its text and documents."""

from __future__ import annotations

from citizen_requests.models import Request
from citizen_requests.services.approvals import (
    response_approve,
    response_draft,
    response_register,
    response_send_for_approval,
)
from citizen_requests.services.intake import Upload
from citizen_requests.services.workflow import request_comment
from tests.citizen_requests.builders import pdf_bytes, user
from tests.citizen_requests.test_workflow import fresh, housing_request, in_progress

S = Request.Status


def actions_on_page(client, request) -> set[str]:
    html = client.get(f"/requests/{request.number}/").content.decode()
    return {a for a in ("appoint", "forward", "reject", "comment", "info_ask", "draft", "send_for_approval",
                        "approve", "return", "register", "close", "reopen", "info_answer")
            if f'data-action="{a}"' in html}  # fmt: skip


def test_each_viewer_sees_only_the_steps_they_may_take(city, client):
    request = housing_request()
    assert actions_on_page(client, request) == set()
    client.force_login(user("resident"))
    assert actions_on_page(client, request) == set()
    client.force_login(user("executor"))
    assert actions_on_page(client, request) == {"comment"}
    client.force_login(user("head"))
    assert actions_on_page(client, request) == {"appoint", "forward", "reject", "comment"}


def test_the_head_appoints_from_the_page_and_a_stranger_is_refused(city, client):
    request = housing_request()
    client.force_login(user("approver"))
    page = client.post(
        f"/requests/{request.number}/act/appoint/", {"owner": user("executor").pk}, follow=True
    ).content.decode()
    assert "Лише керівник" in page and fresh(request).status == S.ASSIGNED
    client.force_login(user("head"))
    page = client.post(
        f"/requests/{request.number}/act/appoint/", {"owner": user("executor").pk, "comment": ""}, follow=True
    ).content.decode()
    assert "Виконавця призначено" in page and fresh(request).status == S.IN_PROGRESS
    assert client.post(f"/requests/{request.number}/act/nonsense/").status_code == 404


def test_the_owner_drafts_with_a_pdf_from_the_page(city, client):
    request = in_progress()
    client.force_login(user("executor"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        f"/requests/{request.number}/act/draft/",
        {"text": "Лампу замінено.", "files": [SimpleUploadedFile("akt.pdf", pdf_bytes(), "application/pdf")]},
        follow=True,
    ).content.decode()
    assert "Проєкт відповіді збережено" in page and "akt.pdf" in page
    assert fresh(request).responses.get().documents.count() == 1


def test_the_history_is_public_in_part_and_whole_for_staff(city, client):
    request = in_progress()
    request_comment(request=request, actor=user("executor"), text="Майстер Петренко, тел. 2-22-33")
    response_draft(request=fresh(request), actor=user("executor"), text="Чернетка для внутрішнього вжитку")
    public = client.get(f"/requests/{request.number}/").content.decode()
    assert "Петренко" not in public and "Чернетка" not in public and "Виконавець: Сергій Ткаченко" in public
    client.force_login(user("head"))
    staff = client.get(f"/requests/{request.number}/").content.decode()
    assert "Петренко" in staff and "Чернетка" in staff and "внутрішнє" in staff


def test_a_published_answer_shows_its_text_and_document_to_everyone(city, client):
    request = in_progress()
    response_draft(
        request=request, actor=user("executor"), text="Лампу замінено 21.11.",
        files=[Upload("akt.pdf", pdf_bytes())],
    )  # fmt: skip
    response_send_for_approval(request=fresh(request), actor=user("executor"), approvers=[user("approver")])
    document = fresh(request).responses.get().documents.get()
    assert client.get(f"/requests/{request.number}/files/{document.pk}/").status_code == 404  # not yet
    response_approve(request=fresh(request), actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="03-14/77")
    page = client.get(f"/requests/{request.number}/").content.decode()
    assert "Лампу замінено 21.11." in page and "Вих. № 03-14/77" in page and "akt.pdf" in page
    api = client.get(f"/api/v1/requests/{request.number}/").json()
    assert "Лампу замінено 21.11." in str(api)  # apps read the answer as the status notes
    download = client.get(f"/requests/{request.number}/files/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_resident_answers_the_question_closes_and_reopens_from_the_page(city, client):
    from citizen_requests.services.workflow import request_info_ask

    request = in_progress()
    request_info_ask(request=request, actor=user("executor"), question="Який поверх?")
    client.force_login(user("resident"))
    assert actions_on_page(client, request) == {"info_answer"}
    page = client.get(f"/requests/{request.number}/").content.decode()
    assert "Служба запитує" in page and "Який поверх?" in page and "Відлік зупинено" in page
    page = client.post(f"/requests/{request.number}/act/info_answer/", {"text": "Третій"}, follow=True)
    assert "вашу відповідь передано виконавцю" in page.content.decode()
    assert fresh(request).status == S.IN_PROGRESS
    response_draft(request=fresh(request), actor=user("executor"), text="Замінено.")
    response_send_for_approval(request=fresh(request), actor=user("executor"), approvers=[user("approver")])
    response_approve(request=fresh(request), actor=user("approver"))
    response_register(request=fresh(request), actor=user("registrar"), outgoing_number="1")
    assert actions_on_page(client, request) == {"close", "reopen"}
    client.logout()  # nobody else closes it, not even by posting the form
    page = client.post(f"/requests/{request.number}/act/close/", {}, follow=True).content.decode()
    assert "Лише заявник" in page and fresh(request).status == S.RESOLVED
    client.force_login(user("resident"))
    client.post(f"/requests/{request.number}/act/close/", {})
    assert fresh(request).status == S.CLOSED
    page = client.post(
        f"/requests/{request.number}/act/reopen/", {"reason": ""}, follow=True
    ).content.decode()
    assert "обов" in page and fresh(request).status == S.CLOSED  # the form asks for the reason
    client.post(f"/requests/{request.number}/act/reopen/", {"reason": "Знову темно, дзвоніть 050 111 22 33"})
    assert fresh(request).status == S.ASSIGNED
    assert "050 111 22 33" in client.get(f"/requests/{request.number}/").content.decode()
    client.logout()  # the applicant's own words are not published
    public = client.get(f"/requests/{request.number}/").content.decode()
    assert "050 111 22 33" not in public and "Третій" not in public


def test_the_front_office_forwards_a_triaged_request_to_a_service(city, django_capture_on_commit_callbacks):
    from django.core import mail

    from citizen_requests.models import Service
    from citizen_requests.services.workflow import request_forward
    from tests.citizen_requests.builders import file_request

    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(category="other", text="Прошу встановити лавку біля під'їзду нашого будинку.")
    assert request.status == S.TRIAGE
    assert any(m.to == ["registrar@misto.localhost"] and "у вашій черзі" in m.subject for m in mail.outbox)
    service = Service.objects.get(source_id="svc-zhytloservis-2")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_forward(
            request=request, actor=user("registrar"), service=service, reason="Прибудинкова територія"
        )
    request = fresh(request)
    assert (request.status, request.service) == (S.ASSIGNED, service) and request.deadline is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["head@misto.localhost", "resident@misto.localhost"]


def test_the_periodic_work_names_real_tasks():
    from django.conf import settings

    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
