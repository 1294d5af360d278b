"""The registry as a table: one column per sheet field, read from and written to text.

The export writes these columns and the import reads them back, so an exported file can be
edited and imported again. Choices are written as their codes; the import also accepts the
Ukrainian or English label. Unknown is an empty cell on export; on import an empty cell
leaves the value as it is and "?" (or "невідомо", "unknown") makes it unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from citizen_requests.models import Service
from city.models import District
from housing_registry.models import Building
from housing_registry.sections import SHEET_FIELDS

# Columns that find the building; the rest are sheet fields.
MATCH_COLUMNS = ("registry_number", "address")
EXPORT_COLUMNS: tuple[str, ...] = ("address", *SHEET_FIELDS)
CLEAR_WORDS = {"?", "невідомо", "unknown", "н/д", "n/a"}
TRUE_WORDS = {"yes", "так", "true", "1", "+", "є", "y"}
FALSE_WORDS = {"no", "ні", "false", "0", "-", "немає", "n"}


class CellError(ValueError):
    """A cell that cannot be read; the message says what it should look like."""


@dataclass(frozen=True)
class Clear:
    """The cell says: make this value unknown."""


CLEAR = Clear()


class Lookups:
    """Districts and services by every name a person may write (loaded once per import)."""

    def __init__(self):
        self.districts = self._index(District.objects.all())
        self.services = self._index(Service.objects.filter(kind="utility"))

    @staticmethod
    def _index(queryset) -> dict[str, models.Model]:
        out = {}
        for obj in queryset:
            for key in (obj.name_uk, obj.name_en, obj.source_id, str(obj.pk)):
                if key:
                    out[key.strip().lower()] = obj
        return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_cell(name: str, raw, lookups: Lookups):
    """The value of sheet field `name` written in a cell: None = leave as is, CLEAR = unknown."""
    text = _text(raw)
    if text == "":
        return None
    if text.lower() in CLEAR_WORDS:
        return CLEAR
    if name == "elevators":
        return parse_elevators(text)
    field = Building._meta.get_field(name)
    if field.choices:
        return _parse_choice(field, text)
    if isinstance(field, models.BooleanField):
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise CellError(_("write yes or no (так / ні)"))
    if isinstance(field, models.ForeignKey):
        table = lookups.districts if field.related_model is District else lookups.services
        found = table.get(text.lower())
        if found is None:
            raise CellError(_("“%(v)s” is not a known name") % {"v": text})
        return found
    if isinstance(field, models.DecimalField):
        cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            raise CellError(_("“%(v)s” is not a number") % {"v": text}) from None
    if isinstance(field, models.IntegerField):
        cleaned = text.replace("\u00a0", "").replace(" ", "")
        if not re.fullmatch(r"-?\d+", cleaned):
            raise CellError(_("“%(v)s” is not a whole number") % {"v": text})
        return int(cleaned)
    return text


def _parse_choice(field, text: str):
    low = text.lower()
    for code, _label in field.flatchoices:
        if low == str(code).lower():
            return code
    for language in ("uk", "en"):
        with translation.override(language):
            for code, label in field.flatchoices:
                if low == str(label).lower():
                    return code
    allowed = ", ".join(str(code) for code, _label in field.flatchoices)
    raise CellError(_("“%(v)s” is not one of: %(allowed)s") % {"v": text, "allowed": allowed})


def parse_elevators(text: str) -> list[dict]:
    """ "1/1986/working/400; 2/?/needs_repair/" -> the elevators list (checked later by the sheet)."""
    states = dict(Building.ElevatorState.choices)
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        bits = [b.strip() for b in part.split("/")]
        if len(bits) < 3 or len(bits) > 4:
            raise CellError(_("write each elevator as entrance/year/state/capacity, separated by ;"))
        entrance, year, state = bits[:3]
        capacity = bits[3] if len(bits) == 4 else ""
        try:
            item = {
                "entrance": int(entrance),
                "year": int(year) if year not in ("", "?") else None,
                "state": state if state in states else _state_from_label(state),
                "capacity_kg": int(capacity) if capacity not in ("", "?") else None,
            }
        except ValueError:
            raise CellError(_("“%(v)s”: entrance, year and capacity are numbers") % {"v": part}) from None
        out.append(item)
    return out


def _state_from_label(text: str) -> str:
    for language in ("uk", "en"):
        with translation.override(language):
            for code, label in Building.ElevatorState.choices:
                if text.lower() == str(label).lower():
                    return code
    return text  # the sheet's validation names the allowed states


def format_cell(name: str, building: Building):
    """The value of `name` for an export cell: codes for choices, names for related rows,
    numbers as numbers, empty for unknown."""
    if name == "elevators":
        return "; ".join(
            "/".join(
                "" if e.get(k) is None else str(e.get(k))
                for k in ("entrance", "year", "state", "capacity_kg")
            )
            for e in building.elevators or []
        )
    value = getattr(building, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, models.Model):
        return value.name_uk
    if isinstance(value, Decimal):
        return float(value)
    return value
