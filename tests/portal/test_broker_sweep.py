"""The beat's sweep (citizen_requests/services/notifications.py, notifications_sweep) delivers a message whose task a broker lost,
exactly once, and leaves alone what is fresh or already being retried."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from citizen_requests.models import Notification
from citizen_requests.services.notifications import notification_deliver, notifications_sweep
from tests.citizen_requests.builders import file_request


def _receipt_of_a_filing(django_capture_on_commit_callbacks) -> Notification:
    # The task is never run: the callbacks are captured, not executed — a lost message.
    with django_capture_on_commit_callbacks(execute=False):
        request = file_request()
    return Notification.objects.get(request=request)


def test_a_message_whose_task_was_lost_is_sent_once_by_the_sweep(city, django_capture_on_commit_callbacks):
    notification = _receipt_of_a_filing(django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert notifications_sweep() == 1
    assert notifications_sweep() == 0
    # The lost task turns up after all (restored by the broker): it sends nothing again.
    assert notification_deliver(notification_id=notification.pk) == "skipped"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["resident@misto.localhost"]


def test_the_sweep_leaves_fresh_and_retried_messages_to_their_tasks(city, django_capture_on_commit_callbacks):
    fresh = _receipt_of_a_filing(django_capture_on_commit_callbacks)
    retried = _receipt_of_a_filing(django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=retried.pk).update(
        created_at=timezone.now() - timedelta(minutes=5), attempts=1, last_error="SMTP down"
    )
    assert notifications_sweep() == 0
    assert Notification.objects.get(pk=fresh.pk).state == Notification.State.PENDING
    assert mail.outbox == []
