# Over 400 lines: every OGC API – Features read endpoint; the parameters of Parts 2 and 3 live in parameters.py.
"""/ogcapi/: OGC API – Features – Part 1: Core, with the GeoJSON, HTML and OpenAPI 3.0 classes,
Part 2 (CRS by reference) and Part 3 (Filtering with CQL2 text and JSON, queryables).

Landing page, /conformance, /api, /collections, /collections/{id}, /collections/{id}/items
(bbox, bbox-crs, crs, limit, offset, datetime, property filters, filter, filter-lang,
filter-crs, sortby; next/prev links; numberMatched/numberReturned),
/collections/{id}/items/{featureId} (crs), and /collections/{id}/queryables. JSON by default
(GDAL, QGIS), HTML for browsers (Accept: text/html) or with ?f=html. Unknown or invalid
parameters are 400 with an OGC exception; staff-only layers exist only for staff.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.gzip import gzip_page

from gis_layers.ogcapi import parameters
from gis_layers.ogcapi.collections import Collection, InvalidFilter, collection_for, collections_for
from gis_layers.ogcapi.crs import CRS84, URIS
from gis_layers.ogcapi.errors import OgcError
from gis_layers.ogcapi.openapi import CONFORMANCE, DEFAULT_LIMIT, MAX_LIMIT, api_definition
from gis_layers.ogcapi.openapi_part4 import CONFORMANCE as PART4_CONFORMANCE
from gis_layers.ogcapi.openapi_part4 import transactions_document

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
HTML = "text/html"
ITEM_PARAMS = {"f", "limit", "offset", "bbox", "datetime"} | parameters.NAMES
GEOMETRY_FORMATS = {
    "point": "geometry-point-or-multipoint",
    "line": "geometry-linestring-or-multilinestring",
    "polygon": "geometry-polygon-or-multipolygon",
}


def _error(exc: OgcError) -> JsonResponse:
    return JsonResponse({"code": exc.code, "description": exc.description}, status=exc.status)


def _format(request) -> str:
    f = request.GET.get("f", "")
    if f in ("json", "html"):
        return f
    if f:
        raise OgcError(400, "InvalidParameterValue", _("f must be json or html."))
    accept = request.headers.get("Accept", "")
    return "html" if "text/html" in accept else "json"


def _only(request, allowed: set[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise OgcError(
            400,
            "InvalidParameter",
            _("Unknown parameter(s): %(names)s. This operation takes: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(sorted(allowed))},
        )


def _url(request, name: str, *args, query: dict | None = None) -> str:
    # The query is a dict, not keyword arguments: a layer's fields are named freely ("name").
    path = reverse(name, args=args)
    query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    return request.build_absolute_uri(path) + (("?" + urlencode(query)) if query else "")


def _link(href, rel, media, title) -> dict:
    return {"href": href, "rel": rel, "type": media, "title": str(title)}


def _self_and_alternate(request, name, *args, json_type=JSON, query: dict | None = None) -> list[dict]:
    html_first = _format(request) == "html"
    json_link = _link(
        _url(request, name, *args, query={"f": "json", **(query or {})}),
        "alternate" if html_first else "self",
        json_type,
        _("This document as JSON"),
    )
    html_link = _link(
        _url(request, name, *args, query={"f": "html", **(query or {})}),
        "self" if html_first else "alternate",
        HTML,
        _("This document as HTML"),
    )
    return [html_link, json_link] if html_first else [json_link, html_link]


def _respond(request, data: dict, template: str, *, media=JSON, context=None, public=True):
    if _format(request) == "html":
        response = render(request, f"gis_layers/ogcapi/{template}", {"data": data, **(context or {})})
    else:
        response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=media)
    response["Cache-Control"] = "public, max-age=60" if public else "private, max-age=60"
    return response


class OgcView(View):
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except OgcError as exc:
            return _error(exc)

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Django's answer is an empty body; an OGC client gets the exception it can read.
        allowed = ", ".join(m.upper() for m in self._allowed_methods())
        response = _error(
            OgcError(
                405,
                "MethodNotAllowed",
                _("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
        )
        response["Allow"] = allowed
        return response


class LandingView(OgcView):
    def get(self, request):
        _only(request, {"f"})
        data = {
            "title": _("Misto — GIS data of Horishni Plavni"),
            "description": _(
                "Open geodata of the city portal as OGC API – Features: the city's GIS layers, facilities and "
                "building outlines. Use it in QGIS (Layer → Add Layer → WFS / OGC API – Features) or GDAL "
                "(ogrinfo OAPIF:<this address>)."
            ),
            "links": [
                *_self_and_alternate(request, "ogc-landing"),
                _link(
                    _url(request, "ogc-api", query={"f": "json"}),
                    "service-desc",
                    OPENAPI,
                    _("The API definition (OpenAPI 3.0)"),
                ),
                _link(
                    _url(request, "ogc-api", query={"f": "html"}),
                    "service-doc",
                    HTML,
                    _("The API documentation"),
                ),
                _link(_url(request, "ogc-conformance"), "conformance", JSON, _("Conformance classes")),
                _link(_url(request, "ogc-collections"), "data", JSON, _("The feature collections")),
            ],
        }
        return _respond(request, data, "landing.html")


class ConformanceView(OgcView):
    def get(self, request):
        _only(request, {"f"})
        return _respond(
            request,
            {
                "conformsTo": CONFORMANCE + PART4_CONFORMANCE,
                "links": _self_and_alternate(request, "ogc-conformance"),
            },
            "conformance.html",
        )


class ApiView(OgcView):
    def get(self, request):
        _only(request, {"f"})
        collections = collections_for(request.user)
        definition = api_definition(
            request.build_absolute_uri(reverse("ogc-landing")).rstrip("/"), collections
        )
        transactions_document(definition, collections)  # Part 4: the writes of the GIS layers
        if _format(request) == "html":
            return render(
                request,
                "gis_layers/ogcapi/api.html",
                {"spec_url": _url(request, "ogc-api", query={"f": "json"})},
            )
        return HttpResponse(json.dumps(definition, ensure_ascii=False), content_type=OPENAPI)


def _collection_json(request, c: Collection) -> dict:
    extent = c.extent()
    data = {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": c.item_type,
        "crs": URIS,
        "storageCrs": CRS84.uri,
        "links": [
            _link(_url(request, "ogc-collection", c.id, query={"f": "json"}), "self", JSON, c.title),
            _link(_url(request, "ogc-collection", c.id, query={"f": "html"}), "alternate", HTML, c.title),
            _link(
                _url(request, "ogc-items", c.id, query={"f": "json"}),
                "items",
                GEOJSON,
                _("The features as GeoJSON"),
            ),
            _link(
                _url(request, "ogc-items", c.id, query={"f": "html"}),
                "items",
                HTML,
                _("The features as HTML"),
            ),
            _link(
                _url(request, "ogc-queryables", c.id),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                _("Queryable properties"),
            ),
        ],
    }
    if extent:
        data["extent"] = {"spatial": {"bbox": [extent], "crs": CRS84.uri}}
    if c.license:
        data["license"] = c.license
        data["links"].append(
            _link(
                request.build_absolute_uri(reverse("ogc-collection", args=[c.id])), "license", HTML, c.license
            )
        )
    if c.layer is not None:
        for fmt in formats_for(c.layer):
            data["links"].append(
                _link(
                    request.build_absolute_uri(reverse("layer-download", args=[c.id, fmt])),
                    "enclosure",
                    _media(fmt),
                    _("Download (%(f)s)") % {"f": fmt},
                )
            )
    return data


def _media(fmt: str) -> str:
    from gis_layers.exporters import FORMATS

    return FORMATS[fmt].content_type


def formats_for(layer):
    from gis_layers.exporters import formats_for as layer_formats

    return [f.key for f in layer_formats(layer)]


def _collection(request, collection_id: str) -> Collection:
    c = collection_for(request.user, collection_id)
    if c is None:
        raise OgcError(404, "NotFound", _("There is no collection “%(id)s”.") % {"id": collection_id})
    return c


class CollectionsView(OgcView):
    def get(self, request):
        _only(request, {"f"})
        collections = collections_for(request.user)
        data = {
            "links": _self_and_alternate(request, "ogc-collections"),
            "collections": [_collection_json(request, c) for c in collections],
        }
        return _respond(request, data, "collections.html", public=all(c.public for c in collections))


class CollectionView(OgcView):
    def get(self, request, collection_id: str):
        _only(request, {"f"})
        c = _collection(request, collection_id)
        data = _collection_json(request, c)
        return _respond(
            request, data, "collection.html", context={"queryables": c.queryables}, public=c.public
        )


class QueryablesView(OgcView):
    def get(self, request, collection_id: str):
        _only(request, {"f"})
        c = _collection(request, collection_id)
        data = {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": _url(request, "ogc-queryables", c.id),
            "type": "object",
            "title": c.title,
            "properties": {
                **{
                    q.name: {
                        "title": q.title,
                        "type": q.type,
                        **({"format": q.format} if q.format else {}),
                        **({"enum": q.enum} if q.enum else {}),
                    }
                    for q in c.queryables
                },
                # Part 3: the spatial queryable of S_INTERSECTS(geometry, …) and the other functions.
                "geometry": {
                    "title": _("Geometry"),
                    "format": GEOMETRY_FORMATS.get(c.geometry, "geometry-any"),
                    "x-ogc-role": "primary-geometry",
                },
            },
            "additionalProperties": False,
        }
        if _format(request) == "html":
            return render(request, "gis_layers/ogcapi/queryables.html", {"data": data, "collection": c})
        return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/schema+json")


def _int(request, name: str, default: int, lo: int, hi: int, *, cap: bool = False) -> int:
    """A whole-number parameter; with `cap`, a value over `hi` is read as `hi` (OGC API -
    Features Part 1: a limit above the server's maximum is not an error, the client pages on
    through the next links), while a value that is not a whole number or under `lo` is 400."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if cap and raw.isdigit() and int(raw) > hi:
        return hi
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("%(name)s must be a whole number from %(lo)d to %(hi)d.") % {"name": name, "lo": lo, "hi": hi},
        )
    return int(raw)


