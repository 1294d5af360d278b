"""Read queries over the city's territory."""

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
