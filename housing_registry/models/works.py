"""The works log: repairs, emergencies, inspections and maintenance done on a building."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from housing_registry.models.building import PHONE_VALIDATOR

MAX_COST = Decimal("100000000")  # UAH: more than any single work on a block of flats


class Contractor(models.Model):
    """A company that does works on buildings (a utility's own staff is a contractor too)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    edrpou = models.CharField(
        _("EDRPOU code"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("An EDRPOU code is 8 digits."))],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[PHONE_VALIDATOR])
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkRecord(models.Model):
    """One work on a building (optionally one entrance and one system)."""

    class Kind(models.TextChoices):
        PLANNED_REPAIR = "planned_repair", _("planned repair")
        EMERGENCY = "emergency", _("emergency")
        INSPECTION = "inspection", _("inspection")
        MAINTENANCE = "maintenance", _("maintenance")

    class System(models.TextChoices):
        STRUCTURE = "structure", _("structure")
        ROOF = "roof", _("roof")
        FACADE = "facade", _("facade")
        BASEMENT = "basement", _("basement")
        HEATING = "heating", pgettext_lazy("building system", "heating")
        HOT_WATER = "hot_water", _("hot water")
        COLD_WATER = "cold_water", _("cold water")
        SEWERAGE = "sewerage", _("sewerage")
        GAS = "gas", _("gas")
        ELECTRICITY = "electricity", _("electricity")
        ELEVATOR = "elevator", _("elevator")
        GENERAL = "general", _("general")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    building = models.ForeignKey(
        "housing_registry.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="works",
    )
    entrance = models.PositiveSmallIntegerField(
        _("entrance"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    system = models.CharField(_("system"), max_length=20, choices=System.choices, default=System.GENERAL)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("work"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    done_date = models.DateField(_("date done"), null=True, blank=True)
    contractor = models.ForeignKey(
        Contractor,
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="works",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cost = models.DecimalField(
        _("cost, UAH"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_COST)],
    )
    notes = models.TextField(_("notes"), blank=True)
    # Demo and benchmark records carry a stable key so that reloading them changes nothing.
    source_id = models.CharField(_("source id"), max_length=100, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-planned_date", "-id"]
        indexes = [
            models.Index(fields=["status", "planned_date"], name="work_status_planned"),
            models.Index(fields=["planned_date"], name="work_planned"),
            models.Index(fields=["done_date"], name="work_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_date__isnull=False)
                | (~Q(status="done") & Q(done_date__isnull=True)),
                name="work_done_date_iff_done",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="work_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.building})"

    @property
    def is_overdue(self) -> bool:
        return self.status in self.OPEN_STATUSES and self.planned_date < timezone.localdate()

    def clean(self) -> None:
        errors: dict[str, list] = {}
        today = timezone.localdate()
        if self.status == self.Status.DONE and not self.done_date:
            errors.setdefault("done_date", []).append(_("A finished work needs the date it was done."))
        if self.status != self.Status.DONE and self.done_date:
            errors.setdefault("done_date", []).append(
                _("Only a finished work has a date done; set the status to done or clear the date.")
            )
        if self.done_date and self.done_date > today:
            errors.setdefault("done_date", []).append(_("The date done cannot be in the future."))
        if self.planned_date and not 2000 <= self.planned_date.year <= today.year + 10:
            errors.setdefault("planned_date", []).append(
                _("The planned date must be between 2000 and %(year)s.") % {"year": today.year + 10}
            )
        if self.entrance and self.building_id:
            entrances = self.building.entrances
            if entrances and self.entrance > entrances:
                errors.setdefault("entrance", []).append(
                    _("The building has %(n)s entrances.") % {"n": entrances}
                )
        if errors:
            raise ValidationError(errors)


def _attachment_path(instance, filename: str) -> str:
    return f"housing/works/{instance.work_id}/{filename}"


class WorkAttachment(models.Model):
    """An act, estimate or photo attached to a work record (served to staff only)."""

    work = models.ForeignKey(WorkRecord, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work attachment")
        verbose_name_plural = _("work attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title
