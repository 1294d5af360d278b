"""What /ogcapi/ declares about its writes (OGC API – Features – Part 4, gis_layers/ogcapi/transactions.py):
the conformance classes, and the operations of each GIS-layer collection in the OpenAPI definition."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gis_layers.ogcapi.collections import Collection

PART4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"
CONFORMANCE = [
    PART4 + "create-replace-delete",
    PART4 + "update",
    PART4 + "features",
    PART4 + "optimistic-locking-etags",
]
GEOJSON = "application/geo+json"
MERGE_PATCH = "application/merge-patch+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# Content-Crs URI -> (SRID, axes given as latitude, longitude).
CONTENT_CRS = {
    CRS84: (4326, False),
    "http://www.opengis.net/def/crs/EPSG/0/4326": (4326, True),
    "http://www.opengis.net/def/crs/EPSG/0/3857": (3857, False),
    "http://www.opengis.net/def/crs/EPSG/0/32636": (32636, False),
}
FEATURE_ID = {
    "name": "featureId", "in": "path", "required": True, "schema": {"type": "integer"},
    "description": "The feature's id.",
}  # fmt: skip


def _exception(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}},
    }


WRITE_ERRORS = {
    "400": _exception("The body is not a valid feature of this collection (fields name each problem)."),
    "401": _exception("Not logged in: send a personal API token (HTTP Basic with the token as the password, or Bearer)."),
    "403": _exception("This account may read the collection but not change it, or the CSRF token of a browser session is missing."),
    "404": _exception("No such collection or feature (or not visible to this account)."),
    "405": _exception("This collection is read-only."),
    "412": _exception("If-Match names a version other than the current one: the feature changed meanwhile."),
    "413": _exception("The request body is too large."),
    "415": _exception("The body is not in a supported media type."),
    "429": _exception("Too many failed logins from this address or with this token; try again later."),
}  # fmt: skip
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the item as read (optimistic locking); without it the write is not checked.",
}  # fmt: skip
CONTENT_CRS_PARAM = {
    "name": "Content-Crs", "in": "header", "required": False,
    "schema": {"type": "string", "enum": [f"<{u}>" for u in CONTENT_CRS]},
    "description": "The CRS of the geometry in the body (default CRS84, longitude/latitude).",
}  # fmt: skip


def _feature_body(media: list[str], feature_ref: dict) -> dict:
    return {"required": True, "content": {m: {"schema": feature_ref} for m in media}}


def _written(description: str, feature_ref: dict, *, created: bool = False) -> dict:
    headers = {"ETag": {"schema": {"type": "string"}, "description": "The new version's entity tag."}}
    if created:
        headers["Location"] = {"schema": {"type": "string"}, "description": "The new feature's address."}
    return {"description": description, "headers": headers, "content": {GEOJSON: {"schema": feature_ref}}}


def _feature_schema(item_path: dict) -> dict:
    """The schema of one feature as the item's GET declares it (its properties by name)."""
    try:
        return item_path["get"]["responses"]["200"]["content"][GEOJSON]["schema"]
    except (KeyError, TypeError):
        return {"type": "object", "required": ["type", "geometry", "properties"]}


def transactions_document(definition: dict, collections: list[Collection]) -> dict:
    """Add the Part 4 operations of every GIS-layer collection to the OpenAPI definition
    (views.ApiView), with the token security schemes and the refusals each can answer."""
    components = definition.setdefault("components", {})
    components["securitySchemes"] = {
        "apiToken": {"type": "http", "scheme": "bearer", "description": "A personal API token (Account → API tokens)."},
        "apiTokenBasic": {"type": "http", "scheme": "basic", "description": "Any user name, the personal API token as the password."},
    }  # fmt: skip
    security = [{"apiToken": []}, {"apiTokenBasic": []}, {}]
    paths = definition["paths"]
    for c in collections:
        if c.layer is None:
            continue
        items, item = f"/collections/{c.id}/items", f"/collections/{c.id}/items/{{featureId}}"
        if items not in paths or item not in paths:
            continue
        name = f"feature_{c.id}"
        components.setdefault("schemas", {})[name] = _feature_schema(paths[item])
        ref = {"$ref": f"#/components/schemas/{name}"}
        patch_schema = {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "geometry": {"$ref": "#/components/schemas/geometryGeoJSON"},
            "properties": {"type": "object"}}}  # fmt: skip
        feature_id = FEATURE_ID
        tags = [c.id]
        paths[items]["post"] = {
            "summary": f"Create a feature in {c.id}", "operationId": f"createFeature_{c.id}", "tags": tags,
            "security": security, "parameters": [CONTENT_CRS_PARAM],
            "requestBody": _feature_body([GEOJSON, "application/json"], ref),
            "responses": {"201": _written("Created; Location is its address.", ref, created=True), **WRITE_ERRORS},
        }  # fmt: skip
        paths[item]["put"] = {
            "summary": f"Replace a feature of {c.id}", "operationId": f"replaceFeature_{c.id}", "tags": tags,
            "security": security, "parameters": [feature_id, IF_MATCH, CONTENT_CRS_PARAM],
            "requestBody": _feature_body([GEOJSON, "application/json"], ref),
            "responses": {"200": _written("Replaced.", ref), **WRITE_ERRORS},
        }  # fmt: skip
        paths[item]["patch"] = {
            "summary": f"Update a feature of {c.id} (JSON merge patch)", "operationId": f"updateFeature_{c.id}",
            "tags": tags, "security": security, "parameters": [feature_id, IF_MATCH, CONTENT_CRS_PARAM],
            "requestBody": {"required": True, "content": {m: {"schema": patch_schema} for m in (MERGE_PATCH, GEOJSON, "application/json")}},
            "responses": {"200": _written("Updated.", ref), **WRITE_ERRORS},
        }  # fmt: skip
        paths[item]["delete"] = {
            "summary": f"Delete a feature of {c.id}", "operationId": f"deleteFeature_{c.id}", "tags": tags,
            "security": security, "parameters": [feature_id, IF_MATCH],
            "responses": {"204": {"description": "Deleted (kept in the history; staff can restore it)."}, **WRITE_ERRORS},
        }  # fmt: skip
    return definition
