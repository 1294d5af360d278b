"""The route as data and its one moving function: allowed moves only, an audit event per move,
concurrent moves refused, and the notification hooks (followers told once, opt-outs kept)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import Event, Notification, NotificationPreference, Request, Subscription
from citizen_requests.services.messages import EVENT_MESSAGES, event_announce
from citizen_requests.services.subscriptions import subscription_create
from citizen_requests.services.transitions import ALLOWED_TRANSITIONS, request_transition
from tests.citizen_requests.builders import file_request, user

S = Request.Status


def test_the_route_names_every_status_and_only_real_ones():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
    assert all(set(targets) <= set(S.values) for targets in ALLOWED_TRANSITIONS.values())
    assert not any(S.UNCONFIRMED in targets for targets in ALLOWED_TRANSITIONS.values())
    assert ALLOWED_TRANSITIONS[S.SUBMITTED] == {S.ASSIGNED, S.TRIAGE}
    assert ALLOWED_TRANSITIONS[S.REJECTED] == frozenset()


def test_a_move_the_route_does_not_allow_is_refused_and_changes_nothing(city):
    request = file_request()
    events = request.events.count()
    with pytest.raises(TransitionRefused, match="не може перейти"):
        request_transition(request=request, to=S.CLOSED, actor=user("head"))
    request.refresh_from_db()
    assert request.status == S.ASSIGNED and request.events.count() == events


def test_an_allowed_move_writes_who_when_from_and_to(city):
    request = file_request()
    event = request_transition(
        request=request, to=S.REJECTED, actor=user("head"), comment="Дублікат 2026-000001."
    )
    request.refresh_from_db()
    assert (event.from_status, event.to_status, event.actor.username) == (S.ASSIGNED, S.REJECTED, "head")
    assert (
        request.status == S.REJECTED
        and request.closed_at is not None
        and event.comment.startswith("Дублікат")
    )


def test_of_two_concurrent_moves_of_one_request_only_the_first_succeeds(city):
    request = file_request()
    first, second = Request.objects.get(pk=request.pk), Request.objects.get(pk=request.pk)
    request_transition(request=first, to=S.IN_PROGRESS, actor=user("head"))
    with pytest.raises(TransitionRefused, match="змінив хтось інший"):
        request_transition(request=second, to=S.REJECTED, actor=user("head"))
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS


def test_a_status_change_tells_the_applicant_and_each_follower_once(city, django_capture_on_commit_callbacks):
    request = file_request()
    follower = User.objects.create_user("follower", "follower@example.test", "x")
    quiet = User.objects.create_user("quiet", "quiet@example.test", "x")
    NotificationPreference.objects.create(user=quiet, email_subscriptions=False)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_create(request=request, user=follower)
        subscription_create(request=request, user=quiet)
        subscription_create(request=request, email="sosid@example.test")  # not confirmed: hears nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, to=S.IN_PROGRESS, actor=user("head"))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["follower@example.test", "resident@misto.localhost"]
    message = next(m for m in mail.outbox if m.to == ["follower@example.test"])
    assert request.number in message.subject and "виконується" in message.subject
    assert "/requests/unsubscribe/" in message.body and message.extra_headers["List-Unsubscribe"].startswith(
        "<http"
    )
    # The same event never mails twice.
    with django_capture_on_commit_callbacks(execute=True):
        event_announce(Event.objects.filter(request=request, kind=Event.Kind.STATUS_CHANGED).get())
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="request_status_changed", state="sent").count() == 2


def test_the_unsubscribe_link_asks_then_stops_the_messages(city, client, django_capture_on_commit_callbacks):
    request = file_request()
    follower = User.objects.create_user("follower", "follower@example.test", "x")
    subscription_create(request=request, user=follower)
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, to=S.IN_PROGRESS, actor=user("head"))
    message = next(m for m in mail.outbox if m.to == ["follower@example.test"])
    path = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://testserver", "")
    assert "Відписатися" in client.get(path).content.decode()
    assert Subscription.objects.filter(user=follower).exists()
    assert client.post(path).status_code == 200  # mail programs' one-click unsubscribe
    assert not Subscription.objects.filter(user=follower).exists()
    applicant_mail = next(
        m for m in mail.outbox if m.to == ["resident@misto.localhost"] and "виконується" in m.subject
    )
    client.post(applicant_mail.extra_headers["List-Unsubscribe"].strip("<>").replace("http://testserver", ""))
    assert NotificationPreference.objects.get(user__username="resident").email_own_requests is False
    assert client.get("/requests/unsubscribe/forged-token/").status_code == 404


def test_followers_of_a_confidential_request_are_not_told(city, django_capture_on_commit_callbacks):
    request = file_request(visibility=Request.Visibility.CONFIDENTIAL)
    Subscription.objects.create(request=request, email="old@example.test", confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, to=S.IN_PROGRESS, actor=user("head"))
    assert [m.to for m in mail.outbox if "виконується" in m.subject] == [["resident@misto.localhost"]]


def test_every_event_kind_says_in_one_table_whom_it_tells():
    # A new kind of event must be given its messages (or none) in services/messages.py.
    assert set(EVENT_MESSAGES) == set(Event.Kind.values)
