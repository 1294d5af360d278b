"""Background work of the citizen requests app (Celery; eager without a broker, see settings).

Tasks call services; services never import this module — they queue a task by its name
through core/background.py, so the dependency runs one way."""

from __future__ import annotations

from celery import shared_task

from citizen_requests.services.messages import overdue_digest_queue
from citizen_requests.services.notifications import (
    NotificationNotDelivered,
    notification_deliver,
    notifications_sweep,
)
from citizen_requests.services.webhooks import (
    WebhookNotDelivered,
    retry_pause,
    webhook_deliver,
    webhooks_send_due,
)
from citizen_requests.services.workflow import requests_close_answered


@shared_task(bind=True, max_retries=6, acks_late=True, ignore_result=True)
def notification_deliver_task(self, notification_id: int) -> str:
    """Send one recorded notification; on failure retry with a growing pause (30 s … 32 min).
    Run eagerly (no broker), a failed message stays pending for `manage.py notifications_send`."""
    try:
        return notification_deliver(notification_id=notification_id)
    except NotificationNotDelivered as exc:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(bind=True, max_retries=7, acks_late=True, ignore_result=True)
def webhook_deliver_task(self, delivery_id: int) -> str:
    """POST one recorded webhook; on failure retry with a growing pause. Run eagerly, a failed
    delivery stays pending for `manage.py webhooks_send` (the beat runs it every minute)."""
    try:
        return webhook_deliver(delivery_id=delivery_id)
    except WebhookNotDelivered as exc:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=exc, countdown=retry_pause(self.request.retries + 1).total_seconds()) from exc


@shared_task(ignore_result=True)
def webhooks_send_task() -> None:
    webhooks_send_due()


@shared_task(ignore_result=True)
def requests_close_answered_task() -> None:
    requests_close_answered()


@shared_task(ignore_result=True)
def overdue_digest_task() -> None:
    overdue_digest_queue()


@shared_task(ignore_result=True)
def notifications_sweep_task() -> int:
    """Every 30 s (beat): deliver notifications whose task a broker restart lost."""
    return notifications_sweep()
