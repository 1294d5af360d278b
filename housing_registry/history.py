"""Reading a sheet's history: its versions, who made each, and what changed (a field diff).

Histories are written by django-simple-history on every save of a Building; services set the
user and a reason (the section edited, "import", "restored version N").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from citizen_requests.models import Service
from city.models import District
from housing_registry.display import field_label, format_value
from housing_registry.models import Building, BuildingDocument
from housing_registry.sections import SECTION_BY_SLUG, SHEET_FIELDS, section_of_field

FK_FIELDS = {"district": District, "heating_provider": Service, "managing_company": Service}


@dataclass
class Change:
    field: str
    label: str
    section: str
    old: str
    new: str

    @property
    def section_title(self) -> str:
        return str(SECTION_BY_SLUG[self.section].title) if self.section in SECTION_BY_SLUG else self.section


@dataclass
class Version:
    history_id: int
    number: int
    date: datetime
    user: object
    reason: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[Change] = field(default_factory=list)

    @property
    def who(self) -> str:
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.username

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)

    @property
    def sections(self) -> list[str]:
        seen = []
        for c in self.changes:
            title = str(SECTION_BY_SLUG[c.section].title) if c.section in SECTION_BY_SLUG else c.section
            if title not in seen:
                seen.append(title)
        return seen


def reason_text(reason: str) -> str:
    """Why a version was saved, as stored by the services ("heating", "import:<file>",
    "restore:<n>", "demo data", "admin"), in the reader's language."""
    if reason in SECTION_BY_SLUG:
        return str(SECTION_BY_SLUG[reason].title)
    kind, _sep, detail = reason.partition(":")
    if kind == "import" and detail:
        return _("import: %(name)s") % {"name": detail}
    if kind == "restore" and detail:
        return _("restored version %(n)s") % {"n": detail}
    known = {"demo data": _("loaded from the demo data"), "admin": _("changed in the Django admin")}
    return str(known.get(reason, reason))


def record_values(record) -> dict:
    """The sheet fields of a historical record (or a Building), foreign keys as ids."""
    out = {}
    for name in SHEET_FIELDS:
        if name in FK_FIELDS:
            out[name] = getattr(record, f"{name}_id")
        else:
            out[name] = getattr(record, name)
    return out


def diff_values(old: dict, new: dict) -> list[str]:
    """The sheet fields whose values differ, in sheet order."""
    return [name for name in SHEET_FIELDS if _norm(old.get(name)) != _norm(new.get(name))]


def _norm(value):
    if value == "" or value == []:
        return None
    return value


def _related_names(values_list: list[dict]) -> dict:
    wanted: dict[type, set] = {}
    for values in values_list:
        for name, model in FK_FIELDS.items():
            if values.get(name) is not None:
                wanted.setdefault(model, set()).add(values[name])
    names = {}
    for model, ids in wanted.items():
        for obj in model.objects.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def _changes(old: dict | None, new: dict, names: dict) -> list[Change]:
    if old is None:
        return []
    out = []
    for name in diff_values(old, new):
        out.append(
            Change(
                field=name,
                label=field_label(name),
                section=section_of_field(name) or "",
                old=format_value(name, old.get(name), related_names=names),
                new=format_value(name, new.get(name), related_names=names),
            )
        )
    return out


def changes_between(old: dict, new: dict) -> list[Change]:
    """The changed fields of two sets of sheet values, as people read them."""
    return _changes(old, new, _related_names([old, new]))


def building_versions(building: Building, *, since_version: int | None = None) -> list[Version]:
    """Every version of the sheet, newest first, each with its changes against the one before.

    With `since_version`, only the versions saved after that one (for a refused stale save).
    """
    records = list(building.history.select_related("history_user").order_by("history_date", "history_id"))
    values = [record_values(r) for r in records]
    names = _related_names(values)
    versions = []
    previous = None
    for record, vals in zip(records, values, strict=True):
        versions.append(
            Version(
                history_id=record.history_id,
                number=record.version,
                date=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                kind=record.history_type,
                changes=_changes(previous, vals, names),
            )
        )
        previous = vals
    if since_version is not None:
        versions = [v for v in versions if v.number > since_version]
    return list(reversed(versions))


def building_version_values(building: Building, version: int) -> dict | None:
    """The sheet as it was at `version` (the latest record with that number), or None."""
    record = building.history.filter(version=version).order_by("-history_date", "-history_id").first()
    return record_values(record) if record is not None else None


@dataclass
class DocumentEvent:
    date: datetime
    user: object
    kind: str  # "+" added, "-" removed
    title: str

    @property
    def who(self) -> str:
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.username


def building_document_events(building: Building) -> list[DocumentEvent]:
    """Documents added to and removed from the sheet, newest first."""
    records = (
        BuildingDocument.history.filter(building_id=building.pk, history_type__in=["+", "-"])
        .select_related("history_user")
        .order_by("-history_date")
    )
    return [DocumentEvent(r.history_date, r.history_user, r.history_type, r.title) for r in records]
