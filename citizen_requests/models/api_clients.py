"""Open311 apps that file requests on residents' behalf."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """An app registered by staff to file requests through Open311; it holds one api_key.

    Only a hash of the key is kept: the key is shown once, when it is issued.
    """

    name = models.CharField(_("app name"), max_length=255)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False, verbose_name=_("key digest"))
    is_active = models.BooleanField(_("active"), default=True)
    is_document_system = models.BooleanField(
        _("document workflow system"),
        default=False,
        help_text=_("May report status updates and outgoing registration numbers of answers."),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=30, help_text=_("0: no limit (trusted apps only).")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used"))

    class Meta:
        verbose_name = _("Open311 app")
        verbose_name_plural = _("Open311 apps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Requests still being worked (not final, not unconfirmed): the queues' partial indexes.
