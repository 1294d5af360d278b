"""Notifications: recorded in the transaction of the action that causes them (the outbox),
delivered after commit by a worker (citizen_requests.tasks, reached by name through
core/background.py), exactly once per `dedupe_key`.

`notification_queue()` records one message; who hears of each request event is decided in one
table, services/messages.py EVENT_MESSAGES. `drafts_for_followers()` serves the applicant and
the subscribers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from citizen_requests.models import (
    Attachment,
    Event,
    Notification,
    NotificationPreference,
    Request,
    Subscription,
)
from citizen_requests.sms import sms_send
from core.background import task_send

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
UNSUBSCRIBE_SALT = "misto.requests.unsubscribe"
# Context keys that hold a secret (a one-time link): blanked once the message is sent.
SECRET_KEYS = ("link",)


class NotificationNotDelivered(Exception):
    """Sending failed (the mail server refused or was down); the worker retries later."""


@dataclass(frozen=True)
class Draft:
    kind: str  # the template: citizen_requests/email/<kind>{_subject.txt,.txt,.html}
    address: str
    language: str = "uk"
    user_id: int | None = None
    context: dict = field(default_factory=dict)
    channel: str = Notification.Channel.EMAIL


def notification_queue(
    *, draft: Draft, dedupe_key: str, request: Request | None = None, event: Event | None = None
) -> Notification | None:
    """Record one message (once per `dedupe_key`) and have it sent after the transaction
    commits; returns None when it was recorded before."""
    if not draft.address:
        return None
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key[:200],
        defaults=dict(
            kind=draft.kind,
            request=request,
            event=event,
            user_id=draft.user_id,
            address=draft.address,
            language=draft.language,
            context=draft.context,
            channel=draft.channel,
        ),
    )
    if not created:
        return None
    transaction.on_commit(lambda: notification_dispatch(notification.pk))
    return notification


def notification_dispatch(notification_id: int) -> None:
    """Hand the message to the worker. A broker that is down loses nothing: the message stays
    pending and `manage.py notifications_send` (or the next retry) delivers it."""
    try:
        task_send("citizen_requests.tasks.notification_deliver_task", notification_id)
    except Exception:  # the user's action is committed; never fail it for a message
        log.exception("notification %s could not be queued; it stays pending", notification_id)


def notification_deliver(*, notification_id: int) -> str:
    """Send one pending message (the worker's job). Locks the row so two workers never send it
    twice; a failure is recorded and raised as NotificationNotDelivered for a retry."""
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request__category", "request__service", "event")
            .filter(pk=notification_id, state=Notification.State.PENDING)
            .first()
        )
        if notification is None:
            return "skipped"
        try:
            if notification.channel == Notification.Channel.SMS:
                sms_send(to=notification.address, text=_sms_text(notification))
            else:
                _message(notification).send()
        except Exception as exc:  # SMTP errors, connection refused, timeouts
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "state"])
            failure = exc
        else:
            notification.state = Notification.State.SENT
            notification.sent_at = timezone.now()
            notification.attempts += 1
            notification.context = {k: v for k, v in notification.context.items() if k not in SECRET_KEYS}
            notification.save(update_fields=["state", "sent_at", "attempts", "context"])
    if failure is not None:
        raise NotificationNotDelivered(str(failure)) from failure
    return "sent"


def _message(notification: Notification) -> EmailMultiAlternatives:
    context = {
        "site_url": settings.MISTO_SITE_URL,
        "request": notification.request,
        "event": notification.event,
        **notification.context,
    }
    if notification.request is not None and notification.request.number:
        context["request_url"] = absolute_url(
            reverse("citizen_requests:detail", args=[notification.request.number])
        )
    name = f"citizen_requests/email/{notification.kind}"
    with translation.override(notification.language):
        subject = " ".join(render_text(f"{name}_subject.txt", context).split())
        text = render_text(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[notification.address])
    message.attach_alternative(html, "text/html")
    if context.get("response_id"):  # the answer's documents go with it
        for document in Attachment.objects.filter(response_id=context["response_id"]).order_by("order", "id"):
            with document.file.open("rb") as handle:
                message.attach(document.original_name or "document.pdf", handle.read(), document.content_type)
    if context.get("unsubscribe_url"):
        message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _sms_text(notification: Notification) -> str:
    """An SMS is the message's subject and the request's link, in the recipient's language."""
    context = {"site_url": settings.MISTO_SITE_URL, "request": notification.request, **notification.context}
    with translation.override(notification.language):
        subject = " ".join(
            render_text(f"citizen_requests/email/{notification.kind}_subject.txt", context).split()
        )
    if notification.request is not None and notification.request.number:
        subject += " " + absolute_url(reverse("citizen_requests:detail", args=[notification.request.number]))
    return subject


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML autoescaping: a subject, an SMS or the text
    part of an e-mail is not HTML, so "Солов'їна" must not arrive as "Солов&#x27;їна"."""
    template = get_template(template_name).template  # the engine's own Template, not the backend's
    return template.render(Context(context, autoescape=False))


def absolute_url(path: str) -> str:
    return settings.MISTO_SITE_URL.rstrip("/") + path


def unsubscribe_url(payload: dict) -> str:
    token = signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)
    return absolute_url(reverse("citizen_requests:unsubscribe", args=[token]))


def unsubscribe_payload(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def preference_of(user) -> NotificationPreference:
    preference = getattr(user, "notification_preference", None) if user is not None else None
    return preference or NotificationPreference(user=user)


def drafts_for_followers(event: Event, *, kind: str) -> list[Draft]:
    """The applicant (unless they opted out) and every confirmed subscriber who may still see
    the request, each once, in their language, with an unsubscribe link."""
    request = event.request
    drafts: dict[str, Draft] = {}
    if request.applicant_id:
        preference = preference_of(request.applicant)
        if preference.email_own_requests and request.applicant.email:
            drafts[request.applicant.email.lower()] = Draft(
                kind, request.applicant.email, preference.language, request.applicant_id,
                {"unsubscribe_url": unsubscribe_url({"u": request.applicant_id, "p": "email_own_requests"}),
                 "event_id": event.pk},
            )  # fmt: skip
    elif request.applicant_email and request.email_verified_at:
        drafts[request.applicant_email.lower()] = Draft(kind, request.applicant_email, request.language)
    if request.is_public:
        followers = Subscription.objects.filter(request=request, confirmed_at__isnull=False).select_related(
            "user__notification_preference"
        )
        for subscription in followers:
            user = subscription.user
            address = user.email if user else subscription.email
            if not address or address.lower() in drafts:
                continue
            preference = preference_of(user) if user else None
            if preference is not None and not preference.email_subscriptions:
                continue
            drafts[address.lower()] = Draft(
                kind,
                address,
                preference.language if preference else request.language,
                user.pk if user else None,
                {
                    "unsubscribe_url": unsubscribe_url({"s": subscription.pk}),
                    "event_id": event.pk,
                    "follower": True,
                },
            )
    return list(drafts.values())


def notifications_sweep() -> int:
    """The beat's safety net for messages a broker lost (a broker restart can drop a queued or
    unacknowledged task): send what is still pending after MISTO_SWEEP_AFTER_S through the same
    locked, send-once delivery the task uses. Returns how many went out."""
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
