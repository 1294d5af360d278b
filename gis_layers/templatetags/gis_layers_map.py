"""The GIS layers panel of the public map: the layers this visitor may see (staff also the
staff-only ones), which of them the permalink turns on, and what the map script needs to draw
them (tile URL, style, fields for the popup)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from gis_layers.joins import joins_visible_to
from gis_layers.selectors import layers_visible_to

register = template.Library()


def selected_layers(params) -> set[str]:
    """GIS layers named in the permalink: ?layers=pharmacy,layer:shelters -> {"shelters"}."""
    tokens = (params.get("layers") or "").split(",")
    return {t.removeprefix("layer:") for t in tokens if t.startswith("layer:")}


@register.simple_tag(takes_context=True)
def gis_map_layers(context) -> list[dict]:
    request = context["request"]
    on = selected_layers(request.GET)
    layers = []
    for layer in layers_visible_to(request.user).exclude(geometry_type="none"):  # tables: not on the map
        layers.append(
            {
                "slug": layer.slug,
                "title": layer.title,
                "geometry": layer.geometry_type,
                "public": layer.is_public,
                "style": layer.style,
                "fields": [
                    {"name": f.name, "title": f.title, "type": f.type, "unit": f.unit} for f in layer.fields
                ],
                "tiles": reverse("layer-tile", args=[layer.slug, 0, 0, 0]).replace(
                    "/0/0/0.mvt", "/{z}/{x}/{y}.mvt"
                ),
                "url": reverse("layer", args=[layer.slug]),
                "selected": layer.slug in on,
                # Attribute tables joined to it that this person may see: the popup asks for them.
                "joined": bool(joins_visible_to(request.user, layer)),
                "api": reverse("api-layer-feature", args=[layer.slug, 0]).replace("/0/", "/{id}/"),
            }
        )
    return layers
