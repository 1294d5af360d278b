"""Notices on the portal's own pages: the home page block and the layer panel of the city map."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from notices.models import Notice
from notices.selectors import notices_public, time_words

register = template.Library()
COLOURS = {
    "water": "#0284c7", "heating": "#dc2626", "hot_water": "#ea580c", "power": "#ca8a04", "gas": "#9333ea",
    "road_works": "#b45309", "road_closure": "#7c2d12", "emergency": "#b91c1c", "announcement": "#15803d",
}  # fmt: skip


@register.inclusion_tag("notices/_home.html")
def notices_home(limit: int = 5):
    """The notices in effect for the city now (emergencies first), and how many are planned."""
    rows = list(notices_public("now").order_by("-nature", "ends_at")[:limit])
    rows.sort(key=lambda n: (not n.is_emergency, n.ends_at))
    return {
        "rows": [{"notice": n, "when": time_words(n), "state": "active"} for n in rows],
        "planned": notices_public("planned").count(),
    }


@register.inclusion_tag("notices/_map_panel.html", takes_context=True)
def notices_map_panel(context):
    request = context["request"]
    when = request.GET.get("notices", "")
    if when not in ("now", "today", "planned"):
        when = ""
    config = {
        "api": reverse("notices:api-list"),
        "colours": COLOURS,
        "kinds": {value: str(label) for value, label in Notice.Kind.choices},
        "strings": {
            "now": _("in effect now"),
            "planned": _("planned"),
            "until": _("until"),
            "details": _("More about this notice"),
            "count": _("Notices on the map: %s."),
            "failed": _("The notices could not be loaded."),
        },
    }
    return {"when": when, "config": config}
