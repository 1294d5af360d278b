"""Numbers of coverage pages in the reader's language: metres, shares, residents."""

from django import template
from django.utils.formats import number_format

from coverage.selectors import CLASS_COLOURS, distance_label

register = template.Library()


@register.filter
def distance(metres):
    """ "850 m", "1.5 km" (localised); "—" when there is none."""
    return distance_label(None if metres is None else float(metres))


@register.filter
def share(value):
    """A share 0..1 as a percentage with one decimal: "71.4%"; "—" when there is none."""
    if value is None:
        return "—"
    return f"{number_format(round(min(max(float(value), 0.0), 1.0) * 100, 1), 1)}%"


@register.filter
def people(value):
    """Residents, rounded to whole people, with thousands grouped: "4,120"."""
    if value is None:
        return "—"
    return number_format(round(float(value)), 0, force_grouping=True)


@register.filter
def minutes(value):
    if value is None:
        return "—"
    return number_format(round(float(value)), 0)


@register.filter
def class_colour(cls):
    return CLASS_COLOURS[int(cls)]
