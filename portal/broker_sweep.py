"""The beat's safety net for messages a broker lost.

A notification is recorded in the database first and its task queued after the commit. When the
broker restarts at the wrong moment, a queued or unacknowledged task can be lost (a worker that
loses its connection while restoring unacknowledged messages may even exit). Every minute the
beat sends what is still pending after MISTO_SWEEP_AFTER_S seconds, through the same locked,
send-once service the task uses, so a message whose task does turn up later is not sent twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


def notifications_sweep() -> int:
    """Send the notifications still pending after MISTO_SWEEP_AFTER_S; returns how many went out."""
    from citizen_requests.models import Notification
    from citizen_requests.services.notifications import NotificationNotDelivered, notification_deliver

    cutoff = timezone.now() - timedelta(seconds=settings.MISTO_SWEEP_AFTER_S)
    sent = 0
    # Never attempted: its task never ran (one that failed is being retried by Celery itself).
    pending = Notification.objects.filter(state=Notification.State.PENDING, attempts=0, created_at__lt=cutoff)
    for pk in pending.order_by("pk").values_list("pk", flat=True)[:500]:
        try:
            sent += notification_deliver(notification_id=pk) == "sent"
        except NotificationNotDelivered as exc:  # recorded on the row; the next sweep retries
            log.warning("notification %s still not delivered: %s", pk, exc)
    if sent:
        log.warning("sweep delivered %s notification(s) whose task was lost", sent)
    return sent


@shared_task(ignore_result=True)
def notifications_sweep_task() -> int:
    return notifications_sweep()
