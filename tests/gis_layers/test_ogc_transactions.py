# Over 400 lines: the whole Part 4 door — each operation, each refusal (viewer × layer), locking, CRS, history, and real HTTP clients.
"""/ogcapi/ writes: OGC API – Features Part 4 (create, replace, update, delete) with personal API
tokens, through the test client and over real HTTP (requests, as QGIS sends them), and reads of
a staff-only layer with a token by GDAL's OAPIF driver and OWSLib."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.api_tokens import api_token_create
from core.models import ApiToken
from gis_layers.models import Feature

PART4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"
GEOJSON = "application/geo+json"
ITEMS = "/ogcapi/collections/shelters/items"
POINT = {"type": "Point", "coordinates": [33.6401, 49.0112]}


def basic(token: str, username: str = "qgis") -> str:
    return "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()


def token_of(username: str) -> str:
    return api_token_create(user=User.objects.get(username=username), name="QGIS")[1]


class Api:
    """A client that sends one person's token, as QGIS does (no cookie, no CSRF token)."""

    def __init__(self, username: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": basic(token_of(username))} if username else {}

    def _send(self, method, path, body=None, media=GEOJSON, **extra):
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(self.client, method)(path, data=data, content_type=media, **self.headers, **extra)

    def get(self, path, **extra):
        return self.client.get(path, **self.headers, **extra)

    def post(self, path, body, **extra):
        return self._send("post", path, body, **extra)

    def put(self, path, body, **extra):
        return self._send("put", path, body, **extra)

    def patch(self, path, body, media="application/merge-patch+json", **extra):
        return self._send("patch", path, body, media=media, **extra)

    def delete(self, path, **extra):
        return self.client.delete(path, **self.headers, **extra)

    def options(self, path):
        return self.client.options(path, **self.headers)


def shelter(**properties) -> dict:
    return {
        "type": "Feature",
        "geometry": POINT,
        "properties": {"name": "Укриття на Миру", "kind": "сховище", "capacity": 120, **properties},
    }


@pytest.fixture
def gisadmin(city):
    return Api("gisadmin")


@pytest.fixture
def first_shelter(city):
    return Feature.objects.filter(layer__slug="shelters", deleted_at__isnull=True).order_by("id").first()


def history(feature_id: int) -> list[tuple[str, str, str]]:
    records = Feature.history.filter(id=feature_id).order_by("history_date", "history_id")
    return [
        (r.history_type, r.history_user.username if r.history_user else "", r.history_change_reason)
        for r in records
    ]


# -- declared ------------------------------------------------------------------------------------


def test_conformance_declares_part_4(city, client):
    classes = set(client.get("/ogcapi/conformance").json()["conformsTo"])
    assert {PART4 + "create-replace-delete", PART4 + "update"} <= classes


def test_the_api_definition_documents_the_writes_of_layers_only(city, client):
    api = json.loads(client.get("/ogcapi/api").content)
    item = api["paths"]["/collections/shelters/items/{featureId}"]
    assert {"get", "put", "patch", "delete"} <= set(item)
    post = api["paths"]["/collections/shelters/items"]["post"]
    assert set(post["requestBody"]["content"]) == {GEOJSON, "application/json"}
    assert {"201", "400", "401", "403", "404", "412", "415"} <= set(post["responses"])
    assert "Location" in post["responses"]["201"]["headers"]
    assert "application/merge-patch+json" in item["patch"]["requestBody"]["content"]
    assert any(p["name"] == "If-Match" for p in item["put"]["parameters"])
    assert api["components"]["securitySchemes"]["apiTokenBasic"]["scheme"] == "basic"
    # The apps' own collections stay read-only.
    assert "post" not in api["paths"]["/collections/facilities/items"]


# -- create, replace, update, delete ----------------------------------------------------------------


def test_create_answers_201_with_location_etag_and_the_feature_kept_in_history(gisadmin):
    response = gisadmin.post(ITEMS, shelter(accessible=True))
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == GEOJSON
    created = response.json()
    assert response["Location"].endswith(f"{ITEMS}/{created['id']}")
    feature = Feature.objects.get(pk=created["id"])
    assert response["ETag"] == f'"{feature.pk}-{feature.version}"'
    assert feature.layer.slug == "shelters" and feature.created_by.username == "gisadmin"
    assert feature.properties == {
        "name": "Укриття на Миру",
        "kind": "сховище",
        "capacity": 120,
        "accessible": True,
    }
    assert feature.geometry.coords == pytest.approx((33.6401, 49.0112))
    assert history(feature.pk) == [("+", "gisadmin", "created")]
    # Readable at its Location at once, with the same ETag.
    read = gisadmin.get(f"{ITEMS}/{feature.pk}")
    assert read.status_code == 200 and read["ETag"] == response["ETag"]
    assert read.json()["properties"]["name"] == "Укриття на Миру"


def test_put_replaces_the_feature_and_patch_merges_into_it(gisadmin, first_shelter):
    url = f"{ITEMS}/{first_shelter.pk}"
    tag = gisadmin.get(url)["ETag"]
    replaced = gisadmin.put(url, {**shelter(capacity=300), "id": str(first_shelter.pk)}, HTTP_IF_MATCH=tag)
    assert replaced.status_code == 200, replaced.content
    assert replaced["ETag"] != tag
    first_shelter.refresh_from_db()
    # Replaced whole: what the body left out is gone.
    assert first_shelter.properties == {"name": "Укриття на Миру", "kind": "сховище", "capacity": 300}
    patched = gisadmin.patch(url, {"properties": {"capacity": 80, "accessible": False, "name": None}})
    assert patched.status_code == 400  # name is required: a merge patch cannot remove it
    assert "name" in patched.json()["fields"]
    patched = gisadmin.patch(url, {"properties": {"capacity": 80, "accessible": False}})
    assert patched.status_code == 200
    first_shelter.refresh_from_db()
    assert first_shelter.properties == {
        "name": "Укриття на Миру", "kind": "сховище", "capacity": 80, "accessible": False,
    }  # fmt: skip
    moved = gisadmin.patch(url, {"geometry": {"type": "Point", "coordinates": [33.65, 49.02]}})
    assert moved.status_code == 200
    first_shelter.refresh_from_db()
    assert first_shelter.geometry.coords == pytest.approx((33.65, 49.02))
    assert first_shelter.properties["capacity"] == 80  # a geometry patch leaves the properties
    assert [kind for kind, _user, _reason in history(first_shelter.pk)][-3:] == ["~", "~", "~"]
    assert {user for _kind, user, _reason in history(first_shelter.pk)[-3:]} == {"gisadmin"}


def test_delete_is_soft_and_kept_in_history(gisadmin, first_shelter):
    url = f"{ITEMS}/{first_shelter.pk}"
    response = gisadmin.delete(url)
    assert response.status_code == 204 and response.content == b""
    first_shelter.refresh_from_db()
    assert first_shelter.deleted_at is not None and first_shelter.deleted_by.username == "gisadmin"
    # As in the portal's editor: a deletion is a new version marked deleted (restorable).
    assert history(first_shelter.pk)[-1] == ("~", "gisadmin", "deleted")
    assert gisadmin.get(url).status_code == 404
    assert gisadmin.delete(url).status_code == 404
    assert gisadmin.put(url, shelter()).status_code == 404


def test_qgis_writes_without_if_match_and_with_its_fields(gisadmin, first_shelter):
    """What QGIS sends: PUT with every field and a string id, PATCH of the changed attributes."""
    url = f"{ITEMS}/{first_shelter.pk}"
    fields = {"name": "Укриття 7", "kind": "сховище", "address": None, "capacity": 40, "accessible": None,
              "open_24h": None, "phone": None, "checked": None}  # fmt: skip
    body = {"type": "Feature", "id": str(first_shelter.pk), "geometry": POINT, "properties": fields}
    assert gisadmin.put(url, body).status_code == 200
    assert gisadmin.patch(url, {"properties": {"checked": "2026-11-30"}}).status_code == 200
    first_shelter.refresh_from_db()
    assert first_shelter.properties == {
        "name": "Укриття 7",
        "kind": "сховище",
        "capacity": 40,
        "checked": "2026-11-30",
    }


# -- optimistic locking -----------------------------------------------------------------------------


def test_a_write_based_on_an_older_version_is_refused_with_412_and_changes_nothing(gisadmin, first_shelter):
    url = f"{ITEMS}/{first_shelter.pk}"
    old = gisadmin.get(url)["ETag"]
    assert gisadmin.patch(url, {"properties": {"capacity": 99}}, HTTP_IF_MATCH=old).status_code == 200
    before = Feature.objects.get(pk=first_shelter.pk)
    for response in (
        gisadmin.patch(url, {"properties": {"capacity": 11}}, HTTP_IF_MATCH=old),
        gisadmin.put(url, shelter(capacity=12), HTTP_IF_MATCH=old),
        gisadmin.delete(url, HTTP_IF_MATCH=old),
        # A weak tag never matches, not even the current one (strong comparison).
        gisadmin.patch(url, {"properties": {"capacity": 13}}, HTTP_IF_MATCH="W/" + gisadmin.get(url)["ETag"]),
    ):
        assert response.status_code == 412, response.content
        assert response.json()["code"] == "PreconditionFailed"
        assert "версія" in response.json()["description"]
    after = Feature.objects.get(pk=first_shelter.pk)
    assert (after.version, after.properties, after.deleted_at) == (before.version, before.properties, None)
    current = gisadmin.get(url)["ETag"]
    assert (
        gisadmin.patch(url, {"properties": {"capacity": 14}}, HTTP_IF_MATCH=f"{old}, {current}").status_code
        == 200
    )
    assert gisadmin.patch(url, {"properties": {"capacity": 15}}, HTTP_IF_MATCH="*").status_code == 200
    assert gisadmin.patch(url, {"properties": {"capacity": 16}}, HTTP_IF_MATCH="nonsense").status_code == 400


def test_if_none_match_of_the_current_etag_is_304(gisadmin, first_shelter):
    url = f"{ITEMS}/{first_shelter.pk}"
    tag = gisadmin.get(url)["ETag"]
    assert gisadmin.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    gisadmin.patch(url, {"properties": {"capacity": 33}})
    assert gisadmin.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


# -- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        (shelter(capacity=0), "capacity"),
        (shelter(kind="палац"), "kind"),
        (shelter(colour="red"), "colour"),
        (
            {**shelter(), "geometry": {"type": "LineString", "coordinates": [[33.6, 49.0], [33.61, 49.01]]}},
            "geometry",
        ),
        ({**shelter(), "geometry": None}, "geometry"),
        ({**shelter(), "geometry": {"type": "Point", "coordinates": "here"}}, "geometry"),
        ({**shelter(), "type": "FeatureCollection"}, "type"),
        ({**shelter(), "properties": ["a"]}, "properties"),
    ],
)
def test_values_that_do_not_fit_the_layer_are_400_naming_the_field_and_nothing_is_saved(
    gisadmin, body, field
):
    count = Feature.objects.count()
    response = gisadmin.post(ITEMS, body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "InvalidParameterValue" and field in response.json()["fields"]
    assert Feature.objects.count() == count


def test_other_media_types_and_bodies_are_refused(gisadmin, first_shelter):
    form = gisadmin.client.post(ITEMS, {"name": "x"}, **gisadmin.headers)
    assert form.status_code == 415 and form.json()["code"] == "UnsupportedMediaType"
    assert gisadmin.post(ITEMS, shelter(), media="text/plain").status_code == 415
    listed = gisadmin.client.post(ITEMS, "[1, 2]", content_type=GEOJSON, **gisadmin.headers)
    assert listed.status_code == 400 and listed.json()["code"] == "InvalidParameterValue"
    url = f"{ITEMS}/{first_shelter.pk}"
    other = gisadmin.put(url, {**shelter(), "id": first_shelter.pk + 1})
    assert other.status_code == 400 and "id" in other.json()["fields"]


def test_geometry_in_utm_and_in_latitude_longitude_order_with_content_crs(gisadmin):
    from pyproj import Transformer

    easting, northing = Transformer.from_crs(4326, 32636, always_xy=True).transform(33.6401, 49.0112)
    utm = gisadmin.post(
        ITEMS,
        {**shelter(), "geometry": {"type": "Point", "coordinates": [easting, northing]}},
        HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/32636>",
    )
    assert utm.status_code == 201, utm.content
    # Within a centimetre of where it was put (1e-7 degrees is about 1 cm here).
    assert Feature.objects.get(pk=utm.json()["id"]).geometry.coords == pytest.approx(
        (33.6401, 49.0112), abs=1e-7
    )
    lat_lon = gisadmin.post(
        ITEMS,
        {**shelter(), "geometry": {"type": "Point", "coordinates": [49.0112, 33.6401]}},
        HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/4326>",
    )
    assert Feature.objects.get(pk=lat_lon.json()["id"]).geometry.coords == pytest.approx((33.6401, 49.0112))
    unknown = gisadmin.post(ITEMS, shelter(), HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/2154>")
    assert unknown.status_code == 400 and "Content-Crs" in unknown.json()["description"]


# -- who may write (viewer × layer) -------------------------------------------------------------------


def test_visitors_get_401_and_change_nothing(city, client, first_shelter):
    count = Feature.objects.count()
    url = f"{ITEMS}/{first_shelter.pk}"
    for response in (
        client.post(ITEMS, json.dumps(shelter()), content_type=GEOJSON),
        client.put(url, json.dumps(shelter()), content_type=GEOJSON),
        client.patch(url, json.dumps({"properties": {}}), content_type="application/merge-patch+json"),
        client.delete(url),
    ):
        assert response.status_code == 401 and response.json()["code"] == "NotAuthenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert Feature.objects.count() == count and Feature.objects.get(pk=first_shelter.pk).deleted_at is None


def test_a_residents_token_reads_public_layers_only_and_writes_nothing(city):
    resident = Api("resident")
    assert resident.post(ITEMS, shelter()).status_code == 403
    route = Feature.objects.filter(layer__slug="snow-routes").first()
    for response in (
        resident.post("/ogcapi/collections/snow-routes/items", shelter()),
        resident.delete(f"/ogcapi/collections/snow-routes/items/{route.pk}"),
        resident.options("/ogcapi/collections/snow-routes/items"),
    ):
        assert response.status_code == 404 and response.json()["code"] == "NotFound"
    assert Feature.objects.get(pk=route.pk).deleted_at is None


def test_a_layer_editor_edits_granted_layers_and_only_reads_the_others(city):
    editor = Api("editor")
    assert editor.post(ITEMS, shelter()).status_code == 201
    route = Feature.objects.filter(layer__slug="snow-routes").first()
    url = f"/ogcapi/collections/snow-routes/items/{route.pk}"
    assert editor.get(url).status_code == 200  # staff: the staff-only layer is there
    refused = editor.patch(url, {"properties": {"priority": 1}})
    assert refused.status_code == 403 and refused.json()["code"] == "Forbidden"
    assert editor.options(url)["Allow"] == "GET, HEAD, OPTIONS"


def test_a_gis_admin_token_edits_the_staff_only_layer(gisadmin):
    route = Feature.objects.filter(layer__slug="snow-routes").first()
    url = f"/ogcapi/collections/snow-routes/items/{route.pk}"
    response = gisadmin.patch(url, {"properties": {"priority": 3}})
    assert response.status_code == 200, response.content
    assert Feature.objects.get(pk=route.pk).properties["priority"] == 3
    assert response["Cache-Control"] == "no-store"


def test_the_apps_collections_are_read_only(gisadmin):
    response = gisadmin.post("/ogcapi/collections/facilities/items", shelter())
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["code"] == "MethodNotAllowed"


def test_options_tell_qgis_what_it_may_do(city, client, gisadmin, first_shelter):
    assert gisadmin.options(ITEMS)["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert (
        gisadmin.options(f"{ITEMS}/{first_shelter.pk}")["Allow"] == "GET, HEAD, OPTIONS, PUT, PATCH, DELETE"
    )
    # QGIS asks about a made-up id when a layer is empty.
    assert "PUT" in gisadmin.options(f"{ITEMS}/unknown_id")["Allow"]
    assert client.options(ITEMS)["Allow"] == "GET, HEAD, OPTIONS"


def test_a_browser_session_writes_only_with_its_csrf_token(city, first_shelter):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="gisadmin"))
    refused = browser.post(ITEMS, json.dumps(shelter()), content_type=GEOJSON)
    assert refused.status_code == 403 and refused.json()["code"] == "Forbidden"
    browser.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    made = browser.post(ITEMS, json.dumps(shelter()), content_type=GEOJSON, HTTP_X_CSRFTOKEN=csrf)
    assert made.status_code == 201
    # A token request needs none, even with a session cookie beside it.
    token = token_of("gisadmin")
    with_token = browser.post(
        ITEMS, json.dumps(shelter()), content_type=GEOJSON, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert with_token.status_code == 201


def test_a_revoked_token_writes_nothing(city):
    api = Api("gisadmin")
    ApiToken.objects.filter(user__username="gisadmin").update(revoked_at="2026-01-01T00:00:00Z")
    count = Feature.objects.count()
    assert api.post(ITEMS, shelter()).status_code == 401
    assert Feature.objects.count() == count


# -- real clients over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def live_tokens(portal_url, django_db_blocker):
    """Committed tokens for the portal served from a thread; features written through it are
    deleted with their history afterwards, so the demo city stays as loaded."""
    with django_db_blocker.unblock():
        last_feature = Feature.objects.order_by("-id").values_list("id", flat=True).first()
        tokens = {name: token_of(name) for name in ("gisadmin", "dispatcher", "resident")}
    yield tokens
    with django_db_blocker.unblock():
        Feature.objects.filter(id__gt=last_feature).delete()
        Feature.history.filter(id__gt=last_feature).delete()  # after: deleting records history too
        ApiToken.objects.all().delete()


def test_editing_over_http_as_qgis_does(portal_url, live_tokens):
    import requests

    auth = ("qgis", live_tokens["gisadmin"])
    items = f"{portal_url}{ITEMS}"
    assert "POST" in requests.options(items, auth=auth, timeout=30).headers["Allow"]
    created = requests.post(
        items, data=json.dumps(shelter()), headers={"Content-Type": GEOJSON}, auth=auth, timeout=30
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert location.startswith(portal_url)
    read = requests.get(location, auth=auth, timeout=30)
    patched = requests.patch(
        location,
        data=json.dumps({"properties": {"capacity": 77}}),
        headers={"Content-Type": "application/merge-patch+json", "If-Match": read.headers["ETag"]},
        auth=auth,
        timeout=30,
    )
    assert patched.status_code == 200 and patched.json()["properties"]["capacity"] == 77
    stale = requests.delete(location, headers={"If-Match": read.headers["ETag"]}, auth=auth, timeout=30)
    assert stale.status_code == 412
    bearer = {"Authorization": f"Bearer {live_tokens['gisadmin']}"}
    assert requests.delete(location, headers=bearer, timeout=30).status_code == 204
    assert requests.get(location, headers=bearer, timeout=30).status_code == 404
    # Without a token nothing is written; the resident's token may not.
    anonymous = requests.post(
        items, data=json.dumps(shelter()), headers={"Content-Type": GEOJSON}, timeout=30
    )
    assert anonymous.status_code == 401
    resident = requests.post(
        items, data=json.dumps(shelter()), headers={"Content-Type": GEOJSON},
        auth=("resident", live_tokens["resident"]), timeout=30,
    )  # fmt: skip
    assert resident.status_code == 403


def ogr(*args, token: str | None = None, bearer: bool = False) -> subprocess.CompletedProcess:
    config = []
    if token and bearer:
        config = ["--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {token}"]
    elif token:
        config = ["--config", "GDAL_HTTP_USERPWD", f"qgis:{token}", "--config", "GDAL_HTTP_AUTH", "BASIC"]
    return subprocess.run(["ogrinfo", *config, *args], capture_output=True, text=True, timeout=120)


def test_gdal_reads_the_staff_only_layer_with_a_token_and_not_without(portal_url, live_tokens):
    source = f"OAPIF:{portal_url}/ogcapi/"
    for bearer in (False, True):
        result = ogr("-ro", "-so", source, "snow-routes", token=live_tokens["dispatcher"], bearer=bearer)
        assert result.returncode == 0, result.stderr
        assert "Feature Count: 9" in result.stdout and "priority: Integer" in result.stdout
    # Every feature, page by page, with the open options GDAL takes.
    result = ogr(
        "-ro", "-q", "-oo", "PAGE_SIZE=4", "-oo", "USERPWD=qgis:" + live_tokens["dispatcher"], source, "snow-routes"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("OGRFeature(snow-routes)") == 9
    listed = ogr("-ro", source, token=live_tokens["dispatcher"]).stdout
    assert "snow-routes" in listed
    for token in (None, live_tokens["resident"]):
        refused = ogr("-ro", "-so", source, "snow-routes", token=token)
        assert refused.returncode != 0 or "snow-routes" not in refused.stdout
    assert "snow-routes" not in ogr("-ro", source).stdout


def test_owslib_reads_the_staff_only_layer_with_a_token(portal_url, live_tokens):
    from owslib.ogcapi.features import Features
    from owslib.util import Authentication

    api = Features(f"{portal_url}/ogcapi/", auth=Authentication("qgis", live_tokens["dispatcher"]))
    assert "snow-routes" in {c["id"] for c in api.collections()["collections"]}
    items = api.collection_items("snow-routes", limit=20)
    assert items["numberMatched"] == 9 and len(items["features"]) == 9
    assert {f["properties"]["priority"] for f in items["features"]} <= {1, 2, 3}
    public = Features(f"{portal_url}/ogcapi/")
    assert "snow-routes" not in {c["id"] for c in public.collections()["collections"]}
