"""Contract of the /ogcapi/ writes (OGC API – Features Part 4): the real answers of every
documented create, replace, update and delete — each success and each refusal it can meet in
practice (bad body, stale If-Match, unknown feature, no token) — validated by openapi-core against
the OpenAPI document the same token reads at /ogcapi/api (status, content type, headers, body).

The reads are validated in tests/test_openapi_contracts.py; together they call every operation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.gis_layers.test_ogc_transactions import Api
from tests.test_openapi_contracts import _operations, _reason, check, document_api

GEOJSON = "application/geo+json"
MERGE_PATCH = "application/merge-patch+json"
BAD_GEOMETRY = {"type": "Point", "coordinates": ["east", "north"]}


def _writable_collections(document: dict) -> list[str]:
    return sorted(
        path.split("/")[2]
        for path, operations in document["paths"].items()
        if path.endswith("/items") and "post" in operations
    )


def _write_calls(api: Api, anonymous: Client, collection: str):
    """Yield (method, documented path, response, expected status) for one collection's writes,
    in the order a client makes them: create, read back, replace, update, delete."""
    items = f"/ogcapi/collections/{collection}/items"
    c_items, c_item = f"/collections/{collection}/items", f"/collections/{collection}/items/{{featureId}}"
    listed = api.get(f"{items}?limit=1").json()["features"]
    assert listed, f"{collection}: no feature to copy a valid body from"
    body = {"type": "Feature", "geometry": listed[0]["geometry"], "properties": listed[0]["properties"]}

    created = api.post(items, body)
    yield "post", c_items, created, 201
    yield "post", c_items, api.post(items, {**body, "geometry": BAD_GEOMETRY}), 400
    # Without a token: 401 where the public may read the collection, 404 where it may not know it.
    public = anonymous.get(f"/ogcapi/collections/{collection}").status_code == 200
    yield (
        "post",
        c_items,
        anonymous.post(items, json.dumps(body), content_type=GEOJSON),
        401 if public else 404,
    )
    if created.status_code != 201:
        return
    url = created["Location"]
    url = url[url.index("/ogcapi/") :]
    etag = created["ETag"]

    replaced = api.put(url, body, HTTP_IF_MATCH=etag)
    yield "put", c_item, replaced, 200
    yield "put", c_item, api.put(url, body, HTTP_IF_MATCH=etag), 412  # the version it replaced
    yield "put", c_item, api.put(f"{items}/999999999", body), 404

    updated = api.patch(url, {"properties": {}}, media=MERGE_PATCH, HTTP_IF_MATCH=replaced.get("ETag", ""))
    yield "patch", c_item, updated, 200
    yield "patch", c_item, api.patch(url, {"geometry": BAD_GEOMETRY}, media=MERGE_PATCH), 400
    yield "patch", c_item, api.patch(url, {"properties": {}}, media="text/plain"), 415

    yield "delete", c_item, api.delete(url, HTTP_IF_MATCH='"0-0"'), 412
    yield "delete", c_item, api.delete(url), 204
    yield "delete", c_item, api.delete(url), 404


@pytest.mark.django_db(transaction=False)
def test_every_documented_write_answers_as_its_document_says(city):
    api = Api("gisadmin")  # may edit every GIS layer, the staff-only ones included
    document = json.loads(api.get("/ogcapi/api").content)
    openapi = document_api(document)
    collections = _writable_collections(document)
    assert {"shelters", "snow-routes"} <= set(collections)
    assert "facilities" not in collections and "buildings" not in collections

    failures, succeeded, refused = [], set(), set()
    for collection in collections:
        for method, template, response, status in _write_calls(api, Client(), collection):
            where = f"{method.upper()} {template} ({status})"
            if response.status_code != status:
                failures.append(f"{where}: {response.status_code}: {response.content[:300]!r}")
                continue
            (succeeded if status < 300 else refused).add((method, template))
            try:
                check(openapi, response)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{where}: {_reason(exc)}")
    assert not failures, "\n".join(failures)

    # Every write the document declares was called, with a success and with a refusal.
    writes = {(m, t) for m, t in _operations(document) if m != "get"}
    assert succeeded == writes
    assert refused == writes
