"""Read queries over the housing registry."""

from django.db.models import QuerySet

from housing_registry.models import Building


def building_outlines() -> QuerySet[Building]:
    """Footprints only, for drawing the city: no address, no sheet data (those are staff-only)."""
    return Building.objects.only("id", "footprint")
