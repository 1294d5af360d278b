"""`manage.py coverage_bench`: time coverage work on the current database and print JSON.

Measured (each on a fresh database connection, so the PostgreSQL backend's peak memory is
that step's): the full recompute; the straight-line baseline (nearest facility as the crow
flies for every home and type, what a portal without routing would compute); and the
incremental update after one facility is moved, added or closed (each in a transaction that
is rolled back, so the data stay as they were). Used by bench/scenarios_coverage.py.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from city.models import StreetSegment
from coverage import distances
from coverage.models import CoverageRun, ServiceType
from coverage.services import coverage_recompute, coverage_run_execute
from facilities.models import Category, Facility
from housing_registry.models import Building


class _Rollback(Exception):
    pass


def _backend_peak_mb() -> float | None:
    """Peak resident memory of this connection's PostgreSQL backend (same machine only)."""
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _measure(fn) -> tuple[float, float | None]:
    connection.close()
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 3), _backend_peak_mb()


class Command(BaseCommand):
    help = "Time a full coverage recompute, the straight-line baseline and incremental updates (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print only the JSON")

    def handle(self, *args, **options):
        types = list(ServiceType.objects.all())
        out: dict = {
            "homes": Building.objects.count(),
            "facilities": Facility.objects.filter(category__coverage_service_types__isnull=False)
            .distinct()
            .count(),
            "service_types": len(types),
        }
        runs: list[CoverageRun] = []
        out["full_s"], out["full_backend_peak_mb"] = _measure(lambda: runs.append(coverage_recompute()))
        out["full_steps_s"] = runs[0].timings
        out["segments"] = StreetSegment.objects.count()
        out["straight_s"], out["straight_backend_peak_mb"] = _measure(lambda: self._straight_only(types))
        stop = Facility.objects.filter(category__slug="bus_stop").order_by("pk").first()
        if stop is not None:
            out["moved_s"], _ = _measure(lambda: self._incremental_move(stop))
            out["added_s"], _ = _measure(lambda: self._incremental_add(stop))
            out["closed_s"], _ = _measure(lambda: self._incremental_close(stop))
        out["python_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        self.stdout.write(json.dumps(out))

    def _straight_only(self, types):
        """The baseline: nearest facility as the crow flies, every home, every type."""
        with transaction.atomic(), connection.cursor() as cursor:
            for service_type in types:
                distances.sources_from_facilities(
                    cursor, category_ids=list(service_type.categories.values_list("id", flat=True))
                )
                distances.straight_for_buildings(cursor)
            distances.temp_tables_drop(cursor)

    def _rolled_back(self, change, changes):
        try:
            with transaction.atomic():
                change()
                run = CoverageRun.objects.create(
                    kind=CoverageRun.Kind.FACILITIES, changes=changes(), steps_total=1
                )
                result = coverage_run_execute(run_id=run.pk)
                assert result.status == CoverageRun.Status.DONE, result.error
                raise _Rollback
        except _Rollback:
            pass

    def _incremental_move(self, stop):
        def change():
            stop.location = Point(stop.location.x + 0.003, stop.location.y + 0.002, srid=4326)
            stop.save()

        self._rolled_back(
            change,
            lambda: [
                {"facility": stop.pk, "old_category": stop.category_id, "new_category": stop.category_id}
            ],
        )
        stop.refresh_from_db()

    def _incremental_add(self, stop):
        created = []

        def change():
            created.append(
                Facility.objects.create(
                    source_id="bench:new-stop", name_uk="Нова зупинка", category=Category.objects.get(slug="bus_stop"),
                    location=Point(stop.location.x + 0.004, stop.location.y - 0.003, srid=4326),
                )
            )  # fmt: skip

        self._rolled_back(
            change,
            lambda: [
                {"facility": created[0].pk, "old_category": None, "new_category": created[0].category_id}
            ],
        )

    def _incremental_close(self, stop):
        pk, category = stop.pk, stop.category_id
        self._rolled_back(
            lambda: Facility.objects.filter(pk=pk).delete(),
            lambda: [{"facility": pk, "old_category": category, "new_category": None}],
        )
