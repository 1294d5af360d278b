"""Background work of the citizen requests app (Celery; eager without a broker, see settings)."""

from __future__ import annotations

from celery import shared_task

from citizen_requests.services.notifications import NotificationNotDelivered, notification_deliver


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
