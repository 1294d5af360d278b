"""Read queries over the facility directory, shared by pages, the map, the API and tiles."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import BooleanField, Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from city.search import SearchKey, search_key
from city.selectors import box_degrees
from facilities.filters import FacilityFilter, category_tree
from facilities.models import Category, Facility, OpeningPeriod
from gis_layers.tiles import per_data_version

# Abbreviations residents type, and the apostrophes Ukrainian text is written with.
ABBREVIATIONS = {
    "вул.": "вулиця ",
    "вул ": "вулиця ",
    "просп.": "проспект ",
    "пр-т": "проспект",
    "пров.": "провулок ",
    "бульв.": "бульвар ",
    "бул.": "бульвар ",
    "пл.": "площа ",
    "м-н": "мікрорайон",
}
APOSTROPHES = "’ʼ`‘"


def normalize_search(text: str) -> str:
    """Lower-case, one kind of apostrophe, abbreviations written out (as Facility.search_text)."""
    text = text.lower()
    for variant in APOSTROPHES:
        text = text.replace(variant, "'")
    for short, full in ABBREVIATIONS.items():
        text = text.replace(short, full)
    return " ".join(text.split())


def search_terms(text: str) -> list[str]:
    """The words of a search as search keys (city.search: no case, accents or apostrophes):
    every one of them must appear in the key of what is found."""
    text = normalize_search(text)
    return [w for w in re.split(r"[\s,;.«»\"()]+", search_key(text) if text else "") if w]


def facility_key() -> SearchKey:
    """The indexed search key of a facility's names, address and operator (facilities 0005)."""
    return SearchKey(F("search_text"))


def categories_public() -> QuerySet[Category]:
    """Public categories (groups and their children) in display order."""
    return Category.objects.filter(is_public=True).order_by("order", "slug")


@per_data_version("facilities")
def category_groups_with_counts() -> list[Category]:
    """Public groups, each with `.leaves` (public categories with `.facility_count`), counted
    once per change of the facilities or their categories (the "facilities" data version): on
    the scale city the count took 35 ms of the map page's 45, on every page that lists them."""
    leaves = (
        Category.objects.filter(is_public=True, parent__isnull=False)
        .annotate(facility_count=Count("facilities"))
        .order_by("order")
    )
    groups = (
        Category.objects.filter(is_public=True, parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=leaves, to_attr="leaves"))
        .order_by("order")
    )
    return list(groups)


def facilities_public() -> QuerySet[Facility]:
    """Facilities anyone may see: those in public categories of public groups."""
    return Facility.objects.filter(
        Q(category__is_public=True) & (Q(category__parent__isnull=True) | Q(category__parent__is_public=True))
    ).select_related("category")


def open_at(moment: dt.datetime) -> Exists:
    """An expression: the facility (OuterRef) is open at this local time."""
    local = timezone.localtime(moment)
    minute = local.hour * 60 + local.minute
    periods = OpeningPeriod.objects.filter(
        facility=OuterRef("pk"), weekday=local.weekday(), opens__lte=minute, closes__gt=minute
    ).filter(Q(months=[]) | Q(months__contains=[local.month]))
    return Exists(periods)


def facilities_visible() -> QuerySet[Facility]:
    """The facilities of facilities_public(), told apart by the cached category tree instead of a
    join: only the hidden categories are named (usually none), which costs the planner least.
    The tree follows the "facilities" data version, bumped by the categories' trigger."""
    hidden = category_tree().hidden
    qs = Facility.objects.all()
    return qs.exclude(category_id__in=sorted(hidden)) if hidden else qs


def facilities_filtered(f: FacilityFilter) -> QuerySet[Facility]:
    """Public facilities matching a parsed filter; with a point they carry `distance` (metres).

    The HTML directory and the API (facilities/sql.py, which builds its GeoJSON from this
    queryset) share it, so both always find the same facilities."""
    qs = facilities_visible().select_related("category")
    if f.category_ids is not None:
        qs = qs.filter(category_id__in=f.category_ids)
    if f.district_id is not None:
        qs = qs.filter(district_id=f.district_id)
    terms = search_terms(f.q)
    if terms:
        qs = qs.annotate(search_key=facility_key())
        for word in terms:
            qs = qs.filter(search_key__contains=word)
    if f.open_now:
        qs = qs.filter(open_at(f.moment or timezone.now()))
    if f.bbox is not None:
        qs = qs.filter(location__intersects=f.bbox)
    if f.point is not None:
        qs = qs.annotate(distance=geography_distance(f.point))
        if f.radius_m is not None:
            qs = qs.filter(within_radius(f.point, f.radius_m))
    return qs


def within_radius(point, radius_m: float) -> RawSQL:
    """An expression: the facility lies within `radius_m` metres (on the spheroid) of the point.
    The index finds candidates in a box a little larger than the circle; geography decides."""
    return RawSQL(
        "facilities_facility.location && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) "
        "AND ST_DWithin(facilities_facility.location::geography, "
        "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)",
        (point.x, point.y, box_degrees(radius_m, point.y), point.x, point.y, radius_m),
        output_field=BooleanField(),
    )


def geography_distance(point) -> RawSQL:
    """Metres on the spheroid from each facility to a point (geography, never degrees)."""
    return RawSQL(
        "ST_Distance(facilities_facility.location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)",
        (point.x, point.y),
        output_field=FloatField(),
    )
