"""The address a request publishes: derived from its point through the city's gazetteer,
never copied from what the resident typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import Point

from city.addresses import AddressMatch, address_at


def public_address(point: Point, place: AddressMatch | None = None) -> str:
    """The address published for a request at `point`: never what the resident typed (it may
    hold a flat, a name or a phone), but the building there («вулиця Миру, 9») or, with
    MISTO_PUBLIC_ADDRESS = "street", only the street; "" when no street is near. `place`:
    address_at(point) when the caller has it already."""

    place = place or address_at(point)
    if place is None:
        return ""
    if settings.MISTO_PUBLIC_ADDRESS == "street":
        return place.street_name
    return place.label
