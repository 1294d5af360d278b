"""District, city and hexagon aggregates of the per-building results (stored, not per view).

Population is a building's known resident count, else apartments × the average household
size; a building with neither is *unknown*: it keeps its distance, is counted among the
buildings with unknown population, and adds nothing to the population figures (never zero
residents pretending to be known). Median and 90th percentile are over residents (a building
weighs as many residents as it houses) of the buildings a facility is reachable from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from coverage.models import BuildingCoverage, CoverageHexagon, CoverageSummary, HexCell, ServiceType

UNREACHABLE_CLASS = 5
UNCONNECTED_CLASS = 6
Status = BuildingCoverage.Status


def population_sql(building: str = "b", residents: str = "rc") -> str:
    """SQL for a building's population (NULL when unknown); needs the resident count joined."""
    size = float(settings.MISTO_COVERAGE_HOUSEHOLD_SIZE)
    return f"coalesce({residents}.residents::float8, {building}.apartments * {size!r}::float8)"


def distance_class(distance: float | None, status: str, bounds: list[float]) -> int:
    """0..4 by the service type's class bounds (½, 1, 1½, 2 thresholds and beyond), then
    unreachable and not connected."""
    if status == Status.UNCONNECTED:
        return UNCONNECTED_CLASS
    if status == Status.UNREACHABLE or distance is None:
        return UNREACHABLE_CLASS
    return sum(1 for bound in bounds if distance > bound)


def weighted_percentile(pairs: list[tuple[float, float]], q: float) -> float | None:
    """The smallest distance within which at least `q` of the weight lives."""
    pairs = sorted((d, w) for d, w in pairs if w and w > 0)
    total = sum(w for _d, w in pairs)
    if total <= 0:
        return None
    running = 0.0
    for distance, weight in pairs:
        running += weight
        if running >= q * total - 1e-9:
            return distance
    return pairs[-1][0]


@dataclass
class Aggregate:
    buildings: int = 0
    population: float = 0.0
    unknown_population_buildings: int = 0
    buildings_within: int = 0
    population_within: float = 0.0
    unreachable_buildings: int = 0
    unreachable_population: float = 0.0
    unconnected_buildings: int = 0
    unconnected_population: float = 0.0
    reached: list[tuple[float, float]] = field(default_factory=list)
    distances: list[float] = field(default_factory=list)
    classes: dict[int, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))

    def add(
        self, *, status: str, distance: float | None, population: float | None, threshold: float, cls: int
    ):
        known = population is not None
        pop = population or 0.0
        self.buildings += 1
        self.population += pop
        self.unknown_population_buildings += 0 if known else 1
        self.classes[cls][0] += 1
        self.classes[cls][1] += pop
        if status == Status.OK:
            self.distances.append(distance)
            if known:
                self.reached.append((distance, pop))
            if distance <= threshold:
                self.buildings_within += 1
                self.population_within += pop
        elif status == Status.UNREACHABLE:
            self.unreachable_buildings += 1
            self.unreachable_population += pop
        else:
            self.unconnected_buildings += 1
            self.unconnected_population += pop

    @property
    def share_within(self) -> float | None:
        return self.population_within / self.population if self.population > 0 else None

    def median(self) -> float | None:
        weighted = weighted_percentile(self.reached, 0.5)
        if weighted is not None:
            return weighted
        # No resident figures at all: fall back to buildings, so the distance is still shown.
        return weighted_percentile([(d, 1.0) for d in self.distances], 0.5)

    def p90(self) -> float | None:
        weighted = weighted_percentile(self.reached, 0.9)
        if weighted is not None:
            return weighted
        return weighted_percentile([(d, 1.0) for d in self.distances], 0.9)

    def class_rows(self) -> list[dict]:
        return [
            {"cls": cls, "buildings": self.classes[cls][0], "population": round(self.classes[cls][1], 1)}
            for cls in range(UNCONNECTED_CLASS + 1)
        ]


def result_rows(service_type: ServiceType) -> list[tuple]:
    """(building, district, hex_i, hex_j, status, network_m, population) of every result."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            select r.building_id, b.district_id, a.hex_i, a.hex_j, r.status, r.network_m,
                   {population_sql()} population
              from coverage_buildingcoverage r
              join housing_registry_building b on b.id = r.building_id
              left join coverage_residentcount rc on rc.building_id = b.id
              left join coverage_buildingaccess a on a.building_id = b.id
             where r.service_type_id = %s
            """,
            [service_type.pk],
        )
        return cursor.fetchall()


def aggregate(service_type: ServiceType, rows: list[tuple]) -> tuple[Aggregate, dict, dict]:
    """City, per-district and per-hexagon aggregates of result rows."""
    threshold = float(service_type.threshold_m)
    bounds = service_type.class_bounds()
    city = Aggregate()
    districts: dict[int | None, Aggregate] = defaultdict(Aggregate)
    hexagons: dict[tuple[int, int], Aggregate] = defaultdict(Aggregate)
    for _building, district, hex_i, hex_j, status, distance, population in rows:
        cls = distance_class(distance, status, bounds)
        values = dict(status=status, distance=distance, population=population, threshold=threshold, cls=cls)
        city.add(**values)
        districts[district].add(**values)
        if hex_i is not None:
            hexagons[(hex_i, hex_j)].add(**values)
    return city, districts, hexagons


def summaries_refresh(*, service_type: ServiceType) -> Aggregate:
    """Recompute and store the city, district and hexagon figures of one service type."""
    city, districts, hexagons = aggregate(service_type, result_rows(service_type))
    CoverageSummary.objects.filter(service_type=service_type).delete()
    CoverageHexagon.objects.filter(service_type=service_type).delete()
    summaries = [_summary(service_type, None, city)]
    summaries += [_summary(service_type, d, agg) for d, agg in districts.items() if d is not None]
    CoverageSummary.objects.bulk_create(summaries)
    cells = {(c.i, c.j): c.pk for c in HexCell.objects.only("id", "i", "j")}
    bounds = service_type.class_bounds()
    rows = []
    for key, agg in hexagons.items():
        if key not in cells:
            continue
        median = agg.median()
        if agg.buildings == agg.unconnected_buildings:
            cls = UNCONNECTED_CLASS
        elif median is None:
            cls = UNREACHABLE_CLASS
        else:
            cls = distance_class(median, Status.OK, bounds)
        rows.append(
            CoverageHexagon(
                service_type=service_type,
                cell_id=cells[key],
                buildings=agg.buildings,
                population=round(agg.population, 1),
                population_within=round(agg.population_within, 1),
                share_within=agg.share_within,
                median_m=median,
                distance_class=cls,
            )
        )
    CoverageHexagon.objects.bulk_create(rows, batch_size=2000)
    return city


def _summary(service_type: ServiceType, district_id: int | None, agg: Aggregate) -> CoverageSummary:
    return CoverageSummary(
        service_type=service_type,
        district_id=district_id,
        buildings=agg.buildings,
        population=round(agg.population, 1),
        unknown_population_buildings=agg.unknown_population_buildings,
        buildings_within=agg.buildings_within,
        population_within=round(agg.population_within, 1),
        share_within=agg.share_within,
        median_m=agg.median(),
        p90_m=agg.p90(),
        unreachable_buildings=agg.unreachable_buildings,
        unreachable_population=round(agg.unreachable_population, 1),
        unconnected_buildings=agg.unconnected_buildings,
        unconnected_population=round(agg.unconnected_population, 1),
        classes=agg.class_rows(),
    )
