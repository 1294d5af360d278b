"""Read queries over the housing registry, shared by the pages, the API, reports and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from citizen_requests.models import Service
from housing_registry.models import Building, WorkRecord
from housing_registry.search import APOSTROPHES, address_key, parse_address


def _folded(expression):
    """SQL: lower(expression) with every apostrophe made ASCII (as search.fold does)."""
    return Func(
        Lower(expression),
        Value(APOSTROPHES[1:]),
        Value("'" * len(APOSTROPHES[1:])),
        function="translate",
    )


def building_search_q(text: str) -> Q:
    """Buildings whose address matches typed text, or whose registry/cadastral number does."""
    text = (text or "").strip()
    if not text:
        return Q()
    compact = text.replace(" ", "")
    if compact.replace(":", "").isdigit() and len(compact) >= 6:
        return Q(registry_number__startswith=compact) | Q(cadastral_number__startswith=compact)
    query = parse_address(text)
    condition = Q()
    for word in query.words:
        condition &= Q(street_uk_folded__contains=word) | Q(street_en_folded__contains=word)
    if query.house:
        condition &= Q(house_folded=query.house)
    return condition


def _searchable(queryset: QuerySet[Building]) -> QuerySet[Building]:
    return queryset.annotate(
        street_uk_folded=_folded(F("street__name_uk")),
        street_en_folded=_folded(F("street__name_en")),
        house_folded=_folded(F("house_number")),
    )


@dataclass
class BuildingFilters:
    """What a person can narrow the registry by (the list, the map, the API, the exports)."""

    q: str = ""
    district: int | None = None
    management_form: str = ""
    technical_state: str = ""
    heating_type: str = ""
    heating_provider: int | None = None
    wall_material: str = ""
    floors_min: int | None = None
    floors_max: int | None = None
    year_min: int | None = None
    year_max: int | None = None


UNKNOWN_CHOICE = "unknown"  # a filter value meaning "the sheet does not say"


def buildings_filtered(filters: BuildingFilters | None = None) -> QuerySet[Building]:
    filters = filters or BuildingFilters()
    queryset = _searchable(Building.objects.select_related("district", "street"))
    if filters.q:
        queryset = queryset.filter(building_search_q(filters.q))
    if filters.district:
        queryset = queryset.filter(district_id=filters.district)
    for name in ("management_form", "technical_state", "heating_type", "wall_material"):
        value = getattr(filters, name)
        if value == UNKNOWN_CHOICE:
            queryset = queryset.filter(**{name: ""})
        elif value:
            queryset = queryset.filter(**{name: value})
    if filters.heating_provider:
        queryset = queryset.filter(heating_provider_id=filters.heating_provider)
    if filters.floors_min is not None:
        queryset = queryset.filter(floors__gte=filters.floors_min)
    if filters.floors_max is not None:
        queryset = queryset.filter(floors__lte=filters.floors_max)
    if filters.year_min is not None:
        queryset = queryset.filter(year_built__gte=filters.year_min)
    if filters.year_max is not None:
        queryset = queryset.filter(year_built__lte=filters.year_max)
    return queryset


def building_for_sheet(pk: int) -> Building:
    return Building.objects.select_related("district", "street", "heating_provider", "managing_company").get(
        pk=pk
    )


def building_address_index() -> dict[str, list[Building]]:
    """Every building under the key of its address (Ukrainian and English street names),
    so that an address however typed finds it (search.address_key); for imports."""
    index: dict[str, list[Building]] = {}
    for b in Building.objects.select_related("street"):
        for name in {b.street.name_uk, b.street.name_en} - {""}:
            key = address_key(name, b.house_number)
            if b not in index.setdefault(key, []):
                index[key].append(b)
    return index


# -- the staff map -----------------------------------------------------------------------------

GREY = "#9ca3af"
STATE_COLOURS = {
    "good": "#1a9850",
    "satisfactory": "#a6d96a",
    "unsatisfactory": "#fdae61",
    "emergency": "#d73027",
}
FORM_COLOURS = {"condominium": "#1f77b4", "managing_company": "#ff7f0e", "council": "#2ca02c"}
CATEGORICAL = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
YEAR_BINS = [
    ("before_1970", gettext_lazy("before 1970"), None, 1969, "#542788"),
    ("1970s", gettext_lazy("1970–1979"), 1970, 1979, "#8073ac"),
    ("1980s", gettext_lazy("1980–1989"), 1980, 1989, "#b2abd2"),
    ("1990s", gettext_lazy("1990–1999"), 1990, 1999, "#fdb863"),
    ("2000_on", gettext_lazy("2000 and later"), 2000, None, "#e66101"),
]
COLOUR_ATTRIBUTES = {
    "technical_state": gettext_lazy("technical state"),
    "management_form": gettext_lazy("management form"),
    "heating_provider": gettext_lazy("heat supplier"),
    "year_built": gettext_lazy("year built"),
}


@dataclass
class LegendClass:
    key: str
    label: str
    colour: str
    count: int = 0


def _year_class(year: int | None) -> str:
    if year is None:
        return UNKNOWN_CHOICE
    for key, _label, lo, hi, _colour in YEAR_BINS:
        if (lo is None or year >= lo) and (hi is None or year <= hi):
            return key
    return UNKNOWN_CHOICE


@dataclass(frozen=True)
class MapBuilding:
    """What the staff map shows of a building: a sheet has some sixty columns, and a city
    may have thousands of buildings, so the map reads these few as plain rows."""

    pk: int
    address: str
    district: str
    technical_state: str
    management_form: str
    heating_type: str
    heating_provider_id: int | None
    year_built: int | None
    geojson: str


def buildings_for_map(filters: BuildingFilters | None) -> list[MapBuilding]:
    english = (get_language() or "uk").startswith("en")
    rows = (
        buildings_filtered(filters)
        .annotate(geojson=AsGeoJSON("footprint", precision=6))
        .order_by("address")
        .values_list(
            "id",
            "address",
            "district__name_uk",
            "district__name_en",
            "technical_state",
            "management_form",
            "heating_type",
            "heating_provider_id",
            "year_built",
            "geojson",
        )
    )
    return [
        MapBuilding(pk, address, (english and name_en) or name_uk or "", *rest)
        for pk, address, name_uk, name_en, *rest in rows
    ]


def map_classes(attribute: str, buildings: list[MapBuilding]) -> tuple[dict[int, str], list[LegendClass]]:
    """Each building's colour class for `attribute`, and the legend (classes with counts)."""
    if attribute not in COLOUR_ATTRIBUTES:
        attribute = "technical_state"
    legend: list[LegendClass]
    if attribute == "technical_state":
        legend = [LegendClass(k, str(v), STATE_COLOURS[k]) for k, v in Building.TechnicalState.choices]
        classes = {b.pk: b.technical_state or UNKNOWN_CHOICE for b in buildings}
    elif attribute == "management_form":
        legend = [LegendClass(k, str(v), FORM_COLOURS[k]) for k, v in Building.ManagementForm.choices]
        classes = {b.pk: b.management_form or UNKNOWN_CHOICE for b in buildings}
    elif attribute == "heating_provider":
        providers = Service.objects.filter(
            pk__in={b.heating_provider_id for b in buildings if b.heating_provider_id}
        ).order_by("name_uk")
        legend = [
            LegendClass(str(p.pk), p.name, CATEGORICAL[i % len(CATEGORICAL)]) for i, p in enumerate(providers)
        ]
        legend.append(LegendClass("none", _("no heat supplier (individual heating)"), "#f4e04d"))
        classes = {}
        for b in buildings:
            if b.heating_provider_id:
                classes[b.pk] = str(b.heating_provider_id)
            elif b.heating_type == Building.HeatingType.INDIVIDUAL:
                classes[b.pk] = "none"
            else:
                classes[b.pk] = UNKNOWN_CHOICE
    else:
        legend = [LegendClass(k, str(label), colour) for k, label, _lo, _hi, colour in YEAR_BINS]
        classes = {b.pk: _year_class(b.year_built) for b in buildings}
    legend.append(LegendClass(UNKNOWN_CHOICE, _("unknown"), GREY))
    counts: dict[str, int] = {}
    for key in classes.values():
        counts[key] = counts.get(key, 0) + 1
    for item in legend:
        item.count = counts.get(item.key, 0)
    return classes, legend


