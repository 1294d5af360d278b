"""Operations that change coverage state: recompute runs (full, one type, facility changes).

A run is recorded first (`CoverageRun`, queued) and executed by the worker
(`coverage.tasks.coverage_run_task`) or in-process by `manage.py coverage_recompute`. Each
step commits on its own, so the page polling the run sees its progress and readers always see
complete results of each service type (old or new, never half).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.background import task_enqueue
from coverage import network, results
from coverage.models import CoverageRun, FacilityAccess, NetworkBuild, ServiceType
from coverage.permissions import ensure_can
from facilities.models import Facility

logger = logging.getLogger(__name__)
Kind, Status = CoverageRun.Kind, CoverageRun.Status


class CoverageError(Exception):
    """An expected failure with a message for people (views turn it into a 400 or 404)."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status


def service_type_get(*, slug: str, public_only: bool = False) -> ServiceType:
    """The service type with this slug, or a CoverageError (404) naming the ones there are."""
    queryset = ServiceType.objects.filter(is_public=True) if public_only else ServiceType.objects.all()
    found = queryset.filter(slug=slug).first()
    if found is None:
        known = ", ".join(queryset.values_list("slug", flat=True)) or "—"
        raise CoverageError(
            _("There is no service type “%(slug)s”. Known types: %(known)s.")
            % {"slug": slug, "known": known},
            status=404,
        )
    return found


def coverage_run_start(*, actor, service_type: ServiceType | None = None) -> CoverageRun:
    """Queue a full recompute (or one of a single service type) for the background worker.

    While one is queued or running, starting another returns that one instead.
    """
    ensure_can(actor, "run")
    active = CoverageRun.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], kind__in=[Kind.FULL, Kind.SERVICE_TYPE]
    ).first()
    if active is not None:
        return active
    run = _run_create(
        kind=Kind.SERVICE_TYPE if service_type else Kind.FULL, service_type=service_type, actor=actor
    )
    _enqueue(run)
    return run


def coverage_recompute(
    *, service_type: ServiceType | None = None, log: Callable[[str], None] | None = None
) -> CoverageRun:
    """Recompute now, in this process (management command, bench); returns the finished run."""
    run = _run_create(kind=Kind.SERVICE_TYPE if service_type else Kind.FULL, service_type=service_type)
    return coverage_run_execute(run_id=run.pk, log=log)


def coverage_facilities_changed(*, changes: list[dict]) -> CoverageRun | None:
    """Queue the incremental update after facilities were added, moved, recategorised or closed.

    Nothing is queued before the first recompute: there are no results to update yet.
    """
    if not changes or not CoverageRun.objects.filter(status=Status.DONE).exists():
        return None
    run = CoverageRun.objects.create(kind=Kind.FACILITIES, changes=changes, steps_total=1)
    _enqueue(run)
    return run


def service_type_changed(*, service_type: ServiceType, distances_changed: bool) -> CoverageRun | None:
    """After staff edit a service type: new categories recompute its distances in the background;
    a new threshold or speed only needs the minutes and figures, done at once."""
    if not CoverageRun.objects.filter(status=Status.DONE).exists():
        return None
    if distances_changed:
        run = _run_create(kind=Kind.SERVICE_TYPE, service_type=service_type)
        _enqueue(run)
        return run
    from coverage.summaries import summaries_refresh

    with transaction.atomic():
        results.minutes_refresh(service_type=service_type)
        summaries_refresh(service_type=service_type)
    return None


def coverage_homes_changed(*, places_changed: bool) -> CoverageRun | None:
    """After buildings or resident counts changed: new, moved or demolished homes need a
    recompute (queued); new apartment or resident figures only the summaries (queued too)."""
    if not CoverageRun.objects.filter(status=Status.DONE).exists():
        return None
    if places_changed:
        active = CoverageRun.objects.filter(status=Status.QUEUED, kind=Kind.FULL).first()
        if active is not None:
            return active
        run = _run_create(kind=Kind.FULL, service_type=None)
        _enqueue(run)
        return run
    task_enqueue("coverage.tasks.coverage_summaries_task")
    return None


def coverage_summaries_refresh() -> None:
    """Recompute every type's figures from the stored distances (population changed)."""
    from coverage.summaries import summaries_refresh

    for service_type in ServiceType.objects.all():
        with transaction.atomic():
            summaries_refresh(service_type=service_type)


def _run_create(*, kind: str, service_type: ServiceType | None, actor=None) -> CoverageRun:
    types = 1 if service_type else ServiceType.objects.count()
    return CoverageRun.objects.create(
        kind=kind, service_type=service_type, requested_by=actor, steps_total=3 + types
    )


def _enqueue(run: CoverageRun) -> None:
    task_enqueue("coverage.tasks.coverage_run_task", run.pk)


# -- executing a run ----------------------------------------------------------------------------


class _Progress:
    def __init__(self, run: CoverageRun, log: Callable[[str], None] | None):
        self.run, self.log = run, log or (lambda _line: None)

    def step(self, name: str, fn, *args, **kwargs):
        CoverageRun.objects.filter(pk=self.run.pk).update(step=name)
        started = time.perf_counter()
        with transaction.atomic():
            value = fn(*args, **kwargs)
        elapsed = time.perf_counter() - started
        self.run.timings[name] = round(elapsed, 3)
        self.run.steps_done += 1
        CoverageRun.objects.filter(pk=self.run.pk).update(
            steps_done=self.run.steps_done, timings=self.run.timings, warnings=self.run.warnings
        )
        self.log(f"{name}: {elapsed:.2f} s")
        return value

    def warn(self, code: str, **params) -> None:
        self.run.warnings.append({"code": code, **params})


