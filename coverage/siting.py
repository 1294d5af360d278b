# Over 400 lines: the best-new-site search is one staged analysis (candidates, gains, greedy choice) that reads best in one place.
"""Where to put the next facility, and what closing or moving one would do (staff analysis).

Nothing here is stored: both read the stored results and compute along the same network with
pgRouting, in temp tables of the request's connection.

Site suggestion is greedy maximal coverage: among candidate sites (buildings, or a grid over
the built-up area when there are too many buildings), take the one that brings the most
residents who are now beyond the threshold within it, count them as covered, and repeat k
times. Greedy is within 1 − 1/e of the best k-set and exact for k = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils.translation import gettext as _

from city.selectors import municipality
from coverage import distances, network
from coverage.models import BuildingAccess, BuildingCoverage, ServiceType
from coverage.selectors import city_summary, is_english
from coverage.services import CoverageError
from coverage.summaries import population_sql
from facilities.models import Facility

CANDIDATE_BATCH = 100
MAX_K = 10
SOURCES = ("auto", "buildings", "grid")


@dataclass
class Candidate:
    key: int
    lon: float
    lat: float
    label: str
    edge_id: int | None = None
    fraction: float | None = None
    access_m: float | None = None


@dataclass
class Pick:
    rank: int
    candidate: Candidate
    residents: float
    buildings: int
    unknown_population_buildings: int
    population_within_after: float
    share_before: float | None
    share_after: float | None
    building_ids: list[int] = field(default_factory=list)


@dataclass
class Suggestion:
    service_type: ServiceType
    k: int
    source: str
    candidates: int
    population: float
    population_within: float
    uncovered_buildings: int
    picks: list[Pick]

    @property
    def share_before(self) -> float | None:
        return self.population_within / self.population if self.population else None


def _ensure_computed(service_type: ServiceType) -> None:
    if not BuildingAccess.objects.exists():
        raise CoverageError(_("Coverage has not been computed yet: start a recompute first."))
    if service_type.threshold_m <= 0:
        raise CoverageError(_("The walking threshold must be more than 0 m."))


def sites_suggest(*, service_type: ServiceType, k: int = 1, source: str = "auto") -> Suggestion:
    """The k candidate sites that bring the most residents within the type's threshold."""
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise CoverageError(_("Ask for between 1 and %(max)s new sites.") % {"max": MAX_K})
    if source not in SOURCES:
        raise CoverageError(_("Unknown kind of candidate sites: %(source)s.") % {"source": source})
    _ensure_computed(service_type)
    threshold = float(service_type.threshold_m)
    with connection.cursor() as cursor:
        try:
            population, within, uncovered = _uncovered(cursor, service_type)
            source, candidates = _candidates(cursor, source)
            gains = _candidate_gains(cursor, candidates, threshold) if uncovered else {}
        finally:
            distances.temp_tables_drop(cursor)
    picks = _greedy(k, candidates, gains, uncovered, population, within)
    return Suggestion(service_type, k, source, len(candidates), population, within, len(uncovered), picks)


def _uncovered(cursor, service_type: ServiceType) -> tuple[float, float, dict[int, float | None]]:
    """Total and covered population, and the connected buildings beyond the threshold."""
    cursor.execute(
        f"""
        drop table if exists _cov_unc;
        create temp table _cov_unc as
        select a.building_id, a.edge_id, a.fraction, a.access_m, {population_sql()} population,
               coalesce(r.status = 'ok' and r.network_m <= %(t)s, false) covered
          from coverage_buildingaccess a
          join housing_registry_building b on b.id = a.building_id
          left join coverage_residentcount rc on rc.building_id = b.id
          left join coverage_buildingcoverage r on r.building_id = a.building_id and r.service_type_id = %(type)s
         where a.connected;
        create index on _cov_unc (edge_id);
        """,
        {"t": service_type.threshold_m, "type": service_type.pk},
    )
    summary = city_summary(service_type)
    cursor.execute("select building_id, population, covered from _cov_unc")
    rows = cursor.fetchall()
    uncovered = {b: p for b, p, covered in rows if not covered}
    if summary is not None:
        population, within = summary.population, summary.population_within
    else:  # a type with no facilities yet: nobody is covered
        cursor.execute(
            f"""select coalesce(sum({population_sql()}), 0) from housing_registry_building b
                left join coverage_residentcount rc on rc.building_id = b.id"""
        )
        population, within = float(cursor.fetchone()[0]), 0.0
    cursor.execute("delete from _cov_unc where covered")
    return population, within, uncovered


