"""The error pages a person meets with DEBUG off: 403, 404 and 500 in the portal's own look,
in the page's language, with a way back (and a login link for a visitor without an account);
the API doors keep their machine-readable errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.test import Client
from django.urls import path
from django.utils import translation

from portal.urls import urlpatterns as portal_urlpatterns
from tests.citizen_requests.builders import user


def denied(request):
    raise PermissionDenied


def boom(request):
    raise RuntimeError("a bug")


# The portal's routes plus two that fail on purpose.
urlpatterns = [path("test-denied/", denied), path("test-boom/", boom), *portal_urlpatterns]
handler404 = "core.bad_input.page_not_found"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize(
    ("lang", "title", "reason"),
    [
        ("uk", "Доступ заборонено", "Черги — для працівників служб."),
        ("en", "Access denied", "The queues are for the staff of the services."),
    ],
)
def test_a_resident_on_a_staff_page_gets_a_translated_403_page_with_the_reason_and_a_way_home(
    city, production, client, lang, title, reason
):
    client.force_login(user("resident"))
    response = client.get("/requests/staff/", {"lang": lang})
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in html and reason in html
    assert 'class="site-header"' in html and 'href="/"' in html
    assert "403 Forbidden" not in html and "?next=" not in html


@pytest.mark.parametrize(
    ("lang", "title", "login"), [("uk", "Доступ заборонено", "Увійти"), ("en", "Access denied", "Log in")]
)
def test_an_anonymous_visitor_refused_a_page_is_offered_to_log_in_and_come_back(
    city, production, client, lang, title, login
):
    response = client.get("/test-denied/", {"lang": lang})
    html = response.content.decode()
    assert response.status_code == 403 and f"<h1>{title}</h1>" in html
    assert f'href="/accounts/login/?next=/test-denied/%3Flang%3D{lang}">{login}</a>' in html


@pytest.mark.parametrize(("lang", "title"), [("uk", "Сторінку не знайдено"), ("en", "Page not found")])
def test_an_unknown_address_gets_the_portals_translated_404_page(city, production, client, lang, title):
    response = client.get("/no-such-page/", {"lang": lang})
    html = response.content.decode()
    assert response.status_code == 404 and f"<h1>{title}</h1>" in html
    assert 'class="site-header"' in html and 'href="/requests/"' in html
    # The API doors still answer in their own format.
    api = client.get("/api/v1/no-such-thing/", {"lang": lang})
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("lang", "title"), [("uk", "Щось пішло не так"), ("en", "Something went wrong")])
def test_a_crash_gets_a_translated_500_page_with_a_way_home(production, lang, title):
    # No database fixture: the 500 page must render while the database is unreachable.
    client = Client(raise_request_exception=False)
    response = client.get("/test-boom/", {"lang": lang})
    html = response.content.decode()
    assert response.status_code == 500 and f"<h1>{title}</h1>" in html
    assert f'<html lang="{lang}">' in html and '<a href="/">' in html and "a bug" not in html


def test_the_500_page_renders_with_no_context_and_no_request():
    with translation.override("uk"):
        html = get_template("500.html").render()
    assert "Щось пішло не так" in html
