"""A layer's attribute schema: fields edited through a form, stored as JSON Schema.

City IT describes each field (name, titles, type, required, allowed values, units, limits);
`schema_from_fields` writes the standard JSON Schema (draft 2020-12) kept on the layer, and
`fields_from_schema` reads it back. `properties_clean` validates and normalises one feature's
properties against the fields — the single check used by the editor, the API, the admin and
imports — and names every problem by field, in words a person understands.

JSONB does not keep the order of object keys, so the field order is kept in `x-order`.
Extension keywords (`x-title-en`, `x-unit`, `x-widget`) carry what JSON Schema has no word for.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Shapefile-safe, never clashing with what every export adds.
RESERVED_NAMES = {"id", "fid", "geometry", "geom", "wkt", "ogc_fid"}
MAX_FIELDS = 60
STRING_MAX = 1000

FIELD_TYPES = {
    "string": gettext_lazy("text (one line)"),
    "text": gettext_lazy("text (several lines)"),
    "integer": gettext_lazy("whole number"),
    "number": gettext_lazy("number"),
    "boolean": gettext_lazy("yes / no"),
    "date": gettext_lazy("date"),
}
_NA, _NAT = pd.NA, pd.NaT
TRUE_WORDS = {"true", "1", "yes", "y", "так", "t", "так.", "+"}
FALSE_WORDS = {"false", "0", "no", "n", "ні", "f", "-"}


class SchemaError(ValueError):
    """The field list cannot be a layer schema; `problems` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class FieldSpec:
    name: str
    title_uk: str = ""
    title_en: str = ""
    type: str = "string"
    required: bool = False
    choices: list = field(default_factory=list)
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None

    @property
    def title(self) -> str:
        if (get_language() or "uk").startswith("en") and self.title_en:
            return self.title_en
        return self.title_uk or self.name

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title_uk": self.title_uk,
            "title_en": self.title_en,
            "type": self.type,
            "required": self.required,
            "choices": list(self.choices),
            "unit": self.unit,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "max_length": self.max_length,
        }


def schema_from_fields(fields: list[FieldSpec]) -> dict:
    """The JSON Schema for these fields (checked: names, types, limits)."""
    problems = []
    names = [f.name for f in fields]
    if len(fields) > MAX_FIELDS:
        problems.append(_("A layer can have at most %(n)d fields.") % {"n": MAX_FIELDS})
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(_("The field name “%(name)s” is used twice.") % {"name": name})
    properties = {}
    for spec in fields:
        if not FIELD_NAME.match(spec.name or ""):
            problems.append(
                _(
                    "“%(name)s” cannot be a field name: use 1–40 small Latin letters, digits and _, starting with a letter."
                )
                % {"name": spec.name}
            )
            continue
        if spec.name in RESERVED_NAMES:
            problems.append(_("“%(name)s” is reserved; choose another field name.") % {"name": spec.name})
            continue
        if spec.type not in FIELD_TYPES:
            problems.append(
                _("Field “%(name)s”: unknown type %(type)s.") % {"name": spec.name, "type": spec.type}
            )
            continue
        prop: dict = {"title": spec.title_uk or spec.name}
        if spec.title_en:
            prop["x-title-en"] = spec.title_en
        if spec.unit:
            prop["x-unit"] = spec.unit
        if spec.type in ("string", "text"):
            prop["type"] = "string"
            prop["maxLength"] = min(spec.max_length or STRING_MAX, STRING_MAX)
            if spec.type == "text":
                prop["x-widget"] = "textarea"
            if spec.required:
                prop["minLength"] = 1
        elif spec.type == "date":
            prop["type"] = "string"
            prop["format"] = "date"
        else:
            prop["type"] = spec.type
        if spec.type in ("integer", "number"):
            if spec.minimum is not None:
                prop["minimum"] = int(spec.minimum) if spec.type == "integer" else spec.minimum
            if spec.maximum is not None:
                prop["maximum"] = int(spec.maximum) if spec.type == "integer" else spec.maximum
            if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
                problems.append(
                    _("Field “%(name)s”: the minimum is larger than the maximum.") % {"name": spec.name}
                )
        if spec.choices:
            if spec.type in ("boolean", "date", "text"):
                problems.append(
                    _("Field “%(name)s”: allowed values are for text, whole-number and number fields.")
                    % {"name": spec.name}
                )
            else:
                choices = []
                for raw in spec.choices:
                    value, error = _coerce(spec, raw)
                    if error:
                        problems.append(
                            _("Field “%(name)s”: the allowed value “%(value)s” %(reason)s")
                            % {"name": spec.name, "value": raw, "reason": error}
                        )
                    elif value not in choices:
                        choices.append(value)
                prop["enum"] = choices
        properties[spec.name] = prop
    if problems:
        raise SchemaError(problems)
    return {
        "$schema": DRAFT,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
        "x-order": [f.name for f in fields],
    }


