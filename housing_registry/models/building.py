# Over 400 lines: the building data sheet is one model of about a hundred validated fields, grouped by section.
"""The building data sheet: one row per block of flats, every value validated here.

Unknown values are NULL (or an empty string for text and choices) and are shown as
"unknown", never as zero; a zero is a known zero (e.g. no non-residential premises).
The rules that tie fields together live in `Building.clean()`, so the sheet forms, the
bulk import and the demo loader all refuse the same things with the same messages.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import SourcedModel

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,22}$",
    _("Enter a phone number of digits, spaces, brackets and dashes, e.g. +380 5348 4-41-01."),
)
CADASTRAL_VALIDATOR = RegexValidator(
    r"^\d{10}:\d{2}:\d{3}:\d{4}$",
    _("A cadastral number looks like 5310900000:01:001:0001 (10:2:3:4 digits)."),
)
REGISTRY_VALIDATOR = RegexValidator(
    r"^\d{6,13}$", _("A registry number is 6 to 13 digits (the real estate register's object number).")
)
AREA_VALIDATORS = [MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("300000.0"))]
ELEVATOR_CAPACITY = (100, 2000)  # kg
MAX_ELEVATORS_PER_ENTRANCE = 4


def _area_field(label):
    return models.DecimalField(
        label, max_digits=9, decimal_places=1, null=True, blank=True, validators=AREA_VALIDATORS
    )


def _year_field(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )


class Building(SourcedModel):
    """A block of flats and its data sheet (sections: housing_registry.sections)."""

    class WallMaterial(models.TextChoices):
        PANEL = "panel", _("large panel")
        BRICK = "brick", _("brick")
        BLOCK = "block", _("concrete block")
        MONOLITH = "monolith", _("monolithic concrete")

    class ManagementForm(models.TextChoices):
        CONDOMINIUM = "condominium", _("condominium (ОСББ)")
        MANAGING_COMPANY = "managing_company", _("managing company")
        COUNCIL = "council", _("city council")

    class RoofType(models.TextChoices):
        FLAT_ROLL = "flat_roll", _("flat, bitumen roll")
        FLAT_MEMBRANE = "flat_membrane", _("flat, membrane")
        PITCHED_SLATE = "pitched_slate", _("pitched, slate")
        PITCHED_METAL = "pitched_metal", _("pitched, metal")

    class HeatingType(models.TextChoices):
        CENTRAL = "central", _("central (district heating)")
        BOILER_HOUSE = "boiler_house", _("own boiler house")
        INDIVIDUAL = "individual", _("individual (per apartment)")

    class ColdWater(models.TextChoices):
        CENTRAL = "central", _("central water main")
        LOCAL = "local", _("local well")

    class HotWater(models.TextChoices):
        CENTRAL = "central", _("central hot water")
        INDIVIDUAL = "individual", _("water heaters in apartments")
        NONE = "none", _("none")

    class Sewerage(models.TextChoices):
        CENTRAL = "central", _("central sewer")
        LOCAL = "local", _("local (septic tank)")

    class GasSupply(models.TextChoices):
        NETWORK = "network", _("mains gas")
        NONE = "none", _("not supplied")

    class Stoves(models.TextChoices):
        GAS = "gas", _("gas stoves")
        ELECTRIC = "electric", _("electric stoves")

    class TechnicalState(models.TextChoices):
        GOOD = "good", _("good")
        SATISFACTORY = "satisfactory", _("satisfactory")
        UNSATISFACTORY = "unsatisfactory", _("unsatisfactory")
        EMERGENCY = "emergency", _("emergency (unsafe)")

    class EnergyClass(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"
        E = "E", "E"
        F = "F", "F"
        G = "G", "G"

    class ElevatorState(models.TextChoices):
        WORKING = "working", _("working")
        NEEDS_REPAIR = "needs_repair", _("needs repair")
        OUT_OF_SERVICE = "out_of_service", _("out of service")

    # -- identification ----------------------------------------------------------------
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
    cadastral_number = models.CharField(
        _("cadastral number"), max_length=22, blank=True, validators=[CADASTRAL_VALIDATOR]
    )
    registry_number = models.CharField(
        _("registry number"),
        max_length=13,
        blank=True,
        validators=[REGISTRY_VALIDATOR],
        help_text=_("The object's number in the state register of real estate."),
    )

    # -- construction ------------------------------------------------------------------
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    series = models.CharField(
        _("series / project"), max_length=60, blank=True, help_text=_("e.g. 1-464А, 111-121")
    )
    wall_material = models.CharField(
        _("wall material"), max_length=20, choices=WallMaterial.choices, blank=True
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
    non_residential_premises = models.PositiveSmallIntegerField(
        _("non-residential premises"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(500)],
        help_text=_("Shops, offices and other premises that are not apartments (0 if none)."),
    )
    total_area = _area_field(_("total area, m²"))
    living_area = _area_field(_("living area, m²"))
    common_area = _area_field(_("common areas, m²"))
    roof_type = models.CharField(_("roof"), max_length=20, choices=RoofType.choices, blank=True)
    has_basement = models.BooleanField(_("basement"), null=True, blank=True)
    has_technical_floor = models.BooleanField(_("technical floor"), null=True, blank=True)

    # -- engineering systems -------------------------------------------------------------
    heating_type = models.CharField(
        pgettext_lazy("building system", "heating"), max_length=20, choices=HeatingType.choices, blank=True
    )
    heating_provider = models.ForeignKey(
        "citizen_requests.Service",
        verbose_name=_("heat supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heated_buildings",
        limit_choices_to={"kind": "utility"},
    )
    has_heat_meter = models.BooleanField(_("building heat meter"), null=True, blank=True)
    cold_water = models.CharField(_("cold water"), max_length=20, choices=ColdWater.choices, blank=True)
    hot_water = models.CharField(_("hot water"), max_length=20, choices=HotWater.choices, blank=True)
    sewerage = models.CharField(_("sewerage"), max_length=20, choices=Sewerage.choices, blank=True)
    has_water_meter = models.BooleanField(_("building water meter"), null=True, blank=True)
    gas_supply = models.CharField(_("gas"), max_length=20, choices=GasSupply.choices, blank=True)
    stoves = models.CharField(_("kitchen stoves"), max_length=20, choices=Stoves.choices, blank=True)
    has_gas_meter = models.BooleanField(_("building gas meter"), null=True, blank=True)
    has_electricity_meter = models.BooleanField(_("common-area electricity meter"), null=True, blank=True)
    # [{"entrance": 1, "year": 1986, "state": "working", "capacity_kg": 400}, ...]: kept in the
    # sheet row so that history, diff and restore cover the elevators with the rest.
    elevators = models.JSONField(_("elevators"), default=list, blank=True)

    # -- management ----------------------------------------------------------------------
    management_form = models.CharField(
        _("management form"), max_length=20, choices=ManagementForm.choices, blank=True
    )
    condominium_name = models.CharField(_("condominium name"), max_length=255, blank=True)
    condominium_chair = models.CharField(_("condominium chair"), max_length=120, blank=True)
    chair_phone = models.CharField(
        _("chair's phone"), max_length=40, blank=True, validators=[PHONE_VALIDATOR]
    )
    managing_company = models.ForeignKey(
        "citizen_requests.Service",
        verbose_name=_("managing company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_buildings",
        limit_choices_to={"kind": "utility"},
    )
    responsible_person = models.CharField(_("responsible person"), max_length=120, blank=True)
    responsible_phone = models.CharField(
        _("responsible person's phone"), max_length=40, blank=True, validators=[PHONE_VALIDATOR]
    )
    emergency_phone = models.CharField(
        _("emergency phone"), max_length=40, blank=True, validators=[PHONE_VALIDATOR]
    )

    # -- condition ----------------------------------------------------------------------
    technical_state = models.CharField(
        _("technical state"), max_length=20, choices=TechnicalState.choices, blank=True
    )
    last_major_repair_year = _year_field(_("last major repair (year)"))
    last_current_repair_year = _year_field(_("last current repair (year)"))
    energy_class = models.CharField(
        _("energy efficiency class"), max_length=1, choices=EnergyClass.choices, blank=True
    )
    has_ramp = models.BooleanField(_("ramp at the entrance"), null=True, blank=True)
    has_wheelchair_lift = models.BooleanField(_("wheelchair lift"), null=True, blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)

    # -- notes ----------------------------------------------------------------------------
    notes = models.TextField(_("notes"), blank=True)

    # Optimistic locking: every saved change adds one; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        verbose_name=_("building (history)"),
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["address"]
        # The registry's list (and its API) pages through buildings by address.
        indexes = [models.Index(fields=["address", "id"], name="building_address_id")]
        constraints = [
            models.UniqueConstraint(fields=["street", "house_number"], name="building_unique_address"),
            models.UniqueConstraint(
                fields=["registry_number"],
                condition=~Q(registry_number=""),
                name="building_unique_registry_number",
                violation_error_message=_("Another building has this registry number."),
            ),
            models.CheckConstraint(
                condition=Q(living_area__isnull=True)
                | Q(total_area__isnull=True)
                | Q(living_area__lte=models.F("total_area")),
                name="building_living_area_within_total",
            ),
        ]
        permissions = [
            ("edit_all_sections", _("Can edit every section of every building sheet")),
        ]

    def __str__(self) -> str:
        return self.address

    # -- validation ----------------------------------------------------------------------
    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        this_year = timezone.localdate().year
        if self.year_built and self.year_built > this_year:
            add(
                "year_built",
                _("The building cannot be built after this year (%(year)s).") % {"year": this_year},
            )
        for field in ("living_area", "common_area"):
            value = getattr(self, field)
            if value is not None and self.total_area is not None and value > self.total_area:
                add(
                    field,
                    _("Cannot be larger than the total area (%(total)s m²).") % {"total": self.total_area},
                )
        if (
            self.living_area is not None
            and self.common_area is not None
            and self.total_area is not None
            and self.living_area + self.common_area > self.total_area
        ):
            add("common_area", _("Living and common areas together exceed the total area."))
        if self.apartments and self.floors and self.entrances:
            if self.apartments > self.floors * self.entrances * 12:
                add("apartments", _("More than 12 apartments per floor and entrance is not believable."))
        for field in ("last_major_repair_year", "last_current_repair_year"):
            year = getattr(self, field)
            if year is None:
                continue
            if year > this_year:
                add(field, _("A repair cannot be in the future (after %(year)s).") % {"year": this_year})
            if self.year_built and year < self.year_built:
                add(
                    field,
                    _("A repair cannot be before the building was built (%(year)s).")
                    % {"year": self.year_built},
                )
        if self.heating_type == self.HeatingType.INDIVIDUAL and self.heating_provider_id:
            add("heating_provider", _("Individual heating has no heat supplier; clear the supplier."))
        if self.heating_type == self.HeatingType.INDIVIDUAL and self.has_heat_meter:
            add("has_heat_meter", _("Individual heating has no building heat meter."))
        if self.stoves == self.Stoves.GAS and self.gas_supply == self.GasSupply.NONE:
            add("stoves", _("Gas stoves need mains gas; the gas supply says it is not supplied."))
        if self.gas_supply == self.GasSupply.NONE and self.has_gas_meter:
            add("has_gas_meter", _("A building without gas has no gas meter."))
        if self.management_form == self.ManagementForm.CONDOMINIUM and not self.condominium_name:
            add("condominium_name", _("A condominium (ОСББ) needs its name."))
        if self.management_form != self.ManagementForm.CONDOMINIUM:
            for field in ("condominium_name", "condominium_chair", "chair_phone"):
                if getattr(self, field):
                    add(field, _("Only a building managed by a condominium (ОСББ) has this."))
        if self.registry_number and REGISTRY_VALIDATOR.regex.match(self.registry_number):
            taken = Building.objects.filter(registry_number=self.registry_number).exclude(pk=self.pk).first()
            if taken is not None:
                add(
                    "registry_number",
                    _("This registry number belongs to %(address)s.") % {"address": taken.address},
                )
        for field in ("heating_provider", "managing_company"):
            related = getattr(self, field)
            if related is not None and related.kind != "utility":
                add(field, _("Choose a utility company."))
        elevator_errors = elevators_problems(
            self.elevators, entrances=self.entrances, year_built=self.year_built
        )
        if elevator_errors:
            errors.setdefault("elevators", []).extend(elevator_errors)
        if errors:
            raise ValidationError(errors)

    # -- reading -------------------------------------------------------------------------
    @property
    def elevator_count(self) -> int:
        return len(self.elevators or [])

    def elevators_by_entrance(self) -> list[tuple[int, list[dict]]]:
        by: dict[int, list[dict]] = {}
        for e in self.elevators or []:
            by.setdefault(e.get("entrance"), []).append(e)
        return sorted(by.items(), key=lambda kv: kv[0] or 0)


def elevators_problems(elevators, *, entrances: int | None, year_built: int | None) -> list[str]:
    """What is wrong with an elevators list (empty when it is fine); messages name the row."""
    if elevators in (None, ""):
        return []
    if not isinstance(elevators, list):
        return [str(_("Elevators must be a list."))]
    problems: list[str] = []
    states = set(Building.ElevatorState.values)
    this_year = timezone.localdate().year
    per_entrance: dict[int, int] = {}
    for n, item in enumerate(elevators, start=1):
        prefix = _("Elevator %(n)s") % {"n": n}
        if not isinstance(item, dict):
            problems.append(f"{prefix}: " + _("not a record"))
            continue
        unknown = set(item) - {"entrance", "year", "state", "capacity_kg"}
        if unknown:
            problems.append(f"{prefix}: " + _("unknown fields %(f)s") % {"f": ", ".join(sorted(unknown))})
        entrance = item.get("entrance")
        if not isinstance(entrance, int) or isinstance(entrance, bool) or entrance < 1:
            problems.append(f"{prefix}: " + _("the entrance must be a number from 1"))
        elif entrances and entrance > entrances:
            problems.append(
                f"{prefix}: "
                + _("entrance %(e)s does not exist (the building has %(n)s)")
                % {"e": entrance, "n": entrances}
            )
        else:
            per_entrance[entrance] = per_entrance.get(entrance, 0) + 1
            if per_entrance[entrance] == MAX_ELEVATORS_PER_ENTRANCE + 1:
                problems.append(
                    f"{prefix}: "
                    + _("more than %(n)s elevators in entrance %(e)s")
                    % {"n": MAX_ELEVATORS_PER_ENTRANCE, "e": entrance}
                )
        year = item.get("year")
        if year is not None:
            if not isinstance(year, int) or isinstance(year, bool) or not 1950 <= year <= this_year:
                problems.append(f"{prefix}: " + _("the year must be 1950–%(y)s") % {"y": this_year})
            elif year_built and year < year_built - 1:
                problems.append(
                    f"{prefix}: " + _("installed before the building was built (%(y)s)") % {"y": year_built}
                )
        if item.get("state") not in states:
            problems.append(
                f"{prefix}: " + _("the state must be one of %(s)s") % {"s": ", ".join(sorted(states))}
            )
        capacity = item.get("capacity_kg")
        lo, hi = ELEVATOR_CAPACITY
        if capacity is not None and (
            not isinstance(capacity, int) or isinstance(capacity, bool) or not lo <= capacity <= hi
        ):
            problems.append(f"{prefix}: " + _("the capacity must be %(lo)s–%(hi)s kg") % {"lo": lo, "hi": hi})
    return problems
