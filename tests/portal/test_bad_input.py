"""No input gets a 500: control characters, non-object JSON, unknown or malformed OGC
parameters and values beyond the limits are each refused with 4xx in the format of the door
they came through (core/bad_input.py and the parameter parsing of each API)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User

from gis_layers.models import Feature

JSON = "application/json"


def api_error(response, parameter=None) -> dict:
    assert response.status_code == 400, response.content[:300]
    error = json.loads(response.content)["error"]
    assert error["code"] and error["message"]
    if parameter is not None:
        assert error["parameter"] == parameter
    return error


# --- Found: a property filter named like a link argument (name) was a TypeError ---------------


def test_ogc_layer_items_filter_by_a_property_called_name(city, client):
    first = Feature.objects.filter(layer__slug="shelters").order_by("id").first()
    name = first.properties["name"]
    response = client.get("/ogcapi/collections/shelters/items", {"name": name})
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["numberMatched"] >= 1
    assert all(f["properties"]["name"] == name for f in body["features"])
    self_link = next(link for link in body["links"] if link["rel"] == "self")
    assert "name=" in self_link["href"]  # the filter is kept in the paging links
    nothing = json.loads(client.get("/ogcapi/collections/shelters/items?name=foo").content)
    assert nothing["numberMatched"] == 0


def test_ogc_number_property_compares_as_a_number_and_refuses_words(city, client):
    capacity = next(
        f.properties["capacity"]
        for f in Feature.objects.filter(layer__slug="shelters").order_by("id")
        if f.properties.get("capacity") is not None
    )
    body = json.loads(client.get(f"/ogcapi/collections/shelters/items?capacity={capacity}.0").content)
    assert body["numberMatched"] >= 1
    assert all(f["properties"]["capacity"] == capacity for f in body["features"])
    refused = client.get("/ogcapi/collections/shelters/items?capacity=many")
    assert refused.status_code == 400
    assert json.loads(refused.content)["code"] == "InvalidParameterValue"


def test_ogc_unknown_parameter_is_invalid_parameter_listing_the_allowed_ones(city, client):
    response = client.get("/ogcapi/collections/shelters/items?colour=red")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameter"
    assert "colour" in body["description"]
    assert all(name in body["description"] for name in ("bbox", "limit", "capacity", "name"))


def test_buildings_floors_filter_is_numeric(city, client):
    five = json.loads(client.get("/ogcapi/collections/buildings/items?floors=05&limit=5").content)
    assert five["numberMatched"] > 0 and all(f["properties"]["floors"] == 5 for f in five["features"])
    refused = client.get("/ogcapi/collections/buildings/items?floors=five")
    assert refused.status_code == 400 and json.loads(refused.content)["code"] == "InvalidParameterValue"


# --- Found: NUL in q / category (PostgreSQL refuses NUL in text) ---------------------------------


@pytest.mark.parametrize("parameter", ["q", "category"])
def test_nul_in_the_facilities_api_is_400_naming_the_parameter(city, client, parameter):
    api_error(client.get(f"/api/v1/facilities/?{parameter}=a%00b"), parameter)


@pytest.mark.parametrize("parameter", ["q", "category"])
def test_nul_in_the_requests_api_is_400(city, client, parameter):
    api_error(client.get(f"/api/v1/requests/?{parameter}=a%00b"), parameter)


@pytest.mark.parametrize("parameter", ["q", "category"])
def test_nul_on_the_facilities_page_is_a_400_page(city, client, parameter):
    response = client.get(f"/facilities/?{parameter}=a%00b")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert parameter in response.content.decode()


def test_control_characters_in_the_ogc_api_are_an_ogc_exception(city, client):
    response = client.get("/ogcapi/collections/facilities/items?name_uk=a%00b")
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "InvalidParameterValue"
    assert client.get("/ogcapi/collections/shelters/items?name=a%1Bb").status_code == 400


def test_control_characters_in_open311_are_its_error_list_in_json_and_xml(city, client):
    response = client.get("/open311/v2/requests.json?service_code=a%00b")
    assert response.status_code == 400
    assert json.loads(response.content)[0]["code"] == 400
    xml = client.get("/open311/v2/requests.xml?service_code=a%07b")
    assert xml.status_code == 400
    root = ET.fromstring(xml.content)
    assert root.tag == "errors" and root.find("error/description").text


def test_nul_in_a_form_field_is_refused_but_tab_and_newline_pass(city, client):
    refused = client.post("/accounts/login/", {"username": "resident\x00", "password": "x"})
    assert refused.status_code == 400 and b"username" in refused.content
    # Tab and newline are ordinary text: the login form itself answers (wrong password).
    answered = client.post("/accounts/login/", {"username": "resi\tdent\n", "password": "x"})
    assert answered.status_code == 200


# --- Found: non-object JSON bodies on the feature API ------------------------------------------


@pytest.fixture
def shelter_url(city, client):
    client.force_login(User.objects.get(username="gisadmin"))
    feature = Feature.objects.filter(layer__slug="shelters").order_by("id").first()
    return feature, f"/api/v1/layers/shelters/features/{feature.pk}/"


@pytest.mark.parametrize(
    "body, parameter",
    [
        ("[1]", "body"),
        ('"x"', "body"),
        ("1", "body"),
        ("null", "body"),
        ("[" * 100000 + "]" * 100000, "body"),  # deeper than Python's parser goes
        ('{"properties": {"name": "a\\u0000b"}}', "name"),  # NUL inside: named by its key
    ],
)
def test_feature_create_refuses_a_body_that_is_not_a_clean_json_object(shelter_url, client, body, parameter):
    count = Feature.objects.count()
    response = client.post("/api/v1/layers/shelters/features/", body, content_type=JSON)
    api_error(response, parameter)
    assert Feature.objects.count() == count


@pytest.mark.parametrize("body", ["[1]", '"x"', "1"])
def test_feature_change_and_restore_refuse_non_object_bodies(shelter_url, client, body):
    feature, url = shelter_url
    api_error(client.patch(url, body, content_type=JSON), "body")
    api_error(client.post(url + "restore/", body, content_type=JSON), "body")
    feature.refresh_from_db()
    assert feature.version == Feature.objects.get(pk=feature.pk).version and feature.deleted_at is None


# --- Values over the limits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/api/v1/facilities/?page=99999999999999999999", "page"),
        ("/api/v1/facilities/?page_size=5001", "page_size"),
        ("/api/v1/facilities/?bbox=33.6,49.0,33.7,nan", "bbox"),
        ("/api/v1/facilities/?bbox=1,2,3,4,5", "bbox"),
        ("/api/v1/layers/shelters/features/?bbox=33.6,49.0,inf,49.1", "bbox"),
        ("/api/v1/layers/shelters/features/?limit=99999999999", "limit"),
        ("/api/v1/facilities/?q=" + "я" * 1001, "q"),
    ],
)
def test_api_values_over_the_limits_are_400(city, client, path, parameter):
    api_error(client.get(path), parameter)


def test_requests_api_refuses_an_infinite_bbox(city, client):
    response = client.get("/api/v1/requests/?bbox=-inf,-inf,inf,inf")
    assert response.status_code == 400 and "error" in json.loads(response.content)


@pytest.mark.parametrize(
    "query",
    [
        "limit=-1",
        "offset=99999999999999",
        "bbox=33.6,49.0,nan,49.1",
        "bbox=1,2,3,4,5",
        "bbox=-inf,0,inf,1",
    ],
)
def test_ogc_values_over_the_limits_are_invalid_parameter_value(city, client, query):
    response = client.get(f"/ogcapi/collections/shelters/items?{query}")
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "InvalidParameterValue"


def test_open311_huge_page_is_400(city, client):
    response = client.get("/open311/v2/requests.json?page=99999999999999999999")
    assert response.status_code == 400 and json.loads(response.content)[0]["code"] == 400


def test_tiles_refuse_a_huge_zoom_and_an_unknown_route_as_json(city, client):
    huge = client.get("/tiles/facilities/999999999999/1/1.mvt")
    assert huge.status_code == 400 and json.loads(huge.content)["error"]["code"] == "invalid_tile"
    unknown = client.get("/api/v1/layers/%E2%80%A0/")
    assert unknown.status_code == 404 and json.loads(unknown.content)["error"]["code"] == "not_found"
