"""Browser hardening seen from the server: the Content-Security-Policy of every HTML page, its
nonce on each inline script, and production settings that `check --deploy` finds complete."""

from __future__ import annotations

import re
import secrets

import pytest
from django.contrib.auth import get_user_model

from facilities.models import Facility
from tests.portal.test_health_and_settings import run_python

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.I)
NONCE_ATTR = re.compile(r'\bnonce="([^"]+)"')

PUBLIC_PAGES = [
    "/",
    "/map/",
    "/facilities/",
    "/requests/",
    "/requests/new/",
    "/requests/map/",
    "/layers/",
    "/coverage/",
    "/accounts/login/",
    "/api/v1/docs/",
    "/ogcapi/api?f=html",
]
STAFF_PAGES = [
    ("leader", "/requests/dashboard/"),
    ("head", "/requests/staff/new/"),
    ("admin", "/registry/"),
    ("admin", "/registry/map/"),
    ("gisadmin", "/staff/layers/"),
    ("gisadmin", "/coverage/staff/"),
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def without_nonce(directives: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: [s for s in sources if not s.startswith("'nonce-")] for name, sources in directives.items()}


def assert_inline_code_carries_the_nonce(response, path):
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("text/html"), path
    directives = policy(response)
    html = response.content.decode()
    inline = [
        attrs
        for attrs in SCRIPT_TAG.findall(html)
        if "src=" not in attrs and 'type="application/json"' not in attrs
    ] + STYLE_TAG.findall(html)
    nonces = {m.group(1) for attrs in inline for m in [NONCE_ATTR.search(attrs)] if m}
    assert len(nonces) == (1 if inline else 0), (path, inline)
    assert all(NONCE_ATTR.search(attrs) for attrs in inline), (path, inline)
    if nonces:
        assert f"'nonce-{nonces.pop()}'" in directives["script-src"], path
    assert " on" not in re.sub(r"\s+", " ", " ".join(re.findall(r"<[a-z][^>]* on[a-z]+=", html))), path
    return directives


def test_every_public_html_page_sends_a_csp_whose_nonce_is_on_each_inline_script(city, client):
    facility = Facility.objects.filter(is_public=True).first() if hasattr(Facility, "is_public") else None
    facility = facility or Facility.objects.first()
    with_scripts = 0
    for path in [*PUBLIC_PAGES, f"/facilities/{facility.pk}/"]:
        response = client.get(path)
        directives = assert_inline_code_carries_the_nonce(response, path)
        with_scripts += any("'nonce-" in source for source in directives["script-src"])
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["connect-src"] == ["'self'"]
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'unsafe-eval'" not in directives["script-src"]
    assert with_scripts >= 3  # the request maps and Swagger UI start inline, with the nonce


@pytest.mark.parametrize("kind", ["city", "facility"])
def test_a_map_made_from_its_config_needs_no_inline_script(city, client, kind):
    path = "/map/" if kind == "city" else f"/facilities/{Facility.objects.first().pk}/"
    html = client.get(path).content.decode()
    inline = [a for a in SCRIPT_TAG.findall(html) if "src=" not in a and 'type="application/json"' not in a]
    assert inline == []
    assert 'data-misto-map="misto-map-config"' in html
    assert re.search(r'<script defer src="/static/js/map(\.[0-9a-f]+)?\.js">', html)


def test_every_staff_html_page_sends_a_csp_whose_nonce_is_on_each_inline_script(city, client):
    for username, path in STAFF_PAGES:
        client.force_login(get_user_model().objects.get(username=username))
        assert_inline_code_carries_the_nonce(client.get(path), path)


def test_each_response_gets_its_own_nonce(city, client):
    first, second = (policy(client.get("/requests/map/"))["script-src"] for _ in range(2))
    assert first != second


def test_the_api_docs_start_script_is_a_separate_file_under_the_policy(city, client):
    page = client.get("/api/v1/docs/").content.decode()
    start = re.search(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', page)
    assert start, page
    script = client.get(start.group(1).replace("&amp;", "&"))
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "SwaggerUIBundle" in script.content.decode()


def test_pages_cannot_be_framed_and_do_not_sniff_types(city, client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "misto.example",
    "DATABASE_URL": "postgis://misto:misto@127.0.0.1:5432/misto",
}


def test_check_deploy_reports_no_issues_with_production_settings(monkeypatch):
    # The browser tests allow Django's async-unsafe calls for Playwright; production does not.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        SECRET_KEY=secrets.token_urlsafe(60),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "override, expected", [({}, "True 31536000 True"), ({"SECURE_SSL_REDIRECT": "0"}, "False")]
)
def test_production_redirects_to_https_unless_the_environment_says_otherwise(override, expected):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)",
        SECRET_KEY=secrets.token_urlsafe(60),
        **PRODUCTION,
        **override,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(expected)


def test_local_development_stays_on_plain_http():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "False", "False"]


def test_production_sends_http_to_https_but_answers_the_health_probe_over_http():
    """The health probe is answered (200, or 503 for the database this test points at), not
    redirected; behind the proxy (X-Forwarded-Proto: https) responses carry HSTS."""
    code = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "page = c.get('/', HTTP_HOST='misto.example');"
        "proxied = c.get('/healthz', HTTP_HOST='misto.example', HTTP_X_FORWARDED_PROTO='https');"
        "probe = c.get('/healthz', HTTP_HOST='misto.example');"
        "print(page.status_code, page['Location'], proxied['Strict-Transport-Security'],"
        " proxied.status_code in (200, 503), probe.status_code in (200, 503), probe.has_header('Location'))"
    )
    result = run_python(code, SECRET_KEY=secrets.token_urlsafe(60), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "301",
        "https://misto.example/",
        "max-age=31536000;",
        "includeSubDomains",
        "True",
        "True",
        "False",
    ]


def test_the_admin_s_map_pages_get_the_same_strict_policy_as_every_page(city, client):
    """The admin's geometry widget runs on vendored OpenLayers and a static start script: its
    pages send the portal's one policy (no CDN, no tile server, no 'unsafe-inline')."""
    client.force_login(get_user_model().objects.get(username="admin"))
    facility = Facility.objects.order_by("pk").first()
    portal_policy = policy(client.get("/map/"))
    assert "'unsafe-inline'" not in portal_policy["script-src"]

    for path in (f"/admin/facilities/facility/{facility.pk}/change/", "/admin/city/municipality/add/"):
        admin_page = client.get(path)
        assert_inline_code_carries_the_nonce(admin_page, path)
        # The same directives and sources; only a page that uses the nonce names one.
        assert without_nonce(policy(admin_page)) == without_nonce(portal_policy), path
        html = admin_page.content.decode()
        assert "vendor/ol/ol.js" in html and "js/admin_map_widget.js" in html, path
        loaded = re.findall(r'\bsrc="([^"]+)"', html) + re.findall(r'<link\b[^>]*\bhref="([^"]+)"', html)
        assert not any("//" in url for url in loaded), (path, loaded)


def test_security_txt_says_where_to_report_a_vulnerability(client, settings):
    settings.MISTO_SECURITY_CONTACT = "mailto:cert@misto.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Contact: mailto:cert@misto.example" in body and "Expires: " in body
