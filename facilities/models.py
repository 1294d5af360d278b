"""The facility directory: a category tree and the city's facilities with contact details."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db.models import Value
from django.db.models.functions import Concat, Lower, Replace
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from city.search import SearchKey
from core.models import BilingualNameModel, SourcedModel
from facilities import opening_hours

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #1f77b4."))


class Category(BilingualNameModel):
    """A node of the category tree: a group (no parent) or a category inside a group."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    icon = models.CharField(_("icon"), max_length=8, help_text=_("A short symbol drawn on the marker."))
    colour = models.CharField(_("colour"), max_length=7, validators=[colour_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Hidden categories are shown to staff only.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "slug"]


def _search_text():
    """Lower-cased names, address and operator with every apostrophe written as ' —
    so that "Кав'ярня", "кав’ярня" and "КАВʼЯРНЯ" find each other (see selectors.search_terms)."""
    text = Lower(
        Concat(
            "name_uk", Value(" "), "name_en", Value(" "), "address", Value(" "), "operator",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
    )  # fmt: skip
    for variant in ("’", "ʼ", "`", "‘"):
        text = Replace(text, Value(variant), Value("'"), output_field=models.TextField())
    return text


class Facility(BilingualNameModel, SourcedModel):
    """A place residents look for on the map: a school, a pharmacy, a stop, an office."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="facilities"
    )
    location = models.PointField(_("location"), srid=4326)
    address = models.CharField(_("address"), max_length=255, blank=True)
    district = models.ForeignKey(
        "city.District",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
    )
    phones = ArrayField(models.CharField(max_length=40), verbose_name=_("phones"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=255,
        blank=True,
        help_text=_("OpenStreetMap syntax, e.g. Mo-Fr 08:00-17:00; Sa 09:00-14:00"),
    )
    operator = models.CharField(_("operator"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    accessibility = models.CharField(_("accessibility notes"), max_length=255, blank=True)
    photo = models.ImageField(_("photo"), upload_to="facilities/%Y/", blank=True)
    data_source = models.CharField(_("data source"), max_length=255, blank=True)
    search_text = models.GeneratedField(
        expression=_search_text(),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("search text"),
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_uk"]
        indexes = [
            models.Index(fields=["category"]),
            # Search by key (city.search): no case, accents or apostrophes; typos by trigrams.
            GinIndex(OpClass(SearchKey("search_text"), name="gin_trgm_ops"), name="facility_search_key_trgm"),
        ]

    @property
    def opening_hours_text(self) -> str:
        """The opening hours in the active language ("Пн–Нд 08:00–20:00", "цілодобово")."""
        return opening_hours.display(self.opening_hours)

    def clean(self):
        super().clean()
        try:
            opening_hours.parse(self.opening_hours)
        except opening_hours.OpeningHoursError as exc:
            raise ValidationError({"opening_hours": str(exc)}) from None


class OpeningPeriod(models.Model):
    """One weekly period a facility is open, derived from its opening_hours text."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    opens = models.PositiveSmallIntegerField(_("opens (minutes after midnight)"))
    closes = models.PositiveSmallIntegerField(
        _("closes (minutes after midnight)"), validators=[MaxValueValidator(1440)]
    )
    months = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        # "Is this facility open now?" looks up one facility's periods for one weekday.
        indexes = [models.Index(fields=["facility", "weekday"], name="period_facility_weekday")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="period_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"{opening_hours.DAYS[self.weekday]} {self.opens // 60:02d}:{self.opens % 60:02d}-{self.closes // 60:02d}:{self.closes % 60:02d}"
