"""GeoReport v2 documents as XML (required by the spec) and JSON (its Spark mapping of the XML):
a list becomes an array in JSON and a container element of same-named children in XML."""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from django.http import HttpResponse

# Characters XML 1.0 cannot carry (a pasted control character must not break the document).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# XML container -> the name of each child element.
ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(out: list[str], tag: str, value) -> None:
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, child in value.items():
            _write(out, key, child)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        out.append(f"<{tag}>")
        for child in value:
            _write(out, ITEMS[tag], child)
        out.append(f"</{tag}>")
    else:
        text = _text(value)
        out.append(f"<{tag}/>" if text is None else f"<{tag}>{escape(NOT_XML.sub('', text))}</{tag}>")


def to_xml(root: str, data) -> bytes:
    """Written as text, not through an element tree: a thousand requests of seventeen fields
    each are a hot path (Open311 GET), and the document shape is fixed and flat."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write(out, root, data)
    return "".join(out).encode()


class RawJSON(str):
    """A document already written as JSON text (by PostgreSQL): sent as it is, read back for XML."""


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`data` under the XML root element `root` (JSON has no root: the data itself)."""
    raw = isinstance(data, RawJSON)
    if fmt == "json":
        body = data if raw else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(body, content_type="application/json; charset=utf-8", status=status)
    else:
        xml = to_xml(root, json.loads(data) if raw else data)
        response = HttpResponse(xml, content_type="text/xml; charset=utf-8", status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open311_error(request, status: int, message: str) -> HttpResponse:
    """A refusal in Open311's error list, in the format the URL asks for (.xml or .json)."""
    return errors("xml" if request.path.endswith(".xml") else "json", status, message)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: one {code, description} per problem, code = the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
