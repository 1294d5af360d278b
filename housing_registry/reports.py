"""The reports a dispatcher prints: works by building / district / period / contractor /
status, overdue works, buildings by condition or heat supplier.

Each report is a `Report` (a title, what it covers, columns, rows and totals) built from the
database with a few aggregate queries; report_files.py writes it as CSV, XLSX or PDF and the
page shows it as a table, so the four always agree.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing_registry.models import Building, Contractor, WorkRecord
from housing_registry.selectors import (
    BuildingFilters,
    WorkFilters,
    buildings_filtered,
    overdue_q,
    works_filtered,
)

ZERO = Decimal("0")


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, money, date, area
    width: float = 1.0  # relative width in the PDF
    # What an empty (None) cell means: unknown (shown as such) or not applicable (left blank).
    none_is_unknown: bool = True


@dataclass
class Report:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list]
    totals: list | None = None
    criteria: list[str] = field(default_factory=list)  # what the report covers, for the header
    notes: list[str] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.localtime)
    generated_by: str = ""


WORK_GROUPS = OrderedDict(
    [
        ("", gettext_lazy("every work (a list)")),
        ("building", gettext_lazy("building")),
        ("district", gettext_lazy("district")),
        ("month", gettext_lazy("month")),
        ("contractor", gettext_lazy("contractor")),
        ("status", gettext_lazy("status")),
        ("kind", gettext_lazy("kind of work")),
    ]
)
BUILDING_GROUPS = OrderedDict(
    [
        ("", gettext_lazy("every building (a list)")),
        ("technical_state", gettext_lazy("technical state")),
        ("heating_provider", gettext_lazy("heat supplier")),
        ("management_form", gettext_lazy("management form")),
        ("district", gettext_lazy("district")),
    ]
)
REPORTS = OrderedDict(
    [
        ("works", gettext_lazy("Works")),
        ("overdue", gettext_lazy("Overdue works")),
        ("buildings", gettext_lazy("Buildings")),
    ]
)


def _labels(choices) -> dict:
    return {k: str(v) for k, v in choices}


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


# -- works -------------------------------------------------------------------------------------


def works_report(*, filters: WorkFilters, group_by: str = "", criteria: list[str] | None = None) -> Report:
    """Works matching `filters`, as a list (group_by "") or counted and costed per group."""
    queryset = works_filtered(filters)
    title = str(REPORTS["overdue"] if filters.overdue else REPORTS["works"])
    if group_by and group_by in WORK_GROUPS:
        return _works_grouped(queryset, group_by, title, criteria or [])
    return _works_list(queryset, title, criteria or [], overdue=filters.overdue)


def _works_list(queryset, title: str, criteria: list[str], *, overdue: bool) -> Report:
    kinds, systems, statuses = (
        _labels(WorkRecord.Kind.choices),
        _labels(WorkRecord.System.choices),
        _labels(WorkRecord.Status.choices),
    )
    today = timezone.localdate()
    columns = [
        Column("n", "№", "int", 0.4),
        Column("address", _("Address"), "text", 2.0),
        Column("district", _("District"), "text", 1.2),
        Column("entrance", _("Entr."), "int", 0.5, none_is_unknown=False),
        Column("system", _("System"), "text", 1.15),
        Column("kind", _("Kind"), "text", 1.15),
        Column("title", _("Work"), "text", 2.3),
        Column("planned", _("Planned"), "date", 0.95),
        Column("done", _("Done"), "date", 0.95, none_is_unknown=False),
        Column("contractor", _("Contractor"), "text", 1.6),
        Column("status", _("Status"), "text", 1.1),
        Column("cost", _("Cost, UAH"), "money", 1.15),
    ]
    if overdue:
        columns.insert(9, Column("late", _("Days late"), "int", 0.6))
    rows_qs = queryset.order_by("building__address", "planned_date", "id").values_list(
        "building__address",
        "building__district__name_uk",
        "entrance",
        "system",
        "kind",
        "title",
        "planned_date",
        "done_date",
        "contractor__name",
        "status",
        "cost",
    )
    rows, unknown_cost = [], 0
    for n, (
        address,
        district,
        entrance,
        system,
        kind,
        title_,
        planned,
        done,
        contractor,
        status,
        cost,
    ) in enumerate(rows_qs.iterator(chunk_size=2000), start=1):
        row = [
            n,
            address,
            district or "",
            entrance,
            systems.get(system, system),
            kinds.get(kind, kind),
            title_,
            planned,
            done,
            contractor or _("own staff / not chosen"),
            statuses.get(status, status),
            cost,
        ]
        if overdue:
            row.insert(9, (today - planned).days)
        if cost is None:
            unknown_cost += 1
        rows.append(row)
    totals = [""] * len(columns)
    totals[1] = _("Total: %(n)s works") % {"n": len(rows)}
    totals[-1] = _sum(r[-1] for r in rows)
    notes = []
    if unknown_cost:
        notes.append(_("The cost of %(n)s works is unknown and not in the total.") % {"n": unknown_cost})
    return Report("overdue" if overdue else "works", title, columns, rows, totals, criteria, notes)


def _works_grouped(queryset, group_by: str, title: str, criteria: list[str]) -> Report:
    money = DecimalField(max_digits=14, decimal_places=2)
    done_q = Q(status=WorkRecord.Status.DONE)
    aggregates = dict(
        works=Count("id"),
        done=Count("id", filter=done_q),
        open=Count("id", filter=Q(status__in=WorkRecord.OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q()),
        cost_total=Coalesce(Sum("cost"), Value(ZERO), output_field=money),
        cost_done_total=Coalesce(Sum("cost", filter=done_q), Value(ZERO), output_field=money),
    )
    keys = {
        "building": ("building__address", "building__district__name_uk"),
        "district": ("building__district__name_uk",),
        "month": ("month",),
        "contractor": ("contractor__name",),
        "status": ("status",),
        "kind": ("kind",),
    }[group_by]
    if group_by == "month":
        # A work falls in the month it was done, or planned if it is not done.
        queryset = queryset.annotate(month=TruncMonth(Coalesce("done_date", "planned_date")))
    grouped = queryset.order_by().values(*keys).annotate(**aggregates).order_by(*keys)
    labels = {"status": _labels(WorkRecord.Status.choices), "kind": _labels(WorkRecord.Kind.choices)}.get(
        group_by
    )
    group_label = str(WORK_GROUPS[group_by])
    columns = [Column("group", group_label[:1].upper() + group_label[1:], "text", 3.2)]
    if group_by == "building":
        columns.append(Column("district", _("District"), "text", 1.6))
    columns += [
        Column("works", _("Works"), "int"),
        Column("done", _("Done"), "int"),
        Column("open", _("Open"), "int"),
        Column("overdue", _("Overdue"), "int"),
        Column("cost", _("Cost, UAH"), "money", 1.4),
        Column("cost_done", _("Cost of done works, UAH"), "money", 1.4),
    ]
    rows = []
    for g in grouped:
        key = g[keys[0]]
        if group_by == "month":
            name = key.strftime("%Y-%m") if key else _("unknown")
        elif labels:
            name = labels.get(key, key)
        else:
            name = key or (_("own staff / not chosen") if group_by == "contractor" else _("unknown"))
        row = [name]
        if group_by == "building":
            row.append(g["building__district__name_uk"] or "")
        row += [g["works"], g["done"], g["open"], g["overdue"], g["cost_total"], g["cost_done_total"]]
        rows.append(row)
    first = 2 if group_by == "building" else 1
    totals = [_("Total")] + [""] * (first - 1)
    for i in range(first, len(columns)):
        totals.append(_sum(r[i] for r in rows) if columns[i].kind == "money" else sum(r[i] for r in rows))
    title = _("%(report)s by %(what)s") % {"report": title, "what": group_label}
    return Report(f"works-by-{group_by}", title, columns, rows, totals, criteria)


# -- buildings ---------------------------------------------------------------------------------


def buildings_report(
    *, filters: BuildingFilters, group_by: str = "", criteria: list[str] | None = None
) -> Report:
    """Buildings matching `filters`, as a list or counted per condition / supplier / form."""
    queryset = buildings_filtered(filters).select_related("heating_provider")
    states = _labels(Building.TechnicalState.choices)
    forms = _labels(Building.ManagementForm.choices)
    unknown = _("unknown")
    if group_by not in BUILDING_GROUPS or not group_by:
        columns = [
            Column("n", "№", "int", 0.45),
            Column("address", _("Address"), "text", 2.4),
            Column("district", _("District"), "text", 1.4),
            Column("year", _("Year built"), "int", 0.7),
            Column("floors", _("Floors"), "int", 0.6),
            Column("apartments", _("Apartments"), "int", 0.8),
            Column("area", _("Total area, m²"), "area", 1.0),
            Column("state", _("Technical state"), "text", 1.2),
            Column("heat", _("Heat supplier"), "text", 2.0),
            Column("form", _("Management form"), "text", 1.5),
        ]
        rows = []
        for n, b in enumerate(queryset.order_by("address"), start=1):
            rows.append(
                [
                    n,
                    b.address,
                    b.district.name_uk if b.district else unknown,
                    b.year_built,
                    b.floors,
                    b.apartments,
                    b.total_area,
                    states.get(b.technical_state, unknown),
                    b.heating_provider.name_uk if b.heating_provider else _heat_fallback(b),
                    forms.get(b.management_form, unknown),
                ]
            )
        totals = [""] * len(columns)
        totals[1] = _("Total: %(n)s buildings") % {"n": len(rows)}
        totals[5] = sum(r[5] or 0 for r in rows)
        totals[6] = _sum(r[6] for r in rows)
        notes = _unknown_notes(rows, {5: _("apartments"), 6: _("total area")})
        return Report("buildings", str(REPORTS["buildings"]), columns, rows, totals, criteria or [], notes)

    key = {
        "technical_state": "technical_state",
        "heating_provider": "heating_provider__name_uk",
        "management_form": "management_form",
        "district": "district__name_uk",
    }[group_by]
    grouped = (
        queryset.order_by()
        .values(key)
        .annotate(
            n_buildings=Count("id"),
            n_apartments=Coalesce(Sum("apartments"), 0),
            area_total=Coalesce(
                Sum("total_area"), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=1)
            ),
            with_elevators=Count("id", filter=~Q(elevators=[])),
            unknown_apartments=Count("id", filter=Q(apartments__isnull=True)),
        )
        .order_by(key)
    )
    labels = {"technical_state": states, "management_form": forms}.get(group_by, {})
    group_label = str(BUILDING_GROUPS[group_by])
    columns = [
        Column("group", group_label[:1].upper() + group_label[1:], "text", 3.0),
        Column("buildings", _("Buildings"), "int"),
        Column("apartments", _("Apartments"), "int"),
        Column("area", _("Total area, m²"), "area", 1.3),
        Column("elevators", _("With elevators"), "int"),
    ]
    rows = []
    unknown_apartments = 0
    for g in grouped:
        value = g[key]
        if group_by == "heating_provider" and not value:
            name = _("no supplier or unknown")
        else:
            name = labels.get(value, value) if value else unknown
        rows.append([name, g["n_buildings"], g["n_apartments"], g["area_total"], g["with_elevators"]])
        unknown_apartments += g["unknown_apartments"]
    totals = [
        _("Total"),
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        _sum(r[3] for r in rows),
        sum(r[4] for r in rows),
    ]
    notes = []
    if unknown_apartments:
        notes.append(
            _("%(n)s buildings have an unknown number of apartments (not counted).")
            % {"n": unknown_apartments}
        )
    title = _("%(report)s by %(what)s") % {"report": REPORTS["buildings"], "what": group_label}
    return Report(f"buildings-by-{group_by}", title, columns, rows, totals, criteria or [], notes)


def _heat_fallback(b: Building) -> str:
    if b.heating_type == Building.HeatingType.INDIVIDUAL:
        return _("individual heating")
    return _("unknown")


def _unknown_notes(rows: list[list], columns: dict[int, str]) -> list[str]:
    notes = []
    for index, name in columns.items():
        missing = sum(1 for r in rows if r[index] is None)
        if missing:
            notes.append(
                _("%(what)s unknown for %(n)s buildings (not in the total).") % {"what": name, "n": missing}
            )
    return notes


def contractor_name(pk: int | None) -> str:
    if not pk:
        return ""
    return Contractor.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


def period_text(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return _("%(a)s – %(b)s") % {"a": date_from.strftime("%d.%m.%Y"), "b": date_to.strftime("%d.%m.%Y")}
    if date_from:
        return _("from %(a)s") % {"a": date_from.strftime("%d.%m.%Y")}
    if date_to:
        return _("until %(b)s") % {"b": date_to.strftime("%d.%m.%Y")}
    return ""
