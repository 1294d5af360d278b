"""The OpenAPI 3.0 definition of /ogcapi/ (conformance class OpenAPI 3.0): every path, with each
collection spelled out (its property filters are query parameters of its items operation)."""

from __future__ import annotations

from gis_layers.ogcapi import cql
from gis_layers.ogcapi.collections import Collection
from gis_layers.ogcapi.crs import CRS84_URI, URIS

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    *cql.CONFORMANCE,
]
MAX_LIMIT = 10000
DEFAULT_LIMIT = 100


def _param(name, description, schema, required=False, where="query", explode=False):
    p = {"name": name, "in": where, "description": description, "required": required, "schema": schema}
    if where == "query":
        p.update(style="form", explode=explode)
    return p


F = _param("f", "The representation: json or html (default: by the Accept header, else json).",
           {"type": "string", "enum": ["json", "html"]})  # fmt: skip
LIMIT = _param(
    "limit",
    "At most this many features on the page; a larger value is read as the maximum (page on with the next link).",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
)
OFFSET = _param("offset", "Skip this many features (paging; the next/prev links do it for you).",
                {"type": "integer", "minimum": 0, "default": 0})  # fmt: skip
BBOX = _param(
    "bbox",
    "Only features whose geometry intersects the box: lower corner, upper corner in bbox-crs, axes in its "
    "order (CRS84, the default: min_lon,min_lat,max_lon,max_lat; EPSG:4326: min_lat,min_lon,max_lat,max_lon).",
    {
        "type": "array",
        "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
        "items": {"type": "number"},
    },
)
DATETIME = _param(
    "datetime",
    "A date-time or interval (RFC 3339). These collections have no temporal geometry, so it selects every feature.",
    {"type": "string"},
)

CRS_SCHEMA = {"type": "string", "enum": URIS, "default": CRS84_URI}
CRS = _param("crs", "The CRS of the geometries in the answer (axis order as the CRS defines it).", CRS_SCHEMA)
BBOX_CRS = _param("bbox-crs", "The CRS of bbox.", CRS_SCHEMA)
FILTER = _param(
    "filter",
    "A CQL2 filter over the collection's queryables (/queryables) and its geometry: comparison, LIKE, IN, "
    "BETWEEN, IS NULL, CASEI, S_INTERSECTS and the other spatial functions, T_AFTER, T_BEFORE, T_DURING, "
    "T_EQUALS, T_INTERSECTS, T_DISJOINT.",
    {"type": "string", "maxLength": cql.MAX_LENGTH},
)
FILTER_LANG = _param("filter-lang", "The language of filter.",
                     {"type": "string", "enum": list(cql.LANGUAGES), "default": "cql2-text"})  # fmt: skip
FILTER_CRS = _param("filter-crs", "The CRS of the geometries in filter.", CRS_SCHEMA)
SORTBY = _param(
    "sortby",
    "Sort by these queryables, each with + (ascending, the default) or - (descending) before it: "
    "sortby=-capacity,name. Features without a value come last.",
    {"type": "array", "items": {"type": "string", "pattern": "^[+ -]?[A-Za-z_][A-Za-z0-9_]*$"}},
)
CONTENT_CRS = {
    "Content-Crs": {
        "description": "The CRS of the geometries in the answer, as <URI>.",
        "schema": {"type": "string"},
    }
}

JSON = "application/json"
GEOJSON = "application/geo+json"


def _response(description, media=JSON, schema=None, headers=None):
    response = {
        "description": description,
        "content": {
            media: {"schema": schema or {"type": "object"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    if headers:
        response["headers"] = headers
    return response


ERRORS = {
    "400": {
        "description": "A parameter is invalid or unknown.",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}},
    },
    "404": {
        "description": "No such collection or feature.",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}},
    },
}


