"""Pieces of data shape shared by the portal's apps."""

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
