"""City notices by area (issue 17): what the city says, where and when; who subscribed to hear
it at which address; the outbox of messages with its idempotency keys; linked requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One notice of the city: an outage, works, an emergency or an announcement, over an area."""

    class Kind(models.TextChoices):
        WATER = "water", _("water outage")
        HEATING = "heating", _("heating outage")
        HOT_WATER = "hot_water", _("hot water outage")
        POWER = "power", _("power outage")
        GAS = "gas", _("gas outage")
        ROAD_WORKS = "road_works", _("road works")
        ROAD_CLOSURE = "road_closure", _("road closure")
        EMERGENCY = "emergency", _("emergency")
        ANNOUNCEMENT = "announcement", _("announcement")

    class Nature(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("notice nature", "planned")
        EMERGENCY = "emergency", _("emergency (unplanned)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")
        CLOSED = "closed", _("closed")

    class AreaMethod(models.TextChoices):
        POLYGON = "polygon", _("drawn on the map")
        STREETS = "streets", _("streets")
        BUILDINGS = "buildings", _("buildings")
        DISTRICTS = "districts", _("districts")
        RADIUS = "radius", _("radius around a point")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    nature = models.CharField(_("planned or emergency"), max_length=20, choices=Nature.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_uk = models.TextField(_("text (Ukrainian)"))
    text_en = models.TextField(_("text (English)"))
    area = models.MultiPolygonField(_("area"), srid=4326)
    area_method = models.CharField(_("area given as"), max_length=20, choices=AreaMethod.choices)
    # What the area was made from (street, building or district ids, the centre and radius), to
    # show and edit it again; the polygon above is what every query uses.
    area_source = models.JSONField(_("area made from"), default=dict, blank=True)
    area_label_uk = models.CharField(_("area in words (Ukrainian)"), max_length=500, blank=True)
    area_label_en = models.CharField(_("area in words (English)"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("expected end"))
    service = models.ForeignKey(
        "citizen_requests.Service",
        verbose_name=_("responsible service"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    phone = models.CharField(_("service phone"), max_length=40)
    # Counted when the notice is published or its area changes (the households of the area).
    buildings_count = models.PositiveIntegerField(_("buildings in the area"), default=0)
    households_count = models.PositiveIntegerField(_("households in the area"), default=0)
    closing_text_uk = models.TextField(_("closing answer (Ukrainian)"), blank=True)
    closing_text_en = models.TextField(_("closing answer (English)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    finished_at = models.DateTimeField(_("closed or cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_at", "-id"]
        permissions = [("publish_notice", "Can publish notices")]
        indexes = [models.Index(fields=["status", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def _pick(self, uk: str, en: str) -> str:
        return en if (get_language() or "uk").startswith("en") and en else uk

    @property
    def title(self) -> str:
        return self._pick(self.title_uk, self.title_en)

    @property
    def text(self) -> str:
        return self._pick(self.text_uk, self.text_en)

    @property
    def area_label(self) -> str:
        return self._pick(self.area_label_uk, self.area_label_en)

    @property
    def closing_text(self) -> str:
        return self._pick(self.closing_text_uk, self.closing_text_en)

    @property
    def is_emergency(self) -> bool:
        return self.nature == self.Nature.EMERGENCY or self.kind == self.Kind.EMERGENCY

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def state_at(self, when=None) -> str:
        """ "active", "planned", "ended", "cancelled", "closed" or "draft" at `when` (now)."""
        when = when or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.status
        if when < self.starts_at:
            return "planned"
        return "active" if when < self.ends_at else "ended"


class NoticeChange(models.Model):
    """Every change of a notice, with who made it and when; each notifying change (publish,
    update, cancel, close) is sent to the households of the area once per channel."""

    class Kind(models.TextChoices):
        CREATED = "created", _("drafted")
        EDITED = "edited", _("draft edited")
        PUBLISHED = "published", _("published")
        UPDATED = "updated", _("updated")
        CANCELLED = "cancelled", _("cancelled")
        CLOSED = "closed", _("closed")
        LINKED = "linked", _("requests linked")

    NOTIFYING = {Kind.PUBLISHED, Kind.UPDATED, Kind.CANCELLED, Kind.CLOSED}

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    fields = models.JSONField(_("changed fields"), default=dict, blank=True)  # name -> [before, after]
    version = models.PositiveIntegerField(_("notice version"))
    # Messages this change queued (households and addresses reached are counted from Delivery).
    queued = models.PositiveIntegerField(_("messages queued"), default=0)

    class Meta:
        verbose_name = _("notice change")
        verbose_name_plural = _("notice changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind} v{self.version}"


class Subscription(models.Model):
    """A resident's address to hear about: an account's, or a visitor's verified e-mail.

    Personal data: nobody but its owner sees it; staff see counts only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_subscriptions",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone for SMS"), max_length=20, blank=True)
    language = models.CharField(
        _("language of messages"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    address = models.CharField(_("address"), max_length=255)
    point = models.PointField(_("place"), srid=4326)
    # The house at the address (housing registry), when there is one: a household of it.
    building = models.ForeignKey(
        "housing_registry.Building",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("building"),
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    token = models.CharField(
        max_length=64, unique=True, verbose_name=_("token")
    )  # the unsubscribe link's secret
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("address subscription")
        verbose_name_plural = _("address subscriptions")
        indexes = [models.Index(fields=["confirmed_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Delivery(models.Model):
    """One message of one change to one subscription by one channel: the outbox row. Its
    `key` is the idempotency key (unique): queuing the same change again, or a worker that
    restarts, never makes or sends a second message."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted (not sent again)")

    key = models.CharField(max_length=120, unique=True, verbose_name=_("key"))
    change = models.ForeignKey(
        NoticeChange, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("change")
    )
    subscription = models.ForeignKey(
        Subscription,
        null=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("alert subscription"),
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    # Kept with the row (a subscription is a household; its address), so that what a notice
    # reached stays countable after an unsubscribe — without keeping who.
    household = models.CharField(max_length=60, verbose_name=_("household"))
    address_label = models.CharField(max_length=255, verbose_name=_("address"))
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    not_before = models.DateTimeField(
        verbose_name=_("not before")
    )  # quiet hours push non-emergency messages to the morning
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("notice message")
        verbose_name_plural = _("notice messages")
        indexes = [models.Index(fields=["state", "not_before"])]

    def __str__(self) -> str:
        return self.key


class LinkedRequest(models.Model):
    """A citizen request caused by the notice's event; answered together when it closes."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="links")
    request = models.ForeignKey(
        "citizen_requests.Request", on_delete=models.CASCADE, related_name="notice_links"
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)  # what closing did with the request

    class Meta:
        verbose_name = _("linked request")
        verbose_name_plural = _("linked requests")
        constraints = [models.UniqueConstraint(fields=["notice", "request"], name="notice_request_once")]