def api_definition(base_url: str, collections: list[Collection]) -> dict:
    paths = {
        "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage", "tags": ["Capabilities"],
                      "parameters": [F], "responses": {"200": _response("Links to the API, its conformance and the data."), **ERRORS}}},
        "/conformance": {"get": {"summary": "Conformance classes", "operationId": "getConformance", "tags": ["Capabilities"],
                                 "parameters": [F], "responses": {"200": _response("The conformance classes this API implements."), **ERRORS}}},
        "/api": {"get": {"summary": "This API definition", "operationId": "getAPI", "tags": ["Capabilities"],
                         "parameters": [F], "responses": {"200": _response("OpenAPI 3.0", "application/vnd.oai.openapi+json;version=3.0"), **ERRORS}}},
        "/collections": {"get": {"summary": "The feature collections", "operationId": "getCollections", "tags": ["Capabilities"],
                                 "parameters": [F], "responses": {"200": _response("The collections"), **ERRORS}}},
    }  # fmt: skip
    for c in collections:
        props = {
            q.name: {
                "type": q.type,
                "title": q.title,
                **({"format": q.format} if q.format else {}),
                **({"enum": q.enum} if q.enum else {}),
            }
            for q in c.queryables
        }
        filters = [
            _param(
                q.name,
                f"Only features whose {q.name} equals this value.",
                {k: v for k, v in props[q.name].items() if k != "title"},
            )
            for q in c.queryables
        ]
        feature_schema = {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": {"$ref": "#/components/schemas/geometryGeoJSON"},
                "properties": {"type": "object", "properties": props},
            },
        }
        paths[f"/collections/{c.id}"] = {"get": {
            "summary": f"About {c.id}", "operationId": f"describeCollection_{c.id}", "tags": [c.id],
            "parameters": [F], "responses": {"200": _response(f"The collection {c.id}"), **ERRORS}}}  # fmt: skip
        paths[f"/collections/{c.id}/items"] = {"get": {
            "summary": f"Features of {c.id}", "operationId": f"getFeatures_{c.id}", "tags": [c.id],
            "parameters": [F, LIMIT, OFFSET, BBOX, BBOX_CRS, DATETIME, CRS, FILTER, FILTER_LANG, FILTER_CRS, SORTBY,
                           *filters],
            "responses": {"200": _response("A page of features (GeoJSON FeatureCollection).", GEOJSON, {
                "type": "object", "required": ["type", "features"],
                "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                               "features": {"type": "array", "items": feature_schema},
                               "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
                               "numberMatched": {"type": "integer", "minimum": 0},
                               "numberReturned": {"type": "integer", "minimum": 0},
                               "timeStamp": {"type": "string", "format": "date-time"}}}, CONTENT_CRS), **ERRORS}}}  # fmt: skip
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {"get": {
            "summary": f"One feature of {c.id}", "operationId": f"getFeature_{c.id}", "tags": [c.id],
            "parameters": [_param("featureId", "The feature's id.", {"type": "integer"}, required=True, where="path"), F, CRS],
            "responses": {"200": _response("One feature (GeoJSON).", GEOJSON, feature_schema, CONTENT_CRS), **ERRORS}}}  # fmt: skip
        paths[f"/collections/{c.id}/queryables"] = {"get": {
            "summary": f"Properties of {c.id} that can filter its items", "operationId": f"getQueryables_{c.id}",
            "tags": [c.id], "parameters": [F],
            "responses": {"200": _response("JSON Schema of the queryable properties", "application/schema+json"), **ERRORS}}}  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Misto — OGC API – Features",
            "version": "1.0.0",
            "description": "GIS layers, facilities and buildings of the Horishni Plavni city portal "
            "(OGC API – Features – Part 1: Core; GeoJSON, HTML, OpenAPI 3.0; Part 2: CRS by reference; Part 3: "
            "Filtering with CQL2 text and JSON). Coordinates: WGS 84 (CRS84) unless crs says otherwise.",
            "contact": {"name": "Misto", "url": base_url},
            "license": {"name": "See each collection's licence"},
        },
        "servers": [{"url": base_url}],
        "tags": [{"name": "Capabilities"}, *({"name": c.id, "description": c.title} for c in collections)],
        "paths": paths,
        "components": {
            "schemas": {
                "exception": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
                "link": {"type": "object", "required": ["href"], "properties": {
                    "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
                    "title": {"type": "string"}, "hreflang": {"type": "string"}}},
                "geometryGeoJSON": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": [
                    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]}}},
            }
        },
    }  # fmt: skip
