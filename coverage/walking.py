"""Walking metres from one place to a few facilities, along the network coverage builds.

The directory's "nearest" (facilities/nearest.py) asks through the router it lets apps
register; coverage registers this one from its AppConfig.ready(). The place joins the
network like any home (the nearest street not across water or railway, as network._snap),
the facilities where coverage joined them (coverage_facilityaccess), and one
pgr_withPointsCost answers place → every facility in a single Dijkstra over the streets
around them. An empty answer (no network yet, the place cut off) lets the caller fall back
to straight-line metres and say so.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from coverage import network

UTM = network.UTM
# The streets searched reach this far beyond the farthest candidate (metres): a walk to a
# facility practically never strays further from the straight line between the two.
MARGIN_M = 1500.0
START_PID = 1


def walking_distances(point: Point, facility_ids: list[int]) -> dict[int, float]:
    """{facility id: metres on foot from `point`} for the facilities the streets reach."""
    if not facility_ids:
        return {}
    with connection.cursor() as cursor:  # reads only: no transaction of its own
        return _route(cursor, point, facility_ids)


# One place joins the network as network._snap joins homes (the nearest edge whose connecting
# line crosses no water or railway), in one statement: _snap's temporary tables and indexes
# pay off for thousands of homes but cost ~40 ms for a single place.
_PLACE_JOIN_SQL = f"""
select c.id, c.component, st_linelocatepoint(c.geom_utm, u.pu),
       st_distance(u.p::geography, st_transform(st_closestpoint(c.geom_utm, u.pu), 4326)::geography)
  from (select st_setsrid(st_makepoint(%(x)s, %(y)s), 4326) p,
               st_transform(st_setsrid(st_makepoint(%(x)s, %(y)s), 4326), {UTM}) pu) u
 cross join lateral (
   select e.id, e.component, e.geom_utm from coverage_networkedge e
    order by e.geom_utm <-> u.pu limit %(candidates)s
 ) c
 where not exists (
   select 1 from city_barrier b
    where st_intersects(b.geometry, st_transform(st_makeline(u.pu, st_closestpoint(c.geom_utm, u.pu)), 4326)))
 order by st_distance(c.geom_utm, u.pu), c.id
 limit 1
"""


def _place_join(cursor, point: Point) -> dict | None:
    row = None
    for candidates in (network.SNAP_CANDIDATES, network.SNAP_CANDIDATES_RETRY):
        cursor.execute(_PLACE_JOIN_SQL, {"x": point.x, "y": point.y, "candidates": candidates})
        row = cursor.fetchone()
        if row is not None:
            break
    if row is None or row[3] > settings.MISTO_COVERAGE_MAX_ACCESS_M:
        return None
    edge_id, component, fraction, access_m = row  # no row: no network yet, or nothing in reach
    return {"edge_id": edge_id, "component": component, "fraction": fraction, "access_m": access_m}


def _route(cursor, point: Point, facility_ids: list[int]) -> dict[int, float]:
    start = _place_join(cursor, point)
    if start is None:
        return {}
    cursor.execute(
        """
        select facility_id, edge_id, fraction, access_m,
               st_distance(point::geography, st_setsrid(st_makepoint(%s, %s), 4326)::geography)
          from coverage_facilityaccess
         where facility_id = any(%s) and connected and component = %s
        """,
        [point.x, point.y, facility_ids, start["component"]],
    )
    targets = cursor.fetchall()
    if not targets:
        return {}
    reach = max(row[4] for row in targets) + MARGIN_M
    pids = {START_PID + 1 + i: row for i, row in enumerate(targets)}
    points = " union all ".join(
        cursor.mogrify("select %s::bigint pid, %s::bigint edge_id, %s::float8 fraction", values).decode()
        for values in [(START_PID, start["edge_id"], start["fraction"])]
        + [(pid, row[1], row[2]) for pid, row in pids.items()]
    )
    edges = cursor.mogrify(
        """
        select id, source, target, length_m as cost, length_m as reverse_cost from coverage_networkedge
         where geom_utm && st_expand(st_transform(st_setsrid(st_makepoint(%s, %s), 4326), %s), %s)
        """,
        [point.x, point.y, UTM, reach],
    ).decode()
    cursor.execute(
        "select end_pid, agg_cost from pgr_withPointsCost(%s, %s, %s::bigint, %s::bigint[], directed => false)",
        [edges, points, -START_PID, [-pid for pid in pids]],
    )
    out = {}
    for end_pid, cost in cursor.fetchall():
        facility_id, _edge, _fraction, access_m, _straight = pids[-end_pid if end_pid < 0 else end_pid]
        out[facility_id] = start["access_m"] + cost + access_m
    return out
