"""How sheet values read to people: labels, units, and "unknown" for what is not known.

One place, so the sheet page, the history diff, the reports and the exports say the same.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing_registry.models import Building

UNKNOWN = gettext_lazy("unknown")
# Values shown with a unit (the unit is part of the label for areas).
UNITS = {"capacity_kg": gettext_lazy("kg")}
FREE_TEXT = {"notes", "accessibility_notes"}


def field_label(name: str) -> str:
    return str(Building._meta.get_field(name).verbose_name)


def is_unknown(value) -> bool:
    return value is None or value == "" or value == []


def format_value(name: str, value, *, related_names: dict | None = None) -> str:
    """A raw value of Building.<name> (a foreign key as its id or object) as text."""
    if name == "elevators":
        return elevators_text(value)
    if name in FREE_TEXT and is_unknown(value):
        return _("none")  # free text: nothing written is not an unknown value
    if is_unknown(value):
        return str(UNKNOWN)
    field = Building._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.is_relation:
        if hasattr(value, "pk"):
            return str(value)
        return str((related_names or {}).get((field.related_model, value), f"#{value}"))
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    if name == "footprint":
        return _("changed outline")
    return str(value)


def building_value(building: Building, name: str) -> str:
    return format_value(name, getattr(building, name))


def elevators_text(elevators) -> str:
    if not elevators:
        return str(_("none recorded"))
    states = dict(Building.ElevatorState.choices)
    parts = []
    for e in elevators:
        bits = [_("entrance %(n)s") % {"n": e.get("entrance")}]
        bits.append(str(e["year"]) if e.get("year") else _("year unknown"))
        bits.append(str(states.get(e.get("state"), e.get("state"))))
        if e.get("capacity_kg"):
            bits.append(f"{e['capacity_kg']} {UNITS['capacity_kg']}")
        parts.append(", ".join(str(b) for b in bits))
    return "; ".join(parts)
