"""The housing registry: apartment buildings (staff only). The full data sheet grows here."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from portal.models import SourcedModel


class Building(SourcedModel):
    """A block of flats. Unknown values are NULL (shown as unknown), never zero."""

    class WallMaterial(models.TextChoices):
        PANEL = "panel", _("large panel")
        BRICK = "brick", _("brick")
        BLOCK = "block", _("concrete block")
        MONOLITH = "monolith", _("monolithic concrete")

    class ManagementForm(models.TextChoices):
        CONDOMINIUM = "condominium", _("condominium (ОСББ)")
        MANAGING_COMPANY = "managing_company", _("managing company")
        COUNCIL = "council", _("city council")

    footprint = models.MultiPolygonField(_("footprint"), srid=4326)
    street = models.ForeignKey(
        "city.Street", verbose_name=_("street"), on_delete=models.PROTECT, related_name="buildings"
    )
    house_number = models.CharField(_("house number"), max_length=20)
    address = models.CharField(_("address"), max_length=255)
    district = models.ForeignKey(
        "city.District",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    entrances = models.PositiveSmallIntegerField(
        _("entrances"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    apartments = models.PositiveIntegerField(
        _("apartments"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    wall_material = models.CharField(
        _("wall material"), max_length=20, choices=WallMaterial.choices, blank=True
    )
    management_form = models.CharField(
        _("management form"), max_length=20, choices=ManagementForm.choices, blank=True
    )
    condominium_name = models.CharField(_("condominium name"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["street", "house_number"], name="building_unique_address"),
        ]

    def __str__(self) -> str:
        return self.address
