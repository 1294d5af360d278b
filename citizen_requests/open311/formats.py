"""GeoReport v2 documents as XML (required by the spec) and JSON (its Spark mapping of the XML):
a list becomes an array in JSON and a container element of same-named children in XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

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


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        name = ITEMS[element.tag]
        for child in value:
            _fill(ET.SubElement(element, name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode").encode()


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`data` under the XML root element `root` (JSON has no root: the data itself)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(body, content_type="application/json; charset=utf-8", status=status)
    else:
        response = HttpResponse(to_xml(root, data), content_type="text/xml; charset=utf-8", status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: one {code, description} per problem, code = the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
