"""A resident's place for "is my address affected?" and subscriptions: an address typed (the
city's gazetteer) or a point (locate me, a map click), inside the hromada, with its house."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from city.addresses import address_at, address_resolve
from city.selectors import municipality
from housing_registry.models import Building
from notices.exceptions import NoticeRefused


@dataclass(frozen=True)
class Place:
    label: str
    point: Point
    building_id: int | None


def place_find(*, address: str = "", lat=None, lon=None) -> Place:
    """The place a resident means; NoticeRefused with a message for the field otherwise."""
    if lat not in (None, "") and lon not in (None, ""):
        try:
            point = Point(float(lon), float(lat), srid=4326)
        except (TypeError, ValueError):
            raise NoticeRefused({"address": _("The location could not be read.")}) from None
        if not (-90 <= point.y <= 90 and -180 <= point.x <= 180):
            raise NoticeRefused({"address": _("The location could not be read.")})
        match = address_at(point)
        label = (
            match.label
            if match
            else _("the place you chose (%(lat).5f, %(lon).5f)") % {"lat": point.y, "lon": point.x}
        )
    else:
        address = " ".join((address or "").split())[:200]
        if not address:
            raise NoticeRefused(
                {"address": _("Type your address (street and house number) or use your location.")}
            )
        match = address_resolve(address)
        if match is None:
            raise NoticeRefused(
                {
                    "address": _(
                        "The address “%(a)s” was not found in the city. Check the street and the house number."
                    )
                    % {"a": address}
                }
            )
        point, label = match.point, match.label
    city = municipality()
    if city is None or not city.boundary.covers(point):
        raise NoticeRefused({"address": _("This place is outside the hromada.")})
    building = (
        Building.objects.filter(footprint__intersects=point).values_list("pk", flat=True).first()
        if match is None or match.kind == "building"
        else None
    )
    return Place(label=label, point=point, building_id=building)


def buildings_from_addresses(text: str) -> list[int]:
    """The registry's buildings named one address per line; NoticeRefused names the lines that
    are not a building of the city."""
    ids, problems = [], []
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        match = address_resolve(line)
        building = None
        if match is not None and match.kind == "building":
            building = (
                Building.objects.filter(street_id=match.street_id, house_number__iexact=match.house_number)
                .values_list("pk", flat=True)
                .first()
            )
        if building is None:
            problems.append(_("line %(n)s “%(a)s”") % {"n": number, "a": line[:80]})
        else:
            ids.append(building)
    if problems:
        raise NoticeRefused(
            {
                "building_addresses": _("Not a building of the city: %(lines)s.")
                % {"lines": "; ".join(problems)}
            }
        )
    if not ids:
        raise NoticeRefused({"area": _("Choose at least one place for the area.")})
    return ids