def _candidates(cursor, source: str) -> tuple[str, list[Candidate]]:
    cap = settings.MISTO_COVERAGE_MAX_CANDIDATES
    if source in ("auto", "buildings"):
        count = BuildingAccess.objects.filter(connected=True).count()
        if count <= cap or source == "buildings":
            cursor.execute(
                """
                select a.building_id, st_x(a.point), st_y(a.point), b.address, a.edge_id, a.fraction, a.access_m
                  from coverage_buildingaccess a join housing_registry_building b on b.id = a.building_id
                 where a.connected order by a.building_id limit %s
                """,
                [cap],
            )
            return "buildings", [Candidate(*row) for row in cursor.fetchall()]
    return "grid", _grid_candidates(cursor, cap)


def _grid_candidates(cursor, cap: int) -> list[Candidate]:
    """Centres of the cells of a square grid (UTM metres) that hold at least one home, joined to
    the streets; the spacing grows until there are at most `cap` of them."""
    spacing = float(settings.MISTO_COVERAGE_GRID_M)
    while True:
        cursor.execute(
            """
            select distinct floor(st_x(pu) / %(s)s)::bigint i, floor(st_y(pu) / %(s)s)::bigint j
              from (select st_transform(point, %(utm)s) pu from coverage_buildingaccess where connected) p
             order by i, j
            """,
            {"s": spacing, "utm": network.UTM},
        )
        cells = cursor.fetchall()
        if len(cells) <= cap:
            break
        spacing *= 1.25
    cursor.execute(
        """
        select n, st_x(p), st_y(p) from (
          select n, st_transform(st_setsrid(st_makepoint((i + 0.5) * %(s)s, (j + 0.5) * %(s)s), %(utm)s), 4326) p
            from unnest(%(i)s::bigint[], %(j)s::bigint[]) with ordinality c(i, j, n)
        ) x order by n
        """,
        {"s": spacing, "utm": network.UTM, "i": [c[0] for c in cells], "j": [c[1] for c in cells]},
    )
    points = cursor.fetchall()
    snapped = network.points_snap([(key, lon, lat) for key, lon, lat in points])
    streets = _street_names([s["edge_id"] for s in snapped.values() if s["connected"]])
    candidates = []
    for key, lon, lat in points:
        s = snapped.get(key)
        if s and s["connected"]:
            label = _("near %(street)s") % {"street": streets.get(s["edge_id"], "—")}
            candidates.append(Candidate(key, lon, lat, label, s["edge_id"], s["fraction"], s["access_m"]))
    return candidates


def _street_names(edge_ids: list[int]) -> dict[int, str]:
    from city.models import StreetSegment

    return {
        seg.pk: seg.street.name
        for seg in StreetSegment.objects.filter(pk__in=edge_ids).select_related("street")
    }


def _candidate_gains(cursor, candidates: list[Candidate], threshold: float) -> dict[int, dict[int, float]]:
    """For every candidate, the uncovered buildings it would bring within the threshold."""
    gains: dict[int, dict[int, float]] = {}
    for start in range(0, len(candidates), CANDIDATE_BATCH):
        batch = candidates[start : start + CANDIDATE_BATCH]
        distances.sources_create(cursor)
        values = ",".join(
            cursor.mogrify("(%s, %s, %s, %s)", (c.key, c.edge_id, c.fraction, c.access_m)).decode()
            for c in batch
        )
        cursor.execute(f"insert into _cov_src (key, edge_id, fraction, access_m) values {values}")
        cursor.execute(
            f"""
            drop table if exists _cov_cand;
            create temp table _cov_cand as
            select row_number() over (order by key) rn, key, edge_id, fraction, access_m from _cov_src;
            drop table if exists _cov_cdd;
            create temp table _cov_cdd as
            select c.key, d.node, d.agg_cost
              from pgr_drivingDistance(%(edges)s, (select array_agg({distances.VIRTUAL} + rn) from _cov_cand),
                                       %(t)s::float8, false, false) d
              join _cov_cand c on c.rn = d.from_v - {distances.VIRTUAL}
             where d.node < {distances.VIRTUAL};
            create index on _cov_cdd (node);
            drop table if exists _cov_pairs;
            create temp table _cov_pairs as
            select key, building_id, min(d) d from (
                select dd.key, u.building_id, dd.agg_cost + u.fraction * e.length_m + u.access_m d
                  from _cov_cdd dd join coverage_networkedge e on e.source = dd.node join _cov_unc u on u.edge_id = e.id
              union all
                select dd.key, u.building_id, dd.agg_cost + (1 - u.fraction) * e.length_m + u.access_m
                  from _cov_cdd dd join coverage_networkedge e on e.target = dd.node join _cov_unc u on u.edge_id = e.id
              union all
                select c.key, u.building_id, c.access_m + abs(c.fraction - u.fraction) * e.length_m + u.access_m
                  from _cov_cand c join _cov_unc u on u.edge_id = c.edge_id join coverage_networkedge e on e.id = c.edge_id
            ) x group by key, building_id having min(d) <= %(t)s;
            """,
            {"edges": _CANDIDATE_EDGES_SQL, "t": threshold},
        )
        cursor.execute("select key, building_id from _cov_pairs")
        for key, building in cursor.fetchall():
            gains.setdefault(key, {})[building] = 1.0
    return gains


