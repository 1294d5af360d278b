"""The directory's filters, parsed once from a query string for the API, the pages and the map.

Bad input raises InvalidParameter naming the parameter and saying what is wrong, so the API
answers 400 with a machine-readable body and the pages show the message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point, Polygon
from django.utils.translation import gettext as _

from city.models import District
from facilities.models import Category
from gis_layers.tiles import per_data_version

MAX_RADIUS_M = 50_000
MAX_QUERY_LENGTH = 100


class InvalidParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message

    def as_dict(self) -> dict:
        return {"error": {"code": "invalid_parameter", "parameter": self.parameter, "message": self.message}}


def page_params(params, *, default_size: int, max_size: int) -> tuple[int, int]:
    """`page` and `page_size` of a paged API answer, each a whole number in its range."""

    def number(name: str, default: int, lo: int, hi: int) -> int:
        raw = params.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise InvalidParameter(
                name,
                _("%(name)s must be a whole number from %(lo)d to %(hi)d.")
                % {"name": name, "lo": lo, "hi": hi},
            )
        return int(raw)

    return number("page", 1, 1, 10_000_000), number("page_size", default_size, 1, max_size)


@dataclass
class FacilityFilter:
    categories: list[str] = field(default_factory=list)  # slugs as given (groups or categories)
    category_ids: list[int] | None = None  # the public leaf categories they stand for
    district: str = ""
    district_id: int | None = None
    q: str = ""
    open_now: bool = False
    bbox: Polygon | None = None
    point: Point | None = None
    radius_m: float | None = None
    moment: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return bool(self.categories or self.district or self.q or self.open_now or self.bbox or self.point)


def _float(params, name: str) -> float | None:
    raw = params.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidParameter(
            name, _("%(name)s must be a number, not “%(raw)s”.") % {"name": name, "raw": raw}
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidParameter(name, _("%(name)s must be a finite number.") % {"name": name})
    return value


def parse_bbox(raw: str) -> Polygon:
    parts = raw.split(",")
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise InvalidParameter(
            "bbox",
            _("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat (e.g. 33.60,48.99,33.68,49.03)."),
        ) from None
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InvalidParameter("bbox", _("bbox is outside longitude −180…180 / latitude −90…90."))
    if minx >= maxx or miny >= maxy:
        raise InvalidParameter("bbox", _("bbox must have min_lon < max_lon and min_lat < max_lat."))
    return Polygon.from_bbox((minx, miny, maxx, maxy))


@dataclass(frozen=True)
class CategoryTree:
    public: dict[str, tuple[int, int | None]]  # slug -> (id, parent id) of public groups/categories
    hidden_leaves: frozenset[int]  # ids of categories the public must not see
    hidden: frozenset[int] = frozenset()  # those and the groups the public must not see


@per_data_version("facilities")
def category_tree() -> CategoryTree:
    """The category tree as visibility needs it, cached until the categories change (their
    table bumps the "facilities" data version)."""
    rows = list(Category.objects.select_related("parent"))
    visible = {c.pk for c in rows if c.is_public and (c.parent is None or c.parent.is_public)}
    return CategoryTree(
        public={c.slug: (c.pk, c.parent_id) for c in rows if c.pk in visible},
        hidden_leaves=frozenset(c.pk for c in rows if c.parent_id is not None and c.pk not in visible),
        hidden=frozenset(c.pk for c in rows if c.pk not in visible),
    )


def public_categories() -> dict[str, tuple[int, int | None]]:
    return category_tree().public


def resolve_categories(slugs: list[str]) -> list[int]:
    """Public leaf category ids for group or category slugs; unknown or hidden ones are refused."""
    known = public_categories()
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise InvalidParameter(
            "category",
            _("Unknown category: %(slugs)s. See /api/v1/categories/.") % {"slugs": ", ".join(unknown)},
        )
    ids = set()
    for slug in slugs:
        pk, parent_id = known[slug]
        if parent_id is None:
            ids |= {child for child, parent in known.values() if parent == pk}
        else:
            ids.add(pk)
    return sorted(ids)


def parse_facility_filter(params, *, now: dt.datetime | None = None) -> FacilityFilter:
    """Read category, district, q, open_now, bbox, lat/lon/radius from a QueryDict-like mapping."""
    f = FacilityFilter()
    raw_categories = (
        ",".join(params.getlist("category")) if hasattr(params, "getlist") else params.get("category", "")
    )
    f.categories = [s.strip() for s in raw_categories.split(",") if s.strip()]
    if f.categories:
        f.category_ids = resolve_categories(f.categories)
    f.district = params.get("district", "").strip()
    if f.district:
        f.district_id = District.objects.filter(source_id=f.district).values_list("pk", flat=True).first()
        if f.district_id is None:
            raise InvalidParameter("district", _("Unknown district: %(d)s.") % {"d": f.district})
    f.q = " ".join(params.get("q", "").split())
    if len(f.q) > MAX_QUERY_LENGTH:
        raise InvalidParameter(
            "q", _("The search text is too long (at most %(n)d characters).") % {"n": MAX_QUERY_LENGTH}
        )
    f.open_now = params.get("open_now", "").lower() in ("1", "true", "yes", "on")
    if f.open_now:
        f.moment = now
    if params.get("bbox", "").strip():
        f.bbox = parse_bbox(params["bbox"].strip())
    lat, lon = _float(params, "lat"), _float(params, "lon")
    if (lat is None) != (lon is None):
        raise InvalidParameter("lat" if lat is None else "lon", _("Give both lat and lon, or neither."))
    if lat is not None:
        if not -90 <= lat <= 90:
            raise InvalidParameter("lat", _("lat must be between −90 and 90."))
        if not -180 <= lon <= 180:
            raise InvalidParameter("lon", _("lon must be between −180 and 180."))
        f.point = Point(lon, lat, srid=4326)
    radius = _float(params, "radius")
    if radius is not None:
        if f.point is None:
            raise InvalidParameter("radius", _("radius needs a point: give lat and lon too."))
        if not 0 < radius <= MAX_RADIUS_M:
            raise InvalidParameter(
                "radius", _("radius must be between 1 and %(max)d metres.") % {"max": MAX_RADIUS_M}
            )
        f.radius_m = radius
    return f
