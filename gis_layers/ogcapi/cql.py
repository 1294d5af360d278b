# Over 400 lines: one CQL2 filter, from its two encodings through pygeofilter's tree to one parameterised SQL condition.
"""CQL2 filters of the OGC API (OGC API – Features – Part 3: Filtering; CQL2 text and JSON).

pygeofilter reads the filter into its syntax tree; `Translator` turns the tree into one SQL
condition with every value a query parameter (no value is ever spliced into the SQL text) and
every property checked against the collection's queryables and typed by them: text, number,
yes/no, date, and the geometry. What cannot be used is `FilterError`, which the view answers as
400 in the OGC exception format.

pygeofilter 0.4 reads CQL2 text from an earlier draft in a few places; `_text_parser` extends its
grammar, in this one place, to the published standard: temporal functions are called
`T_AFTER(a, b)`, intervals take dates and `'..'`, a quote inside text is doubled, and a
property name may be one letter. In CQL2 JSON, `between` takes three arguments and a bbox is
[min x, min y, max x, max y]; `_json_normalised` hands pygeofilter what it expects.

Supported: AND/OR/NOT, = <> < <= > >=, LIKE (% and _), IN, BETWEEN, IS NULL, CASEI;
S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT, S_EQUALS, S_TOUCHES, S_CROSSES, S_OVERLAPS, BBOX;
T_AFTER, T_BEFORE, T_DURING, T_EQUALS, T_INTERSECTS, T_DISJOINT on date properties. An
instant is during an interval when it falls within it, its ends included.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import dataclass
from typing import Any

import shapely.geometry
import shapely.validation
from django.utils.translation import gettext as _
from lark import Lark, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from pygeofilter import ast, values
from pygeofilter.cql2 import TEMPORAL_PREDICATES_MAP
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parser as pygeofilter_text
from pygeofilter.util import parse_date, parse_datetime

from core.bad_input import LONG_QUERY_VALUES
from gis_layers.ogcapi.crs import Crs, CrsError, geometry_to_crs84

LANGUAGES = ("cql2-text", "cql2-json")
MAX_LENGTH = LONG_QUERY_VALUES["filter"]  # core.bad_input lets no longer filter through
MAX_DEPTH = 200

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
]


class FilterError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- Reading --------------------------------------------------------------------------------------


def _grammar() -> str:
    path = os.path.join(os.path.dirname(pygeofilter_text.__file__), "grammar.lark")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    edits = [
        # CQL2: AND binds tighter than OR (pygeofilter 0.4 reads them left to right).
        (
            "?condition: condition_1\n"
            '          | condition "AND"i condition_1                                 -> and_\n'
            '          | condition "OR"i condition_1                                   -> or_',
            "?condition: boolean_term\n"
            '          | condition "OR"i boolean_term -> or_\n'
            "?boolean_term: condition_1\n"
            '          | boolean_term "AND"i condition_1 -> and_',
        ),
        (
            "?temporal_predicate: expression _binary_temporal_predicate_func expression -> binary_temporal_predicate",
            "?temporal_predicate: expression _binary_temporal_predicate_func expression -> binary_temporal_predicate\n"
            '                  | _binary_temporal_predicate_func "(" expression "," expression ")" -> temporal_function',
        ),
        (
            '?interval: "INTERVAL" "("  "\'" DATETIME "\'" "," "\'" DATETIME "\'" ")"',
            '?interval: "INTERVAL"i "(" instant_text "," instant_text ")" -> interval\n'
            'instant_text: "\'" DATETIME "\'" | "\'" DATE "\'" | OPEN_END\n'
            "OPEN_END: \"'..'\"",
        ),
        (
            '?timestamp: "TIMESTAMP" "(" "\'" DATETIME "\'" ")"',
            '?timestamp: "TIMESTAMP"i "(" "\'" DATETIME "\'" ")"',
        ),
        ('?date: "DATE" "(" "\'" DATE "\'" ")"', '?date: "DATE"i "(" "\'" DATE "\'" ")"'),
        ('SINGLE_QUOTED: "\'" /.*?/ "\'"', "SINGLE_QUOTED: /'(?:[^']|'')*'/"),
        ("attribute: /[a-zA-Z][a-zA-Z_:0-9.]+/", "attribute: /[a-zA-Z][a-zA-Z_:0-9.]*/"),
    ]
    for old, new in edits:
        if old not in text:
            raise RuntimeError(
                f"pygeofilter's CQL2 grammar changed; update gis_layers/ogcapi/cql.py ({old!r})"
            )
        text = text.replace(old, new)
    return text


@v_args(meta=False, inline=True)
class _Transformer(pygeofilter_text.CQLTransformer):
    def temporal_function(self, op, lhs, rhs):
        return TEMPORAL_PREDICATES_MAP[str(op).lower()](lhs, rhs)

    def instant_text(self, value):
        return None if value == "'..'" else value

    def OPEN_END(self, token):
        return "'..'"

    def SINGLE_QUOTED(self, token):
        return token[1:-1].replace("''", "'")


_text_parser = Lark(
    _grammar(),
    parser="lalr",
    maybe_placeholders=False,
    transformer=_Transformer(),
    import_paths=[os.path.dirname(os.path.dirname(pygeofilter_text.__file__))],
)


def _json_normalised(node: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise FilterError(_("filter: the expression is nested too deeply."))
    if isinstance(node, list):
        return [_json_normalised(n, depth + 1) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"bbox"} and isinstance(node["bbox"], list) and len(node["bbox"]) in (4, 6):
        b = node["bbox"]
        x1, y1, x2, y2 = (b[0], b[1], b[2], b[3]) if len(b) == 4 else (b[0], b[1], b[3], b[4])
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x1, y1, x2, y2)):
            raise FilterError(_("filter: a bbox is four numbers."))
        ring = [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]
        return {"type": "Polygon", "coordinates": [ring]}
    node = {k: _json_normalised(v, depth + 1) for k, v in node.items()}
    args = node.get("args")
    if node.get("op") == "between" and isinstance(args, list) and len(args) == 3:
        node["args"] = [args[0], [args[1], args[2]]]
    if "op" in node and not isinstance(args, list):
        raise FilterError(_("filter: the operator “%(op)s” needs its args as a list.") % {"op": node["op"]})
    return node


def filter_parse(text: str, language: str) -> ast.Node:
    """The syntax tree of a `filter` parameter in `language` (cql2-text or cql2-json)."""
    if len(text) > MAX_LENGTH:
        raise FilterError(_("filter: at most %(n)d characters.") % {"n": MAX_LENGTH})
    try:
        if language == "cql2-json":
            try:
                document = json.loads(text)
            except (ValueError, RecursionError):
                raise FilterError(_("filter: this is not JSON (filter-lang is cql2-json).")) from None
            if not isinstance(document, dict):
                raise FilterError(
                    _('filter: a CQL2 JSON filter is an object such as {"op": "=", "args": [...]}.')
                )
            tree = parse_cql2_json(_json_normalised(document))
        else:
            tree = _text_parser.parse(text)
    except FilterError:
        raise
    except UnexpectedInput as exc:
        raise FilterError(
            _("filter: not valid CQL2 text at character %(col)s: %(near)s")
            % {"col": exc.column, "near": text[max(exc.column - 1, 0) : exc.column + 19]}
        ) from None
    except VisitError as exc:
        raise FilterError(
            _("filter: a value cannot be read (%(reason)s).") % {"reason": exc.orig_exc}
        ) from None
    except (LarkError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # pygeofilter's JSON reader raises plain Python errors for a malformed expression.
        raise FilterError(_("filter: not a valid %(lang)s expression (%(reason)s).") % {
            "lang": language, "reason": str(exc)[:200] or type(exc).__name__}) from None  # fmt: skip
    if not isinstance(tree, ast.Node) or isinstance(tree, ast.Expression):
        raise FilterError(_("filter: the expression must be a condition (true or false), not a value."))
    return tree


# -- Translating ----------------------------------------------------------------------------------


@dataclass
class Property:
    """A queryable as SQL: the expression and its kind (string, number, boolean, date)."""

    sql: str
    kind: str


@dataclass
class _Typed:
    sql: str
    kind: str  # string, number, boolean, date, timestamp, geometry
    literal: Any = None
    is_literal: bool = False


COMPARISONS = {
    ast.ComparisonOp.EQ: "=",
    ast.ComparisonOp.NE: "<>",
    ast.ComparisonOp.LT: "<",
    ast.ComparisonOp.LE: "<=",
    ast.ComparisonOp.GT: ">",
    ast.ComparisonOp.GE: ">=",
}
SPATIAL = {
    ast.SpatialComparisonOp.INTERSECTS: "ST_Intersects",
    ast.SpatialComparisonOp.DISJOINT: "ST_Disjoint",
    ast.SpatialComparisonOp.CONTAINS: "ST_Contains",
    ast.SpatialComparisonOp.WITHIN: "ST_Within",
    ast.SpatialComparisonOp.TOUCHES: "ST_Touches",
    ast.SpatialComparisonOp.CROSSES: "ST_Crosses",
    ast.SpatialComparisonOp.OVERLAPS: "ST_Overlaps",
    ast.SpatialComparisonOp.EQUALS: "ST_Equals",
}
TEMPORAL = {"T_AFTER", "T_BEFORE", "T_DURING", "T_EQUALS", "T_INTERSECTS", "T_DISJOINT"}


def _kind_word(kind: str) -> str:
    return {
        "string": _("text"),
        "number": _("a number"),
        "boolean": _("yes/no"),
        "date": _("a date"),
        "timestamp": _("a date and time"),
        "geometry": _("a geometry"),
    }[kind]


class Translator:
    """One filter's SQL condition and its parameters (named %(cqlN)s)."""

    def __init__(self, properties: dict[str, Property], *, geometry_sql: str, filter_crs: Crs):
        self.properties = properties
        self.geometry_sql = geometry_sql
        self.filter_crs = filter_crs
        self.params: dict[str, Any] = {}

    def translate(self, tree: ast.Node) -> tuple[str, dict]:
        return self.condition(tree, 0), self.params

    # Values ----------------------------------------------------------------------------------

    def _param(self, value, cast: str) -> str:
        key = f"cql{len(self.params)}"
        self.params[key] = value
        return f"%({key})s::{cast}"

    def literal(self, value) -> _Typed:
        if isinstance(value, bool):
            return _Typed(self._param(value, "boolean"), "boolean", value, True)
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise FilterError(_("filter: numbers must be finite."))
            return _Typed(self._param(value, "numeric"), "number", value, True)
        if isinstance(value, str):
            return _Typed(self._param(value, "text"), "string", value, True)
        if isinstance(value, dt.datetime):
            return _Typed(self._param(value.isoformat(), "timestamptz"), "timestamp", value, True)
        if isinstance(value, dt.date):
            return _Typed(self._param(value.isoformat(), "date"), "date", value, True)
        if isinstance(value, values.Geometry | values.Envelope):
            return self.geometry(value.__geo_interface__)
        raise FilterError(_("filter: this value cannot be used here: %(v)s") % {"v": str(value)[:80]})

    def geometry(self, geojson: dict) -> _Typed:
        try:
            shape = shapely.geometry.shape(geojson)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            raise FilterError(_("filter: a geometry is not valid GeoJSON or WKT.")) from None
        if not shape.is_valid:
            # GEOS would fail the whole statement on, say, a polygon whose edges cross.
            raise FilterError(
                _("filter: a geometry is not valid (%(reason)s).")
                % {"reason": shapely.validation.explain_validity(shape)}
            )
        try:
            shape = geometry_to_crs84(shape, self.filter_crs)
        except CrsError:
            raise FilterError(
                _("filter: a geometry has coordinates outside %(crs)s (filter-crs).")
                % {"crs": self.filter_crs.uri}
            ) from None
        return _Typed(f"ST_GeomFromText({self._param(shape.wkt, 'text')}, 4326)", "geometry")

    def value(self, node, depth: int) -> _Typed:
        if depth > MAX_DEPTH:
            raise FilterError(_("filter: the expression is nested too deeply."))
        if isinstance(node, ast.Attribute):
            return self.attribute(node.name)
        if isinstance(node, ast.Function):
            name = node.name.lower()
            if name == "lower" and len(node.arguments) == 1:
                inner = self.value(node.arguments[0], depth + 1)
                if inner.kind != "string":
                    raise FilterError(_("filter: CASEI takes text."))
                return _Typed(f"lower({inner.sql})", "string")
            if name == "bbox" and len(node.arguments) in (4, 6):
                numbers = (
                    node.arguments if len(node.arguments) == 4 else [node.arguments[i] for i in (0, 1, 3, 4)]
                )
                if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
                    raise FilterError(_("filter: BBOX takes four numbers."))
                x1, y1, x2, y2 = numbers
                ring = [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]
                return self.geometry({"type": "Polygon", "coordinates": [ring]})
            raise FilterError(_("filter: the function %(name)s is not supported.") % {"name": node.name})
        if isinstance(node, ast.Arithmetic):
            raise FilterError(_("filter: arithmetic (+ - * /) is not supported."))
        if isinstance(node, ast.Node):
            raise FilterError(_("filter: %(what)s is not supported here.") % {"what": type(node).__name__})
        if isinstance(node, list | values.Interval) or node is None:
            raise FilterError(_("filter: a list or interval cannot be used here."))
        return self.literal(node)

    def attribute(self, name: str) -> _Typed:
        if name == "geometry":
            return _Typed(self.geometry_sql, "geometry")
        prop = self.properties.get(name)
        if prop is None:
            known = ", ".join(sorted(self.properties) + ["geometry"])
            raise FilterError(
                _(
                    "filter: “%(name)s” is not a queryable property of this collection (queryables: %(known)s)."
                )
                % {"name": name, "known": known}
            )
        return _Typed(prop.sql, prop.kind)

    def _coerce(self, a: _Typed, b: _Typed) -> tuple[_Typed, _Typed]:
        """The two sides of a comparison in one kind; a text literal is read as a date when the
        other side is a date (clients that know no DATE() send '2024-05-01')."""
        if a.kind == b.kind:
            return a, b
        for x, y in ((a, b), (b, a)):
            if y.is_literal and y.kind == "string" and x.kind in ("date", "timestamp"):
                parsed = self._date_text(y.literal, x.kind)
                y = self.literal(parsed)
                return (x, y) if x is a else (y, x)
        kinds = {a.kind, b.kind}
        if kinds == {"date", "timestamp"}:
            a, b = (self._as_timestamp(a), b) if a.kind == "date" else (a, self._as_timestamp(b))
            return a, b
        raise FilterError(
            _("filter: cannot compare %(a)s with %(b)s.") % {"a": _kind_word(a.kind), "b": _kind_word(b.kind)}
        )

    def _date_text(self, text: str, kind: str):
        try:
            return parse_date(text) if kind == "date" else parse_datetime(text)
        except (ValueError, TypeError):
            try:
                return parse_datetime(text)
            except (ValueError, TypeError):
                raise FilterError(
                    _("filter: “%(v)s” is not a date (use YYYY-MM-DD).") % {"v": text[:40]}
                ) from None

    @staticmethod
    def _as_timestamp(t: _Typed) -> _Typed:
        return _Typed(f"(({t.sql})::timestamp AT TIME ZONE 'UTC')", "timestamp")

    # Conditions ------------------------------------------------------------------------------

    def condition(self, node, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise FilterError(_("filter: the expression is nested too deeply."))
        d = depth + 1
        if isinstance(node, ast.And | ast.Or):
            word = "AND" if isinstance(node, ast.And) else "OR"
            return f"({self.condition(node.lhs, d)} {word} {self.condition(node.rhs, d)})"
        if isinstance(node, ast.Not):
            return f"(NOT {self.condition(node.sub_node, d)})"
        if isinstance(node, ast.Include):
            return "FALSE" if node.not_ else "TRUE"
        if isinstance(node, ast.Comparison):
            lhs, rhs = self._coerce(self.value(node.lhs, d), self.value(node.rhs, d))
            if lhs.kind == "geometry":
                raise FilterError(
                    _("filter: compare geometries with S_EQUALS and the other spatial functions.")
                )
            if lhs.kind == "boolean" and node.op not in (ast.ComparisonOp.EQ, ast.ComparisonOp.NE):
                raise FilterError(_("filter: yes/no values are compared with = and <> only."))
            return f"({lhs.sql} {COMPARISONS[node.op]} {rhs.sql})"
        if isinstance(node, ast.Between):
            lhs = self.value(node.lhs, d)
            if lhs.kind not in ("number", "date", "timestamp"):
                raise FilterError(_("filter: BETWEEN compares numbers or dates."))
            _l, low = self._coerce(lhs, self.value(node.low, d))
            _h, high = self._coerce(lhs, self.value(node.high, d))
            return f"({_l.sql} {'NOT ' if node.not_ else ''}BETWEEN {low.sql} AND {high.sql})"
        if isinstance(node, ast.Like):
            lhs = self.value(node.lhs, d)
            pattern_node = node.pattern
            if isinstance(pattern_node, dict):
                # CQL2 JSON: pygeofilter leaves the pattern as given, e.g. {"op": "casei", "args": ["а%"]}.
                try:
                    pattern_node = parse_cql2_json(pattern_node)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    raise FilterError(_("filter: LIKE compares text with a text pattern.")) from None
            pattern = self.value(pattern_node, d)
            if lhs.kind != "string" or pattern.kind != "string":
                raise FilterError(_("filter: LIKE compares text with a text pattern."))
            # CQL2's wildcards are SQL's: % any characters, _ one character, \ escapes.
            return f"({lhs.sql} {'NOT ' if node.not_ else ''}LIKE {pattern.sql})"
        if isinstance(node, ast.In):
            lhs = self.value(node.lhs, d)
            if not node.sub_nodes:
                raise FilterError(_("filter: IN needs at least one value."))
            options = [self._coerce(lhs, self.value(option, d))[1].sql for option in node.sub_nodes]
            return f"({lhs.sql} {'NOT ' if node.not_ else ''}IN ({', '.join(options)}))"
        if isinstance(node, ast.IsNull):
            lhs = self.value(node.lhs, d)
            return f"({lhs.sql} IS {'NOT ' if node.not_ else ''}NULL)"
        if isinstance(node, ast.SpatialComparisonPredicate):
            lhs, rhs = self.value(node.lhs, d), self.value(node.rhs, d)
            if lhs.kind != "geometry" or rhs.kind != "geometry":
                raise FilterError(
                    _("filter: spatial functions compare geometries (the property “geometry”).")
                )
            return f"{SPATIAL[node.op]}({lhs.sql}, {rhs.sql})"
        if isinstance(node, ast.BBox):
            lhs = self.value(node.lhs, d)
            if lhs.kind != "geometry":
                raise FilterError(_("filter: BBOX takes the property “geometry”."))
            box = self.value(ast.Function("bbox", [node.minx, node.miny, node.maxx, node.maxy]), d)
            return f"ST_Intersects({lhs.sql}, {box.sql})"
        if isinstance(node, ast.TemporalPredicate):
            return self.temporal(node, d)
        raise FilterError(_("filter: %(what)s is not supported.") % {"what": type(node).__name__})

    def _period(self, node, depth: int) -> tuple[_Typed | None, _Typed | None]:
        """(start, end) of an instant (both the same) or an interval (an end may be open)."""
        if isinstance(node, values.Interval):
            ends = []
            for end in (node.start, node.end):
                if end is None:
                    ends.append(None)
                elif isinstance(end, dt.date):
                    ends.append(self.literal(end))
                else:
                    raise FilterError(_("filter: an interval runs between two dates or times, or '..'."))
            return ends[0], ends[1]
        value = self.value(node, depth)
        if value.is_literal and value.kind == "string":
            value = self.literal(self._date_text(value.literal, "date"))
        if value.kind not in ("date", "timestamp"):
            raise FilterError(_("filter: temporal functions take dates, times and intervals."))
        return value, value

    def temporal(self, node: ast.TemporalPredicate, depth: int) -> str:
        name = next(k for k, v in TEMPORAL_PREDICATES_MAP.items() if v is type(node)).upper()
        if name not in TEMPORAL:
            raise FilterError(
                _("filter: %(op)s is not supported; use %(ops)s.")
                % {"op": name, "ops": ", ".join(sorted(TEMPORAL))}
            )
        a_start, a_end = self._period(node.lhs, depth)
        if a_start is None or a_end is None:
            raise FilterError(
                _("filter: a temporal function compares a date property with a date or an interval.")
            )
        b_start, b_end = self._period(node.rhs, depth)

        def cmp(x, op, y) -> str | None:
            if x is None or y is None:
                return None  # an open end: no bound
            x, y = self._coerce(x, y)
            return f"{x.sql} {op} {y.sql}"

        def all_of(*parts) -> str:
            kept = [p for p in parts if p is not None]
            return "(" + " AND ".join(kept) + ")" if kept else "TRUE"

        if name == "T_AFTER":
            return all_of(cmp(a_start, ">", b_end)) if b_end is not None else "FALSE"
        if name == "T_BEFORE":
            return all_of(cmp(a_end, "<", b_start)) if b_start is not None else "FALSE"
        if name == "T_DURING":
            return all_of(cmp(a_start, ">=", b_start), cmp(a_end, "<=", b_end), f"{a_start.sql} IS NOT NULL")
        if name == "T_EQUALS":
            return all_of(cmp(a_start, "=", b_start), cmp(a_end, "=", b_end))
        intersects = all_of(
            cmp(a_start, "<=", b_end), cmp(a_end, ">=", b_start), f"{a_start.sql} IS NOT NULL"
        )
        return intersects if name == "T_INTERSECTS" else f"(NOT {intersects} AND {a_start.sql} IS NOT NULL)"


def filter_sql(
    text: str, language: str, *, properties: dict[str, Property], geometry_sql: str, filter_crs: Crs
) -> tuple[str, dict]:
    """(SQL condition, parameters) of a filter over these properties. Raises FilterError."""
    tree = filter_parse(text, language)
    return Translator(properties, geometry_sql=geometry_sql, filter_crs=filter_crs).translate(tree)
