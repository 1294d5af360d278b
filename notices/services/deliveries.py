"""The outbox of notice messages: one Delivery row per change × subscription × channel, written
in the transaction of the change by one INSERT … SELECT over the subscriptions inside the area,
its `key` unique — so a change queued twice (a retried task, a worker restarted by the broker)
makes no second row.

Sending claims one row (state "sending", committed) and only then talks to the mail server or
the SMS gateway: a worker killed while sending leaves that one row "sending", which is never
sent again (the sweep marks it "interrupted" — at most once, never twice); the rest of the
change's rows are still pending and the restarted task sends them. A refused send goes back to "pending"
for the next try. Non-emergency messages wait for the end of the quiet hours (not_before).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from citizen_requests.services.notifications import absolute_url, render_text
from citizen_requests.sms import sms_send
from core.background import task_enqueue
from notices.models import Delivery, Notice, NoticeChange

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SEND_TASK = "notices.tasks.deliveries_send_task"
STALE_CLAIM = dt.timedelta(minutes=10)


def quiet_until(moment: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around `moment` end (local time), or None outside them."""
    start, end = settings.MISTO_NOTICE_QUIET_HOURS
    if start == end:
        return None
    local = timezone.localtime(moment)
    hour = local.hour + local.minute / 60
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(end)), timezone.get_current_timezone())


def deliveries_queue(*, change: NoticeChange, former_area=None) -> int:
    """Record the messages of `change` for every confirmed subscription inside the notice's area
    (each once per channel) — and, when an update moved the area, inside its `former_area` too,
    so that those no longer affected hear it — and have them sent after commit; returns how many
    were new."""
    notice = change.notice
    now = timezone.now()
    not_before = now if notice.is_emergency else (quiet_until(now) or now)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notices_delivery
                (key, change_id, subscription_id, channel, household, address_label, state, not_before,
                 attempts, last_error, created_at)
            SELECT 'notice:' || %(change)s || ':' || s.id || ':' || ch.channel, %(change)s, s.id, ch.channel,
                   's' || s.id,
                   s.address, 'pending', %(not_before)s, 0, '', %(now)s
              FROM notices_subscription s
              JOIN notices_notice n ON n.id = %(notice)s
              CROSS JOIN LATERAL (VALUES ('email', s.by_email AND (s.email <> '' OR s.user_id IS NOT NULL)),
                                         ('sms', s.by_sms AND s.phone <> '')) AS ch(channel, wanted)
             WHERE s.confirmed_at IS NOT NULL AND ch.wanted
               AND (ST_Intersects(n.area, s.point)
                    OR (%(former)s::geometry IS NOT NULL AND ST_Intersects(ST_SetSRID(%(former)s::geometry, 4326), s.point)))
            ON CONFLICT (key) DO NOTHING
            """,
            {
                "change": change.pk,
                "notice": notice.pk,
                "not_before": not_before,
                "now": now,
                "former": memoryview(former_area.ewkb) if former_area is not None else None,
            },
        )
        queued = cursor.rowcount
    NoticeChange.objects.filter(pk=change.pk).update(queued=queued)
    change.queued = queued
    if queued:
        task_enqueue(SEND_TASK, change.pk)
    return queued


def _claim(*, change_id: int | None, now: dt.datetime) -> Delivery | None:
    """Take the next due pending message for this worker: one committed UPDATE, so that a
    worker killed while sending leaves only that one message "sending" (never resent)."""
    change_filter = "AND change_id = %(change)s" if change_id is not None else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE notices_delivery SET state = 'sending', sent_at = %(now)s
                 WHERE id = (SELECT id FROM notices_delivery
                              WHERE state = 'pending' AND not_before <= %(now)s {change_filter}
                              ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id""",
            {"now": now, "change": change_id},
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Delivery.objects.select_related("change__notice__service", "subscription__user").get(pk=row[0])


def deliveries_send(*, change_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Send the due pending messages (of one change, or all); returns how many went out."""
    sent = 0
    mail = get_connection()
    while (delivery := _claim(change_id=change_id, now=now or timezone.now())) is not None:
        sent += _send_one(delivery, mail)
    return sent


def _send_one(delivery: Delivery, mail) -> bool:
    subscription = delivery.subscription
    try:
        if subscription is None:
            raise LookupError("unsubscribed before sending")
        if delivery.channel == Delivery.Channel.SMS:
            sms_send(to=subscription.phone, text=sms_text(delivery))
        else:
            mail.send_messages([email_message(delivery)])
    except LookupError:
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED, last_error="unsubscribed")
        return False
    except Exception as exc:  # SMTP refused or down, the SMS gateway failed: try again later
        attempts = delivery.attempts + 1
        state = Delivery.State.FAILED if attempts >= MAX_ATTEMPTS else Delivery.State.PENDING
        Delivery.objects.filter(pk=delivery.pk).update(
            state=state,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            not_before=timezone.now() + dt.timedelta(minutes=2**attempts),
        )
        log.warning("notice message %s not sent: %s", delivery.pk, exc)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now()
    )
    return True


def deliveries_sweep() -> int:
    """The beat's work: claims older than STALE_CLAIM (a worker died mid-send) are marked
    interrupted, never resent; then every due pending message (quiet hours over, a lost task)
    is sent. Returns how many went out."""
    Delivery.objects.filter(state=Delivery.State.SENDING, sent_at__lt=timezone.now() - STALE_CLAIM).update(
        state=Delivery.State.INTERRUPTED
    )
    return deliveries_send()


def _context(delivery: Delivery) -> dict:
    notice: Notice = delivery.change.notice
    subscription = delivery.subscription
    return {
        "notice": notice,
        "change": delivery.change,
        "address": delivery.address_label,
        "notice_url": absolute_url(reverse("notices:detail", args=[notice.pk])),
        "unsubscribe_url": absolute_url(reverse("notices:unsubscribe", args=[subscription.token])),
        "site_url": settings.MISTO_SITE_URL,
    }


def _language(delivery: Delivery) -> str:
    subscription = delivery.subscription
    return subscription.language if subscription else "uk"


def email_message(delivery: Delivery) -> EmailMultiAlternatives:
    subscription = delivery.subscription
    to = subscription.user.email if subscription.user_id else subscription.email
    if not to:
        raise LookupError("no e-mail address")
    context = _context(delivery)
    with translation.override(_language(delivery)):
        subject = " ".join(render_text("notices/email/notice_subject.txt", context).split())
        text = render_text("notices/email/notice.txt", context)
        html = render_to_string("notices/email/notice.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # The idempotency key also names the message: a receiving system can see a repeat.
    message.extra_headers["X-Misto-Notice-Key"] = delivery.key
    return message


def sms_text(delivery: Delivery) -> str:
    context = _context(delivery)
    with translation.override(_language(delivery)):
        subject = " ".join(render_text("notices/email/notice_subject.txt", context).split())
    return f"{subject} {context['notice_url']}"
