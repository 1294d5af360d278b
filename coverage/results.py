"""Writing the per-building results: the whole of a service type, or only what changed.

Both paths use the same pgRouting computation (coverage/distances.py) and hold the same
advisory lock, so a full recompute and an update after a facility change never interleave
their writes. Call inside a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q

from coverage import distances
from coverage.models import BuildingCoverage, ServiceType
from coverage.summaries import summaries_refresh

LOCK_KEY = "misto-coverage"


def lock(cursor) -> None:
    """Serialise every write to the coverage tables (released at the end of the transaction).

    JIT compilation is switched off for the transaction: the planner's estimates for the
    temp tables make it compile for half a second statements that run in milliseconds.
    """
    cursor.execute("select pg_advisory_xact_lock(hashtext(%s)); set local jit = off", [LOCK_KEY])


@dataclass
class TypeReport:
    service_type: str
    facilities: int = 0
    facilities_connected: int = 0
    buildings: int = 0
    reachable: int = 0
    unreachable: int = 0
    unconnected: int = 0
    changed: int = 0
    notes: list[dict] = field(default_factory=list)


def _category_ids(service_type: ServiceType) -> list[int]:
    return list(service_type.categories.values_list("id", flat=True))


_INSERT_RESULTS = """
insert into coverage_buildingcoverage
       (service_type_id, building_id, status, facility_id, network_m, minutes, straight_facility_id, straight_m)
select %(type)s, a.building_id,
       case when not a.connected then 'unconnected' when bd.network_m is null then 'unreachable' else 'ok' end,
       bd.src, bd.network_m, bd.network_m / %(mpm)s, sd.src, sd.straight_m
  from coverage_buildingaccess a
  left join _cov_bd bd on bd.building_id = a.building_id
  left join _cov_sd sd on sd.building_id = a.building_id
