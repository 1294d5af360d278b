"""Facility and home changes keep coverage current, hooked from outside `facilities/` and
`housing_registry/` (neither app knows about coverage: these receivers watch their models).

A facility save that moves a facility or changes its category, a new facility and a deleted (closed) one are
collected per transaction and handed to one incremental run after commit; edits that change
neither place nor category (a phone number) cost nothing. A new, moved or demolished home
queues a recompute; new apartment or resident figures only refresh the summaries. Bulk
operations that bypass signals (the demo loader's bulk upsert) are followed by a full
recompute instead (`manage.py coverage_recompute`, run by `make run`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from coverage.models import ResidentCount
from facilities.models import Facility
from housing_registry.models import Building


@receiver(pre_save, sender=Facility, dispatch_uid="coverage_facility_pre_save")
def _remember_old_place(sender, instance: Facility, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._coverage_old = None
        return
    instance._coverage_old = (
        Facility.objects.filter(pk=instance.pk).values_list("location", "category_id").first()
    )


@receiver(post_save, sender=Facility, dispatch_uid="coverage_facility_post_save")
def _facility_saved(sender, instance: Facility, created: bool, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_coverage_old", None)
    if created or old is None:
        _queue({"facility": instance.pk, "old_category": None, "new_category": instance.category_id})
        return
    old_location, old_category = old
    moved = old_location is None or not old_location.equals_exact(instance.location, 1e-9)
    if moved or old_category != instance.category_id:
        _queue({"facility": instance.pk, "old_category": old_category, "new_category": instance.category_id})


@receiver(post_delete, sender=Facility, dispatch_uid="coverage_facility_post_delete")
def _facility_deleted(sender, instance: Facility, **kwargs):
    _queue({"facility": instance.pk, "old_category": instance.category_id, "new_category": None})


class _Batch:
    """The changes of one transaction, handed over in one piece once it commits.

    It lives in the connection's list of on-commit callbacks, so a rolled-back transaction
    takes it along (Django drops the callbacks) and nothing stale is left behind.
    """

    def __init__(self) -> None:
        self.changes: list[dict] = []

    def __call__(self) -> None:
        from coverage.services import coverage_facilities_changed

        coverage_facilities_changed(changes=self.changes)


def _queue(change: dict) -> None:
    connection = transaction.get_connection()
    batch = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Batch)), None)
    if batch is None or not connection.in_atomic_block:
        batch = _Batch()
        batch.changes.append(change)
        transaction.on_commit(batch)
        return
    batch.changes.append(change)


# -- homes ---------------------------------------------------------------------------------------


@receiver(pre_save, sender=Building, dispatch_uid="coverage_building_pre_save")
def _remember_old_home(sender, instance: Building, raw=False, **kwargs):
    instance._coverage_old = (
        None
        if raw or instance.pk is None
        else Building.objects.filter(pk=instance.pk).values_list("footprint", "apartments").first()
    )


@receiver(post_save, sender=Building, dispatch_uid="coverage_building_post_save")
def _home_saved(sender, instance: Building, created: bool, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_coverage_old", None)
    if created or old is None:
        _homes_changed(places=True)
        return
    footprint, apartments = old
    if not footprint.equals_exact(instance.footprint, 1e-9):
        _homes_changed(places=True)
    elif apartments != instance.apartments:
        _homes_changed(places=False)


@receiver(post_delete, sender=Building, dispatch_uid="coverage_building_post_delete")
def _home_deleted(sender, instance: Building, **kwargs):
    _homes_changed(places=True)


@receiver(post_save, sender=ResidentCount, dispatch_uid="coverage_residents_saved")
@receiver(post_delete, sender=ResidentCount, dispatch_uid="coverage_residents_deleted")
def _residents_changed(sender, instance: ResidentCount, raw=False, **kwargs):
    if not raw:
        _homes_changed(places=False)


class _HomesBatch:
    """Like _Batch: one hand-over per transaction, whatever the number of homes changed."""

    def __init__(self) -> None:
        self.places = False

    def __call__(self) -> None:
        from coverage.services import coverage_homes_changed

        coverage_homes_changed(places_changed=self.places)


def _homes_changed(*, places: bool) -> None:
    connection = transaction.get_connection()
    batch = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _HomesBatch)), None)
    if batch is None or not connection.in_atomic_block:
        batch = _HomesBatch()
        transaction.on_commit(batch)
    batch.places = batch.places or places
