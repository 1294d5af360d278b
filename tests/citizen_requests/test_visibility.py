"""A confidential request exists only for its applicant, the responsible service's staff and
the front office. Everybody else gets 404 — or nothing — in every interface: the page, the
list and its search, the map data and the API, Open311, the CSV export, the feed, the files,
the duplicate hints, following, the admin — also when guessing numbers and ids. Public
requests show no applicant identity and hide personal data in the text."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.test import Client

from citizen_requests import permissions
from citizen_requests.models import Request, Service, ServiceMembership
from citizen_requests.services.intake import Contact, Upload
from tests.citizen_requests.builders import (
    area_point,
    file_request,
    jpeg_bytes,
    offset,
    pdf_bytes,
    per_response_values_masked,
    user,
)

SECRET_TEXT = "Сусід з кв. 12 б'є дружину, телефон 050 111 22 33. Прошу перевірити тихо."
PUBLIC_TEXT = "Не працює освітлення під'їзду, дзвоніть 067 222 33 44 або olena@example.test."


@pytest.fixture
def case(city):
    """A confidential and a public request at one place in housing area 2 (Житлосервіс-2)."""
    place = area_point("area-housing-2")
    confidential = file_request(
        category="entrance", text=SECRET_TEXT, location=place, visibility=Request.Visibility.CONFIDENTIAL,
        files=[Upload("p.jpg", jpeg_bytes()), Upload("d.pdf", pdf_bytes())],
    )  # fmt: skip
    public = file_request(
        category="entrance", text=PUBLIC_TEXT, location=offset(place, north_m=20),
        files=[Upload("p.jpg", jpeg_bytes())],
    )  # fmt: skip
    assert confidential.service.source_id == "svc-zhytloservis-2"
    User.objects.create_user("neighbour", "neighbour@example.test", "x")
    other_head = User.objects.create_user("otherhead", "otherhead@example.test", "x", is_staff=True)
    other_head.groups.add(Group.objects.get(name="Service heads"))
    ServiceMembership.objects.create(service=Service.objects.get(source_id="svc-vodokanal"), user=other_head,
                                     position="head")  # fmt: skip
    return confidential, public


ALLOWED = ["resident", "head", "executor", "approver", "registrar", "admin"]
REFUSED = [None, "neighbour", "otherhead", "dispatcher", "editor"]


def as_(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("who", REFUSED)
def test_the_confidential_request_does_not_exist_for_anyone_else(case, who):
    confidential, public = case
    c = n = confidential.number
    client = as_(who)
    photo, document = confidential.attachments.order_by("order")
    missing = "2026-999999"
    not_found = client.get(f"/requests/{missing}/")
    # The page, the files, following: 404, exactly like a number that was never given.
    for path in (
        f"/requests/{c}/",
        f"/requests/{c}/files/{photo.pk}/",
        f"/requests/{c}/files/{document.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert per_response_values_masked(response.content) == per_response_values_masked(not_found.content)
    assert client.post(f"/requests/{c}/follow/", {"email": "x@example.test"}).status_code == 404
    # Lists: the list, its search by number and by words, the map data, the export, the feed.
    link = f"/requests/{n}/"  # a search echoes what was typed; a result links to the request
    assert link not in client.get("/requests/").content.decode()
    assert link not in client.get("/requests/", {"q": n}).content.decode()
    assert link not in client.get("/requests/", {"q": "дружину"}).content.decode()
    assert link not in client.get("/requests/", {"category": "entrance", "status": "open"}).content.decode()
    assert n not in client.get("/api/v1/requests/").content.decode()
    assert (
        n
        not in client.get(
            "/api/v1/requests/", {"category": "entrance", "bbox": "33,48,34,50"}
        ).content.decode()
    )
    assert client.get(f"/api/v1/requests/{n}/").status_code == 404
    assert n not in b"".join(client.get("/requests/export.csv").streaming_content).decode()
    assert n not in client.get("/requests/feed/").content.decode()
    # Duplicate hints never point at it.
    p = confidential.location
    hints = client.get("/requests/new/nearby/", {"category": "entrance", "lat": p.y, "lon": p.x}).json()[
        "results"
    ]
    assert [h["number"] for h in hints] == [public.number]
    # Open311.
    assert client.get(f"/open311/v2/requests/{n}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{n}.xml").status_code == 404
    listed = client.get("/open311/v2/requests.json", {"service_request_id": f"{n},{public.number}"}).json()
    assert [r["service_request_id"] for r in listed] == [public.number]
    assert n not in client.get("/open311/v2/requests.xml").content.decode()
    # The secret text is nowhere.
    assert "дружину" not in client.get("/requests/").content.decode()


@pytest.mark.parametrize("who", ALLOWED)
def test_the_applicant_the_service_and_the_front_office_see_it_with_its_personal_data(case, who):
    confidential, _public = case
    client = as_(who)
    page = client.get(f"/requests/{confidential.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "б&#x27;є дружину" in html and "050 111 22 33" in html
    photo, document = confidential.attachments.order_by("order")
    assert client.get(f"/requests/{confidential.number}/files/{document.pk}/").status_code == 200
    assert (
        f"/requests/{confidential.number}/"
        in client.get("/requests/", {"q": confidential.number}).content.decode()
    )
    assert client.get(f"/api/v1/requests/{confidential.number}/").json()["properties"]["text"] == SECRET_TEXT
    # Open311 knows no browser session: apps see public requests (and their own) only.
    assert client.get(f"/open311/v2/requests/{confidential.number}.json").status_code == 404


def test_a_public_request_shows_no_applicant_and_hides_personal_data(case):
    _confidential, public = case
    html = as_(None).get(f"/requests/{public.number}/").content.decode()
    assert "067 222 33 44" not in html and "olena@example.test" not in html and "[…]" in html
    assert "Коваленко" not in html and "resident@misto.localhost" not in html
    for source in (as_(None).get(f"/api/v1/requests/{public.number}/").json()["properties"]["text"],
                   as_(None).get(f"/open311/v2/requests/{public.number}.json").json()[0]["description"],
                   b"".join(as_(None).get("/requests/export.csv").streaming_content).decode()):  # fmt: skip
        assert "067 222 33 44" not in source and "olena@example.test" not in source
    staff = as_("head").get(f"/requests/{public.number}/").content.decode()
    assert "067 222 33 44" in staff and "Олена Коваленко" in staff  # the service sees who asked


def test_the_text_search_finds_only_what_is_published(case):
    _confidential, public = case
    client = as_(None)
    assert f"/requests/{public.number}/" in client.get("/requests/", {"q": "освітлення під"}).content.decode()
    assert f"/requests/{public.number}/" not in client.get("/requests/", {"q": "067 222"}).content.decode()


def test_guessing_numbers_and_file_ids_reveals_only_public_requests(case):
    confidential, public = case
    client = as_("neighbour")
    year = confidential.number.split("-")[0]
    last = int(Request.objects.exclude(number=None).order_by("-number").first().number.split("-")[1])
    visible = set()
    bodies = set()
    for n in range(1, last + 3):
        response = client.get(f"/requests/{year}-{n:06d}/")
        if response.status_code == 200:
            visible.add(f"{year}-{n:06d}")
        else:
            assert response.status_code == 404
            bodies.add(per_response_values_masked(response.content))
    expected = set(
        Request.objects.filter(visibility="public", number__startswith=f"{year}-").values_list(
            "number", flat=True
        )
    )
    assert visible == expected and confidential.number not in visible
    assert len(bodies) == 1, "a confidential number must answer exactly like a missing one"
    # Another request's attachment ids through a public request's path.
    for attachment in confidential.attachments.all():
        assert client.get(f"/requests/{public.number}/files/{attachment.pk}/").status_code == 404
    # Open311 ids.
    for n in (confidential.number, f"{year}-999999"):
        answer = client.get(f"/open311/v2/requests/{n}.json")
        assert answer.status_code == 404 and answer.json()[0]["code"] == 404


def test_a_session_holding_the_private_link_sees_the_visitor_s_confidential_request(
    case, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        visitor = file_request(applicant=None, contact=Contact("Іван Сірко", "ivan@example.test"),
                               channel=Request.Channel.OPEN311, visibility=Request.Visibility.CONFIDENTIAL)  # fmt: skip
    link = re.search(r"http://testserver(/requests/access/\S+/)", mail.outbox[-1].body).group(1)
    stranger = as_(None)
    assert stranger.get(f"/requests/{visitor.number}/").status_code == 404
    holder = as_(None)
    assert holder.get(link).status_code == 302
    assert holder.get(f"/requests/{visitor.number}/").status_code == 200
    assert stranger.get(f"/requests/{visitor.number}/").status_code == 404


def test_staff_of_another_service_do_not_find_it_in_the_admin(case):
    confidential, public = case
    other = as_("otherhead")
    listing = other.get("/admin/citizen_requests/request/").content.decode()
    # The admin lists the requests one works on (as the queues): another service's public
    # request is read on its public page, without the applicant's data, not in the admin.
    assert public.number not in listing and confidential.number not in listing
    assert other.get(f"/admin/citizen_requests/request/{confidential.pk}/change/").status_code == 302
    own = as_("head").get("/admin/citizen_requests/request/").content.decode()
    assert confidential.number in own


def test_the_rule_in_sql_and_the_rule_in_python_agree(case):
    confidential, public = case
    unconfirmed = file_request(applicant=None, contact=Contact("Гість", "guest@example.test"))
    assert unconfirmed.status == Request.Status.UNCONFIRMED
    people = [AnonymousUser(), *User.objects.filter(username__in=ALLOWED + REFUSED[1:])]
    for person in people:
        for grants in ((), (confidential.pk,)):
            in_sql = set(
                Request.objects.filter(permissions.visibility_q(person, grants)).values_list("pk", flat=True)
            )
            for request in (confidential, public, unconfirmed):
                assert (request.pk in in_sql) == permissions.can_view_request(person, request, grants), (
                    person,
                    request,
                )
    assert not permissions.can_view_request(user("admin"), unconfirmed)
