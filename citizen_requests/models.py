"""Who answers residents and what they ask: services and their areas, request categories,
routing rules, requests with their attachments, audit events, subscriptions, notifications
and the Open311 apps that file requests on residents' behalf.

The request life cycle (statuses and the moves allowed between them) is in
services/workflow.py; who may see what is in permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citizen_requests.storage import request_file_storage
from core.models import BilingualNameModel, SourcedModel

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #1f77b4."))


class Service(BilingualNameModel, SourcedModel):
    """A municipal department, a utility company or the front office."""

    class Kind(models.TextChoices):
        FRONT_OFFICE = "front_office", _("front office")
        DEPARTMENT = "department", _("council department")
        UTILITY = "utility", _("utility company")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    location = models.PointField(_("office location"), srid=4326, null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ServiceMembership",
        related_name="services",
        verbose_name=_("staff"),
        blank=True,
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_uk"]


class ServiceArea(BilingualNameModel, SourcedModel):
    """The territory a service is responsible for, for one kind of work."""

    class Kind(models.TextChoices):
        WATER = "water", _("water supply and sewerage")
        HEATING = "heating", _("heating")
        ROADS_LIGHTING = "roads_lighting", _("roads and street lighting")
        HOUSING = "housing", _("housing maintenance")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="areas"
    )
    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["kind", "name_uk"]


class ServiceMembership(models.Model):
    """A staff member of a service; the position says what they do in the request route."""

    class Position(models.TextChoices):
        HEAD = "head", _("head")
        REGISTRAR = "registrar", _("registrar")
        EXECUTOR = "executor", _("process owner (executor)")
        APPROVER = "approver", _("approver")
        MEMBER = "member", _("member")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="service_memberships",
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    unit = models.CharField(_("unit"), max_length=255, blank=True, help_text=_("Sub-unit or desk, if any."))

    class Meta:
        verbose_name = _("service membership")
        verbose_name_plural = _("service memberships")
        constraints = [models.UniqueConstraint(fields=["service", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.service} ({self.get_position_display()})"


class CategoryGroup(BilingualNameModel):
    """A group of request categories: roads, lighting, housing, water, ..."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    icon = models.CharField(_("icon"), max_length=8)
    colour = models.CharField(_("colour"), max_length=7, validators=[colour_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category group")
        verbose_name_plural = _("category groups")
        ordering = ["order", "slug"]


class Category(BilingualNameModel):
    """A kind of problem a resident reports; its slug is the Open311 service_code."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    group = models.ForeignKey(
        CategoryGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="categories"
    )
    icon = models.CharField(_("icon"), max_length=8)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    area_kind = models.CharField(
        _("kind of service area"),
        max_length=20,
        choices=ServiceArea.Kind.choices,
        blank=True,
        help_text=_("Whose areas decide the service; empty: served city-wide."),
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("radius for similar requests, m"),
        default=250,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
    )
    attributes = models.JSONField(
        _("questions (Open311 attributes)"), default=list, blank=True, help_text=_("A list of attributes.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)  # Open311 discovery's changeset

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["order", "slug"]

    @property
    def description(self) -> str:
        if (get_language() or "uk").startswith("en") and self.description_en:
            return self.description_en
        return self.description_uk


class RoutingRule(models.Model):
    """Category × optional service area → the responsible service, with the default owner,
    the deadline in working days and the priority the request gets. routing.py decides."""

    class Priority(models.TextChoices):
        LOW = "low", _("low")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("high")
        URGENT = "urgent", _("urgent")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("Empty: the rule applies anywhere in the hromada (used when no area rule matches)."),
    )
    service = models.ForeignKey(
        Service, verbose_name=_("responsible service"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default process owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline, working days"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__order", "category__slug", "area__kind", "area__name_uk", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"],
                condition=Q(is_active=True),
                nulls_distinct=False,
                name="routing_rule_one_active_per_category_area",
                violation_error_message=_("An active rule for this category and area exists already."),
            )
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else _("anywhere")
        return f"{self.category} / {where} → {self.service}"


class ApiClient(models.Model):
    """An app registered by staff to file requests through Open311; it holds one api_key.

    Only a hash of the key is kept: the key is shown once, when it is issued.
    """

    name = models.CharField(_("app name"), max_length=255)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_document_system = models.BooleanField(
        _("document workflow system"),
        default=False,
        help_text=_("May report status updates and outgoing registration numbers of answers."),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=30, help_text=_("0: no limit (trusted apps only).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 app")
        verbose_name_plural = _("Open311 apps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Requests still being worked (not final, not unconfirmed): the queues' partial indexes.
OPEN_Q = Q(
    status__in=["submitted", "triage", "assigned", "in_progress", "info_requested", "in_approval", "approved"]
)


class Request(models.Model):
    """A resident's request: what, where, who answers it and where it is in its route."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for e-mail confirmation")
        SUBMITTED = "submitted", _("submitted")
        TRIAGE = "triage", _("with the citizens' requests office")
        ASSIGNED = "assigned", _("assigned to the service")
        IN_PROGRESS = "in_progress", _("in progress")
        INFO_REQUESTED = "info_requested", _("waiting for the applicant")
        IN_APPROVAL = "in_approval", _("answer being approved")
        APPROVED = "approved", _("answer approved, being sent")
        RESOLVED = "resolved", _("answered")
        CLOSED = "closed", _("closed")
        REJECTED = "rejected", _("rejected")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        CONFIDENTIAL = "confidential", _("confidential")

    class Channel(models.TextChoices):
        WEB = "web", _("portal")
        OPEN311 = "open311", _("Open311 app")
        STAFF = "staff", _("registered by staff")

    Priority = RoutingRule.Priority

    number = models.CharField(_("registration number"), max_length=20, unique=True, null=True, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="requests"
    )
    text = models.TextField(_("text"))
    # What the public sees is derived, never copied: the text with personal data hidden (or
    # as a moderator edited it), the address of the building or street at the point.
    text_public = models.TextField(_("text as published"), blank=True)
    location = models.PointField(_("place"), srid=4326)
    address = models.CharField(
        _("address as published"),
        max_length=255,
        blank=True,
        help_text=_("Derived from the place on the map: the nearest building or the street."),
    )
    # The address as the applicant typed it (may hold a flat, a name, a phone): private.
    address_note = models.CharField(
        _("address note of the applicant"), max_length=255, blank=True, db_default=""
    )
    # Set when staff edited the published text or address: no re-derivation overwrites it.
    public_edited_at = models.DateTimeField(_("published text edited"), null=True, blank=True)
    street = models.ForeignKey(
        "city.Street",
        verbose_name=_("street"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    district = models.ForeignKey(
        "city.District", verbose_name=_("district"), on_delete=models.SET_NULL, null=True, blank=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(default=1, editable=False)  # every transition adds one
    status_notes = models.TextField(_("notes on the status"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(_("language of the applicant"), max_length=8, default="uk")
    attributes = models.JSONField(_("answers to the category's questions"), default=dict, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_requests",
    )
    applicant_name = models.CharField(_("applicant's name"), max_length=255, blank=True)
    applicant_email = models.EmailField(_("applicant's e-mail"), blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=40, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # A visitor (no account) holds a private link to the request: its key's hash is kept here.
    # Until the link is opened the request is unconfirmed, and the link expires.
    access_key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    confirmation_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    service = models.ForeignKey(
        Service,
        verbose_name=_("responsible service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("process owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_requests",
    )
    owner_unit = models.CharField(_("process owner's unit"), max_length=255, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The clock stops while the applicant is asked for more information: `paused_at` is when it
    # stopped, `paused_days` the working days the request has waited so far (the deadline moved by them).
    paused_at = models.DateTimeField(_("waiting for the applicant since"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("working days waited for the applicant"), default=0)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    outgoing_number = models.CharField(_("outgoing number of the answer"), max_length=50, blank=True)
    outgoing_date = models.DateField(_("outgoing date of the answer"), null=True, blank=True)
    routing_rule = models.ForeignKey(
        RoutingRule, verbose_name=_("routing rule"), on_delete=models.SET_NULL, null=True, blank=True
    )
    routing_explanation = models.JSONField(
        _("why this service"), default=dict, blank=True, help_text=_("The explanation per language.")
    )

    api_client = models.ForeignKey(
        ApiClient, verbose_name=_("Open311 app"), on_delete=models.SET_NULL, null=True, blank=True
    )
    open311_token = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    external_account_id = models.CharField(_("account id in the app"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("registered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-id"]
        indexes = [
            # The public list and Open311 GET: newest first, filtered by category or status.
            models.Index(fields=["category", "-id"], name="request_category_id"),
            models.Index(fields=["status", "-id"], name="request_status_id"),
            models.Index(fields=["district", "-id"], name="request_district_id"),
            models.Index(fields=["submitted_at"], name="request_submitted_at"),
            models.Index(fields=["service", "status"], name="request_service_status"),
            models.Index(fields=["applicant", "-id"], name="request_applicant_id"),
            # Staff queues: mine, overdue (open requests by deadline).
            models.Index(fields=["owner", "status"], name="request_owner_status"),
            models.Index(fields=["status", "deadline"], name="request_status_deadline"),
            # The staff queues at a million requests (selectors/queues.py): new per service by
            # deadline, open (overdue) per service / owner / city by deadline.
            models.Index(fields=["service", "status", "deadline", "id"], name="request_queue_service"),
            models.Index(
                fields=["service", "deadline", "id"], name="request_queue_open_service", condition=OPEN_Q
            ),
            models.Index(
                fields=["owner", "deadline", "id"], name="request_queue_open_owner", condition=OPEN_Q
            ),
            models.Index(fields=["deadline", "id"], name="request_queue_open", condition=OPEN_Q),
            # The dashboard (selectors/dashboard.py): a period's figures from the index alone.
            models.Index(
                fields=["submitted_at"],
                include=[
                    "status",
                    "visibility",
                    "category",
                    "service",
                    "district",
                    "deadline",
                    "answered_at",
                ],
                name="request_dashboard",
            ),
        ]
        permissions = [("view_dashboard", _("Can view the requests dashboard"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="unconfirmed") | Q(number__isnull=False),
                name="request_registered_has_number",
            )
        ]

    def __str__(self) -> str:
        return self.number or _("unconfirmed request")

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def explanation(self) -> str:
        language = (get_language() or "uk")[:2]
        return self.routing_explanation.get(language) or self.routing_explanation.get("uk", "")


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A photo (re-encoded, metadata stripped) or a PDF document of a request.

    Stored in the private `request_files` storage and served only through the request's
    visibility check, never from a public URL.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("PDF document")
        RESPONSE = "response", _("document of the answer")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    response = models.ForeignKey(
        "Response", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(
        _("file"), upload_to=_attachment_path, storage=request_file_storage, max_length=255
    )
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    original_name = models.CharField(_("original file name"), max_length=120, blank=True)
    sha256 = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["request", "order", "id"]


class Event(models.Model):
    """One line of a request's history (the audit trail): who did what, when, from → to.

    Every state change writes one, through services.workflow.request_transition; issue-8
    steps add their own kinds. `is_public` events make the public timeline.
    """

    class Kind(models.TextChoices):
        FILED = "filed", _("filed")
        CONFIRMED = "confirmed", _("e-mail confirmed")
        ROUTED = "routed", _("routed to a service")
        TRIAGED = "triaged", _("sent to the front office for triage")
        STATUS_CHANGED = "status_changed", _("status changed")
        SUBSCRIBED = "subscribed", _("someone subscribed")
        APPOINTED = "appointed", _("process owner appointed")
        FORWARDED = "forwarded", _("forwarded to another service")
        REJECTED = "rejected", _("rejected")
        COMMENTED = "commented", _("internal comment")
        INFO_REQUESTED = "info_requested", _("more information asked")
        INFO_PROVIDED = "info_provided", _("the applicant answered")
        DRAFTED = "drafted", _("answer drafted")
        SENT_FOR_APPROVAL = "sent_for_approval", _("answer sent for approval")
        APPROVAL_GIVEN = "approval_given", _("answer approved by an approver")
        APPROVED = "approved", _("answer approved")
        RETURNED = "returned", _("answer returned to the process owner")
        ANSWERED = "answered", _("answer registered and sent")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        EXTERNAL_UPDATE = "external_update", _("update from the document system")
        MODERATED = "moderated", _("published text edited")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(_("who (when not a user)"), max_length=255, blank=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(_("shown in the public history"), default=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_time")]

    @property
    def to_status_label(self) -> str:
        return (
            Request.Status(self.to_status).label
            if self.to_status in Request.Status.values
            else self.to_status
        )


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
    request = models.ForeignKey(Request, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    address = models.CharField(_("address"), max_length=255)
    language = models.CharField(max_length=8, default="uk")
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state")]


class RegistrationCounter(models.Model):
    """The last registration number given in a year (numbers are `YYYY-NNNNNN`)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")


class ApprovalTemplate(models.Model):
    """A service's usual approval route: who approves its answers, in order."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="approval_templates"
    )
    name = models.CharField(_("name"), max_length=255)
    is_default = models.BooleanField(_("used by default"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval route template")
        verbose_name_plural = _("approval route templates")
        ordering = ["service", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"], condition=Q(is_default=True), name="approval_template_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"


class ApprovalTemplateStep(models.Model):
    template = models.ForeignKey(ApprovalTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("approver in the template")
        verbose_name_plural = _("approvers in the template")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="approval_template_step_order")
        ]


class Response(models.Model):
    """The answer to a request, drafted by the process owner (text and documents); each
    round of approval works on one version, a returned draft is edited into the next one."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="responses")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("text of the answer"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent to the applicant"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="response_version")]


class ApprovalStep(models.Model):
    """One approver's place in the route of one answer version; strictly in `order`."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        CANCELLED = "cancelled", _("not needed")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="approval_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    acted_at = models.DateTimeField(_("when"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["response", "order"]
        constraints = [models.UniqueConstraint(fields=["response", "order"], name="approval_step_order")]
        indexes = [models.Index(fields=["approver", "state"], name="approval_step_approver")]


class WebhookEndpoint(models.Model):
    """An external system (the city's document workflow) told of every transition by a signed POST."""

    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

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

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    signature = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["state", "next_try_at"], name="webhook_delivery_due")]
