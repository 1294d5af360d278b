"""Nearest facility for every building, along the streets (pgRouting) and as the crow flies.

The multi-source trick: a virtual node joined to both ends of every source's edge, at the
cost of walking from the source to that end. One `pgr_drivingDistance` from the virtual node
then gives every node's distance to its nearest source in a single Dijkstra, whatever the
number of sources (2 facilities or 2,000); the tree it returns (the edge that reached each
node) tells which source that was. A building on edge (u, v) at fraction f is then
`access + min(d(u) + f·len, d(v) + (1 − f)·len)`, or the direct walk along the edge when a
source stands on the same edge.

Sources live in a temp table `_cov_src(key, edge_id, fraction, access_m)` (`key` is the
facility id, or any id for candidate sites and what-if moves). Results go to temp tables the
caller reads; nothing is stored here. Everything runs inside the caller's transaction.
"""

from __future__ import annotations

# Ids of the virtual node and edges: above any real node or street segment id.
VIRTUAL = 1 << 50
UTM = 32636
UNBOUNDED = 1e15

EDGES_SQL = f"""
select id, source, target, length_m as cost from coverage_networkedge
union all
select {VIRTUAL} + 2 * s.rn, {VIRTUAL}, e.source, s.access_m + s.fraction * e.length_m
  from _cov_src_n s join coverage_networkedge e on e.id = s.edge_id
union all
select {VIRTUAL} + 2 * s.rn + 1, {VIRTUAL}, e.target, s.access_m + (1 - s.fraction) * e.length_m
  from _cov_src_n s join coverage_networkedge e on e.id = s.edge_id
"""


def sources_create(cursor) -> None:
    """An empty `_cov_src` for the caller to fill."""
    cursor.execute(
        """
        drop table if exists _cov_src;
        create temp table _cov_src (
            key bigint primary key, edge_id bigint, fraction float8, access_m float8,
            point geometry(Point, 4326), connected boolean not null default true
        );
        """
    )


def sources_from_facilities(cursor, *, category_ids: list[int], exclude: list[int] | None = None) -> int:
    """Fill `_cov_src` with the facilities of these categories (the network uses the connected
    ones, the straight line all of them); returns how many are connected."""
    sources_create(cursor)
    cursor.execute(
        """
        insert into _cov_src (key, edge_id, fraction, access_m, point, connected)
        select facility_id, edge_id, fraction, access_m, point, connected from coverage_facilityaccess
         where category_id = any(%s) and not (facility_id = any(%s))
        """,
        [category_ids, exclude or []],
    )
    cursor.execute("select count(*) from _cov_src where connected")
    return cursor.fetchone()[0]


def nearest_nodes(cursor, *, bound: float = UNBOUNDED) -> int:
    """Distance from every node to its nearest source within `bound` metres, and which source.

    Fills `_cov_nd(node, cost, src)`; returns the number of nodes reached.
    """
    cursor.execute(
        """
        drop table if exists _cov_src_n;
        create temp table _cov_src_n as
        select row_number() over (order by key) rn, * from _cov_src where connected;
        drop table if exists _cov_dd;
        drop table if exists _cov_nd;
        create temp table _cov_nd (node bigint primary key, cost float8, src bigint);
        """
    )
    cursor.execute("select count(*) from _cov_src_n")
    if cursor.fetchone()[0] == 0:
        return 0
    cursor.execute(
        f"""
        create temp table _cov_dd as
        select d.node, d.edge, d.agg_cost,
               case when d.edge >= {VIRTUAL} then null
                    when e.source = d.node then e.target else e.source end parent,
               case when d.edge >= {VIRTUAL} then s.key end src
          from pgr_drivingDistance(%s, {VIRTUAL}::bigint, %s::float8, false) d
          left join coverage_networkedge e on e.id = d.edge
          left join _cov_src_n s on d.edge >= {VIRTUAL} and s.rn = (d.edge - {VIRTUAL}) / 2
         where d.node <> {VIRTUAL};
        create index on _cov_dd (parent);
        analyze _cov_dd;
        """,
        [EDGES_SQL, bound],
    )
    # Each node's source is its parent's: walk the shortest-path tree down from the sources.
    cursor.execute(
        """
        insert into _cov_nd (node, cost, src)
        with recursive tree(node, cost, src) as (
            select node, agg_cost, src from _cov_dd where src is not null
          union all
            select d.node, d.agg_cost, t.src from tree t join _cov_dd d on d.parent = t.node
        )
        select node, cost, src from tree;
        analyze _cov_nd;
        """
    )
    cursor.execute("select count(*) from _cov_nd")
    return cursor.fetchone()[0]


