"""Who hears of a request: subscriptions, notification preferences, the notification outbox,
and the webhooks to the document workflow system with their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizen_requests.models.requests import Event, Request


class Subscription(models.Model):
    """Someone follows a request (instead of filing a duplicate): an account or a verified e-mail."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="request_subscriptions",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="subscription_unique_user"),
            models.UniqueConstraint(
                fields=["request", "email"], condition=Q(user__isnull=True), name="subscription_unique_email"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="subscription_has_recipient"
            ),
        ]


class NotificationPreference(models.Model):
    """What a resident wants to hear about, and in which language (their personal account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_own_requests = models.BooleanField(_("e-mail me about my requests"), default=True)
    email_subscriptions = models.BooleanField(_("e-mail me about requests I follow"), default=True)
    language = models.CharField(
        _("language of messages"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    sms_own_requests = models.BooleanField(_("SMS about my requests"), default=False)
    phone = models.CharField(_("phone for SMS"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")


class Notification(models.Model):
    """One message to one recipient, recorded before it is sent (in the transaction of the
    action) and delivered after commit by a worker; `dedupe_key` makes it exactly one."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("request")
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL, verbose_name=_("channel")
    )
    address = models.CharField(_("address"), max_length=255)
    language = models.CharField(max_length=8, default="uk", verbose_name=_("language"))
    context = models.JSONField(default=dict, blank=True, verbose_name=_("context"))
    dedupe_key = models.CharField(max_length=200, unique=True, verbose_name=_("deduplication key"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state")]


class WebhookEndpoint(models.Model):
    """An external system (the city's document workflow) told of every transition by a signed POST."""

    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint: the body as signed, its delivery state and retries."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    body = models.TextField(verbose_name=_("body"))
    signature = models.CharField(max_length=100, blank=True, verbose_name=_("signature"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_try_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("response status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["state", "next_try_at"], name="webhook_delivery_due")]
