"""Open311 GeoReport v2 at /open311/v2/, checked against the specification's own examples
(http://wiki.open311.org/GeoReport_v2): the documents have the fields the spec lists, in its
order, in XML (the required format) and JSON; its example POST works with our codes and
places; errors come as its error list; GET filters behave as it describes."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citizen_requests.models import Attachment, Request
from citizen_requests.services.api_clients import api_client_issue
from tests.citizen_requests.builders import CENTRE, building_point, file_request, jpeg_bytes

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
# The spec's example documents, field by field, in its order.
SPEC_SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
SPEC_ATTRIBUTE = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
SPEC_REQUEST = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip
SPEC_CREATED = ["service_request_id", "service_notice", "account_id"]


@pytest.fixture
def app(city):
    client, key = api_client_issue(
        name="ФіксМоєМісто", contact_email="dev@example.test", requests_per_minute=0
    )
    return client, key


def xml(response) -> ET.Element:
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(body)


def spec_post_body(key: str, point, **over) -> str:
    """The spec's example POST, with this city's code, place and the app's key."""
    fields = {
        "api_key": key,
        "jurisdiction_id": "plavni.example",
        "service_code": "pothole",
        "lat": f"{point.y:.8f}",
        "long": f"{point.x:.8f}",
        "address_string": CENTRE,
        "email": "smit333@example.test",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "john",
        "last_name": "smith",
        "phone": "111111111",
        "description": "A large sinkhole is destroying the street",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    }
    fields.update(over)
    body = urlencode({k: v for k, v in fields.items() if v is not None})
    return body + "&attribute[size]=large&attribute[WHISDORN]=COISL001"


def post(client, fmt: str, body: str):
    return client.post(
        f"/open311/v2/requests.{fmt}", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )


def test_discovery_lists_the_v2_endpoint_and_its_formats(city, client):
    data = client.get("/open311/v2/discovery.json").json()
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get("/open311/discovery.xml"))
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_are_listed_like_the_spec_example_in_xml_and_json(city, client):
    root = xml(client.get("/open311/v2/services.xml", {"jurisdiction_id": "plavni.example"}))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 32
    assert [child.tag for child in services[0]] == SPEC_SERVICE
    pothole = next(s for s in services if s.findtext("service_code") == "pothole")
    assert (
        pothole.findtext("service_name") == "Яма на дорозі"
        and pothole.findtext("group") == "Дороги і тротуари"
    )
    assert pothole.findtext("metadata") == "true" and pothole.findtext("type") == "realtime"
    listed = client.get("/open311/v2/services.json").json()
    assert [list(s) for s in listed[:1]] == [SPEC_SERVICE]
    assert {s["service_code"] for s in listed} == {s.findtext("service_code") for s in services}
    english = client.get("/open311/v2/services.json", {"lang": "en"}).json()
    assert next(s for s in english if s["service_code"] == "pothole")["service_name"] == "Pothole"


