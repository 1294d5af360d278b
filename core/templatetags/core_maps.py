"""`{% basemap_preload %}`: the <link rel="preload"> tags of the city's own basemap for the <head>
of a page that starts its map from a script of its own (core.maps.basemap_preload)."""

from django import template
from django.utils.safestring import mark_safe

from core.maps import basemap_preload as preload_tags

register = template.Library()


@register.simple_tag
def basemap_preload():
    return mark_safe(preload_tags())  # noqa: S308 - built from static() and reverse() only