# -- the works log ------------------------------------------------------------------------------


@dataclass
class WorkFilters:
    building: int | None = None
    district: int | None = None
    kind: str = ""
    system: str = ""
    status: str = ""
    contractor: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False
    q: str = ""  # the buildings' address or registry number, as in the buildings' search
    buildings: BuildingFilters | None = None  # works on the buildings these filters find


def works_filtered(filters: WorkFilters | None = None) -> QuerySet[WorkRecord]:
    """Works matching the filters; the period applies to the date done if done, else planned."""
    filters = filters or WorkFilters()
    queryset = WorkRecord.objects.select_related("building", "building__district", "contractor")
    if filters.building:
        queryset = queryset.filter(building_id=filters.building)
    if filters.q:
        queryset = queryset.filter(building__in=buildings_filtered(BuildingFilters(q=filters.q)).values("pk"))
    if filters.buildings is not None and filters.buildings != BuildingFilters():
        queryset = queryset.filter(building__in=buildings_filtered(filters.buildings).values("pk"))
    if filters.district:
        queryset = queryset.filter(building__district_id=filters.district)
    for name in ("kind", "system", "status"):
        if getattr(filters, name):
            queryset = queryset.filter(**{name: getattr(filters, name)})
    if filters.contractor:
        queryset = queryset.filter(contractor_id=filters.contractor)
    if filters.date_from:
        queryset = queryset.filter(
            Q(done_date__gte=filters.date_from)
            | Q(done_date__isnull=True, planned_date__gte=filters.date_from)
        )
    if filters.date_to:
        queryset = queryset.filter(
            Q(done_date__lte=filters.date_to) | Q(done_date__isnull=True, planned_date__lte=filters.date_to)
        )
    if filters.overdue:
        queryset = queryset.filter(overdue_q())
    return queryset


def overdue_q(today: date | None = None) -> Q:
    """Works still open after their planned date."""
    today = today or timezone.localdate()
    return Q(status__in=WorkRecord.OPEN_STATUSES, planned_date__lt=today)
