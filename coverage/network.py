"""The walking network and where buildings and facilities join it (SQL over PostGIS/pgRouting).

The network is `city.StreetSegment` as it is: segments are noded (they share end points at
junctions), so every distinct end point is a node and every segment an undirected edge whose
cost is its length on the ellipsoid. Water and the railway need no special handling in the
graph — the demo city's streets cross them only on the bridge and at the level crossings —
but the short walk from a building or facility to its street must not cross them either.

Everything here runs inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from coverage.models import BuildingAccess, FacilityAccess, HexCell, NetworkEdge

UTM = 32636  # UTM zone 36N: metric, covers the city (DESIGN.md, "Geometry")
# End points closer than this (degrees, ~1 cm) are the same junction.
NODE_GRID = 1e-7
# Most homes have a street within this many metres: those are joined in one set-based pass.
SNAP_RADIUS_M = 100.0
# The others try their nearest few edges (those across a barrier are skipped), then more.
SNAP_CANDIDATES = 4
SNAP_CANDIDATES_RETRY = 32


@dataclass
class NetworkReport:
    nodes: int
    edges: int
    components: int
    # Edges per component, largest first: a city whose streets are one network has one entry.
    component_sizes: list[int]


def network_fingerprint() -> str:
    """Changes whenever a street segment is added, removed or edited."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*), coalesce(max(updated_at)::text, ''), coalesce(sum(id), 0) from city_streetsegment"
        )
        count, latest, ids = cursor.fetchone()
    return f"{count}:{latest}:{ids}"


def network_rebuild() -> NetworkReport:
    """Rebuild nodes and edges from the street segments and number their connected parts."""
    with connection.cursor() as cursor:
        cursor.execute("delete from coverage_networkedge")
        cursor.execute("delete from coverage_networknode")
        cursor.execute(
            """
            drop table if exists _cov_ends;
            create temp table _cov_ends as
            select s.id,
                   round(st_x(st_startpoint(s.geometry)) / %(grid)s)::bigint ax,
                   round(st_y(st_startpoint(s.geometry)) / %(grid)s)::bigint ay,
                   round(st_x(st_endpoint(s.geometry)) / %(grid)s)::bigint bx,
                   round(st_y(st_endpoint(s.geometry)) / %(grid)s)::bigint by,
                   st_length(s.geometry::geography) length_m,
                   st_transform(s.geometry, %(utm)s) geom_utm
              from city_streetsegment s
             where not st_isempty(s.geometry) and st_length(s.geometry::geography) > 0;
            drop table if exists _cov_nodes;
            create temp table _cov_nodes as
            select row_number() over (order by x, y) id, x, y
              from (select ax x, ay y from _cov_ends union select bx, by from _cov_ends) p;
            create index on _cov_nodes (x, y);
            insert into coverage_networknode (id, point, component)
            select id, st_setsrid(st_makepoint(x * %(grid)s, y * %(grid)s), 4326), 0 from _cov_nodes;
            insert into coverage_networkedge (id, segment_id, source, target, length_m, component, geom_utm)
            select e.id, e.id, a.id, b.id, e.length_m, 0, e.geom_utm
              from _cov_ends e
              join _cov_nodes a on a.x = e.ax and a.y = e.ay
              join _cov_nodes b on b.x = e.bx and b.y = e.by;
            drop table _cov_ends;
            drop table _cov_nodes;
            """,
            {"grid": NODE_GRID, "utm": UTM},
        )
        cursor.execute(
            """
            update coverage_networknode n set component = c.component
              from pgr_connectedComponents(
                'select id, source, target, length_m as cost, length_m as reverse_cost from coverage_networkedge'
              ) c
             where c.node = n.id;
            update coverage_networkedge e set component = n.component
              from coverage_networknode n where n.id = e.source;
            """
        )
        cursor.execute("select count(*) from coverage_networknode")
        nodes = cursor.fetchone()[0]
        cursor.execute("select count(*) from coverage_networkedge group by component order by count(*) desc")
        sizes = [row[0] for row in cursor.fetchall()]
    return NetworkReport(nodes=nodes, edges=sum(sizes), components=len(sizes), component_sizes=sizes)


def network_report() -> NetworkReport:
    """The stored network's size and connected parts, without rebuilding it."""
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from coverage_networknode")
        nodes = cursor.fetchone()[0]
        cursor.execute("select count(*) from coverage_networkedge group by component order by count(*) desc")
        sizes = [row[0] for row in cursor.fetchall()]
    return NetworkReport(nodes=nodes, edges=sum(sizes), components=len(sizes), component_sizes=sizes)


# -- joining points to the network ------------------------------------------------------------

