"""What leaves the portal on the route: e-mail through a real SMTP server on 127.0.0.1
(delivered, retried after the server was down, exactly once), SMS through the logging
backend, the daily overdue digest, signed webhooks to a real HTTP server with retries, and
the document system's endpoint."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citizen_requests.models import (
    Notification,
    NotificationPreference,
    Request,
    Service,
    WebhookDelivery,
    WebhookEndpoint,
)
from citizen_requests.services.api_clients import api_client_issue
from citizen_requests.services.approvals import response_approve
from citizen_requests.services.webhooks import webhook_signature, webhooks_send_due
from citizen_requests.services.workflow import (
    request_appoint,
    request_forward,
    request_info_ask,
    request_reject,
)
from citizen_requests.sms import LoggingSmsBackend
from tests.citizen_requests.builders import user
from tests.citizen_requests.test_workflow import fresh, housing_request, in_approval, in_progress

S = Request.Status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def subject_of(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return port


def test_the_applicant_hears_of_the_owner_through_a_real_smtp_server(
    city, smtp, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server(smtp)
    try:
        request = housing_request()
        inbox.messages.clear()
        with django_capture_on_commit_callbacks(execute=True):
            request_appoint(request=request, actor=user("head"), owner=user("executor"))
    finally:
        controller.stop()
    to_applicant = [m for m in inbox.messages if m["X-Rcpt"] == "resident@misto.localhost"]
    assert len(to_applicant) == 1 and "призначено виконавця" in subject_of(to_applicant[0])
    text = to_applicant[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Сергій Ткаченко" in text and "/requests/unsubscribe/" in text
    assert [m["X-Rcpt"] for m in inbox.messages if m["X-Rcpt"] != "resident@misto.localhost"] == [
        "executor@misto.localhost"
    ]


def test_a_message_is_retried_after_the_server_was_down_and_delivered_once(
    city, smtp, django_capture_on_commit_callbacks
):
    request = in_progress()
    with django_capture_on_commit_callbacks(execute=True):  # nobody listens on the port yet
        request_info_ask(request=request, actor=user("executor"), question="Який номер квартири?")
    pending = Notification.objects.get(request=request, kind="request_info_requested")
    assert (pending.state, pending.attempts) == (Notification.State.PENDING, 1) and pending.last_error
    controller, inbox = smtp_server(smtp)
    try:
        call_command("notifications_send")
        call_command("notifications_send")  # a second run sends nothing again
    finally:
        controller.stop()
    pending.refresh_from_db()
    assert (pending.state, pending.attempts) == (Notification.State.SENT, 2)
    asked = [m for m in inbox.messages if "додаткова інформація" in subject_of(m)]
    assert len(asked) == 1 and asked[0]["X-Rcpt"] == "resident@misto.localhost"


def test_residents_who_chose_sms_get_one_through_the_provider(city, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=user("resident"), sms_own_requests=True, phone="+380501112233")
    LoggingSmsBackend.sent.clear()
    request = housing_request()
    with django_capture_on_commit_callbacks(execute=True):
        request_appoint(request=request, actor=user("head"), owner=user("executor"))
    assert len(LoggingSmsBackend.sent) == 1
    phone, text = LoggingSmsBackend.sent[0]
    assert phone == "+380501112233" and request.number in text and f"/requests/{request.number}/" in text
    sms = Notification.objects.get(request=request, channel=Notification.Channel.SMS)
    assert sms.state == Notification.State.SENT


def test_the_account_page_sets_the_sms_channel(city, client):
    client.force_login(user("resident"))
    page = client.post(
        "/requests/mine/",
        {"email_own_requests": "on", "language": "uk", "sms_own_requests": "on", "phone": ""},
    )
    assert "Вкажіть номер телефону для SMS" in page.content.decode()
    client.post(
        "/requests/mine/",
        {"email_own_requests": "on", "language": "uk", "sms_own_requests": "on", "phone": "+380501112233"},
    )
    preference = NotificationPreference.objects.get(user=user("resident"))
    assert preference.sms_own_requests and preference.phone == "+380501112233"


def test_the_current_approver_alone_is_told_an_approval_is_due(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = in_approval()
    due = [m.to for m in mail.outbox if "погодження" in m.subject]
    assert due == [["approver@misto.localhost"]]
    with django_capture_on_commit_callbacks(execute=True):
        response_approve(request=request, actor=user("approver"))
    due = [m.to for m in mail.outbox if "погодження" in m.subject]
    assert due == [["approver@misto.localhost"], ["deputy@misto.localhost"]]


def test_the_overdue_digest_goes_once_a_day_to_owners_and_heads(city, django_capture_on_commit_callbacks):
    request = in_progress()
    Request.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requests_overdue_digest")
        call_command("requests_overdue_digest")
    digests = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [to for to, _subject in digests] == ["executor@misto.localhost", "head@misto.localhost"]
    assert all("прострочен" in subject for _to, subject in digests)
    assert request.number in mail.outbox[0].body


# -- webhooks ---------------------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    """The document system's side: checks the signature, keeps what it accepted."""

    secret = "s3cret"
    received: list[dict] = []
    failures = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = webhook_signature(
            secret=self.secret, timestamp=self.headers["X-Misto-Timestamp"], body=body
        )
        if Receiver.failures > 0:
            Receiver.failures -= 1
            self.send_response(503)
        elif hmac.compare_digest(expected, self.headers["X-Misto-Signature"]):
            Receiver.received.append(json.loads(body))
            self.send_response(204)
        else:
            self.send_response(401)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received, Receiver.failures = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_every_transition_is_posted_signed_to_the_document_system(
    city, receiver, django_capture_on_commit_callbacks
):
    url = f"http://127.0.0.1:{receiver.server_port}/hook"
    WebhookEndpoint.objects.create(name="СЕД", url=url, secret=Receiver.secret)
    WebhookEndpoint.objects.create(name="Старий", url=url, secret="wrong", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        request = housing_request()
        request_appoint(request=request, actor=user("head"), owner=user("executor"))
    moves = [(r["event"], r["from_status"], r["to_status"]) for r in Receiver.received]
    assert moves == [
        ("filed", "", "submitted"), ("routed", "submitted", "assigned"), ("appointed", "assigned", "in_progress"),
    ]  # fmt: skip
    assert Receiver.received[2]["request"]["number"] == request.number
    assert Receiver.received[2]["request"]["owner"] == "executor"
    assert WebhookDelivery.objects.filter(state="sent").count() == 3


def test_a_wrong_signature_is_refused_by_the_receiver_and_retried(
    city, receiver, django_capture_on_commit_callbacks
):
    url = f"http://127.0.0.1:{receiver.server_port}/hook"
    WebhookEndpoint.objects.create(name="СЕД", url=url, secret="not-the-shared-one")
    with django_capture_on_commit_callbacks(execute=True):
        housing_request()
    states = set(WebhookDelivery.objects.values_list("state", "response_status"))
    assert states == {("pending", 401)} and Receiver.received == []


def test_a_webhook_is_retried_after_failures_and_delivered_once(
    city, receiver, django_capture_on_commit_callbacks
):
    request = in_progress()
    endpoint = WebhookEndpoint.objects.create(
        name="СЕД", url=f"http://127.0.0.1:{receiver.server_port}/hook", secret=Receiver.secret
    )
    Receiver.failures = 1  # the system is busy once
    with django_capture_on_commit_callbacks(execute=True):
        request_forward(
            request=request,
            actor=user("head"),
            service=Service.objects.get(source_id="svc-vodokanal"),
            reason="Вода",
        )
    delivery = WebhookDelivery.objects.get(event__kind="forwarded")
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("pending", 1, 503)
    assert delivery.next_try_at > timezone.now()
    assert webhooks_send_due() == (0, 0)  # not due yet
    assert webhooks_send_due(now=delivery.next_try_at) == (1, 0)
    assert webhooks_send_due(now=delivery.next_try_at + dt.timedelta(hours=1)) == (0, 0)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert [r["event"] for r in Receiver.received] == ["forwarded"]
    # The endpoint down altogether: the delivery waits, with a longer pause after each try.
    endpoint.url = f"http://127.0.0.1:{free_port()}/hook"
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_reject(request=fresh(request), actor=user("registrar"), reason="Дублікат 2026-000001")
    delivery = WebhookDelivery.objects.get(event__kind="rejected")
    first_pause = delivery.next_try_at - timezone.now()
    assert delivery.state == "pending" and "Connection refused" in delivery.last_error
    webhooks_send_due(now=delivery.next_try_at)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_try_at - timezone.now() > first_pause


def test_the_signature_is_hmac_sha256_of_timestamp_and_body():
    body = b'{"a": 1}'
    expected = "sha256=" + hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhook_signature(secret="k", timestamp="1700000000", body=body) == expected


# -- the document system's endpoint ---------------------------------------------------------------


def test_the_document_system_registers_the_answer_through_the_api(
    city, client, django_capture_on_commit_callbacks
):
    system, key = api_client_issue(name="СЕД міськради")
    system.is_document_system = True
    system.save()
    _app, app_key = api_client_issue(name="Додаток мешканців")
    request = in_approval(approvers=[user("approver")])
    url = f"/api/v1/requests/{request.number}/external-status/"
    body = {
        "status": "resolved",
        "outgoing_number": "01-15/2044",
        "outgoing_date": timezone.localdate().isoformat(),
    }
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
    headers = {"HTTP_AUTHORIZATION": f"ApiKey {app_key}"}
    assert client.post(url, body, content_type="application/json", **headers).status_code == 401
    headers = {"HTTP_AUTHORIZATION": f"ApiKey {key}"}
    refused = client.post(url, body, content_type="application/json", **headers)
    assert refused.status_code == 409 and "не можна" in refused.json()["detail"]  # not approved yet
    response_approve(request=fresh(request), actor=user("approver"))
    assert (
        client.post(url, {"status": "resolved"}, content_type="application/json", **headers).status_code
        == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, body, content_type="application/json", **headers)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    request = fresh(request)
    assert (request.status, request.outgoing_number) == (S.RESOLVED, "01-15/2044")
    assert request.events.get(kind="answered").actor_label == "система документообігу: СЕД міськради"
    assert any(m.to == ["resident@misto.localhost"] and "відповідь" in m.subject for m in mail.outbox)
    note = client.post(
        url, {"status": "note", "comment": "Справу передано до архіву", "external_id": "SED-1"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert note.status_code == 200 and not request.events.get(kind="external_update").is_public
    assert (
        client.post(
            "/api/v1/requests/2099-999999/external-status/", body, content_type="application/json", **headers
        ).status_code
        == 404
    )


def test_the_endpoint_and_the_webhooks_are_in_the_openapi_schema(city, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/requests/{number}/external-status/"]["post"]
    assert operation["security"] == [{"documentSystemKey": []}]
    assert "X-Misto-Signature" in schema["webhooks"]["request-transition"]["post"]["description"]


def test_messages_go_in_the_recipients_language_as_text_and_html(city, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=user("resident"), language="en")
    request = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        request_reject(
            request=request, actor=user("head"), reason="The building is managed by its condominium."
        )
    message = next(m for m in mail.outbox if m.to == ["resident@misto.localhost"])
    assert message.subject == f"Request {request.number} is rejected"
    html = message.alternatives[0][0]
    assert (
        "Reason" in message.body and "condominium" in message.body and "<p>" in html and "condominium" in html
    )


class GatewayDown:
    """An SMS provider whose gateway is down (the setting names any such class)."""

    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")


def test_the_sms_provider_is_pluggable_and_a_failed_sms_is_retried(
    city, settings, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=user("resident"), sms_own_requests=True, phone="+380501112233")
    settings.MISTO_SMS_BACKEND = f"{__name__}.GatewayDown"
    request = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        request_info_ask(request=request, actor=user("executor"), question="Який поверх?")
    sms = Notification.objects.get(request=request, channel="sms", kind="request_info_requested")
    assert sms.state == Notification.State.PENDING and "gateway unreachable" in sms.last_error
    settings.MISTO_SMS_BACKEND = "citizen_requests.sms.LoggingSmsBackend"
    LoggingSmsBackend.sent.clear()
    call_command("notifications_send")
    call_command("notifications_send")
    sms.refresh_from_db()
    asked = [text for _phone, text in LoggingSmsBackend.sent if "додаткова інформація" in text]
    assert sms.state == Notification.State.SENT and len(asked) == 1
