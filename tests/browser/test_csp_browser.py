"""The Content-Security-Policy in a real browser: the main pages (public, staff, Swagger UI)
run with no policy violation at all, and their maps still draw."""

from __future__ import annotations

import os

import pytest

from facilities.models import Facility
from gis_layers.models import Layer

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Each violation event, also those of scripts that run before the page's own code.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""
DRAWN = (
    "() => document.querySelectorAll('.leaflet-pane path, .leaflet-marker-icon, .leaflet-tile,"
    " .leaflet-pane canvas').length > 0"
)


@pytest.fixture(autouse=True)
def demo_passwords(portal_url, django_db_blocker):
    """The demo password, hashed with this session's (fast) hasher."""
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=["dispatcher", "gisadmin"]):
            if not user.check_password("misto-demo"):
                user.set_password("misto-demo")
                user.save(update_fields=["password"])


@pytest.fixture
def watched(page):
    """The page, with every CSP report of the console and of the DOM event collected."""
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text or "CSP" in m.text else None,
    )
    page.add_init_script(LISTEN)
    page.csp_console = console
    return page


def visit(page, url: str, *, ready: str | None = None, drawn: bool = False) -> None:
    """Open a page, wait until it is ready (its map drawn), and find no CSP violation.
    (The waits are functions, not expressions: Playwright evaluates expressions with eval,
    which the page's policy rightly refuses.)"""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("() => window.__csp")
    assert violations == [], (url, violations)
    if ready:
        page.wait_for_function(ready)
    if drawn:
        page.wait_for_function(DRAWN)
    violations = page.evaluate("() => window.__csp")
    assert violations == [], (url, violations)
    assert page.csp_console == [], (url, page.csp_console)
    assert page.js_errors == [], (url, page.js_errors)


def log_in(page, portal_url, username):
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url


def test_public_pages_run_without_a_csp_violation_and_their_maps_draw(watched, portal_url, django_db_blocker):
    with django_db_blocker.unblock():
        facility = Facility.objects.order_by("pk").first()
    page = watched
    visit(page, portal_url + "/")
    visit(
        page,
        portal_url + "/map/",
        ready="() => document.documentElement.dataset.facilitiesLoaded > 0",
        drawn=True,
    )
    assert page.locator(".marker-cluster").count() > 5
    # The city's basemap drawn by MapLibre GL under the policy (its workers are blob: URLs).
    page.wait_for_selector("html[data-basemap]", state="attached", timeout=60000)
    assert page.locator("html").get_attribute("data-basemap") == "ready"
    visit(page, portal_url + "/facilities/")
    visit(page, f"{portal_url}/facilities/{facility.pk}/", drawn=True)
    assert page.locator(".leaflet-interactive").count() >= 1  # the facility's marker
    visit(page, portal_url + "/requests/new/", drawn=True)
    visit(page, portal_url + "/requests/map/", drawn=True)
    visit(page, portal_url + "/accounts/login/")


def test_swagger_ui_renders_the_api_under_the_policy(watched, portal_url):
    page = watched
    visit(page, portal_url + "/api/v1/docs/", ready="() => document.querySelectorAll('.opblock').length > 5")
    assert "Misto API" in page.locator(".swagger-ui .title").inner_text()
    visit(
        page,
        portal_url + "/ogcapi/api?f=html",
        ready="() => document.querySelectorAll('.opblock').length > 3",
    )


def test_staff_pages_run_without_a_csp_violation(watched, portal_url, django_db_blocker):
    page = watched
    log_in(page, portal_url, "dispatcher")
    visit(page, portal_url + "/registry/map/", drawn=True)
    page.context.clear_cookies()
    log_in(page, portal_url, "gisadmin")
    visit(page, portal_url + "/staff/layers/")
    with django_db_blocker.unblock():
        layer = Layer.objects.order_by("pk").first()
    visit(
        page,
        f"{portal_url}/staff/layers/{layer.slug}/edit/",
        ready="() => document.documentElement.dataset.editorLoaded !== undefined",
        drawn=True,
    )
    visit(page, portal_url + "/coverage/staff/")


def test_an_inline_script_without_the_nonce_is_refused(watched, portal_url):
    """The policy is really enforced: code injected without the nonce does not run."""
    page = watched
    visit(page, portal_url + "/")
    page.evaluate(
        """() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("() => window.__injected") is None
    assert page.evaluate("() => window.__csp")[0].startswith("script-src")
