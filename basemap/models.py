"""What the basemap draws beyond the city's streets, districts, water and buildings: green areas,
more water and landmarks from an OpenStreetMap extract (`import_osm --basemap-areas`) or the demo
city's green zones."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameModel, SourcedModel


class MapArea(BilingualNameModel, SourcedModel):
    """An area drawn under the streets: a park, a square, a wood, a lake."""

    class Kind(models.TextChoices):
        GREEN = "green", _("green area")
        WATER = "water", _("water")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=255, blank=True)
    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("basemap area")
        verbose_name_plural = _("basemap areas")
        ordering = ["kind", "name_uk"]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.source_id}"
