"""Requests with their attachments, audit events and registration numbers.

The request life cycle (statuses and the moves allowed between them) is in
services/transitions.py; who may see what is in permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citizen_requests.models.api_clients import ApiClient
from citizen_requests.models.categories import Category, RoutingRule
from citizen_requests.models.services import Service
from citizen_requests.storage import request_file_storage

OPEN_Q = Q(
    status__in=["submitted", "triage", "assigned", "in_progress", "info_requested", "in_approval", "approved"]
)


class Request(models.Model):
    """A resident's request: what, where, who answers it and where it is in its workflow."""

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
    version = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=_("version")
    )  # every transition adds one
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
    access_key_hash = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False, verbose_name=_("access key digest")
    )
    confirmation_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("confirmation expires")
    )

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
    open311_token = models.CharField(
        max_length=40, unique=True, null=True, blank=True, editable=False, verbose_name=_("Open311 token")
    )
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

    # Labels the services store in English (a stable key, not the language of whoever acted);
    # they are translated when shown.
    ACTOR_LABELS = {
        "applicant (e-mail)": _("applicant (e-mail)"),
        "e-mail": _("e-mail"),
        "routing": _("routing: the service has no staff on the portal"),
    }

    @property
    def actor_label_display(self) -> str:
        return str(self.ACTOR_LABELS.get(self.actor_label, self.actor_label))

    @staticmethod
    def status_label(status: str) -> str:
        """A stored status ("submitted") as people read it, in the page's language."""
        return str(Request.Status(status).label) if status in Request.Status.values else status

    @property
    def to_status_label(self) -> str:
        return self.status_label(self.to_status)

    @property
    def from_status_label(self) -> str:
        return self.status_label(self.from_status)


class RegistrationCounter(models.Model):
    """The last registration number given in a year (numbers are `YYYY-NNNNNN`)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")
