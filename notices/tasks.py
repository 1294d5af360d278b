"""Background work of the notices (Celery): sending the outbox. Tasks call services."""

from __future__ import annotations

from celery import shared_task

from notices.services.deliveries import deliveries_send, deliveries_sweep


@shared_task(acks_late=True, ignore_result=True)
def deliveries_send_task(change_id: int) -> int:
    """Send the due messages of one change (run again after a restart: sends nothing twice)."""
    return deliveries_send(change_id=change_id)


@shared_task(ignore_result=True)
def deliveries_sweep_task() -> int:
    return deliveries_sweep()


@shared_task(bind=True, max_retries=6, acks_late=True, ignore_result=True)
def subscription_confirm_send_task(self, subscription_id: int) -> bool:
    from notices.services.subscriptions import subscription_confirm_send

    try:
        return subscription_confirm_send(subscription_id=subscription_id)
    except OSError as exc:  # the mail server is down: try again
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
