"""Service coverage: how far every home is from the nearest facility of each kind of service.

`ServiceType` is what staff edit (a named set of facility categories with a walking threshold
and speed). The walking network (`NetworkNode`, `NetworkEdge`) and the points where buildings
and facilities join it (`BuildingAccess`, `FacilityAccess`) are derived from the city's streets
by a recompute; `BuildingCoverage`, `CoverageSummary` and `CoverageHexagon` are its stored
results, so no page computes a route. `CoverageRun` records each recompute and its progress.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameModel


class ServiceType(BilingualNameModel):
    """A kind of service residents walk to: a set of facility categories, a threshold, a pace."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    categories = models.ManyToManyField(
        "facilities.Category",
        verbose_name=_("facility categories"),
        related_name="coverage_service_types",
        help_text=_("A facility of any of these categories serves this need."),
    )
    threshold_m = models.PositiveIntegerField(
        _("walking threshold (m)"),
        validators=[MinValueValidator(1), MaxValueValidator(50_000)],
        help_text=_("Homes within this walking distance count as covered."),
    )
    walking_speed_kmh = models.DecimalField(
        _("walking speed (km/h)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("4.5"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(
        _("shown on the public page"), default=True, help_text=_("Hidden types are analysed for staff only.")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold_m__gt=0), name="service_type_threshold_positive"),
            models.CheckConstraint(condition=Q(walking_speed_kmh__gt=0), name="service_type_speed_positive"),
        ]

    @property
    def metres_per_minute(self) -> float:
        return float(self.walking_speed_kmh) * 1000 / 60

    def class_bounds(self) -> list[float]:
        """Upper bounds (metres) of the distance classes the map colours: ½, 1, 1½ and 2 thresholds."""
        return [self.threshold_m * f for f in (0.5, 1.0, 1.5, 2.0)]


class ResidentCount(models.Model):
    """A known number of residents of a building; without it the apartments are multiplied by
    the average household size (setting MISTO_COVERAGE_HOUSEHOLD_SIZE)."""

    building = models.OneToOneField(
        "housing_registry.Building",
        verbose_name=_("building"),
        on_delete=models.CASCADE,
        related_name="resident_count",
    )
    residents = models.PositiveIntegerField(_("residents"), validators=[MaxValueValidator(20_000)])
    as_of = models.DateField(_("as of"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("resident count")
        verbose_name_plural = _("resident counts")

    def __str__(self) -> str:
        return f"{self.building}: {self.residents}"


# -- the walking network, derived from city.StreetSegment by a recompute ---------------------


class NetworkNode(models.Model):
    """A junction or dead end of the walking network; `component` numbers its connected part."""

    id = models.BigIntegerField(primary_key=True)
    point = models.PointField(srid=4326)
    component = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()


class NetworkEdge(models.Model):
    """A street segment as a routable edge (id = the segment's id), length in metres."""

    id = models.BigIntegerField(primary_key=True)
    segment = models.ForeignKey(
        "city.StreetSegment", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.BigIntegerField()
    target = models.BigIntegerField()
    length_m = models.FloatField()
    component = models.BigIntegerField(default=0)
    geom_utm = models.LineStringField(srid=32636)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["source"]), models.Index(fields=["target"])]


class NetworkBuild(models.Model):
    """The network as last built from the streets: its fingerprint and its connected parts."""

    fingerprint = models.CharField(max_length=120)
    nodes = models.PositiveIntegerField(default=0)
    edges = models.PositiveIntegerField(default=0)
    # Edges per connected part, largest first.
    component_sizes = models.JSONField(default=list)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    @property
    def components(self) -> int:
        return len(self.component_sizes)


class Access(models.Model):
    """Where a point joins the network: the nearest edge reachable without crossing water or
    the railway, how far along it (0..1 from its source node), and the walk to it in metres."""

    point = models.PointField(srid=4326)
    edge_id = models.BigIntegerField(null=True)
    fraction = models.FloatField(null=True)
    access_m = models.FloatField(null=True)
    component = models.BigIntegerField(null=True)
    connected = models.BooleanField(default=False)

    class Meta:
        abstract = True


class BuildingAccess(Access):
    building = models.OneToOneField(
        "housing_registry.Building", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    hex_i = models.IntegerField(null=True)
    hex_j = models.IntegerField(null=True)

    class Meta:
        default_permissions = ()


class FacilityAccess(Access):
    facility = models.OneToOneField(
        "facilities.Facility", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    category_id = models.BigIntegerField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["category_id"])]


class HexCell(models.Model):
    """A hexagon of the grid the public map aggregates buildings into (no single home shown)."""

    i = models.IntegerField()
    j = models.IntegerField()
    geometry = models.PolygonField(srid=4326)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["i", "j"], name="hex_cell_unique_ij")]


