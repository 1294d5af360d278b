"""Changing building sheets: a section at a time, with optimistic locking and history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from housing_registry import permissions
from housing_registry.exceptions import RegistryError, StaleVersion
from housing_registry.history import building_version_values, building_versions, diff_values, record_values
from housing_registry.models import Building, BuildingDocument
from housing_registry.sections import SECTION_BY_SLUG
from housing_registry.services.uploads import upload_check


def _raw(value):
    """A form value as the sheet stores it: related objects by id, empty as None."""
    if hasattr(value, "pk"):
        return value.pk
    if value == "" or value == []:
        return None
    return value


def _stale(building: Building, base_version: int, submitted: dict) -> StaleVersion:
    """What the user needs to see when their save came after someone else's."""
    base = building_version_values(building, base_version)
    current = record_values(building)
    merged, conflicts = {}, set()
    for name, value in submitted.items():
        mine, now = _raw(value), _raw(current.get(name))
        was = _raw(base.get(name)) if base is not None else now
        if mine == was:
            merged[name] = current.get(name)  # untouched by the user: take the current value
        else:
            merged[name] = value
            if now != was and now != mine:
                conflicts.add(name)
    return StaleVersion(
        current=building,
        base_version=base_version,
        changes=building_versions(building, since_version=base_version),
        conflicts=conflicts,
        merged=merged,
    )


def _save_version(building: Building, *, actor, reason: str) -> Building:
    """Check the whole sheet, then save it as the next version, recorded for `actor`."""
    building.full_clean()
    building.version += 1
    building._history_user = actor
    building._change_reason = reason
    building.save()
    return building


@transaction.atomic
def building_section_update(
    *, building_id: int, section: str, data: dict, expected_version: int, actor
) -> Building:
    """Save the fields of one section of a sheet as `actor`, if the sheet is still at
    `expected_version`; otherwise raise StaleVersion (nothing saved). Raises ValidationError
    for values the sheet does not accept and PermissionDenied for sections not the actor's."""
    permissions.ensure_can_edit_section(actor, section)
    fields = SECTION_BY_SLUG[section].fields
    unknown = set(data) - set(fields)
    if unknown:
        raise RegistryError(_("Fields %(f)s are not in this section.") % {"f": ", ".join(sorted(unknown))})
    building = Building.objects.select_for_update().get(pk=building_id)
    if building.version != expected_version:
        raise _stale(building, expected_version, data)
    before = record_values(building)
    for name, value in data.items():
        setattr(building, name, value)
    if not diff_values(before, record_values(building)):
        return building  # nothing changed: no new version
    return _save_version(building, actor=actor, reason=section)


@transaction.atomic
def building_restore(*, building_id: int, history_id: int, expected_version: int, actor) -> Building:
    """Make the sheet what it was at one of its versions (a new version; history is kept)."""
    permissions.ensure_can_view(actor)
    building = Building.objects.select_for_update().get(pk=building_id)
    record = building.history.filter(history_id=history_id).first()
    if record is None:
        raise RegistryError(_("That version does not belong to this building."))
    target = record_values(record)
    changed = diff_values(record_values(building), target)
    permissions.ensure_can_edit_fields(actor, changed)
    if building.version != expected_version:
        raise _stale(building, expected_version, {})
    if not changed:
        raise RegistryError(_("The sheet is already the same as version %(n)s.") % {"n": record.version})
    for name in changed:
        attname = Building._meta.get_field(name).attname
        setattr(building, attname, target[name])
    try:
        return _save_version(building, actor=actor, reason=f"restore:{record.version}")
    except ValidationError as exc:
        raise RegistryError(
            _("Version %(n)s cannot be restored as it is: %(why)s")
            % {"n": record.version, "why": "; ".join(m for msgs in exc.message_dict.values() for m in msgs)}
        ) from exc


@transaction.atomic
def building_document_add(*, building: Building, kind: str, title: str, upload, actor) -> BuildingDocument:
    """Attach a checked file to the sheet (stored under MEDIA_ROOT/housing/buildings/<id>/)."""
    permissions.ensure_can_edit_section(actor, "documents")
    if kind not in BuildingDocument.Kind.values:
        raise RegistryError(_("Choose the kind of document."))
    clean = upload_check(upload)
    document = BuildingDocument(
        building=building, kind=kind, title=(title or clean.name)[:200], size=clean.size, uploaded_by=actor
    )
    document.file.save(clean.name, clean.content, save=False)
    document._history_user = actor
    document.save()
    return document


@transaction.atomic
def building_document_remove(*, document: BuildingDocument, actor) -> None:
    """Remove a document from the sheet; the history keeps who removed what and when."""
    permissions.ensure_can_edit_section(actor, "documents")
    stored = document.file.name
    storage = document.file.storage
    document._history_user = actor
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
