"""The Django admin of requests follows the same policy as the request pages and the queues:
a request is listed and opened only by those who work on it (its service's staff, the front
office), and the applicant's personal data shows only to those who may see it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User

from citizen_requests.models import Notification, Request, Service, ServiceMembership
from citizen_requests.services.intake import Contact
from tests.admin_forms import admin_client, change_url, changelist_url
from tests.citizen_requests.builders import file_request

NAME, EMAIL, PHONE_IN_TEXT = "Петро Гнатюк", "petro.hnatiuk@example.test", "067 555 12 34"


@pytest.fixture
def water_request(city) -> Request:
    """A public request of the water utility, with the applicant's contacts and a phone in
    its text (masked in the published text)."""
    request = file_request(
        category="no_water",
        text=f"Немає холодної води в будинку з самого ранку. Дзвоніть {PHONE_IN_TEXT}.",
        contact=Contact(NAME, EMAIL, "+380 67 555 12 34"),
    )
    assert request.service.source_id == "svc-vodokanal" and request.is_public
    assert PHONE_IN_TEXT not in request.text_public
    return request


@pytest.fixture
def water_head(city) -> User:
    head = User.objects.create_user("waterhead", "waterhead@example.test", "x", is_staff=True)
    head.groups.add(Group.objects.get(name="Service heads"))
    ServiceMembership.objects.create(
        service=Service.objects.get(source_id="svc-vodokanal"), user=head, position="head"
    )
    return head


def personal_values_in(body: str) -> list[str]:
    return [value for value in (NAME.split()[1], EMAIL, PHONE_IN_TEXT) if value in body]


@pytest.mark.parametrize("username", ["head", "executor"])
def test_staff_of_an_unrelated_service_neither_list_nor_open_a_public_request(water_request, username):
    client = admin_client(username)
    listing = client.get(changelist_url(Request))
    assert listing.status_code == 200
    assert change_url(water_request) not in listing.content.decode()
    page = client.get(change_url(water_request), follow=True)
    assert page.redirect_chain and page.redirect_chain[0][1] == 302  # "does not exist", as the admin says
    assert personal_values_in(page.content.decode()) == []
    searched = client.get(changelist_url(Request), {"q": water_request.number})
    assert change_url(water_request) not in searched.content.decode()


def test_the_responsible_service_head_sees_the_request_with_the_applicants_data(water_request, water_head):
    client = admin_client("waterhead")
    assert change_url(water_request) in client.get(changelist_url(Request)).content.decode()
    page = client.get(change_url(water_request))
    assert page.status_code == 200
    assert personal_values_in(page.content.decode()) == [NAME.split()[1], EMAIL, PHONE_IN_TEXT]


def test_the_registrar_sees_every_registered_request_with_personal_data(water_request):
    client = admin_client("registrar")
    assert change_url(water_request) in client.get(changelist_url(Request)).content.decode()
    page = client.get(change_url(water_request))
    assert page.status_code == 200
    assert EMAIL in page.content.decode()


def test_a_resident_is_sent_to_log_in_and_sees_nothing(water_request):
    client = admin_client("resident")
    page = client.get(change_url(water_request))
    assert page.status_code == 302 and "/login/" in page.url
    assert personal_values_in(client.get(change_url(water_request), follow=True).content.decode()) == []


@pytest.mark.parametrize("username", ["dispatcher", "editor"])
def test_staff_without_request_rights_get_no_request_pages(water_request, username):
    client = admin_client(username)
    assert client.get(changelist_url(Request)).status_code == 403
    page = client.get(change_url(water_request), follow=True)
    assert page.status_code in (200, 403)
    assert personal_values_in(page.content.decode()) == []


def test_the_superuser_sees_everything(water_request):
    page = admin_client("admin").get(change_url(water_request))
    assert page.status_code == 200
    assert EMAIL in page.content.decode()


def test_notifications_of_another_services_request_are_absent_from_the_admin(water_request):
    """A member of Житлосервіс-2 with the right to read notifications does not see the
    messages (with the applicant's e-mail) of a water utility request."""
    notification = Notification.objects.filter(request=water_request).first()
    assert notification is not None and "@" in notification.address
    head = User.objects.get(username="head")
    head.user_permissions.add(Permission.objects.get(codename="view_notification"))
    listing = admin_client("head").get(changelist_url(Notification))
    assert listing.status_code == 200
    assert notification.address not in listing.content.decode()
    page = admin_client("head").get(change_url(notification), follow=True)
    assert notification.address not in page.content.decode()
    # The registrar (front office) works every request, so sees them.
    registrar = admin_client("registrar").get(changelist_url(Notification))
    assert notification.address in registrar.content.decode()


def test_the_admin_and_the_queues_share_one_scope(water_request, water_head):
    """The scope is one rule (permissions.work_scope_q): what the admin lists for a member is
    what their queues may list."""
    from citizen_requests import permissions

    for user in (User.objects.get(username="head"), water_head, User.objects.get(username="registrar")):
        in_scope = Request.objects.filter(permissions.work_scope_q(user), pk=water_request.pk).exists()
        assert in_scope == permissions.can_work_on(user, water_request)
    assert not permissions.can_work_on(User.objects.get(username="head"), water_request)
    assert permissions.can_work_on(water_head, water_request)


def test_the_history_in_the_admin_names_statuses_in_the_page_language(water_request):
    """The request's events store stable English keys ("submitted"); the admin's history (the
    superuser's) shows them as the request page does: "подано" on a Ukrainian page."""
    client = admin_client("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    body = client.get(change_url(water_request)).content.decode()
    history = body[body.index('id="events-group"') :]
    cells = re.findall(r'<td class="field-to_status\w*">\s*<p>([^<]*)</p>', history)
    assert cells and "подано" in cells, cells
    assert not [c for c in cells if re.fullmatch(r"[a-z_]+", c)], cells
    assert ">submitted<" not in history and "<p>submitted</p>" not in history