def test_a_service_definition_has_the_spec_s_attribute_fields(city, client):
    root = xml(client.get("/open311/v2/services/elevator.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "elevator"
    attributes = root.findall("attributes/attribute")
    people = next(a for a in attributes if a.findtext("code") == "people_inside")
    assert [c.tag for c in people] == SPEC_ATTRIBUTE
    assert people.findtext("datatype") == "singlevaluelist" and people.findtext("required") == "true"
    assert [(v.findtext("key"), v.findtext("name")) for v in people.findall("values/value")] == [
        ("yes", "так"),
        ("no", "ні"),
    ]
    data = client.get("/open311/v2/services/elevator.json").json()
    assert list(data) == ["service_code", "attributes"]
    assert [a["order"] for a in data["attributes"]] == sorted(a["order"] for a in data["attributes"])
    assert data["attributes"][0] == {**data["attributes"][0], "code": "entrance", "datatype": "number", "required": False,
                                     "datatype_description": None, "variable": True}  # fmt: skip
    assert any(a["code"] == "confidential" for a in data["attributes"])
    unknown = client.get("/open311/v2/services/spaceport.json")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_spec_s_example_post_files_a_request(app, client, fmt, django_capture_on_commit_callbacks):
    _client, key = app
    point = building_point(CENTRE)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, fmt, spec_post_body(key, point))
    assert response.status_code == 200, response.content
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        created = root.find("request")
        assert [c.tag for c in created] == SPEC_CREATED
        number, notice, account = (created.findtext(t) for t in SPEC_CREATED)
    else:
        (created,) = response.json()
        assert list(created) == SPEC_CREATED
        number, notice, account = (created[t] for t in SPEC_CREATED)
    request = Request.objects.get(number=number)
    assert account == "123456" and request.service.name_uk in notice
    assert request.channel == "open311" and request.api_client == _client
    assert request.applicant_name == "john smith" and request.applicant_email == "smit333@example.test"
    assert request.device_id == "tt222111" and request.attributes == {"size": "large"}
    assert request.media_url.startswith("http://farm3.static.flickr.com/")
    assert request.text == "A large sinkhole is destroying the street" and request.is_public
    # The app's user gets the receipt with a private link (no account, no confirmation needed).
    from django.core import mail

    assert mail.outbox[-1].to == ["smit333@example.test"] and "/requests/access/" in mail.outbox[-1].body


def test_a_request_is_returned_with_every_spec_field_in_its_order(app, client):
    _client, key = app
    number = post(client, "json", spec_post_body(key, building_point(CENTRE))).json()[0]["service_request_id"]
    root = xml(client.get(f"/open311/v2/requests/{number}.xml", {"jurisdiction_id": "plavni.example"}))
    (request,) = root.findall("request")
    assert [c.tag for c in request] == SPEC_REQUEST
    (data,) = client.get(f"/open311/v2/requests/{number}.json").json()
    assert list(data) == SPEC_REQUEST
    stored = Request.objects.get(number=number)
    assert data["status"] == "open" and data["service_code"] == "pothole"
    assert data["agency_responsible"] == stored.service.name_uk
    assert W3C.match(data["requested_datetime"]) and W3C.match(data["updated_datetime"])
    assert W3C.match(data["expected_datetime"]) and data["expected_datetime"].startswith(
        stored.deadline.isoformat()
    )
    assert data["lat"] == pytest.approx(stored.location.y) and data["long"] == pytest.approx(
        stored.location.x
    )
    assert data["address"].startswith(CENTRE)
    assert data["media_url"] == "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"
    assert request.find("address_id").text is None and data["address_id"] is None


def test_address_string_alone_places_the_request(app, client):
    _client, key = app
    response = post(client, "json", spec_post_body(key, building_point(CENTRE), lat=None, long=None,
                                                   address_string="вул. Шкільна 7, Горішні Плавні"))  # fmt: skip
    assert response.status_code == 200
    stored = Request.objects.get(number=response.json()[0]["service_request_id"])
    assert stored.location.distance(building_point(CENTRE)) < 1e-6


def test_multivaluelist_answers_and_a_confidential_request(app, client):
    _client, key = app
    point = building_point(CENTRE)
    body = urlencode({"api_key": key, "service_code": "missed_collection", "lat": point.y, "long": point.x,
                      "description": "Контейнери переповнені"})  # fmt: skip
    body += "&attribute[containers][]=mixed&attribute[containers][]=bulky&attribute[confidential]=yes"
    response = post(client, "json", body)
    stored = Request.objects.get(number=response.json()[0]["service_request_id"])
    assert stored.attributes == {"containers": ["mixed", "bulky"]} and not stored.is_public
    # Confidential: the app that filed it sees it, with its own text; nobody else does.
    assert client.get(f"/open311/v2/requests/{stored.number}.json").status_code == 404
    own = client.get(f"/open311/v2/requests/{stored.number}.json", {"api_key": key})
    assert own.status_code == 200 and own.json()[0]["description"] == "Контейнери переповнені"
    _other, other_key = api_client_issue(name="Інший застосунок")
    assert client.get(f"/open311/v2/requests/{stored.number}.json", {"api_key": other_key}).status_code == 404


def test_an_uploaded_media_file_is_sanitised_and_becomes_the_media_url(app, client):
    _client, key = app
    point = building_point(CENTRE)
    photo = SimpleUploadedFile("IMG.jpg", jpeg_bytes(gps=(49.0, 33.6)), content_type="image/jpeg")
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "graffiti", "lat": point.y, "long": point.x, "media": photo},
    )
    number = response.json()[0]["service_request_id"]
    attachment = Attachment.objects.get(request__number=number)
    assert b"Exif" not in attachment.file.open("rb").read()
    media = client.get(f"/open311/v2/requests/{number}.json").json()[0]["media_url"]
    assert media == f"http://testserver/requests/{number}/files/{attachment.pk}/"