def fields_from_schema(schema: dict) -> list[FieldSpec]:
    """The fields of a JSON Schema written by schema_from_fields, in their order."""
    properties = (schema or {}).get("properties", {})
    order = [n for n in (schema or {}).get("x-order", []) if n in properties]
    order += sorted(n for n in properties if n not in order)
    required = set((schema or {}).get("required", []))
    fields = []
    for name in order:
        prop = properties[name]
        if prop.get("format") == "date":
            kind = "date"
        elif prop.get("type") == "string":
            kind = "text" if prop.get("x-widget") == "textarea" else "string"
        else:
            kind = prop.get("type", "string")
        fields.append(
            FieldSpec(
                name=name,
                title_uk=prop.get("title", name),
                title_en=prop.get("x-title-en", ""),
                type=kind,
                required=name in required,
                choices=list(prop.get("enum", [])),
                unit=prop.get("x-unit", ""),
                minimum=prop.get("minimum"),
                maximum=prop.get("maximum"),
                max_length=prop.get("maxLength") if kind in ("string", "text") else None,
            )
        )
    return fields


def _empty(value) -> bool:
    if value is None or value is _NA or value is _NAT:
        return True
    if type(value) is str:
        return not value or value.isspace()
    return isinstance(value, float) and math.isnan(value)


def _coerce(spec: FieldSpec, value):
    """(value as stored, None) or (None, reason): text from forms and files becomes typed."""
    kind = spec.type
    if kind in ("string", "text"):
        if type(value) is str:
            text = value.strip()
            limit = min(spec.max_length or STRING_MAX, STRING_MAX)
            if len(text) > limit:
                return None, _("is longer than %(n)d characters") % {"n": limit}
            return text, None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 12.0 read from a file's real column
        text = str(value).strip()
        limit = min(spec.max_length or STRING_MAX, STRING_MAX)
        if len(text) > limit:
            return None, _("is longer than %(n)d characters") % {"n": limit}
        return text, None
    if kind == "integer":
        if isinstance(value, bool):
            return None, _("is not a whole number")
        if isinstance(value, int):
            return value, None
        try:
            number = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except InvalidOperation:
            return None, _("is not a whole number")
        if not number.is_finite() or number != number.to_integral_value():
            return None, _("is not a whole number")
        return int(number), None
    if kind == "number":
        if isinstance(value, bool):
            return None, _("is not a number")
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            except ValueError:
                return None, _("is not a number")
        if not math.isfinite(number):
            return None, _("is not a number")
        return (int(number) if number.is_integer() and abs(number) < 2**53 else number), None
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value), None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, _("is not yes or no")
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat(), None
        if isinstance(value, dt.date):
            return value.isoformat(), None
        text = str(value).strip()
        if len(text) == 10 and text[4] == "-":
            try:
                return dt.date.fromisoformat(text).isoformat(), None
            except ValueError:
                pass
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
            try:
                return dt.datetime.strptime(text, pattern).date().isoformat(), None
            except ValueError:
                continue
        return None, _("is not a date (write 2025-03-31 or 31.03.2025)")
    return None, _("has an unknown type")  # pragma: no cover


def value_clean(spec: FieldSpec, value):
    """(value, None), (None, None) for an empty optional value, or (None, reason)."""
    if _empty(value):
        if spec.required:
            return None, _("is required")
        return None, None
    clean, error = _coerce(spec, value)
    if error:
        return None, error
    if spec.choices and clean not in spec.choices:
        shown = ", ".join(str(c) for c in spec.choices[:12])
        return None, _("must be one of: %(choices)s") % {"choices": shown}
    if spec.type in ("integer", "number"):
        if spec.minimum is not None and clean < spec.minimum:
            return None, _("must be at least %(n)s") % {"n": _num(spec.minimum)}
        if spec.maximum is not None and clean > spec.maximum:
            return None, _("must be at most %(n)s") % {"n": _num(spec.maximum)}
    return clean, None


def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def properties_clean(fields: list[FieldSpec], data: dict, *, allow_unknown: bool = False):
    """(clean properties, {field: reason}) — empty optional values are left out."""
    clean, errors = {}, {}
    known = {f.name for f in fields}
    if not allow_unknown:
        for name in data:
            if name not in known:
                errors[name] = _("is not a field of this layer")
    for spec in fields:
        value, error = value_clean(spec, data.get(spec.name))
        if error:
            errors[spec.name] = error
        elif value is not None:
            clean[spec.name] = value
    return clean, errors
