"""The OpenAPI 3.0 definition of /ogcapi/ (conformance class OpenAPI 3.0): every path, with each
collection spelled out (its property filters are query parameters of its items operation)."""

from __future__ import annotations

from gis_layers.ogcapi.collections import Collection

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
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
    "Only features whose geometry intersects the box: min_lon,min_lat,max_lon,max_lat (WGS 84, CRS84).",
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

JSON = "application/json"
GEOJSON = "application/geo+json"


def _response(description, media=JSON, schema=None):
    return {
        "description": description,
        "content": {
            media: {"schema": schema or {"type": "object"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


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
            "parameters": [F, LIMIT, OFFSET, BBOX, DATETIME, *filters],
            "responses": {"200": _response("A page of features (GeoJSON FeatureCollection).", GEOJSON, {
                "type": "object", "required": ["type", "features"],
                "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                               "features": {"type": "array", "items": feature_schema},
                               "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
                               "numberMatched": {"type": "integer", "minimum": 0},
                               "numberReturned": {"type": "integer", "minimum": 0},
                               "timeStamp": {"type": "string", "format": "date-time"}}}), **ERRORS}}}  # fmt: skip
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {"get": {
            "summary": f"One feature of {c.id}", "operationId": f"getFeature_{c.id}", "tags": [c.id],
            "parameters": [_param("featureId", "The feature's id.", {"type": "integer"}, required=True, where="path"), F],
            "responses": {"200": _response("One feature (GeoJSON).", GEOJSON, feature_schema), **ERRORS}}}  # fmt: skip
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
            "(OGC API – Features – Part 1: Core; GeoJSON, HTML, OpenAPI 3.0). Coordinates: WGS 84 (CRS84).",
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