def _datetime(request) -> None:
    raw = request.GET.get("datetime", "")
    if not raw:
        return
    from django.utils.dateparse import parse_date, parse_datetime

    for part in raw.split("/"):
        if part in ("..", ""):
            continue
        if parse_datetime(part.replace("Z", "+00:00")) is None and parse_date(part) is None:
            raise OgcError(
                400,
                "InvalidParameterValue",
                _("datetime is an RFC 3339 date-time or an interval such as 2024-01-01T00:00:00Z/.."),
            )


@method_decorator(gzip_page, name="dispatch")
class ItemsView(OgcView):
    def get(self, request, collection_id: str):
        c = _collection(request, collection_id)
        queryable = {q.name for q in c.queryables}
        _only(request, ITEM_PARAMS | queryable)
        fmt = _format(request)
        limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, cap=True)
        offset = _int(request, "offset", 0, 0, 10**9)
        bbox = parameters.bbox(request)
        if bbox is not None and c.item_type == "record":
            raise OgcError(
                400,
                "InvalidParameterValue",
                _("“%(id)s” is an attribute table: its records have no geometry, so bbox does not apply.")
                % {"id": c.id},
            )
        _datetime(request)
        crs = parameters.crs(request)
        cql = parameters.cql(request, c)
        sort = parameters.sortby(request, c)
        filters = {k: v for k, v in request.GET.items() if k in queryable and k not in ITEM_PARAMS}
        try:
            matched, returned, features = c.items(
                bbox=bbox, filters=filters, limit=limit, offset=offset, cql=cql, sort=sort, crs=crs
            )
        except InvalidFilter as exc:
            raise OgcError(400, "InvalidParameterValue", exc.message) from None
        kept = {k: v for k, v in request.GET.items() if k not in ("f", "offset")}
        if "limit" in kept:
            kept["limit"] = str(limit)  # the links say the limit really used (capped to the maximum)
        links = _self_and_alternate(
            request, "ogc-items", c.id, json_type=GEOJSON, query={"offset": offset or None, **kept}
        )
        page_format, page_type = ("html", HTML) if fmt == "html" else ("json", GEOJSON)

        def page_link(page_offset, rel, title):
            url = _url(request, "ogc-items", c.id, query={"f": page_format, "offset": page_offset, **kept})
            return _link(url, rel, page_type, title)

        if offset + limit < matched:
            links.append(page_link(offset + limit, "next", _("Next page")))
        if offset > 0:
            links.append(page_link(max(offset - limit, 0) or None, "prev", _("Previous page")))
        links.append(_link(_url(request, "ogc-collection", c.id), "collection", JSON, c.title))
        stamp = timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
        if fmt == "html":
            data = {
                "numberMatched": matched,
                "numberReturned": returned,
                "links": links,
                "features": json.loads(features),
            }
            response = render(
                request,
                "gis_layers/ogcapi/items.html",
                {
                    "data": data,
                    "collection": c,
                    "fields": [q.name for q in c.queryables] if c.layer else None,
                    "offset": offset,
                    "limit": limit,
                },
            )
        else:
            # PostgreSQL's JSON text of the features, put in place without parsing it again.
            body = (
                f'{{"type":"FeatureCollection","numberMatched":{matched},"numberReturned":{returned},'
                f'"timeStamp":"{stamp}","links":{json.dumps(links, ensure_ascii=False)},"features":{features}}}'
            )
            response = HttpResponse(body, content_type=GEOJSON)
        response["Cache-Control"] = "public, max-age=60" if c.public else "private, max-age=60"
        response["Content-Crs"] = crs.header
        return response


class ItemView(OgcView):
    def get(self, request, collection_id: str, feature_id: str):
        _only(request, {"f", "crs"})
        c = _collection(request, collection_id)
        crs = parameters.crs(request)
        text = c.item(int(feature_id), crs) if feature_id.isdigit() and len(feature_id) < 19 else None
        if text is None:
            raise OgcError(
                404,
                "NotFound",
                _("Collection “%(c)s” has no feature %(id)s.") % {"c": c.id, "id": feature_id},
            )
        feature = json.loads(text)
        feature["links"] = [
            *_self_and_alternate(request, "ogc-item", c.id, feature_id, json_type=GEOJSON),
            _link(_url(request, "ogc-collection", c.id), "collection", JSON, c.title),
        ]
        if _format(request) == "html":
            response = render(request, "gis_layers/ogcapi/item.html", {"data": feature, "collection": c})
        else:
            response = HttpResponse(json.dumps(feature, ensure_ascii=False), content_type=GEOJSON)
        response["Cache-Control"] = "public, max-age=60" if c.public else "private, max-age=60"
        response["Content-Crs"] = crs.header
        return response