ERRORS = [
    ({"api_key": "nope.nope"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "spaceport"}, 404, "spaceport"),
    ({"lat": None, "long": None, "address_string": None}, 400, "lat"),
    ({"lat": "north", "long": "33.6"}, 400, "lat"),
    ({"lat": "49.2", "long": "33.3", "address_string": None}, 400, "поза межами"),
    ({"lat": None, "long": None, "address_string": "Бейкер-стріт, 221Б"}, 400, "не знайдено"),
    ({"lat": None, "long": None, "address_string": None, "address_id": "545483"}, 400, "address_id"),
    ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
]


@pytest.mark.parametrize("change, status, words", ERRORS)
def test_refusals_come_as_the_spec_s_error_list(app, client, change, status, words):
    _client, key = app
    over = {k: v for k, v in change.items() if k != "api_key"}
    body = spec_post_body(change.get("api_key", key), building_point(CENTRE), **over)
    before = Request.objects.count()
    answer = post(client, "json", body)
    assert answer.status_code == status
    (error,) = answer.json()
    assert (
        list(error) == ["code", "description"] and error["code"] == status and words in error["description"]
    )
    root = xml(post(client, "xml", body))
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert Request.objects.count() == before


def test_an_app_over_its_limit_is_refused_with_429(city, client):
    _client, key = api_client_issue(name="Галасливий застосунок", requests_per_minute=2)
    point = building_point(CENTRE)
    codes = [post(client, "json", spec_post_body(key, point)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_get_requests_filters_as_the_spec_describes(app, client):
    _client, key = app
    point = building_point(CENTRE)
    pothole = file_request(location=point)
    graffiti = file_request(category="graffiti", text="Написи на стіні школи.", location=point)
    old = file_request(location=point)
    Request.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=120))
    closed = file_request(location=point)
    Request.objects.filter(pk=closed.pk).update(status=Request.Status.CLOSED, closed_at=timezone.now())

    def ids(**params):
        return [r["service_request_id"] for r in client.get("/open311/v2/requests.json", params).json()]

    default = ids()
    assert old.number not in default and {pothole.number, graffiti.number, closed.number} <= set(default)
    assert ids(service_code="graffiti") == [graffiti.number]
    assert set(ids(service_code="graffiti,pothole")) >= {graffiti.number, pothole.number}
    assert closed.number not in ids(status="open") and ids(status="closed", service_code="pothole") == [
        closed.number
    ]
    assert set(ids(status="open,closed")) == set(default)
    start = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == [old.number]
    # service_request_id overrides every other argument.
    assert set(ids(service_request_id=f"{old.number},{closed.number}", status="open")) == {
        old.number,
        closed.number,
    }
    # Newest first, and the page_size extension.
    assert ids(page_size=2) == default[:2] and ids(page_size=2, page=2) == default[2:4]
    closed_doc = client.get("/open311/v2/requests.json", {"service_request_id": closed.number}).json()[0]
    assert closed_doc["status"] == "closed" and closed_doc["expected_datetime"] is None


