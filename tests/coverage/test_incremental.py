"""A facility added, moved, recategorised or closed updates only the coverage it affects, and
the result is the same as a full recompute."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from coverage.models import BuildingAccess, BuildingCoverage, CoverageRun, ServiceType
from coverage.selectors import city_summary
from coverage.services import coverage_recompute
from facilities.models import Category, Facility

pytestmark = pytest.mark.usefixtures("computed")


def snapshot(slug: str) -> dict[int, tuple]:
    return {
        r.building_id: (r.status, r.facility_id, None if r.network_m is None else round(r.network_m, 3),
                        None if r.straight_m is None else round(r.straight_m, 3))
        for r in BuildingCoverage.objects.filter(service_type__slug=slug)
    }  # fmt: skip


def distances(snap: dict) -> dict[int, float | None]:
    return {b: row[2] for b, row in snap.items()}


def apply_changes(capture, change):
    """Make the change in its own transaction and run what its commit hands over (eagerly)."""
    runs_before = set(CoverageRun.objects.values_list("pk", flat=True))
    with capture(execute=True):
        change()
    new_runs = CoverageRun.objects.exclude(pk__in=runs_before)
    assert new_runs.count() == 1, "one transaction, one incremental run"
    run = new_runs.get()
    assert run.kind == CoverageRun.Kind.FACILITIES and run.status == CoverageRun.Status.DONE, run.error
    return run


def assert_same_as_full_recompute(*slugs):
    incremental = {slug: snapshot(slug) for slug in slugs}
    assert coverage_recompute().status == CoverageRun.Status.DONE
    for slug in slugs:
        full = snapshot(slug)
        assert distances(incremental[slug]) == distances(full), slug
        assert {b: r[3] for b, r in incremental[slug].items()} == {b: r[3] for b, r in full.items()}, slug


def test_a_new_stop_closes_exactly_the_gap_it_should(django_capture_on_commit_callbacks, eager_celery):
    stops = ServiceType.objects.get(slug="transport-stop")
    before = snapshot("transport-stop")
    share_before = city_summary(stops).share_within
    # The home farthest from any stop gets a stop at its door.
    far = BuildingCoverage.objects.filter(service_type=stops, status="ok").order_by("-network_m").first()
    assert far.network_m > stops.threshold_m
    door = BuildingAccess.objects.get(building_id=far.building_id).point
    stop = Facility(source_id="t-new-stop", name_uk="Нова зупинка", category=Category.objects.get(slug="bus_stop"),
                    location=Point(door.x, door.y, srid=4326))  # fmt: skip

    run = apply_changes(django_capture_on_commit_callbacks, stop.save)

    assert run.changes == [{"facility": stop.pk, "old_category": None, "new_category": stop.category_id}]
    after = snapshot("transport-stop")
    assert after[far.building_id][1] == stop.pk and after[far.building_id][2] < stops.threshold_m
    changed = {b for b in before if before[b][:3] != after[b][:3]}
    # Only homes the new stop is nearer to (along the streets) changed, and each got nearer.
    assert changed and all(after[b][1] == stop.pk and after[b][2] < before[b][2] for b in changed)
    assert all(after[b][1] != stop.pk for b in before.keys() - changed)
    # As the crow flies likewise: a change only where the new stop is nearer.
    straight = {b for b in before if before[b][3] != after[b][3]}
    assert all(after[b][3] < before[b][3] for b in straight)
    assert city_summary(stops).share_within > share_before
    # Other service types were not touched.
    assert "type:pharmacy" not in run.timings
    assert_same_as_full_recompute("transport-stop")


def test_closing_a_facility_opens_the_gap_and_moves_homes_to_the_next_nearest(
    django_capture_on_commit_callbacks, eager_celery
):
    kindergartens = ServiceType.objects.get(slug="kindergarten")
    before = snapshot("kindergarten")
    busiest = (
        BuildingCoverage.objects.filter(service_type=kindergartens)
        .values_list("facility_id", flat=True)
        .order_by("facility_id")
    )
    closing = max(set(busiest), key=list(busiest).count)
    served = {b for b, row in before.items() if row[1] == closing}

    apply_changes(django_capture_on_commit_callbacks, Facility.objects.get(pk=closing).delete)

    after = snapshot("kindergarten")
    assert all(after[b][1] != closing for b in after)
    assert all(after[b][2] > before[b][2] for b in served)  # each walks farther now
    assert all(after[b] == before[b] for b in after.keys() - served)  # nobody else changed
    assert_same_as_full_recompute("kindergarten")


def test_moving_and_recategorising_facilities_in_one_transaction(
    django_capture_on_commit_callbacks, eager_celery
):
    school = Facility.objects.filter(category__slug="school").order_by("pk")[3]
    kindergarten = Facility.objects.filter(category__slug="kindergarten").order_by("pk")[2]
    pharmacy = Facility.objects.filter(category__slug="pharmacy").order_by("pk")[5]

    def change():
        school.location = Point(school.location.x + 0.01, school.location.y - 0.004, srid=4326)
        school.save()
        kindergarten.category = Category.objects.get(slug="school")
        kindergarten.save()
        pharmacy.phones = ["+380 5348 00000"]  # not a move: costs nothing
        pharmacy.save()

    run = apply_changes(django_capture_on_commit_callbacks, change)
    assert {c["facility"] for c in run.changes} == {school.pk, kindergarten.pk}
    assert {k for k in run.timings if k.startswith("type:")} == {"type:school", "type:kindergarten"}
    assert_same_as_full_recompute("school", "kindergarten", "pharmacy")


def test_a_rolled_back_change_hands_nothing_over(django_capture_on_commit_callbacks):
    from django.db import transaction

    runs = CoverageRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Facility.objects.filter(category__slug="pharmacy").first().delete()
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass
    assert callbacks == [] and CoverageRun.objects.count() == runs
