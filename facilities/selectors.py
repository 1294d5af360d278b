"""Read queries over the facility directory, shared by pages, the map and the API."""

from django.db.models import Count, Prefetch, Q, QuerySet

from facilities.models import Category, Facility


def categories_public() -> QuerySet[Category]:
    """Public categories (groups and their children) in display order."""
    return Category.objects.filter(is_public=True).order_by("order", "slug")


def category_groups_with_counts() -> list[Category]:
    """Public groups, each with `.leaves` (public categories with `.facility_count`)."""
    leaves = (
        Category.objects.filter(is_public=True, parent__isnull=False)
        .annotate(facility_count=Count("facilities"))
        .order_by("order")
    )
    groups = (
        Category.objects.filter(is_public=True, parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=leaves, to_attr="leaves"))
        .order_by("order")
    )
    return list(groups)


def facilities_public() -> QuerySet[Facility]:
    """Facilities anyone may see: those in public categories of public groups."""
    return Facility.objects.filter(
        Q(category__is_public=True) & (Q(category__parent__isnull=True) | Q(category__parent__is_public=True))
    ).select_related("category")
