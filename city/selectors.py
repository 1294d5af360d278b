"""Read queries over the city's territory."""

import math

from city.models import Barrier, District, Municipality, StreetSegment


def municipality() -> Municipality | None:
    """The territory the portal serves (one row; None before the city is loaded)."""
    return Municipality.objects.order_by("pk").first()


def basemap_parts():
    """What the local basemap draws from GeoJSON: districts, water, railway, streets."""
    return {
        "districts": District.objects.all(),
        "barriers": Barrier.objects.all(),
        "segments": StreetSegment.objects.select_related("street"),
    }


def box_degrees(metres: float, latitude: float) -> float:
    """Half the side, in degrees, of a box that holds every point within `metres` of a place at
    `latitude`: `geom && ST_Expand(place, box_degrees(...))` lets the GiST index pick the
    candidates before a geography ST_DWithin decides in metres (a cast to geography alone
    cannot use the index)."""
    return metres / 111_000 / max(math.cos(math.radians(latitude)), 0.01) * 1.1