_BARRIERS_SQL = """
drop table if exists _cov_barriers;
create temp table _cov_barriers as
select st_transform(geometry, %(utm)s) g from city_barrier;
create index on _cov_barriers using gist (g);
"""

# For every row of _cov_points(key, point): the nearest edge whose connecting line crosses no
# barrier, the position along it and the walk to it. First a set-based pass over the edges
# within SNAP_RADIUS_M (one range probe per point, cheap), then a nearest-neighbour search for
# the points it left without an edge. A point with no edge within reach, or farther than the
# longest allowed walk, is not connected.
_SNAP_NEAR_SQL = """
drop table if exists _cov_snapped;
create temp table _cov_snapped as
with points as (select key, point, st_transform(point, %(utm)s) pu from _cov_points),
pairs as (
    select p.key, e.id edge_id, e.component, st_distance(e.geom_utm, p.pu) dist
      from points p join coverage_networkedge e on st_dwithin(e.geom_utm, p.pu, %(radius)s)
     where not exists (
             select 1 from _cov_barriers b
              where st_intersects(b.g, st_makeline(p.pu, st_closestpoint(e.geom_utm, p.pu))))
), best as (select distinct on (key) key, edge_id, component from pairs order by key, dist, edge_id)
select p.key, p.point, b.edge_id, x.fraction, x.access_m, b.component,
       x.access_m <= %(max_access)s connected
  from points p join best b on b.key = p.key join coverage_networkedge e on e.id = b.edge_id
 cross join lateral (
   select st_linelocatepoint(e.geom_utm, p.pu) fraction,
          st_distance(p.point::geography, st_transform(st_closestpoint(e.geom_utm, p.pu), 4326)::geography) access_m
 ) x;
"""

_SNAP_FAR_SQL = """
insert into _cov_snapped
select p.key, p.point, best.edge_id, best.fraction, best.access_m, best.component,
       coalesce(best.access_m <= %(max_access)s, false) connected
  from _cov_points p
  cross join lateral (select st_transform(p.point, %(utm)s) pu) u
  left join lateral (
    select c.id edge_id, c.component,
           st_linelocatepoint(c.geom_utm, u.pu) fraction,
           st_distance(p.point::geography, st_transform(st_closestpoint(c.geom_utm, u.pu), 4326)::geography) access_m
      from (select e.id, e.component, e.geom_utm
              from coverage_networkedge e
             order by e.geom_utm <-> u.pu
             limit %(candidates)s) c
     where not exists (
             select 1 from _cov_barriers b
              where st_intersects(b.g, st_makeline(u.pu, st_closestpoint(c.geom_utm, u.pu))))
     order by st_distance(c.geom_utm, u.pu), c.id
     limit 1
  ) best on true
 where not exists (select 1 from _cov_snapped s where s.key = p.key);
"""


def _snap(cursor) -> None:
    # JIT would compile these per-point queries for longer than they run (see results.lock).
    cursor.execute("set local jit = off")
    cursor.execute(_BARRIERS_SQL, {"utm": UTM})
    params = {
        "utm": UTM,
        "max_access": settings.MISTO_COVERAGE_MAX_ACCESS_M,
        "radius": SNAP_RADIUS_M,
        "candidates": SNAP_CANDIDATES,
    }
    cursor.execute(_SNAP_NEAR_SQL, params)
    cursor.execute("create index on _cov_snapped (key)")
    cursor.execute(_SNAP_FAR_SQL, params)
    # Points whose few nearest edges were all across a barrier: look further.
    cursor.execute("delete from _cov_snapped where edge_id is null")
    if cursor.rowcount:
        cursor.execute(_SNAP_FAR_SQL, {**params, "candidates": SNAP_CANDIDATES_RETRY})


def buildings_join(*, only_missing: bool = False) -> int:
    """(Re)compute where every building joins the network; returns how many were joined."""
    with connection.cursor() as cursor:
        if not only_missing:
            cursor.execute("delete from coverage_buildingaccess")
        cursor.execute(
            """
            drop table if exists _cov_points;
            create temp table _cov_points as
            select b.id key, st_pointonsurface(b.footprint) point
              from housing_registry_building b
             where not exists (select 1 from coverage_buildingaccess a where a.building_id = b.id);
            """
        )
        _snap(cursor)
        _hexagons(cursor)
        cursor.execute(
            """
            insert into coverage_buildingaccess
                   (building_id, point, edge_id, fraction, access_m, component, connected, hex_i, hex_j)
            select s.key, s.point, s.edge_id, s.fraction, s.access_m, s.component, s.connected, x.i, x.j
              from _cov_snapped s join _cov_in_hex x on x.key = s.key;
            insert into coverage_hexcell (i, j, geometry)
            select h.i, h.j, st_transform(h.geom, 4326)
              from _cov_hex h join (select distinct i, j from _cov_in_hex) x on x.i = h.i and x.j = h.j
            on conflict (i, j) do nothing;
            drop table _cov_hex;
            drop table _cov_in_hex;
            """
        )
        cursor.execute("select count(*) from _cov_snapped")
        return cursor.fetchone()[0]


