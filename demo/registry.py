"""Loading the housing registry's demo tables (data/shapefiles/*.csv) with the demo city.

Read and checked with the registry's own rules (housing_registry.columns and Building.clean),
written in the loader's transaction, upserted by stable keys. A sheet or work a person has
edited (its history names a user) is left as that person saved it: reloading the demo never
overwrites staff's work. Every sheet the loader creates or changes gets a version in its
history ("demo data"), so history, diff and restore start from the loaded state.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from citizen_requests.models import Service
from demo.sheets import DEMO_MEMBERSHIPS, ORGANISATION_SECTIONS
from housing_registry.columns import CellError, Lookups, parse_cell
from housing_registry.models import Building, Contractor, ResponsibleOrganisation, WorkRecord

TABLES = {
    "building_sheets": ("src_id",),
    "elevators": ("building", "entrance", "year", "state", "capacity_kg"),
    "contractors": ("name", "edrpou", "phone", "email"),
    "work_records": (
        "src_id", "building", "entrance", "system", "kind", "title", "planned_date", "done_date",
        "contractor", "status", "cost", "notes",
    ),
}  # fmt: skip
DEMO_REASON = "demo data"


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # edited by staff: left as they are

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.kept} kept as staff edited them" if self.kept else "")


def read_registry_tables(directory: Path, problems: list[str]) -> dict[str, list[dict]]:
    """The CSV tables as lists of rows (text); missing files or columns go to `problems`."""
    tables = {}
    for name, columns in TABLES.items():
        path = directory / f"{name}.csv"
        if not path.exists():
            problems.append(f"{name}.csv: missing")
            continue
        try:
            with path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(f"{name}.csv cannot be read ({exc})")
            continue
        header = set(rows[0]) if rows else set()
        absent = [c for c in columns if c not in header]
        if absent:
            problems.append(f"{name}.csv: missing columns {', '.join(absent)}")
            continue
        tables[name] = rows
    return tables


def _people_edited(model) -> set[int]:
    """Ids of records whose history names a person (edited by staff, not by a loader)."""
    return set(model.history.filter(history_user__isnull=False).values_list("id", flat=True).distinct())


def load_organisations() -> TableCounts:
    counts = TableCounts()
    services = {s.source_id: s for s in Service.objects.filter(source_id__in=ORGANISATION_SECTIONS)}
    for source_id, sections in ORGANISATION_SECTIONS.items():
        organisation, created = ResponsibleOrganisation.objects.get_or_create(
            service=services[source_id], defaults={"sections": sections}
        )
        if created:
            counts.created += 1
        elif organisation.sections != sections:
            organisation.sections = sections
            organisation.save(update_fields=["sections"])
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def demo_memberships_ensure() -> None:
    """The demo dispatcher works at a housing maintenance company (demo/sheets.py)."""
    User = get_user_model()
    for username, source_id in DEMO_MEMBERSHIPS.items():
        user = User.objects.filter(username=username).first()
        organisation = ResponsibleOrganisation.objects.filter(service__source_id=source_id).first()
        if user is not None and organisation is not None:
            organisation.members.add(user)


def load_contractors(rows: list[dict]) -> TableCounts:
    counts = TableCounts()
    existing = {c.name: c for c in Contractor.objects.all()}
    for row in rows:
        values = {k: row[k].strip() for k in ("edrpou", "phone", "email")}
        contractor = existing.get(row["name"])
        if contractor is None:
            Contractor.objects.create(name=row["name"], **values)
            counts.created += 1
        elif any(getattr(contractor, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(contractor, k, v)
            contractor.save()
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def load_sheets(sheet_rows: list[dict], elevator_rows: list[dict]) -> TableCounts:
    """Fill the sheets of the loaded buildings; raise DemoDataError-style problems as a list."""
    from demo.loader import DemoDataError

    counts, problems = TableCounts(), []
    buildings = {b.source_id: b for b in Building.objects.all()}
    edited = _people_edited(Building)
    lookups = Lookups()
    elevators: dict[str, list[dict]] = {}
    for n, row in enumerate(elevator_rows, start=2):
        try:
            item = {
                "entrance": int(row["entrance"]),
                "year": int(row["year"]) if row["year"] else None,
                "state": row["state"],
                "capacity_kg": int(row["capacity_kg"]) if row["capacity_kg"] else None,
            }
        except ValueError:
            problems.append(f"elevators.csv row {n}: entrance, year and capacity_kg must be numbers")
            continue
        elevators.setdefault(row["building"], []).append(item)
    changed = []
    for n, row in enumerate(sheet_rows, start=2):
        building = buildings.get(row["src_id"])
        if building is None:
            problems.append(f"building_sheets.csv row {n}: src_id {row['src_id']!r} is not in buildings.shp")
            continue
        if building.pk in edited:
            counts.kept += 1
            continue
        values = {"elevators": elevators.get(row["src_id"], [])}
        for column, raw in row.items():
            if column == "src_id":
                continue
            field = Building._meta.get_field(column)
            try:
                value = parse_cell(column, raw, lookups)
            except CellError as exc:
                problems.append(f"building_sheets.csv row {n}: {column}: {exc}")
                continue
            values[column] = value if value is not None else (None if field.null else "")
        before = {k: getattr(building, k) for k in values}
        if all(_same(before[k], v) for k, v in values.items()):
            counts.unchanged += 1
            continue
        for k, v in values.items():
            setattr(building, k, v)
        try:
            building.clean_fields(exclude=["footprint"])
            building.clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                problems.append(f"building_sheets.csv row {n}: {field_name}: {'; '.join(messages)}")
            continue
        changed.append(building)
    if problems:
        raise DemoDataError(problems)
    fields = sorted({k for row in sheet_rows for k in row if k != "src_id"} | {"elevators"})
    Building.objects.bulk_update(changed, fields, batch_size=200)
    counts.updated = len(changed)
    return counts


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    if hasattr(a, "pk") or hasattr(b, "pk"):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return (a if a not in ("", None) else None) == (b if b not in ("", None) else None)


def sheet_history_sync() -> None:
    """Give every sheet not edited by a person a version in history matching what it holds:
    a first version for new sheets, a new version when a reload changed the sheet."""
    from housing_registry.history import diff_values, record_values

    edited = _people_edited(Building)
    latest = {}
    for record in Building.history.order_by("id", "-history_date", "-history_id").distinct("id"):
        latest[record.id] = record
    first, bumped = [], []
    for building in Building.objects.exclude(pk__in=edited):
        record = latest.get(building.pk)
        if record is None:
            first.append(building)
        elif diff_values(record_values(record), record_values(building)):
            building.version += 1
            bumped.append(building)
    if bumped:
        Building.objects.bulk_update(bumped, ["version"], batch_size=500)
    if first:
        Building.history.bulk_history_create(first, default_change_reason=DEMO_REASON, batch_size=500)
    if bumped:
        Building.history.bulk_history_create(
            bumped, update=True, default_change_reason=DEMO_REASON, batch_size=500
        )


def load_works(rows: list[dict]) -> TableCounts:
    from demo.loader import DemoDataError

    counts, problems = TableCounts(), []
    buildings = {b.source_id: b for b in Building.objects.all()}
    contractors = {c.name: c for c in Contractor.objects.all()}
    existing = {w.source_id: w for w in WorkRecord.objects.filter(source_id__isnull=False)}
    edited = _people_edited(WorkRecord)
    fields = ("building", "entrance", "system", "kind", "title", "planned_date", "done_date", "contractor",
              "status", "cost", "notes")  # fmt: skip
    create, update = [], []
    for n, row in enumerate(rows, start=2):
        building = buildings.get(row["building"])
        if building is None:
            problems.append(f"work_records.csv row {n}: building {row['building']!r} is not in buildings.shp")
            continue
        if row["contractor"] and row["contractor"] not in contractors:
            problems.append(
                f"work_records.csv row {n}: contractor {row['contractor']!r} is not in contractors.csv"
            )
            continue
        try:
            values = dict(
                building=building,
                entrance=int(row["entrance"]) if row["entrance"] else None,
                system=row["system"],
                kind=row["kind"],
                title=row["title"],
                planned_date=date.fromisoformat(row["planned_date"]),
                done_date=date.fromisoformat(row["done_date"]) if row["done_date"] else None,
                contractor=contractors.get(row["contractor"]),
                status=row["status"],
                cost=Decimal(row["cost"]) if row["cost"] else None,
                notes=row["notes"],
            )
        except (ValueError, ArithmeticError) as exc:
            problems.append(f"work_records.csv row {n}: {exc}")
            continue
        work = existing.get(row["src_id"])
        if work is not None and work.pk in edited:
            counts.kept += 1
            continue
        if work is not None and all(_same(getattr(work, k), v) for k, v in values.items()):
            counts.unchanged += 1
            continue
        if work is None:
            work = WorkRecord(source_id=row["src_id"], **values)
            target = create
        else:
            for k, v in values.items():
                setattr(work, k, v)
            work.version += 1
            target = update
        try:
            work.clean_fields(exclude=["building", "contractor"])
            work.clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                problems.append(f"work_records.csv row {n}: {field_name}: {'; '.join(messages)}")
            continue
        target.append(work)
    if problems:
        raise DemoDataError(problems)
    WorkRecord.objects.bulk_create(create, batch_size=1000)
    WorkRecord.objects.bulk_update(update, [*fields, "version"], batch_size=500)
    if create:
        WorkRecord.history.bulk_history_create(create, default_change_reason=DEMO_REASON, batch_size=1000)
    if update:
        WorkRecord.history.bulk_history_create(update, update=True, default_change_reason=DEMO_REASON)
    counts.created, counts.updated = len(create), len(update)
    return counts
