"""Documents attached to a building's sheet: technical passport scans, acts, photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def _document_path(instance, filename: str) -> str:
    return f"housing/buildings/{instance.building_id}/{filename}"


class BuildingDocument(models.Model):
    """A file kept with a building's sheet, under MEDIA_ROOT, served to staff only."""

    class Kind(models.TextChoices):
        TECHNICAL_PASSPORT = "technical_passport", _("technical passport")
        ACT = "act", _("act")
        PHOTO = "photo", _("photo")
        OTHER = "other", _("other")

    building = models.ForeignKey(
        "housing_registry.Building",
        verbose_name=_("building"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building document")
        verbose_name_plural = _("building documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title
