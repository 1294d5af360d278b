"""District, city and hexagon aggregates of the per-building results (stored, not per view).

Population is a building's known resident count, else apartments × the average household
size; a building with neither is *unknown*: it keeps its distance, is counted among the
buildings with unknown population, and adds nothing to the population figures (never zero
residents pretending to be known). Median and 90th percentile are over residents (a building
weighs as many residents as it houses) of the buildings a facility is reachable from; with
no resident figures at all, over buildings. Computed by PostgreSQL in a few statements
(window functions for the percentiles), so a city of 100,000 homes takes a second or two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from coverage.models import CoverageSummary, ServiceType

UNREACHABLE_CLASS = 5
UNCONNECTED_CLASS = 6


def distance_class_sql(service_type: ServiceType, result: str = "r") -> str:
    """SQL of a home's distance class (0–4 by the type's class bounds, then unreachable and
    unconnected): the colour of its dot on the map, in the per-home GeoJSON and in the tiles."""
    b0, b1, b2, b3 = (repr(float(bound)) for bound in service_type.class_bounds())
    m = f"{result}.network_m"
    return (
        f"case {result}.status when 'unconnected' then {UNCONNECTED_CLASS} "
        f"when 'unreachable' then {UNREACHABLE_CLASS} "
        f"else ({m} > {b0})::int + ({m} > {b1})::int + ({m} > {b2})::int + ({m} > {b3})::int end"
    )


def population_sql(building: str = "b", residents: str = "rc") -> str:
    """SQL for a building's population (NULL when unknown); needs the resident count joined."""
    size = float(settings.MISTO_COVERAGE_HOUSEHOLD_SIZE)
    return f"coalesce({residents}.residents::float8, {building}.apartments * {size!r}::float8)"


def weighted_percentile(pairs: list[tuple[float, float]], q: float) -> float | None:
    """The smallest distance within which at least `q` of the weight lives (the definition the
    SQL below implements; kept in Python as its reference)."""
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


_ROWS_SQL = """
drop table if exists _cov_r;
create temp table _cov_r as
select r.building_id, b.district_id, a.hex_i, a.hex_j, r.status, r.network_m d, {population} pop,
       case r.status when 'unconnected' then {unconnected} when 'unreachable' then {unreachable}
            else (r.network_m > %(b0)s)::int + (r.network_m > %(b1)s)::int
               + (r.network_m > %(b2)s)::int + (r.network_m > %(b3)s)::int end cls
  from coverage_buildingcoverage r
  join housing_registry_building b on b.id = r.building_id
  left join coverage_residentcount rc on rc.building_id = b.id
  left join coverage_buildingaccess a on a.building_id = r.building_id
 where r.service_type_id = %(type)s;
-- Every row once per level: the city (c), its district (d) and its hexagon (h).
drop table if exists _cov_g;
create temp table _cov_g as
      select 'c'::text lvl, 0::bigint g1, 0::bigint g2, * from _cov_r
union all select 'd', district_id, 0, * from _cov_r where district_id is not null
union all select 'h', hex_i, hex_j, * from _cov_r where hex_i is not null;
drop table if exists _cov_agg;
create temp table _cov_agg as
select lvl, g1, g2, count(*) buildings, coalesce(sum(pop), 0) population,
       count(*) filter (where pop is null) unknown,
       count(*) filter (where status = 'ok' and d <= %(t)s) b_within,
       coalesce(sum(pop) filter (where status = 'ok' and d <= %(t)s), 0) p_within,
       count(*) filter (where status = 'unreachable') unreachable_b,
       coalesce(sum(pop) filter (where status = 'unreachable'), 0) unreachable_p,
       count(*) filter (where status = 'unconnected') unconnected_b,
       coalesce(sum(pop) filter (where status = 'unconnected'), 0) unconnected_p
  from _cov_g group by lvl, g1, g2;
-- Percentiles over residents: the smallest distance within which the share of residents lives.
drop table if exists _cov_pct;
create temp table _cov_pct as
select lvl, g1, g2,
       min(d) filter (where cum >= 0.5 * total - 1e-9) w50, min(d) filter (where cum >= 0.9 * total - 1e-9) w90
  from (select lvl, g1, g2, d, sum(pop) over (partition by lvl, g1, g2 order by d, building_id) cum,
               sum(pop) over (partition by lvl, g1, g2) total
          from _cov_g where status = 'ok' and pop > 0) x
 group by lvl, g1, g2;
-- Over buildings, where no resident figure is known.
drop table if exists _cov_pct_b;
create temp table _cov_pct_b as
select lvl, g1, g2, percentile_disc(0.5) within group (order by d) b50,
       percentile_disc(0.9) within group (order by d) b90
  from _cov_g where status = 'ok' group by lvl, g1, g2;
drop table if exists _cov_cls;
create temp table _cov_cls as
select k.lvl, k.g1, k.g2,
       json_agg(json_build_object('cls', c.cls, 'buildings', coalesce(x.buildings, 0),
                                  'population', round(coalesce(x.population, 0)::numeric, 1)) order by c.cls) classes
  from (select lvl, g1, g2 from _cov_agg where lvl <> 'h') k
 cross join generate_series(0, {unconnected}) c(cls)
  left join (select lvl, g1, g2, cls, count(*) buildings, sum(pop) population from _cov_g
              where lvl <> 'h' group by lvl, g1, g2, cls) x
         on x.lvl = k.lvl and x.g1 = k.g1 and x.g2 = k.g2 and x.cls = c.cls
 group by k.lvl, k.g1, k.g2;
"""

