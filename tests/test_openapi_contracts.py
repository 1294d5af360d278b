"""Contract tests: the real answers of every documented operation of /api/v1/ (its document:
/api/v1/schema/, drf-spectacular) and of /ogcapi/ (its document: /ogcapi/api) are validated by
openapi-core against the document — status code, content type, headers and body schema — for a
successful call and for refusals (400 bad input, 404 unknown object, 401/403 not allowed).

The list of calls is checked against the documents: an operation added to either API without a
call here fails `test_every_documented_operation_is_called`. (tests/test_fuzz_apis.py sends
generated requests; these are the calls a client really makes, on the demo city's data.)
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from gis_layers.models import Feature

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


class _Request(DjangoOpenAPIRequest):
    # openapi-core finds the operation by the request's path; the portal's URL patterns are
    # regular expressions, which its Django adapter cannot turn into templates.
    path_pattern = None


# Media types of JSON that openapi-core does not know by name: it would compare their bytes.
JSON_TYPES = ("application/geo+json", "application/schema+json", "application/vnd.oai.openapi+json")
CONFIG = Config(
    # A media type's parameters (…+json;version=3.0) come as keyword arguments.
    extra_media_type_deserializers=dict.fromkeys(JSON_TYPES, lambda value, **_parameters: json.loads(value))
)


def document_api(document: dict) -> OpenAPI:
    return OpenAPI.from_dict(document, config=CONFIG)


def check(api: OpenAPI, response) -> None:
    """Raise unless the answer is what the document says for its operation and status."""
    api.validate_response(_Request(response.wsgi_request), DjangoOpenAPIResponse(response))


def _reason(exc: Exception) -> str:
    """What openapi-core found, without the whole body it quotes."""
    cause = exc.__cause__ or exc.__context__
    errors = getattr(cause, "schema_errors", None) or getattr(exc, "schema_errors", None)
    if errors:
        return f"{type(exc).__name__}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors
        )
    return f"{exc!r} {cause!r}"[:600]


def _call(client, method: str, path: str, body=None, **headers):
    send = getattr(client, method)
    if body is None:
        return send(path, **headers)
    return send(path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def documents(city, client):
    api_v1 = json.loads(client.get("/api/v1/schema/?format=json").content)
    ogc = json.loads(client.get("/ogcapi/api").content)
    return api_v1, ogc


def _operations(document: dict, prefix: str = "") -> set[tuple[str, str]]:
    return {
        (method, prefix + path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


# -- /api/v1/ ----------------------------------------------------------------------------------


def _api_v1_calls(number: str):
    """(user, method, documented path, real path, body, expected status) for every operation;
    `number` is a request the public may see."""
    from coverage.models import CoverageRun, ServiceType
    from facilities.models import Facility
    from housing_registry.models import Building

    feature = Feature.objects.filter(layer__slug="shelters", deleted_at=None).order_by("id").first()
    spare = Feature.objects.filter(layer__slug="shelters", deleted_at=None).order_by("-id").first()
    facility = Facility.objects.order_by("id").first()
    service_type = ServiceType.objects.order_by("order").first()
    run = CoverageRun.objects.create(kind=CoverageRun.Kind.FULL, steps_total=3)
    building = Building.objects.order_by("id").first()
    f = f"/api/v1/layers/shelters/features/{feature.pk}/"
    new = {
        "geometry": {"type": "Point", "coordinates": [33.64, 49.01]},
        "properties": {"name": "Нове", "kind": "сховище"},
    }
    bad = {"geometry": {"type": "Point", "coordinates": [33.64, 49.01]}, "properties": {"capacity": "багато"}}
    g, a, d = "get", "gisadmin", "dispatcher"
    T = "/api/v1/layers/{slug}/features/{id}/"  # noqa: N806
    return [
        (None, g, "/api/v1/categories/", "/api/v1/categories/", None, 200),
        (None, g, "/api/v1/categories/", "/api/v1/categories/?q=%00", None, 400),
        (a, g, "/api/v1/coverage/runs/{id}/", f"/api/v1/coverage/runs/{run.pk}/", None, 200),
        (a, g, "/api/v1/coverage/runs/{id}/", "/api/v1/coverage/runs/999999/", None, 404),
        (None, g, "/api/v1/coverage/runs/{id}/", f"/api/v1/coverage/runs/{run.pk}/", None, 403),
        (None, g, "/api/v1/coverage/service-types/", "/api/v1/coverage/service-types/", None, 200),
        (None, g, "/api/v1/coverage/service-types/", "/api/v1/coverage/service-types/?x=%01", None, 400),
        *[
            (who, g, f"/api/v1/coverage/service-types/{{slug}}/{tail}", f"/api/v1/coverage/service-types/{service_type.slug}/{tail}", None, 200)
            for who, tail in ((None, ""), (a, "buildings/"), (None, "facilities/"), (None, "hexagons/"))
        ],
        *[
            (who, g, f"/api/v1/coverage/service-types/{{slug}}/{tail}", f"/api/v1/coverage/service-types/nothing/{tail}", None, 404)
            for who, tail in ((None, ""), (a, "buildings/"), (None, "facilities/"), (None, "hexagons/"))
        ],
        (None, g, "/api/v1/coverage/service-types/{slug}/buildings/", f"/api/v1/coverage/service-types/{service_type.slug}/buildings/", None, 403),
        (a, g, "/api/v1/coverage/service-types/{slug}/buildings/", f"/api/v1/coverage/service-types/{service_type.slug}/buildings/?page=2&page_size=100", None, 200),
        (a, g, "/api/v1/coverage/service-types/{slug}/buildings/", f"/api/v1/coverage/service-types/{service_type.slug}/buildings/?page_size=0", None, 400),
        (None, g, "/api/v1/facilities/", "/api/v1/facilities/?limit=5", None, 200),
        (None, g, "/api/v1/facilities/", "/api/v1/facilities/?bbox=1,2,3", None, 400),
        (None, g, "/api/v1/facilities/nearest/", "/api/v1/facilities/nearest/?category=pharmacy&lat=49.005&lon=33.64", None, 200),
        (None, g, "/api/v1/facilities/nearest/", "/api/v1/facilities/nearest/?category=pharmacy", None, 400),
        (None, g, "/api/v1/search/", "/api/v1/search/?q=%D0%9C%D0%B8%D1%80%D1%83", None, 200),
        (None, g, "/api/v1/search/", "/api/v1/search/?q=x&limit=0", None, 400),
        (None, g, "/api/v1/notices/", "/api/v1/notices/?when=now", None, 200),
        (None, g, "/api/v1/notices/", "/api/v1/notices/?when=someday", None, 400),
        (None, g, "/api/v1/facilities/{id}/", f"/api/v1/facilities/{facility.pk}/", None, 200),
        (None, g, "/api/v1/facilities/{id}/", "/api/v1/facilities/999999/", None, 404),
        (None, g, "/api/v1/layers/", "/api/v1/layers/", None, 200),
        (None, g, "/api/v1/layers/", "/api/v1/layers/?q=%00", None, 400),
        (None, g, "/api/v1/layers/{slug}/", "/api/v1/layers/shelters/", None, 200),
        (None, g, "/api/v1/layers/{slug}/", "/api/v1/layers/snow-routes/", None, 404),
        (None, g, "/api/v1/layers/{slug}/features/", "/api/v1/layers/shelters/features/?limit=5", None, 200),
        (None, g, "/api/v1/layers/{slug}/features/", "/api/v1/layers/shelters/features/?bbox=x", None, 400),
        (a, "post", "/api/v1/layers/{slug}/features/", "/api/v1/layers/shelters/features/", new, 201),
        (a, "post", "/api/v1/layers/{slug}/features/", "/api/v1/layers/shelters/features/", bad, 400),
        (None, "post", "/api/v1/layers/{slug}/features/", "/api/v1/layers/shelters/features/", new, 403),
        (None, g, T, f, None, 200),
        (None, g, T, "/api/v1/layers/shelters/features/999999/", None, 404),
        (a, "patch", T, f, {"properties": {**feature.properties, "capacity": 120}, "version": feature.version}, 200),
        (a, "patch", T, f, {"properties": {**feature.properties, "capacity": "багато"}, "version": feature.version + 1}, 400),
        (a, "put", T, f, {**new, "version": feature.version + 1}, 200),
        (a, "put", T, f, {**new, "version": 1}, 409),
        (a, "delete", T, f"/api/v1/layers/shelters/features/{spare.pk}/", None, 400),  # no version
        (a, "delete", T, f"/api/v1/layers/shelters/features/{spare.pk}/?version={spare.version}", None, 200),
        (a, g, T + "history/", f + "history/", None, 200),
        (None, g, T + "history/", f + "history/", None, 403),
        (a, "post", T + "restore/", f"/api/v1/layers/shelters/features/{spare.pk}/restore/", {}, 200),
        (a, "post", T + "restore/", "/api/v1/layers/shelters/features/999999/restore/", {}, 404),
        (None, g, "/api/v1/requests/", "/api/v1/requests/?limit=5", None, 200),
        (None, g, "/api/v1/requests/", "/api/v1/requests/?bbox=1,2", None, 400),
        (None, g, "/api/v1/requests/{number}/", f"/api/v1/requests/{number}/", None, 200),
        (None, g, "/api/v1/requests/{number}/", "/api/v1/requests/2099-999999/", None, 404),
        ("system", "post", "/api/v1/requests/{number}/external-status/", f"/api/v1/requests/{number}/external-status/",
         {"status": "note", "comment": "Справу передано до архіву"}, 200),
        ("system", "post", "/api/v1/requests/{number}/external-status/", f"/api/v1/requests/{number}/external-status/",
         {"status": "maybe"}, 400),
        (None, "post", "/api/v1/requests/{number}/external-status/", f"/api/v1/requests/{number}/external-status/",
         {"status": "note"}, 401),
        (d, g, "/registry/api/buildings/", "/registry/api/buildings/?page_size=5", None, 200),
        (None, g, "/registry/api/buildings/", "/registry/api/buildings/", None, 302),
        (d, g, "/registry/api/buildings/{id}/", f"/registry/api/buildings/{building.pk}/", None, 200),
        (d, g, "/registry/api/buildings/{id}/", "/registry/api/buildings/999999/", None, 404),
        (d, g, "/registry/api/works/", "/registry/api/works/", None, 200),
        (None, g, "/registry/api/works/", "/registry/api/works/", None, 302),
    ]  # fmt: skip


def _headers_for(who, client, system_key):
    client.logout()
    if who == "system":
        return {"HTTP_AUTHORIZATION": f"ApiKey {system_key}"}
    if who:
        client.force_login(User.objects.get(username=who))
    return {}


@pytest.fixture
def system_key(city):
    from citizen_requests.services.api_clients import api_client_issue

    system, key = api_client_issue(name="СЕД міськради")
    system.is_document_system = True
    system.save()
    return key


def _public_number(client) -> str:
    """A public request, filed as a resident files one (the demo city loads none)."""
    from tests.citizen_requests.builders import file_request

    return file_request().number


def test_api_v1_answers_match_its_document(documents, client, system_key):
    api = document_api(documents[0])
    failures = []
    for who, method, _template, path, body, status in _api_v1_calls(_public_number(client)):
        headers = _headers_for(who, client, system_key)
        response = _call(client, method, path, body, **headers)
        if response.status_code != status:
            failures.append(
                f"{method.upper()} {path} as {who}: {response.status_code}, expected {status}: {response.content[:300]!r}"
            )
            continue
        try:
            check(api, response)
        except Exception as exc:  # noqa: BLE001  (every failing operation is named at once)
            failures.append(
                f"{method.upper()} {path} as {who} ({status}): {exc!r} {getattr(exc, '__cause__', '')!r}"[
                    :1500
                ]
            )
    assert not failures, "\n".join(failures)


# -- /ogcapi/ ----------------------------------------------------------------------------------


def _ogc_calls(document: dict):
    """(method, documented path, real path, expected status) for every operation of the document."""
    collection_ids = [
        p.split("/")[2] for p in document["paths"] if p.count("/") == 2 and p.startswith("/collections/")
    ]
    first = {cid: _first_id(cid) for cid in collection_ids}
    standard = {
        "f",
        "limit",
        "offset",
        "bbox",
        "bbox-crs",
        "datetime",
        "crs",
        "filter",
        "filter-lang",
        "filter-crs",
        "sortby",
    }
    sort_key = {
        cid: next(p["name"] for p in document["paths"][f"/collections/{cid}/items"]["get"]["parameters"]
                  if p["name"] not in standard)
        for cid in collection_ids
    }  # fmt: skip
    g = "get"
    calls = [
        (g, "/", "/ogcapi/", 200), (g, "/", "/ogcapi/?f=html", 200), (g, "/", "/ogcapi/?f=xml", 400),
        (g, "/conformance", "/ogcapi/conformance", 200), (g, "/conformance", "/ogcapi/conformance?x=1", 400),
        (g, "/api", "/ogcapi/api", 200), (g, "/api", "/ogcapi/api?f=yaml", 400),
        (g, "/collections", "/ogcapi/collections", 200), (g, "/collections", "/ogcapi/collections?bbox=1", 400),
    ]  # fmt: skip
    for cid in collection_ids:
        c = f"/collections/{cid}"
        calls += [
            (g, c, f"/ogcapi{c}", 200),
            (g, c, f"/ogcapi{c}?f=html", 200),
            (g, c, f"/ogcapi{c}?limit=1", 400),
            (g, c + "/queryables", f"/ogcapi{c}/queryables", 200),
            (g, c + "/queryables", f"/ogcapi{c}/queryables?f=html", 200),
            (g, c + "/queryables", f"/ogcapi{c}/queryables?f=pdf", 400),
            (g, c + "/items", f"/ogcapi{c}/items?limit=3", 200),
            (g, c + "/items", f"/ogcapi{c}/items?limit=2&f=html", 200),
            (g, c + "/items", f"/ogcapi{c}/items?limit=20000&crs={quote(EPSG + '32636')}&sortby=-{sort_key[cid]}", 200),
            (g, c + "/items", f"/ogcapi{c}/items?limit=3&filter={quote('S_INTERSECTS(geometry, BBOX(33.5, 48.9, 33.8, 49.1))')}", 200),
            (g, c + "/items", f"/ogcapi{c}/items?filter={quote('nothing = 1')}", 400),
            (g, c + "/items", f"/ogcapi{c}/items?crs=EPSG:4326", 400),
            (g, c + "/items", f"/ogcapi{c}/items?limit=0", 400),
            (g, c + "/items/{featureId}", f"/ogcapi{c}/items/{first[cid]}", 200),
            (g, c + "/items/{featureId}", f"/ogcapi{c}/items/{first[cid]}?f=html", 200),
            (g, c + "/items/{featureId}", f"/ogcapi{c}/items/{first[cid]}?crs={quote(EPSG + '4326')}", 200),
            (g, c + "/items/{featureId}", f"/ogcapi{c}/items/{first[cid]}?crs=x", 400),
            (g, c + "/items/{featureId}", f"/ogcapi{c}/items/999999999", 404),
        ]  # fmt: skip
    return calls


def _first_id(collection_id: str) -> int:
    from facilities.models import Facility
    from housing_registry.models import Building

    if collection_id == "facilities":
        return (
            Facility.objects.filter(category__is_public=True)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
    if collection_id == "buildings":
        return Building.objects.order_by("id").values_list("id", flat=True).first()
    if collection_id == "notices":
        from notices.models import Notice

        return Notice.objects.filter(status="published").order_by("id").values_list("id", flat=True).first()
    return (
        Feature.objects.filter(layer__slug=collection_id, deleted_at=None)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


@pytest.fixture
def a_notice(city):
    """A published notice, so that the notices collection has an item to read."""
    from citizen_requests.models import Service
    from tests.notices.builders import make_notice
    from tests.notices.conftest import staff

    head = staff("vodokanal-head", role="service_head", service="svc-vodokanal")
    return make_notice(head, service=Service.objects.get(source_id="svc-vodokanal"))


@pytest.mark.parametrize("who", [None, "gisadmin"])
def test_ogcapi_answers_match_its_document(city, a_notice, client, who):
    if who:
        client.force_login(User.objects.get(username=who))
    document = json.loads(client.get("/ogcapi/api").content)
    api = document_api(document)
    ids = [
        path.split("/")[2]
        for path in document["paths"]
        if path.count("/") == 2 and path.startswith("/collections/")
    ]
    assert {"shelters", "facilities", "buildings"} <= set(ids)
    assert ("snow-routes" in ids) == (who is not None)
    failures = []
    for method, _template, path, status in _ogc_calls(document):
        response = _call(client, method, path)
        if response.status_code != status:
            failures.append(f"{path}: {response.status_code}, expected {status}: {response.content[:300]!r}")
            continue
        try:
            check(api, response)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{path} ({status}): {_reason(exc)}")
    assert not failures, "\n".join(failures)


def test_ogcapi_refuses_a_staff_only_collection_to_the_public_as_documented(city, client):
    document = json.loads(client.get("/ogcapi/api").content)
    api = document_api(document)
    assert "/collections/snow-routes/items" not in document["paths"]
    # Not in the public document: answered as an unknown collection under /collections/{id}, 404.
    for path in ("/ogcapi/collections/snow-routes", "/ogcapi/collections/snow-routes/queryables",
                 "/ogcapi/collections/snow-routes/items?filter=priority%3D1"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert set(json.loads(response.content)) == {"code", "description"}
    response = client.get("/ogcapi/collections/shelters/items/999999999")
    check(api, response)


def test_every_documented_operation_is_called(documents, client):
    api_v1, ogc = documents
    calls = _api_v1_calls(_public_number(client))
    called = {(m, t) for _w, m, t, _p, _b, s in calls if 200 <= s < 300}
    refused = {(m, t) for _w, m, t, _p, _b, s in calls if s >= 400 or s == 302}
    assert called == _operations(api_v1), "operations of /api/v1/ without a successful call here"
    assert refused == _operations(api_v1), "operations of /api/v1/ without a refusal here"
    ogc_calls = _ogc_calls(ogc)
    # The reads of /ogcapi/; its Part 4 writes: tests/gis_layers/test_ogc_transactions_contract.py.
    reads = {(m, t) for m, t in _operations(ogc) if m == "get"}
    assert {(m, t) for m, t, _p, s in ogc_calls if s == 200} == reads
    assert {(m, t) for m, t, _p, s in ogc_calls if s >= 400} == reads