# One virtual node per candidate (id VIRTUAL + rn), joined to both ends of its edge.
_CANDIDATE_EDGES_SQL = f"""
select id, source, target, length_m as cost from coverage_networkedge
union all
select {distances.VIRTUAL} + 2 * c.rn, {distances.VIRTUAL} + c.rn, e.source, c.access_m + c.fraction * e.length_m
  from _cov_cand c join coverage_networkedge e on e.id = c.edge_id
union all
select {distances.VIRTUAL} + 2 * c.rn + 1, {distances.VIRTUAL} + c.rn, e.target,
       c.access_m + (1 - c.fraction) * e.length_m
  from _cov_cand c join coverage_networkedge e on e.id = c.edge_id
"""


def _greedy(k, candidates, gains, uncovered, population, within) -> list[Pick]:
    by_key = {c.key: c for c in candidates}
    remaining = {key: set(buildings) for key, buildings in gains.items()}
    covered: set[int] = set()
    picks: list[Pick] = []
    running = within
    for rank in range(1, k + 1):
        best, best_score = None, None
        for key in sorted(remaining):
            fresh = remaining[key] - covered
            residents = sum(uncovered.get(b) or 0.0 for b in fresh)
            score = (round(residents, 6), len(fresh))
            if best_score is None or score > best_score:
                best, best_score = key, score
        if best is None or best_score == (0, 0):
            break
        fresh = remaining.pop(best) - covered
        covered |= fresh
        residents = sum(uncovered.get(b) or 0.0 for b in fresh)
        before = running
        running += residents
        picks.append(
            Pick(
                rank=rank,
                candidate=by_key[best],
                residents=residents,
                buildings=len(fresh),
                unknown_population_buildings=sum(1 for b in fresh if uncovered.get(b) is None),
                population_within_after=running,
                share_before=before / population if population else None,
                share_after=running / population if population else None,
                building_ids=sorted(fresh),
            )
        )
    return picks


# -- what if a facility closed or moved --------------------------------------------------------


@dataclass
class WhatIfBuilding:
    building_id: int
    address: str
    district: str | None
    population: float | None
    before_m: float | None
    after_m: float | None
    after_facility: str | None


@dataclass
class WhatIf:
    service_type: ServiceType
    facility: Facility
    action: str
    population: float
    within_before: float
    within_after: float
    lost: list[WhatIfBuilding]
    gained: list[WhatIfBuilding]
    farther: int
    nearer: int
    districts: list[dict]

    @property
    def share_before(self) -> float | None:
        return self.within_before / self.population if self.population else None

    @property
    def share_after(self) -> float | None:
        return self.within_after / self.population if self.population else None

    @property
    def residents_lost(self) -> float:
        return sum(b.population or 0 for b in self.lost)

    @property
    def residents_gained(self) -> float:
        return sum(b.population or 0 for b in self.gained)