def coverage_run_execute(*, run_id: int, log: Callable[[str], None] | None = None) -> CoverageRun:
    """Do the work of a queued run; a failure is recorded on the run (status failed), not raised."""
    run = CoverageRun.objects.get(pk=run_id)
    if run.status != Status.QUEUED:
        return run
    CoverageRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, started_at=timezone.now())
    progress = _Progress(run, log)
    try:
        if run.kind == Kind.FACILITIES and _network_current():
            _execute_facilities(run, progress)
        else:
            _execute_recompute(run, progress, full=run.kind != Kind.SERVICE_TYPE)
    except Exception as exc:  # recorded for staff; the worker must not retry a broken run forever
        logger.exception("coverage run %s failed", run.pk)
        CoverageRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    CoverageRun.objects.filter(pk=run.pk).update(
        status=Status.DONE, finished_at=timezone.now(), steps_done=run.steps_total, step=""
    )
    run.refresh_from_db()
    return run


def _network_current() -> bool:
    built = NetworkBuild.objects.order_by("-pk").first()
    return built is not None and built.fingerprint == network.network_fingerprint()


def _execute_recompute(run: CoverageRun, progress: _Progress, *, full: bool) -> None:
    if full or not _network_current():
        progress.step("network", _network_step, progress)
        progress.step("buildings", _buildings_step, progress, only_missing=False)
        progress.step("facilities", _facilities_step, progress, only_missing=False)
    else:
        progress.step("network", lambda: None)
        progress.step("buildings", _buildings_step, progress, only_missing=True)
        progress.step("facilities", _facilities_step, progress, only_missing=True)
    types = (
        [run.service_type]
        if run.kind == Kind.SERVICE_TYPE and run.service_type
        else ServiceType.objects.all()
    )
    for service_type in types:
        report = progress.step(
            f"type:{service_type.slug}", results.results_compute, service_type=service_type
        )
        run.warnings.extend(report.notes)
    CoverageRun.objects.filter(pk=run.pk).update(warnings=run.warnings)


def _network_step(progress: _Progress) -> None:
    report = network.network_rebuild()
    NetworkBuild.objects.all().delete()
    NetworkBuild.objects.create(
        fingerprint=network.network_fingerprint(),
        nodes=report.nodes,
        edges=report.edges,
        component_sizes=report.component_sizes,
    )
    if report.edges == 0:
        progress.warn("network_empty")
    elif report.components > 1:
        progress.warn(
            "network_parts",
            parts=report.components,
            largest=report.component_sizes[0],
            others=report.edges - report.component_sizes[0],
        )


def _buildings_step(progress: _Progress, *, only_missing: bool) -> None:
    if not only_missing:
        network.hex_cells_reset()
    network.buildings_join(only_missing=only_missing)
    counts = network.access_counts()
    if counts["buildings_unconnected"]:
        progress.warn("buildings_unconnected", count=counts["buildings_unconnected"])


def _facilities_step(progress: _Progress, *, only_missing: bool) -> None:
    if only_missing:
        missing = list(
            Facility.objects.exclude(pk__in=FacilityAccess.objects.values("facility_id")).values_list(
                "pk", flat=True
            )
        )
        if missing:
            network.facilities_join(facility_ids=missing)
    else:
        network.facilities_join()
    unconnected = FacilityAccess.objects.filter(connected=False).values_list("facility_id", flat=True)
    if unconnected:
        names = list(Facility.objects.filter(pk__in=list(unconnected)[:10]).values_list("name_uk", flat=True))
        progress.warn("facilities_unconnected", count=len(unconnected), names=names)


def _execute_facilities(run: CoverageRun, progress: _Progress) -> None:
    """Only what the changed facilities affect: join them anew, then update the types concerned."""
    existing = set(
        Facility.objects.filter(pk__in=[c["facility"] for c in run.changes]).values_list("pk", flat=True)
    )
    per_type: dict[int, tuple[set[int], set[int]]] = {}
    by_category = _types_by_category()
    for change in run.changes:
        facility = change["facility"]
        old_types = by_category.get(change.get("old_category"), set())
        new_types = by_category.get(change.get("new_category"), set()) if facility in existing else set()
        for type_id in old_types:
            per_type.setdefault(type_id, (set(), set()))[0].add(facility)
        for type_id in new_types:
            per_type.setdefault(type_id, (set(), set()))[1].add(facility)
    run.steps_total = 1 + len(per_type)
    CoverageRun.objects.filter(pk=run.pk).update(steps_total=run.steps_total)
    progress.step("facilities", _facilities_rejoin, existing, {c["facility"] for c in run.changes} - existing)
    for service_type in ServiceType.objects.filter(pk__in=per_type):
        removed, added = per_type[service_type.pk]
        report = progress.step(
            f"type:{service_type.slug}",
            results.results_update,
            service_type=service_type,
            removed=removed,
            added=added,
        )
        run.warnings.extend(n for n in report.notes if n["code"] == "type_no_facilities")
    CoverageRun.objects.filter(pk=run.pk).update(warnings=run.warnings)


def _facilities_rejoin(existing: set[int], gone: set[int]) -> None:
    FacilityAccess.objects.filter(facility_id__in=gone).delete()
    if existing:
        network.facilities_join(facility_ids=sorted(existing))


def _types_by_category() -> dict[int, set[int]]:
    mapping: dict[int, set[int]] = {}
    for type_id, category_id in ServiceType.categories.through.objects.values_list(
        "servicetype_id", "category_id"
    ):
        mapping.setdefault(category_id, set()).add(type_id)
    return mapping
