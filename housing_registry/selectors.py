"""Read queries over the housing registry, shared by the pages, the API, reports and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

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
    queryset = Building.objects.select_related("district", "street")
    if filters.q:
        # The folded street names join the streets: only a search needs them (the staff map's
        # tiles read the whole registry without that join).
        queryset = _searchable(queryset).filter(building_search_q(filters.q))
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