@pytest.mark.parametrize(
    "params, words",
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "yesterday"}, "W3C"),
        ({"status": "pending"}, "open або closed"),
        ({"page_size": "many"}, "page"),
    ],
)
def test_get_requests_refuses_what_the_spec_does_not_allow(city, client, params, words):
    answer = client.get("/open311/v2/requests.json", params)
    assert answer.status_code == 400 and words in answer.json()[0]["description"]


def test_the_spec_s_sample_get_url_with_a_plus_offset_works(city, client):
    request = file_request()
    start = (
        (timezone.localtime() - dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    )  # +02:00 → ' 02:00'
    end = (timezone.localtime() + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    query = f"start_date={start}&end_date={end}&status=open&jurisdiction_id=plavni.example"  # '+' unencoded
    root = xml(client.get(f"/open311/v2/requests.xml?{query}"))
    assert request.number in [r.findtext("service_request_id") for r in root.findall("request")]


def test_a_token_gives_the_service_request_id(app, client):
    _client, key = app
    number = post(client, "json", spec_post_body(key, building_point(CENTRE))).json()[0]["service_request_id"]
    token = Request.objects.get(number=number).open311_token
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": number, "token": token}
    ]
    root = xml(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert [c.tag for c in root.find("request")] == ["service_request_id", "token"]
    assert client.get("/open311/v2/tokens/0000.json").status_code == 404


def test_without_a_format_suffix_the_answer_is_xml_the_spec_s_required_format(city, client):
    assert client.get("/open311/v2/services")["Content-Type"] == "text/xml; charset=utf-8"


def test_control_characters_in_a_description_are_refused_and_nothing_is_filed(app, client):
    # One rule for every door (core/bad_input.py): refused, not silently stripped.
    _client, key = app
    count = Request.objects.count()
    body = spec_post_body(key, building_point(CENTRE), description="Яма\x07 глибока\x00, <b>тут</b> & там")
    refused = post(client, "xml", body)
    assert refused.status_code == 400
    assert "description" in xml(refused).find("error/description").text
    assert Request.objects.count() == count


def test_markup_tab_and_newline_in_a_description_survive_the_xml(app, client):
    _client, key = app
    body = spec_post_body(key, building_point(CENTRE), description="Яма\tглибока,\n<b>тут</b> & там")
    number = post(client, "json", body).json()[0]["service_request_id"]
    root = xml(client.get(f"/open311/v2/requests/{number}.xml"))
    assert root.find("request/description").text == "Яма\tглибока,\n<b>тут</b> & там"


def test_the_document_s_times_notes_and_notice_in_the_city_s_time_and_the_page_s_language(app, client):
    """The request list is written by PostgreSQL: local times with the offset of their own day
    (summer +03:00, winter +02:00), the deadline's day ending when the offices close, a closed
    request updated when it was closed, the status's name as its notes, the notice in English."""
    _client, key = app
    number = post(client, "json", spec_post_body(key, building_point(CENTRE))).json()[0]["service_request_id"]
    stored = Request.objects.get(number=number)
    summer = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    Request.objects.filter(pk=stored.pk).update(
        submitted_at=summer, deadline=dt.date(2026, 7, 15), status_notes=""
    )

    def one(**params):
        return client.get(f"/open311/v2/requests/{number}.json", params).json()[0]

    data = one()
    assert data["requested_datetime"] == "2026-07-01T12:30:15+03:00"
    assert data["expected_datetime"] == "2026-07-15T18:00:00+03:00"
    assert data["status_notes"] == str(Request.Status(stored.status).label)
    english = one(lang="en")
    assert english["service_notice"] == (
        f"The request is with {stored.service.name_en or stored.service.name_uk}; an answer is due by 15.07.2026."
    )
    closed_at = dt.datetime(2026, 1, 20, 10, 0, tzinfo=dt.UTC)
    Request.objects.filter(pk=stored.pk).update(status=Request.Status.CLOSED, closed_at=closed_at)
    closed = one()
    assert closed["status"] == "closed" and closed["expected_datetime"] is None
    assert closed["updated_datetime"] == "2026-01-20T12:00:00+02:00"
