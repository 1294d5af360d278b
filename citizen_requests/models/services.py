"""Services that answer requests, the areas they cover and their staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameModel, SourcedModel


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
    """A staff member of a service; the position says what they do in the request workflow."""

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