def nearest_for_buildings(cursor, *, where: str = "true", params: dict | None = None) -> None:
    """Network distance and nearest source for connected buildings from `_cov_nd`.

    Fills `_cov_bd(building_id, src, network_m)`; a building no source reaches has no row.
    `where` filters coverage_buildingaccess (alias `a`, its edge `e`). Set-based (hash joins),
    so 100,000 homes cost one pass, not 100,000 lookups.
    """
    cursor.execute(
        f"""
        drop table if exists _cov_bd;
        create temp table _cov_bd as
        with homes as (
            select a.building_id, a.edge_id, a.fraction, a.access_m, e.source, e.target, e.length_m
              from coverage_buildingaccess a join coverage_networkedge e on e.id = a.edge_id
             where a.connected and ({where})
        ), options as (
            select h.building_id, n.src, h.access_m + n.cost + h.fraction * h.length_m d
              from homes h join _cov_nd n on n.node = h.source
          union all
            select h.building_id, n.src, h.access_m + n.cost + (1 - h.fraction) * h.length_m
              from homes h join _cov_nd n on n.node = h.target
          union all
            select h.building_id, s.key, h.access_m + s.access_m + abs(s.fraction - h.fraction) * h.length_m
              from homes h join _cov_src s on s.edge_id = h.edge_id and s.connected
        )
        select distinct on (building_id) building_id, src, d network_m
          from options order by building_id, d, src;
        create index on _cov_bd (building_id);
        """,
        params or {},
    )


def straight_for_buildings(cursor, *, where: str = "true", params: dict | None = None) -> None:
    """Nearest source as the crow flies (geography, metres) for buildings: `_cov_sd`.

    Uses the sources' own locations (facility points), not where they join the streets: the
    baseline every network distance is compared with. The nearest is found in UTM metres (an
    index scan; the order differs from the ellipsoid's by under 0.05 %), its distance is
    measured on the ellipsoid. Fills `_cov_sd(building_id, src, straight_m)`.
    """
    cursor.execute(
        f"""
        drop table if exists _cov_sp;
        create temp table _cov_sp as select key, point, st_transform(point, {UTM}) g from _cov_src;
        create index on _cov_sp using gist (g);
        analyze _cov_sp;
        drop table if exists _cov_sd;
        create temp table _cov_sd as
        select a.building_id, nn.key src, st_distance(nn.point::geography, a.point::geography) straight_m
          from coverage_buildingaccess a
          cross join lateral (
            select sp.key, sp.point from _cov_sp sp
             order by sp.g <-> st_transform(a.point, {UTM}) limit 1
          ) nn
         where {where};
        create index on _cov_sd (building_id);
        """,
        params or {},
    )


TEMP_TABLES = ("_cov_src", "_cov_src_n", "_cov_dd", "_cov_nd", "_cov_bd", "_cov_sp", "_cov_sd", "_cov_affected",
               "_cov_points", "_cov_snapped", "_cov_barriers", "_cov_unc", "_cov_cand", "_cov_cdd", "_cov_pairs", "_cov_reached")  # fmt: skip


def temp_tables_drop(cursor) -> None:
    """Free the working tables of this connection (a web worker keeps its connection)."""
    cursor.execute("".join(f"drop table if exists {name};" for name in TEMP_TABLES))
