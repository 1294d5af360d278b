"""Login throttling (django-axes): the login form and HTTP Basic share one count per user name
and one per client address; a lock refuses even the right password until the cool-off."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.utils import timezone

from tests.portal.test_health_and_settings import run_python

PASSWORD = "a-long-right-password-42"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def clerk(db, django_user_model):
    return django_user_model.objects.create_user("clerk", password=PASSWORD)


def login(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_hundred_wrong_passwords_lock_the_account_even_for_the_right_one(clerk, client):
    for attempt in range(100):
        response = login(client, "clerk", f"guess-{attempt}")
        assert response.status_code in (200, 429)
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Забагато невдалих спроб входу" in page
    assert 'class="site-header"' in page  # the portal's own page, not a bare text
    assert response["Content-Language"] == "uk"


def test_the_lock_starts_exactly_at_the_failure_limit(clerk, client):
    for attempt in range(LIMIT - 1):
        assert login(client, "clerk", f"guess-{attempt}").status_code == 200
    assert login(client, "clerk", PASSWORD).status_code == 302  # one short of the limit: still in
    client.logout()
    login(client, "clerk", "one-more-guess")
    assert login(client, "clerk", PASSWORD).status_code == 429


def test_lockout_page_speaks_english_with_lang_en_or_the_language_cookie(clerk, client):
    for attempt in range(LIMIT):
        login(client, "clerk", f"guess-{attempt}")
    english = login(client, "clerk", PASSWORD, path="/accounts/login/?lang=en")
    assert english.status_code == 429
    assert "Too many failed logins for this user name or from this address" in english.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Too many failed logins" in login(client, "clerk", PASSWORD).content.decode()


def test_one_address_guessing_many_user_names_is_locked_out(clerk, client):
    for attempt in range(LIMIT):
        login(client, f"user-{attempt}", "guess", REMOTE_ADDR="203.0.113.9")
    refused = login(client, "clerk", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and not logged_in(client)
    # The user name itself is not locked: from another address the right password works.
    assert login(client, "clerk", PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock(clerk, client):
    for attempt in range(LIMIT):
        login(
            client,
            f"user-{attempt}",
            "guess",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    refused = login(client, "clerk", PASSWORD, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429


def test_http_basic_failures_lock_the_api_and_the_login_form(clerk, client):
    for attempt in range(LIMIT - 1):
        wrong = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=basic("clerk", f"guess-{attempt}"))
        # DRF answers 403 (its first authenticator, the session, names no WWW-Authenticate).
        assert wrong.status_code == 403
        assert wrong.json()["error"]["code"] == "authentication_failed"
    last = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=basic("clerk", "last-guess"))
    assert last.status_code == 429  # the failure that reaches the limit is already refused
    locked = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=basic("clerk", PASSWORD))
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert "Забагато невдалих спроб входу" in locked.json()["error"]["message"]
    english = client.get("/api/v1/layers/?lang=en", HTTP_AUTHORIZATION=basic("clerk", PASSWORD))
    assert english.json()["error"]["message"].startswith("Too many failed logins. Try again in")
    # One count for every door: the login form is locked for this user as well.
    assert login(client, "clerk", PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 429


def test_http_basic_with_the_right_password_works_when_not_locked(clerk, client):
    response = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=basic("clerk", PASSWORD))
    assert response.status_code == 200


def test_login_works_again_after_the_cool_off(clerk, client):
    for attempt in range(LIMIT):
        login(client, "clerk", f"guess-{attempt}")
    assert login(client, "clerk", PASSWORD).status_code == 429
    # The cool-off passes: the failures were recorded longer ago than AXES_COOLOFF_TIME.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    assert AccessAttempt.objects.filter(username="clerk").update(attempt_time=past) >= 1
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_an_administrator_reset_lifts_the_lock(clerk, client):
    for attempt in range(LIMIT):
        login(client, "clerk", f"guess-{attempt}")
    assert login(client, "clerk", PASSWORD).status_code == 429
    reset(username="clerk")
    reset(ip="127.0.0.1")
    assert login(client, "clerk", PASSWORD).status_code == 302


def test_failure_limit_and_cool_off_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.AXES_LOCKOUT_PARAMETERS)"
    )
    result = run_python(code, DEBUG="1", MISTO_LOGIN_FAILURE_LIMIT="3", MISTO_LOGIN_COOLOFF_MINUTES="5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=2) == ["3", "300", "['username', 'ip_address']\n"]
