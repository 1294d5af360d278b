"""“What is nearest to me?”: the facilities of a category nearest on foot, open or not.

Candidates come from the geography index by straight line (K nearest, cheap at any size);
their walking distances along the streets come from a router that an app above this one
registers (coverage, which owns the walking network and pgRouting) — the directory never
imports it. Without a router, or before the network is built, the answer says that its
metres are in a straight line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from city.addresses import address_resolve
from facilities import opening_hours
from facilities.filters import InvalidParameter, parse_facility_filter, resolve_categories
from facilities.models import Facility, OpeningPeriod
from facilities.selectors import facilities_public, geography_distance, open_at

# Straight-line candidates routed per answer: a facility beyond the 4×limit nearest by straight
# line is practically never the nearest on foot in a city without long detours.
CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 20

NEAREST_DEFAULT = "pharmacy"

# (point, facility ids) -> walking metres per facility it could reach; {} when it cannot route.
WalkingRouter = Callable[[Point, list[int]], dict[int, float]]
_routers: list[WalkingRouter] = []


def walking_router_register(router: WalkingRouter) -> None:
    """Let nearest() measure on foot (called from an app's ready(); the last one wins)."""
    if router not in _routers:
        _routers.append(router)


@dataclass
class NearestFacility:
    facility: Facility
    straight_m: float
    walking_m: float | None  # None: the streets do not reach it (or no network yet)
    state: opening_hours.OpenState | None  # None: no opening hours known
    state_text: str = ""

    @property
    def distance_m(self) -> float:
        return self.walking_m if self.walking_m is not None else self.straight_m


@dataclass
class Nearest:
    results: list[NearestFacility]
    on_foot: bool  # False: the distances are in a straight line (no walking network)
    moment: dt.datetime


def facilities_nearest(
    *,
    point: Point,
    category_ids: list[int] | None,
    limit: int = 5,
    open_only: bool = False,
    moment: dt.datetime | None = None,
) -> Nearest:
    """The `limit` public facilities (of these categories; only those open at `moment` with
    `open_only`) nearest to `point` on foot, nearest first, each with its open/closed state."""
    moment = timezone.localtime(moment or timezone.now())
    qs = facilities_public()
    if category_ids is not None:
        qs = qs.filter(category_id__in=category_ids)
    if open_only:
        qs = qs.filter(open_at(moment))
    size = max(limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
    # Ordered by the geography KNN operator (index facilities 0003), the distance on the spheroid.
    candidates = list(
        qs.annotate(straight_m=geography_distance(point)).order_by(_nearest_first(point), "pk")[:size]
    )
    walking = _routers[-1](point, [f.pk for f in candidates]) if _routers and candidates else {}
    on_foot = bool(walking)
    rows = [
        NearestFacility(facility=f, straight_m=f.straight_m, walking_m=walking.get(f.pk), state=None)
        for f in candidates
    ]
    if on_foot:
        # Reached on foot first, by walking metres; the unreachable after them, by straight line.
        rows.sort(key=lambda r: (r.walking_m is None, r.distance_m, r.facility.pk))
    else:
        rows.sort(key=lambda r: (r.straight_m, r.facility.pk))
    rows = rows[:limit]
    _states_fill(rows, moment)
    return Nearest(results=rows, on_foot=on_foot, moment=moment)


def _nearest_first(point: Point):
    return RawSQL(
        "facilities_facility.location::geography <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography",
        (point.x, point.y),
    ).asc()


def _states_fill(rows: list[NearestFacility], moment: dt.datetime) -> None:
    periods: dict[int, list[opening_hours.Period]] = {}
    for p in OpeningPeriod.objects.filter(facility__in=[r.facility.pk for r in rows]):
        periods.setdefault(p.facility_id, []).append(
            opening_hours.Period(p.weekday, p.opens, p.closes, tuple(p.months))
        )
    for row in rows:
        if not row.facility.opening_hours:
            continue
        row.state = opening_hours.state_at(periods.get(row.facility.pk, []), moment)
        row.state_text = opening_hours.state_text(row.state, moment)


def nearest_query(params) -> tuple[list[int], Point | None, str, bool]:
    """(category ids, point, its label, open only) of a "nearest" question; InvalidParameter
    when a part is wrong. The page and the API read the same parameters."""
    category = params.get("category", NEAREST_DEFAULT) or NEAREST_DEFAULT
    category_ids = resolve_categories([category])
    f = parse_facility_filter({k: params.get(k, "") for k in ("lat", "lon")})
    open_only = params.get("open_now", "").lower() in ("1", "true", "yes", "on")
    address = " ".join(params.get("address", "").split())
    if f.point is not None:
        return category_ids, f.point, _("your location"), open_only
    if address:
        found = address_resolve(address)
        if found is None:
            raise InvalidParameter(
                "address",
                _("No street or house “%(address)s” was found in the city.") % {"address": address},
            )
        return category_ids, found.point, found.label, open_only
    return category_ids, None, "", open_only