def facilities_join(*, facility_ids: list[int] | None = None) -> int:
    """(Re)compute where facilities join the network: all of them, or the ones named."""
    with connection.cursor() as cursor:
        if facility_ids is None:
            cursor.execute("delete from coverage_facilityaccess")
            where, params = "", {}
        else:
            cursor.execute("delete from coverage_facilityaccess where facility_id = any(%s)", [facility_ids])
            where, params = "where f.id = any(%(ids)s)", {"ids": facility_ids}
        cursor.execute(
            f"""
            drop table if exists _cov_points;
            create temp table _cov_points as
            select f.id key, f.location point, f.category_id from facilities_facility f {where};
            """,
            params,
        )
        _snap(cursor)
        cursor.execute(
            """
            insert into coverage_facilityaccess
                   (facility_id, category_id, point, edge_id, fraction, access_m, component, connected)
            select s.key, p.category_id, s.point, s.edge_id, s.fraction, s.access_m, s.component, s.connected
              from _cov_snapped s join _cov_points p on p.key = s.key
            """
        )
        return cursor.rowcount


def points_snap(points: list[tuple[int, float, float]]) -> dict[int, dict]:
    """Join arbitrary (key, lon, lat) points to the network (candidate sites, a moved facility)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "drop table if exists _cov_points; create temp table _cov_points (key bigint, point geometry(Point, 4326))"
        )
        if points:
            values = ",".join(
                cursor.mogrify("(%s, st_setsrid(st_makepoint(%s, %s), 4326))", p).decode() for p in points
            )
            cursor.execute(f"insert into _cov_points (key, point) values {values}")
        _snap(cursor)
        cursor.execute("select key, edge_id, fraction, access_m, component, connected from _cov_snapped")
        return {
            key: {"edge_id": e, "fraction": f, "access_m": a, "component": c, "connected": ok}
            for key, e, f, a, c, ok in cursor.fetchall()
        }


def _hexagons(cursor) -> None:
    """Which hexagon of the public map's grid (UTM metres, PostGIS's ST_HexagonGrid, anchored at
    the projection's origin so a cell (i, j) is the same on every run) each point lies in.

    A hexagon is the set of points nearest to its centre, and the centres are known
    (x = 1.5·s·i, y = √3·s·j, odd columns half a row up), so each point only compares the two
    columns around it: arithmetic, not 100,000 polygon tests. Fills `_cov_in_hex(key, i, j)`
    and `_cov_hex(i, j, geom)`.
    """
    size = float(settings.MISTO_COVERAGE_HEXAGON_M)
    cursor.execute(
        """
        drop table if exists _cov_in_hex;
        create temp table _cov_in_hex as
        select p.key, best.i, best.j
          from (select key, st_x(st_transform(point, %(utm)s)) x, st_y(st_transform(point, %(utm)s)) y
                  from _cov_snapped) p
          cross join lateral (
            select c.i, c.j from (
              select col.i, round((p.y - (col.i %% 2 <> 0)::int * %(h)s / 2) / %(h)s)::int j
                from (values (floor(p.x / (1.5 * %(s)s))::int), (floor(p.x / (1.5 * %(s)s))::int + 1)) col(i)
            ) c
            order by (p.x - c.i * 1.5 * %(s)s) ^ 2
                   + (p.y - (c.j * %(h)s + (c.i %% 2 <> 0)::int * %(h)s / 2)) ^ 2
            limit 1
          ) best;
        drop table if exists _cov_hex;
        create temp table _cov_hex as
        select h.i, h.j, h.geom
          from st_hexagongrid(%(s)s,
                 (select st_setsrid(st_expand(st_extent(st_transform(point, %(utm)s))::geometry, %(s)s), %(utm)s)
                    from _cov_snapped)) h;
        """,
        {"s": size, "h": size * 3**0.5, "utm": UTM},
    )


def access_counts() -> dict[str, int]:
    return {
        "buildings": BuildingAccess.objects.count(),
        "buildings_unconnected": BuildingAccess.objects.filter(connected=False).count(),
        "facilities": FacilityAccess.objects.count(),
        "facilities_unconnected": FacilityAccess.objects.filter(connected=False).count(),
        "edges": NetworkEdge.objects.count(),
    }


def hex_cells_reset() -> None:
    """Forget the hexagon grid (its size changed, or the buildings were joined anew)."""
    HexCell.objects.all().delete()
