"""Signed webhooks to the city's document workflow system: one POST per transition to every
active WebhookEndpoint, recorded in the transaction of the step and delivered after commit by
the worker (by name, through core/background.py), with retries (a growing pause) until the endpoint answers 2xx.

The body is JSON; the headers carry `X-Misto-Timestamp` (Unix seconds) and
`X-Misto-Signature: sha256=<hex>`, the HMAC-SHA256 with the endpoint's secret of
`<timestamp>.<body>` (the timestamp is signed too, so an old message cannot be replayed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from citizen_requests.models import Event, WebhookDelivery, WebhookEndpoint
from core.background import task_send

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


class WebhookNotDelivered(Exception):
    """The endpoint was down or answered an error; the worker tries again later."""


def webhook_signature(*, secret: str, timestamp: str, body: str | bytes) -> str:
    if isinstance(body, str):
        body = body.encode()
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_payload(event: Event) -> dict:
    request = event.request
    return {
        "id": event.pk,
        "event": event.kind,
        "at": event.created_at.isoformat(),
        "request": {
            "number": request.number,
            "status": request.status,
            "service": request.service.source_id or request.service_id if request.service_id else None,
            "owner": request.owner.get_username() if request.owner_id else None,
            "deadline": request.deadline,
            "outgoing_number": request.outgoing_number or None,
            "outgoing_date": request.outgoing_date,
        },
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor.get_username() if event.actor_id else event.actor_label,
        "comment": event.comment,
    }


def webhooks_for_event(event: Event) -> list[WebhookDelivery]:
    """Record one delivery per active endpoint for a transition (an event that moved the
    status) and have each sent after commit."""
    if not event.to_status:
        return []
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    if not endpoints:
        return []
    body = json.dumps(webhook_payload(event), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, body=body) for endpoint in endpoints
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: webhook_dispatch(pk))
    return deliveries


def webhook_dispatch(delivery_id: int) -> None:
    try:
        task_send("citizen_requests.tasks.webhook_deliver_task", delivery_id)
    except Exception:  # a broker that is down loses nothing: `webhooks_send` picks it up
        log.exception("webhook delivery %s could not be queued; it stays pending", delivery_id)


def retry_pause(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0))


def webhook_deliver(*, delivery_id: int) -> str:
    """POST one pending delivery, signed now. The row stays locked while it is sent, so two
    workers never send it twice; a failure is recorded (next try later) and raised."""
    failure = None
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        timestamp = str(int(time.time()))
        body = delivery.body.encode()
        signature = webhook_signature(secret=delivery.endpoint.secret, timestamp=timestamp, body=body)
        http = urllib.request.Request(
            delivery.endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Misto-Webhooks/1",
                "X-Misto-Event": str(delivery.event_id),
                "X-Misto-Timestamp": timestamp,
                "X-Misto-Signature": signature,
            },
        )
        delivery.attempts += 1
        delivery.signature = signature
        try:
            with urllib.request.urlopen(http, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (configured URL)
                delivery.response_status = answer.status
        except urllib.error.HTTPError as exc:
            delivery.response_status = exc.code
            failure = exc
        except (OSError, ValueError) as exc:  # refused, timed out, bad URL
            failure = exc
        if failure is None:
            delivery.state, delivery.sent_at, delivery.last_error = (
                WebhookDelivery.State.SENT,
                timezone.now(),
                "",
            )
        else:
            delivery.last_error = f"{type(failure).__name__}: {failure}"[:2000]
            delivery.next_try_at = timezone.now() + retry_pause(delivery.attempts)
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = WebhookDelivery.State.FAILED
        delivery.save()
    if failure is not None:
        raise WebhookNotDelivered(str(failure)) from failure
    return "sent"


def webhooks_send_due(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Try every pending delivery whose pause is over (the beat's job); returns (sent, failed)."""
    now = now or timezone.now()
    sent = failed = 0
    due = WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING).exclude(next_try_at__gt=now)
    for pk in due.order_by("id").values_list("pk", flat=True):
        try:
            if webhook_deliver(delivery_id=pk) == "sent":
                sent += 1
        except WebhookNotDelivered:
            failed += 1
    return sent, failed
