"""Pieces of data shape shared by the portal's apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameModel(models.Model):
    """A name kept in Ukrainian (always) and English (optional, falls back to Ukrainian)."""

    name_uk = models.CharField(_("name (Ukrainian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "uk").startswith("en") and self.name_en:
            return self.name_en
        return self.name_uk


class SourcedModel(models.Model):
    """A record loaded from a data set: `source_id` is its stable key for re-imports."""

    source_id = models.CharField(_("source id"), max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        abstract = True


class UsedToken(models.Model):
    """A single-use token that has been spent (e.g. the request form's anti-bot time token).

    Kept in the database, not the cache: the web runs as several gunicorn processes and the default
    cache is per process, so a replay sent to another process would pass. Rows past `expires_at`
    are useless (the token's signature has expired too) and are deleted as new ones are written."""

    digest = models.CharField(max_length=64, primary_key=True)  # sha256 of purpose + token
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used token")
        verbose_name_plural = _("used tokens")

    def __str__(self) -> str:
        return self.digest[:12]


class ApiToken(models.Model):
    """A personal API token: what QGIS, GDAL or a script sends instead of the person's password
    (HTTP Basic with the token as the password, or `Authorization: Bearer <token>`), to
    /ogcapi/ and /api/v1/ only. Only a SHA-256 digest is kept; the token itself is shown once,
    when it is made. Revoking keeps the row (who had which token, and when it was last used)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, to tell tokens apart (never enough to use one).
    prefix = models.CharField(_("begins with"), max_length=16)
    digest = models.CharField(
        max_length=64, unique=True, verbose_name=_("SHA-256 digest")
    )  # sha256 of the whole token, hex
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