_STORE_SQL = """
delete from coverage_coveragesummary where service_type_id = %(type)s;
delete from coverage_coveragehexagon where service_type_id = %(type)s;
insert into coverage_coveragesummary
       (service_type_id, district_id, buildings, population, unknown_population_buildings, buildings_within,
        population_within, share_within, median_m, p90_m, unreachable_buildings, unreachable_population,
        unconnected_buildings, unconnected_population, classes, computed_at)
select %(type)s, case when a.lvl = 'd' then a.g1 end, a.buildings, round(a.population::numeric, 1), a.unknown,
       a.b_within, round(a.p_within::numeric, 1),
       case when a.population > 0 then a.p_within / a.population end,
       coalesce(p.w50, pb.b50), coalesce(p.w90, pb.b90), a.unreachable_b, round(a.unreachable_p::numeric, 1),
       a.unconnected_b, round(a.unconnected_p::numeric, 1), c.classes, now()
  from _cov_agg a
  left join _cov_pct p on p.lvl = a.lvl and p.g1 = a.g1 and p.g2 = a.g2
  left join _cov_pct_b pb on pb.lvl = a.lvl and pb.g1 = a.g1 and pb.g2 = a.g2
  join _cov_cls c on c.lvl = a.lvl and c.g1 = a.g1 and c.g2 = a.g2
 where a.lvl in ('c', 'd');
insert into coverage_coveragehexagon
       (service_type_id, cell_id, buildings, population, population_within, share_within, median_m, distance_class)
select %(type)s, h.id, a.buildings, round(a.population::numeric, 1), round(a.p_within::numeric, 1),
       case when a.population > 0 then a.p_within / a.population end, m.median,
       case when a.unconnected_b = a.buildings then {unconnected}
            when m.median is null then {unreachable}
            else (m.median > %(b0)s)::int + (m.median > %(b1)s)::int
               + (m.median > %(b2)s)::int + (m.median > %(b3)s)::int end
  from _cov_agg a
  join coverage_hexcell h on h.i = a.g1 and h.j = a.g2
  left join _cov_pct p on p.lvl = a.lvl and p.g1 = a.g1 and p.g2 = a.g2
  left join _cov_pct_b pb on pb.lvl = a.lvl and pb.g1 = a.g1 and pb.g2 = a.g2
  cross join lateral (select coalesce(p.w50, pb.b50) median) m
 where a.lvl = 'h';
drop table _cov_r; drop table _cov_g; drop table _cov_agg; drop table _cov_pct; drop table _cov_pct_b;
drop table _cov_cls;
"""


def summaries_refresh(*, service_type: ServiceType) -> CoverageSummary | None:
    """Recompute and store the city, district and hexagon figures of one service type;
    returns the city's (None when the type has no results)."""
    bounds = service_type.class_bounds()
    params = {"type": service_type.pk, "t": float(service_type.threshold_m)}
    params.update({f"b{i}": bound for i, bound in enumerate(bounds)})
    classes = {"unconnected": UNCONNECTED_CLASS, "unreachable": UNREACHABLE_CLASS}
    with connection.cursor() as cursor:
        cursor.execute("set local jit = off")
        cursor.execute(_ROWS_SQL.format(population=population_sql(), **classes), params)
        cursor.execute(_STORE_SQL.format(**classes), params)
    return CoverageSummary.objects.filter(service_type=service_type, district__isnull=True).first()
