"""Which organisation answers for which sections of the building sheets, and who works there."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from housing_registry.sections import SECTION_CHOICES


class ResponsibleOrganisation(models.Model):
    """A service (department or utility company) responsible for some sheet sections.

    Its members may edit those sections of every building (permissions.py); e.g. a heating
    company answers for the heating section, a housing maintenance company for most of the
    technical ones, the housing department for all of them.
    """

    service = models.OneToOneField(
        "citizen_requests.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="registry_responsibility",
    )
    sections = ArrayField(
        models.CharField(max_length=30, choices=SECTION_CHOICES),
        verbose_name=_("sections"),
        default=list,
        blank=True,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="registry_organisations",
        blank=True,
    )

    class Meta:
        verbose_name = _("responsible organisation")
        verbose_name_plural = _("responsible organisations")
        ordering = ["service__name_uk"]

    def __str__(self) -> str:
        return str(self.service)