# -- results ----------------------------------------------------------------------------------


class BuildingCoverage(models.Model):
    """One building and one service type: its nearest facility along the streets and how far."""

    class Status(models.TextChoices):
        OK = "ok", _("reachable")
        UNREACHABLE = "unreachable", _("no facility reachable along the streets")
        UNCONNECTED = "unconnected", _("not connected to the street network")

    # The composite indexes below serve every lookup by type; single-column FK indexes would
    # only slow down writing 100,000 rows per type.
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    building = models.ForeignKey(
        "housing_registry.Building", on_delete=models.CASCADE, related_name="coverage_results"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # No database constraint: a closed (deleted) facility stays named here until the
    # incremental update that it triggers replaces the row.
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("nearest facility"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    network_m = models.FloatField(_("walking distance (m)"), null=True)
    minutes = models.FloatField(_("walking time (min)"), null=True)
    straight_facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("nearest facility as the crow flies"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    straight_m = models.FloatField(_("straight-line distance (m)"), null=True)

    class Meta:
        verbose_name = _("building coverage")
        verbose_name_plural = _("building coverage")
        default_permissions = ("view",)
        permissions = [
            ("run_coverage", _("Can start a coverage recompute")),
            ("analyse_coverage", _("Can see per-building coverage, site suggestions and what-if")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["service_type", "building"], name="coverage_one_per_building"),
        ]
        indexes = [
            models.Index(fields=["service_type", "facility"]),
            models.Index(fields=["service_type", "straight_facility"]),
        ]


class CoverageSummary(models.Model):
    """Aggregates of one service type for the city (district NULL) or one district."""

    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="summaries")
    district = models.ForeignKey("city.District", on_delete=models.CASCADE, null=True, related_name="+")
    buildings = models.PositiveIntegerField(default=0)
    population = models.FloatField(default=0)
    unknown_population_buildings = models.PositiveIntegerField(default=0)
    buildings_within = models.PositiveIntegerField(default=0)
    population_within = models.FloatField(default=0)
    share_within = models.FloatField(null=True)
    median_m = models.FloatField(null=True)
    p90_m = models.FloatField(null=True)
    unreachable_buildings = models.PositiveIntegerField(default=0)
    unreachable_population = models.FloatField(default=0)
    unconnected_buildings = models.PositiveIntegerField(default=0)
    unconnected_population = models.FloatField(default=0)
    # Population and buildings per distance class: [{"cls": 0..5, "population": .., "buildings": ..}]
    classes = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["service_type", "district"], name="coverage_summary_unique", nulls_distinct=False
            ),
        ]


class CoverageHexagon(models.Model):
    """Aggregates of one service type in one hexagon: what the public map colours."""

    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="hexagons")
    cell = models.ForeignKey(HexCell, on_delete=models.CASCADE, related_name="+")
    buildings = models.PositiveIntegerField()
    population = models.FloatField()
    population_within = models.FloatField()
    share_within = models.FloatField(null=True)
    median_m = models.FloatField(null=True)
    distance_class = models.PositiveSmallIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["service_type", "cell"], name="coverage_hexagon_unique"),
        ]


class CoverageRun(models.Model):
    """One recompute: full (every type), of one service type, or after facility changes."""

    class Kind(models.TextChoices):
        FULL = "full", _("full recompute")
        SERVICE_TYPE = "service_type", _("recompute of one service type")
        FACILITIES = "facilities", _("update after facility changes")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    service_type = models.ForeignKey(ServiceType, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For FACILITIES runs: [{"facility": id, "old_category": id|None, "new_category": id|None, "moved": bool}]
    changes = models.JSONField(default=list, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    # Things staff should know, as codes with parameters, rendered in the reader's language.
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    # Timings of the steps in seconds, for staff and the bench.
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0
