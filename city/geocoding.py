"""Find a place in the city from an address a person types ("вул. Миру 9", "Myru Street 9").

Matches streets by every word of the name (case, apostrophes and abbreviations do not matter)
and the house number against the addresses of buildings and facilities. Addresses are public;
nothing of a building's data sheet is read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.gis.db.models import Collect
from django.contrib.gis.geos import Point

from city.models import Street
from facilities.selectors import search_terms

_NUMBER = re.compile(r"^\d+[а-яa-z]?(?:/\d+)?$")


@dataclass
class Place:
    point: Point
    label: str
    exact: bool  # True when the house number was found, False for the street as a whole


def _normalized_street_name(street: Street) -> str:
    return " ".join(search_terms(f"{street.name_uk} {street.name_en}"))


def geocode(text: str) -> Place | None:
    """The best match for an address, or None."""
    from facilities.models import Facility
    from housing_registry.models import Building

    words = search_terms(text)
    numbers = [w for w in words if _NUMBER.match(w)]
    names = [w for w in words if not _NUMBER.match(w) and w not in {"вулиця", "street", "проспект", "avenue"}]
    if not names:
        return None
    streets = [s for s in Street.objects.all() if all(n in _normalized_street_name(s) for n in names)]
    if not streets:
        return None
    street = min(streets, key=lambda s: len(s.name_uk))
    if numbers:
        number = numbers[0].upper() if numbers[0][-1:].isalpha() else numbers[0]
        building = Building.objects.filter(street=street, house_number__iexact=number).first()
        if building:
            return Place(building.footprint.centroid, building.address, True)
        address = f"{street.name_uk}, {numbers[0]}"
        facility = Facility.objects.filter(address__iexact=address).first()
        if facility:
            return Place(facility.location, facility.address, True)
    centre = street.segments.aggregate(all=Collect("geometry"))["all"]
    if centre is None:
        return None
    middle = centre.point_on_surface if hasattr(centre, "point_on_surface") else centre.centroid
    return Place(Point(middle.x, middle.y, srid=4326), street.name_uk, False)