"""


def results_compute(*, service_type: ServiceType) -> TypeReport:
    """Replace every result of one service type: the nearest facility of each building along
    the streets (one multi-source Dijkstra) and as the crow flies."""
    report = TypeReport(service_type=service_type.slug)
    with connection.cursor() as cursor:
        lock(cursor)
        cursor.execute("delete from coverage_buildingcoverage where service_type_id = %s", [service_type.pk])
        report.facilities_connected = distances.sources_from_facilities(
            cursor, category_ids=_category_ids(service_type)
        )
        cursor.execute("select count(*) from _cov_src")
        report.facilities = cursor.fetchone()[0]
        if report.facilities == 0:
            # Nothing to measure against: no results rather than every home "unreachable".
            report.notes.append({"code": "type_no_facilities", "type": service_type.slug})
            summaries_refresh(service_type=service_type)
            return report
        distances.nearest_nodes(cursor)
        distances.nearest_for_buildings(cursor)
        distances.straight_for_buildings(cursor)
        cursor.execute(_INSERT_RESULTS, {"type": service_type.pk, "mpm": service_type.metres_per_minute})
        report.changed = cursor.rowcount
    _count(report, service_type)
    summaries_refresh(service_type=service_type)
    return report


def _count(report: TypeReport, service_type: ServiceType) -> None:
    counts = BuildingCoverage.objects.filter(service_type=service_type).aggregate(
        buildings=Count("pk"),
        reachable=Count("pk", filter=Q(status=BuildingCoverage.Status.OK)),
        unreachable=Count("pk", filter=Q(status=BuildingCoverage.Status.UNREACHABLE)),
        unconnected=Count("pk", filter=Q(status=BuildingCoverage.Status.UNCONNECTED)),
    )
    for key, value in counts.items():
        setattr(report, key, value)
    if report.unreachable:
        report.notes.append(
            {"code": "type_unreachable", "type": service_type.slug, "count": report.unreachable}
        )


def results_update(*, service_type: ServiceType, removed: set[int], added: set[int]) -> TypeReport:
    """Update one service type after facilities changed, touching only the buildings affected.

    `removed`: facilities that no longer serve this type where they were (closed, moved away,
    recategorised); `added`: facilities that now serve it where they stand (new, moved here).
    Facility access rows must already be current. Buildings whose nearest facility was removed
    get their new nearest among all current facilities; every other building can only gain,
    and only from an added facility: one Dijkstra from the added ones, bounded by the longest
    distance any building has now.
    """
    report = TypeReport(service_type=service_type.slug)
    if not BuildingCoverage.objects.filter(service_type=service_type).exists():
        return report  # never computed: a full recompute fills it, there is nothing to update
    with connection.cursor() as cursor:
        lock(cursor)
        category_ids = _category_ids(service_type)
        if removed:
            report.changed += _reassign_removed(cursor, service_type, category_ids, removed)
        if added:
            report.changed += _apply_added(cursor, service_type, category_ids, added)
        cursor.execute(
            "select count(*) from coverage_facilityaccess where category_id = any(%s)", [category_ids]
        )
        report.facilities = cursor.fetchone()[0]
    if report.facilities == 0:
        BuildingCoverage.objects.filter(service_type=service_type).delete()
        report.notes.append({"code": "type_no_facilities", "type": service_type.slug})
    _count(report, service_type)
    summaries_refresh(service_type=service_type)
    return report


def _reassign_removed(cursor, service_type, category_ids, removed: set[int]) -> int:
    params = {"type": service_type.pk, "removed": list(removed), "mpm": service_type.metres_per_minute}
    cursor.execute(
        """
        drop table if exists _cov_affected;
        create temp table _cov_affected as
        select building_id, facility_id = any(%(removed)s) network, straight_facility_id = any(%(removed)s) straight
          from coverage_buildingcoverage
         where service_type_id = %(type)s
           and (facility_id = any(%(removed)s) or straight_facility_id = any(%(removed)s));
        create index on _cov_affected (building_id);
        """,
        params,
    )
    cursor.execute("select count(*) from _cov_affected")
    if cursor.fetchone()[0] == 0:
        return 0
    distances.sources_from_facilities(cursor, category_ids=category_ids, exclude=list(removed))
    distances.nearest_nodes(cursor)
    affected = "a.building_id in (select building_id from _cov_affected where {column})"
    distances.nearest_for_buildings(cursor, where=affected.format(column="network"))
    distances.straight_for_buildings(cursor, where=affected.format(column="straight"))
    cursor.execute(
        """
        update coverage_buildingcoverage r
           set status = case when bd.network_m is null then 'unreachable' else 'ok' end,
               facility_id = bd.src, network_m = bd.network_m, minutes = bd.network_m / %(mpm)s
          from _cov_affected x left join _cov_bd bd on bd.building_id = x.building_id
         where x.network and r.building_id = x.building_id and r.service_type_id = %(type)s
           and r.status <> 'unconnected'
        """,
        params,
    )
    changed = cursor.rowcount
    cursor.execute(
        """
        update coverage_buildingcoverage r
           set straight_facility_id = sd.src, straight_m = sd.straight_m
          from _cov_affected x left join _cov_sd sd on sd.building_id = x.building_id
         where x.straight and r.building_id = x.building_id and r.service_type_id = %(type)s
        """,
        params,
    )
    return changed + cursor.rowcount


def _apply_added(cursor, service_type, category_ids, added: set[int]) -> int:
    params = {"type": service_type.pk, "mpm": service_type.metres_per_minute}
    distances.sources_create(cursor)
    cursor.execute(
        """
        insert into _cov_src (key, edge_id, fraction, access_m, point, connected)
        select facility_id, edge_id, fraction, access_m, point, connected from coverage_facilityaccess
         where facility_id = any(%s) and category_id = any(%s)
        """,
        [list(added), category_ids],
    )
    if cursor.rowcount == 0:
        return 0
    # No building can gain from a facility farther than its current nearest: bound the search
    # by the longest current distance (unless some homes reach no facility at all yet).
    cursor.execute(
        """
        select max(network_m), count(*) filter (where status = 'unreachable')
          from coverage_buildingcoverage where service_type_id = %(type)s
        """,
        params,
    )
    longest, unreachable = cursor.fetchone()
    bound = distances.UNBOUNDED if unreachable or longest is None else float(longest) + 1.0
    distances.nearest_nodes(cursor, bound=bound)
    # Only homes on the edges the bounded search reached can gain.
    cursor.execute(
        """
        drop table if exists _cov_reached;
        create temp table _cov_reached as
              select e.id from coverage_networkedge e join _cov_nd n on n.node = e.source
        union select e.id from coverage_networkedge e join _cov_nd n on n.node = e.target
        union select edge_id from _cov_src;
        """
    )
    distances.nearest_for_buildings(cursor, where="a.edge_id in (select id from _cov_reached)")
    cursor.execute(
        """
        update coverage_buildingcoverage r
           set status = 'ok', facility_id = bd.src, network_m = bd.network_m, minutes = bd.network_m / %(mpm)s
          from _cov_bd bd
         where r.building_id = bd.building_id and r.service_type_id = %(type)s
           and (r.status = 'unreachable' or bd.network_m < r.network_m)
        """,
        params,
    )
    changed = cursor.rowcount
    distances.straight_for_buildings(cursor)
    cursor.execute(
        """
        update coverage_buildingcoverage r
           set straight_facility_id = sd.src, straight_m = sd.straight_m
          from _cov_sd sd
         where r.building_id = sd.building_id and r.service_type_id = %(type)s
           and (r.straight_m is null or sd.straight_m < r.straight_m)
        """,
        params,
    )
    return changed + cursor.rowcount


def minutes_refresh(*, service_type: ServiceType) -> None:
    """A new walking speed changes the minutes, not the distances."""
    BuildingCoverage.objects.filter(service_type=service_type, network_m__isnull=False).update(
        minutes=F("network_m") / service_type.metres_per_minute
    )
