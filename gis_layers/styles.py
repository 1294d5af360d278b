"""How a layer is drawn: colour, icon, line width, fill and the label field.

The same style drives the public map (points, lines, polygons from vector tiles), the legend
and the editor; it is edited through a form and checked here.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from gis_layers.schema import FieldSpec, SchemaError

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_STYLE = {
    "colour": "#2563eb",
    "icon": "",
    "line_width": 3,
    "fill_colour": "#2563eb",
    "fill_opacity": 0.25,
    "label_field": "",
}


def style_clean(style: dict, fields: list[FieldSpec]) -> dict:
    """The complete style (defaults filled in), or SchemaError naming what is wrong."""
    merged = {**DEFAULT_STYLE, **{k: v for k, v in (style or {}).items() if k in DEFAULT_STYLE}}
    problems = []
    for key in ("colour", "fill_colour"):
        if not COLOUR.match(str(merged[key])):
            problems.append(_("Use a colour such as #1f77b4 (got “%(value)s”).") % {"value": merged[key]})
    try:
        merged["line_width"] = float(merged["line_width"])
        if not 0.5 <= merged["line_width"] <= 20:
            raise ValueError
        if merged["line_width"].is_integer():
            merged["line_width"] = int(merged["line_width"])
    except (TypeError, ValueError):
        problems.append(_("The line width is 0.5–20 pixels."))
    try:
        merged["fill_opacity"] = float(merged["fill_opacity"])
        if not 0 <= merged["fill_opacity"] <= 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(_("The fill opacity is from 0 (transparent) to 1 (solid)."))
    merged["icon"] = str(merged["icon"] or "").strip()
    if len(merged["icon"]) > 4:
        problems.append(_("The icon is one symbol (an emoji or a letter)."))
    label = str(merged["label_field"] or "")
    if label and label not in {f.name for f in fields}:
        problems.append(_("The label field “%(name)s” is not a field of the layer.") % {"name": label})
    merged["label_field"] = label
    if problems:
        raise SchemaError(problems)
    return merged
