"""Read queries over the city's territory."""

from city.models import Barrier, District, Municipality, StreetSegment


def municipality() -> Municipality | None:
    """The territory the portal serves (one row; None before the city is loaded)."""
    return Municipality.objects.order_by("pk").first()


def basemap_parts():
    """What the local basemap draws: districts, water, railway, streets (with names) and the
    outlines of buildings (shape only: the building sheets themselves are staff-only)."""
    from housing_registry.selectors import building_outlines

    return {
        "districts": District.objects.all(),
        "barriers": Barrier.objects.all(),
        "segments": StreetSegment.objects.select_related("street"),
        "buildings": building_outlines(),
    }
