"""The works log: recording works on buildings and keeping them up to date."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from housing_registry import permissions
from housing_registry.exceptions import RegistryError, StaleVersion
from housing_registry.models import Building, WorkAttachment, WorkRecord
from housing_registry.services.uploads import upload_check

WORK_FIELDS = (
    "entrance",
    "system",
    "kind",
    "title",
    "planned_date",
    "done_date",
    "contractor",
    "status",
    "cost",
    "notes",
)


@transaction.atomic
def work_record_create(*, building: Building, data: dict, actor) -> WorkRecord:
    """Log a work on `building`; ValidationError for values the log does not accept."""
    permissions.ensure_can_log_work(actor, data.get("system") or WorkRecord.System.GENERAL)
    unknown = set(data) - set(WORK_FIELDS)
    if unknown:
        raise RegistryError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    work = WorkRecord(building=building, created_by=actor, **data)
    work.full_clean()
    work._history_user = actor
    work.save()
    return work


@transaction.atomic
def work_record_update(*, work_id: int, data: dict, expected_version: int, actor) -> WorkRecord:
    """Change a work record if it is still at `expected_version` (else StaleVersion)."""
    work = WorkRecord.objects.select_for_update().select_related("building").get(pk=work_id)
    permissions.ensure_can_change_work(actor, work)
    if "system" in data:
        permissions.ensure_can_log_work(actor, data["system"])
    unknown = set(data) - set(WORK_FIELDS)
    if unknown:
        raise RegistryError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if work.version != expected_version:
        raise StaleVersion(
            current=work, base_version=expected_version, changes=_work_changes(work, expected_version)
        )
    for name, value in data.items():
        setattr(work, name, value)
    work.full_clean()
    work.version += 1
    work._history_user = actor
    work.save()
    return work


def _work_changes(work: WorkRecord, since_version: int) -> list:
    """Who saved the work record after `since_version`, newest last (for a refused save)."""
    records = list(
        work.history.filter(version__gt=since_version).select_related("history_user").order_by("history_date")
    )
    previous = work.history.filter(version__lte=since_version).order_by("-history_date").first()
    out = []
    for record in records:
        changed = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(WORK_FIELDS))
            changed = [str(WorkRecord._meta.get_field(c.field).verbose_name) for c in delta.changes]
        out.append({"user": record.history_user, "date": record.history_date, "fields": changed})
        previous = record
    return out


@transaction.atomic
def work_attachment_add(*, work: WorkRecord, title: str, upload, actor) -> WorkAttachment:
    """Attach a checked file (an act, an estimate, a photo) to a work record."""
    permissions.ensure_can_change_work(actor, work)
    clean = upload_check(upload)
    attachment = WorkAttachment(
        work=work, title=(title or clean.name)[:200], size=clean.size, uploaded_by=actor
    )
    attachment.file.save(clean.name, clean.content, save=False)
    attachment.save()
    return attachment
