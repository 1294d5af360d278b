"""Query parameters of the items operations beyond Part 1: `crs` and `bbox-crs` (Part 2),
`filter`, `filter-lang` and `filter-crs` (Part 3) and `sortby`. Each reads one parameter and
returns what the collection needs, or raises OgcError 400 with a sentence that says what is
accepted."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gis_layers.ogcapi.collections import Collection
from gis_layers.ogcapi.cql import LANGUAGES, FilterError, filter_sql
from gis_layers.ogcapi.crs import CRS84, URIS, Crs, CrsError, bbox_to_crs84, crs_parse
from gis_layers.ogcapi.errors import OgcError

MAX_SORT_KEYS = 5
# Parameters these functions read, in addition to Part 1's.
NAMES = {"crs", "bbox-crs", "filter", "filter-lang", "filter-crs", "sortby"}


def crs(request, name: str = "crs") -> Crs:
    try:
        return crs_parse(request.GET.get(name, ""))
    except CrsError:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("%(name)s must be one of: %(uris)s.") % {"name": name, "uris": ", ".join(URIS)},
        ) from None


def bbox(request) -> tuple[float, float, float, float] | None:
    """The bbox as (min_lon, min_lat, max_lon, max_lat) in CRS84, read in `bbox-crs`."""
    raw = request.GET.get("bbox", "")
    box_crs = crs(request, "bbox-crs")
    if not raw:
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    try:
        if len(values) != 4:
            raise CrsError("four numbers")
        return bbox_to_crs84(values, box_crs)
    except CrsError:
        if box_crs is CRS84:
            message = _("bbox is min_lon,min_lat,max_lon,max_lat in WGS 84 (4 or 6 numbers).")
        elif box_crs.lat_first:
            message = _(
                "bbox is min_lat,min_lon,max_lat,max_lon in %(crs)s (its axis order; 4 or 6 numbers)."
            )
        else:
            message = _("bbox is min_x,min_y,max_x,max_y in %(crs)s, inside its area (4 or 6 numbers).")
        raise OgcError(400, "InvalidParameterValue", message % {"crs": box_crs.uri}) from None


def cql(request, collection: Collection) -> tuple[str, dict] | None:
    """The `filter` as (SQL condition, parameters) over the collection's queryables."""
    text = request.GET.get("filter", "")
    language = request.GET.get("filter-lang", "") or "cql2-text"
    if language not in LANGUAGES:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("filter-lang must be one of: %(langs)s.") % {"langs": ", ".join(LANGUAGES)},
        )
    filter_crs = crs(request, "filter-crs")
    if not text.strip():
        if "filter" in request.GET:
            raise OgcError(400, "InvalidParameterValue", _("filter is empty."))
        return None
    try:
        return filter_sql(
            text,
            language,
            properties=collection.properties(),
            geometry_sql=collection.geometry_sql,
            filter_crs=filter_crs,
        )
    except FilterError as exc:
        raise OgcError(400, "InvalidParameterValue", exc.message) from None


def sortby(request, collection: Collection) -> list[tuple[str, bool]]:
    """`sortby=name,-capacity`: (queryable, descending) pairs. A "+" sent unencoded arrives as a
    space, so it is read as the ascending sign it was."""
    raw = request.GET.get("sortby", "")
    if not raw.strip():
        return []
    sortable = collection.properties()
    keys = []
    for part in raw.split(","):
        part = part.strip()
        desc = part.startswith("-")
        name = part[1:] if part[:1] in "+-" and part else part
        if name not in sortable:
            raise OgcError(
                400,
                "InvalidParameterValue",
                _(
                    "sortby: “%(name)s” is not a property of this collection; sort by %(known)s, each with + or - before it."
                )
                % {"name": name, "known": ", ".join(sorted(sortable))},
            )
        keys.append((name, desc))
    if len(keys) > MAX_SORT_KEYS:
        raise OgcError(
            400, "InvalidParameterValue", _("sortby: at most %(n)d properties.") % {"n": MAX_SORT_KEYS}
        )
    return keys
