"""Who answers residents: municipal services (departments and utility companies) and the
areas each serves. Requests, routing rules and the workflow build on these."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualNameModel, SourcedModel


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
