"""The city's territory: its boundary, districts (microdistricts), streets and barriers."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameModel, SourcedModel


class Municipality(BilingualNameModel, SourcedModel):
    """The territory the portal serves (the hromada). Requests outside it are refused."""

    katotth = models.CharField(_("KATOTTH code"), max_length=30, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    attribution = models.CharField(_("attribution"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class District(BilingualNameModel, SourcedModel):
    """A microdistrict of the city: used for filters, reports and summaries."""

    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_uk"]


class Street(BilingualNameModel, SourcedModel):
    """A named street; its geometry is the set of its segments."""

    class Kind(models.TextChoices):
        STREET = "street", _("street")
        AVENUE = "avenue", _("avenue")
        BOULEVARD = "boulevard", _("boulevard")
        LANE = "lane", _("lane")
        PASSAGE = "passage", _("passage")
        ROAD = "road", _("road")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name_uk"]


class StreetSegment(SourcedModel):
    """A piece of street between two junctions: the edges of the walking network."""

    class RoadClass(models.TextChoices):
        PRIMARY = "primary", _("primary")
        SECONDARY = "secondary", _("secondary")
        RESIDENTIAL = "residential", _("residential")
        SERVICE = "service", _("service")

    street = models.ForeignKey(
        Street, on_delete=models.CASCADE, related_name="segments", verbose_name=_("street")
    )
    road_class = models.CharField(_("road class"), max_length=20, choices=RoadClass.choices)
    is_bridge = models.BooleanField(_("bridge"), default=False)
    is_crossing = models.BooleanField(_("railway crossing"), default=False)
    geometry = models.LineStringField(_("geometry"), srid=4326)

    class Meta:
        verbose_name = _("street segment")
        verbose_name_plural = _("street segments")

    def __str__(self) -> str:
        return f"{self.street} ({self.source_id})"


class Barrier(BilingualNameModel, SourcedModel):
    """Water and railway: drawn on the map and crossed only at bridges and crossings."""

    class Kind(models.TextChoices):
        WATER = "water", _("water")
        RAILWAY = "railway", _("railway")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    geometry = models.GeometryField(_("geometry"), srid=4326)

    class Meta:
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