def facility_what_if(
    *,
    service_type: ServiceType,
    facility: Facility,
    action: str,
    lon: float | None = None,
    lat: float | None = None,
) -> WhatIf:
    """Who would lose (or gain) coverage if `facility` closed, or moved to (lon, lat)."""
    _ensure_computed(service_type)
    if action not in ("close", "move"):
        raise CoverageError(_("Choose whether the facility closes or moves."))
    if not service_type.categories.filter(pk=facility.category_id).exists():
        raise CoverageError(
            _("%(facility)s is not a facility of “%(type)s”.")
            % {"facility": facility.name, "type": service_type.name}
        )
    if not BuildingCoverage.objects.filter(service_type=service_type).exists():
        raise CoverageError(_("“%(type)s” has no computed results yet.") % {"type": service_type.name})
    moved = None
    if action == "move":
        moved = _moved_place(lon, lat)
    category_ids = list(service_type.categories.values_list("id", flat=True))
    with connection.cursor() as cursor:
        try:
            distances.sources_from_facilities(cursor, category_ids=category_ids, exclude=[facility.pk])
            if moved is not None:
                cursor.execute(
                    """insert into _cov_src (key, edge_id, fraction, access_m, point, connected)
                       values (%s, %s, %s, %s, st_setsrid(st_makepoint(%s, %s), 4326), true)""",
                    [facility.pk, moved["edge_id"], moved["fraction"], moved["access_m"], lon, lat],
                )
            distances.nearest_nodes(cursor)
            distances.nearest_for_buildings(cursor)
            rows = _compare(cursor, service_type)
        finally:
            distances.temp_tables_drop(cursor)
    return _what_if_result(service_type, facility, action, rows)


def _moved_place(lon, lat) -> dict:
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoverageError(_("Give the new place of the facility (click the map)."))
    city = municipality()
    if city is not None and not city.boundary.contains(Point(lon, lat, srid=4326)):
        raise CoverageError(_("The new place is outside the city."))
    snapped = network.points_snap([(1, lon, lat)]).get(1)
    if not snapped or not snapped["connected"]:
        raise CoverageError(_("The new place has no street within reach; choose a place next to a street."))
    return snapped


def _compare(cursor, service_type: ServiceType) -> list[tuple]:
    name = "name_en" if is_english() else "name_uk"
    cursor.execute(
        f"""
        select r.building_id, b.address, coalesce(nullif(d.{name}, ''), d.name_uk), {population_sql()},
               case when r.status = 'ok' then r.network_m end, bd.network_m,
               coalesce(nullif(f.{name}, ''), f.name_uk)
          from coverage_buildingcoverage r
          join housing_registry_building b on b.id = r.building_id
          left join coverage_residentcount rc on rc.building_id = b.id
          left join city_district d on d.id = b.district_id
          left join _cov_bd bd on bd.building_id = r.building_id
          left join facilities_facility f on f.id = bd.src
         where r.service_type_id = %s and r.status <> 'unconnected'
         order by b.address
        """,
        [service_type.pk],
    )
    return cursor.fetchall()


def _what_if_result(service_type, facility, action, rows) -> WhatIf:
    t = float(service_type.threshold_m)
    population = within_before = within_after = 0.0
    lost, gained, farther, nearer = [], [], 0, 0
    districts: dict[str, dict] = {}
    for building_id, address, district, pop, before, after, after_facility in rows:
        p = pop or 0.0
        was = before is not None and before <= t
        now = after is not None and after <= t
        population += p
        within_before += p if was else 0.0
        within_after += p if now else 0.0
        row = districts.setdefault(
            district or "—", {"district": district or "—", "lost": 0.0, "gained": 0.0, "lost_buildings": 0}
        )
        entry = WhatIfBuilding(building_id, address, district, pop, before, after, after_facility)
        if was and not now:
            lost.append(entry)
            row["lost"] += p
            row["lost_buildings"] += 1
        elif now and not was:
            gained.append(entry)
            row["gained"] += p
        if before is not None and (after is None or after > before + 0.01):
            farther += 1
        elif after is not None and (before is None or after < before - 0.01):
            nearer += 1
    summary = city_summary(service_type)
    if summary is not None:  # homes not connected count in the total, as on the public page
        population = summary.population
    changed = sorted((d for d in districts.values() if d["lost"] or d["gained"] or d["lost_buildings"]),
                     key=lambda d: -d["lost"])  # fmt: skip
    return WhatIf(service_type, facility, action, population, within_before, within_after, lost, gained,
                  farther, nearer, changed)  # fmt: skip
