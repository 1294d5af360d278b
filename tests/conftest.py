"""Fixtures for the whole suite: a real PostGIS test database with the demo city loaded once,
a portal served from a thread for browser tests, and Playwright driving Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MISTO_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Chromium in a closed network: no background connections, no sandbox (root in CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    # Hashing the demo accounts' passwords with PBKDF2 would cost seconds per test run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change data and look at once: always re-read the data versions behind caches.
    settings.MISTO_TILE_VERSION_TTL = 0


@pytest.fixture(autouse=True)
def _fresh_version_caches():
    """Per-process caches keyed by a data version: a test's changes are rolled back, and the
    next test's changes bring the same version numbers back over other data."""
    from gis_layers.tiles import per_data_version_clear

    per_data_version_clear()


@pytest.fixture(scope="session")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city, loaded (and committed) once into the test database.

    Tests read it inside their own transaction, which is rolled back afterwards, so it stays
    as loaded for the whole session. Returns the first load's report.
    """
    from demo.loader import load_demo_city
    from tests.citizen_requests.builders import services_staff_ensure

    with django_db_blocker.unblock():
        report = load_demo_city(settings.MISTO_DEMO_DATA_DIR, log=lambda _line: None)
        # The demo staffs one service; routing sends requests of the others to triage (issue 20).
        # The suite's city has someone on duty in every service, so that routing lands where
        # the rules say; the dead-end tests take them away again (builders.service_unstaff).
        services_staff_ensure()
        return report


@pytest.fixture
def city(demo_city, db):
    """Per-test access to the demo city (within a rolled-back transaction)."""
    return demo_city


@pytest.fixture
def committed(demo_city, django_db_blocker):
    """Real commits on the test database (a browser, threads), undone afterwards: requests
    filed during the test and their notifications are deleted and the registration counter
    is restored, so the demo city stays as loaded. Yields the blocker to unblock with."""
    from django.utils import timezone

    from citizen_requests.models import Notification, RegistrationCounter, Request
    from tests.citizen_requests.builders import ensure_test_database

    ensure_test_database()
    with django_db_blocker.unblock():
        year = timezone.localdate().year
        counter = RegistrationCounter.objects.filter(year=year).values_list("last_number", flat=True).first()
        last_id = Request.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            Notification.objects.filter(request_id__gt=last_id).delete()
            Request.objects.filter(id__gt=last_id).delete()
            if counter is None:
                RegistrationCounter.objects.filter(year=year).delete()
            else:
                RegistrationCounter.objects.filter(year=year).update(last_number=counter)


@pytest.fixture(scope="session")
def portal_url(demo_city, django_db_blocker):
    """The portal served over HTTP from a thread, on the test database with the demo city."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    with django_db_blocker.unblock():
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        url = f"http://127.0.0.1:{thread.port}"
        # A fresh server's first pages import and compile what every page needs (views, admin,
        # templates, translations): on a busy machine that alone can pass a test's 15 s timeout,
        # so it happens here, once, before any test's clock starts.
        for path in ("/", "/map/", "/admin/login/", "/accounts/login/"):
            urllib.request.urlopen(url + path, timeout=300).read()
        yield url
        thread.terminate()
        # A request thread cut short by a closing browser may still hold its connection;
        # the test database can only be dropped once it is gone.
        others = "from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
        with connection.cursor() as cursor:
            cursor.execute(f"select pg_terminate_backend(pid) {others}")
            for _ in range(50):
                cursor.execute(f"select count(*) {others}")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)
        connection.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; `make test` installs it (package chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = chromium.new_context

        def policy_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            new_page = context.new_page
            context.new_page = lambda: _under_the_page_policy(new_page())
            return context

        chromium.new_context = policy_context
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def _as_function(code: str) -> str:
    """Playwright evaluates a bare expression with eval(), which the portal's
    Content-Security-Policy refuses (no 'unsafe-eval'); the same code as a function is not."""
    head = code.lstrip()
    if head.startswith(("function", "async ")) or "=>" in head.split("\n", 1)[0]:
        return code
    return f"() => ({code})"


def _under_the_page_policy(page):
    """Tests drive pages under their real policy (no bypass_csp): expressions run as functions,
    and local scripts (axe-core) are added by URL from the portal's static files, not inline."""
    for name in ("evaluate", "wait_for_function"):
        original = getattr(page, name)
        setattr(
            page, name, lambda code, *a, _original=original, **kw: _original(_as_function(code), *a, **kw)
        )
    add_script_tag = page.add_script_tag

    def add_static_script(path=None, **kwargs):
        if path is not None:
            kwargs["url"] = "/static/" + Path(path).relative_to(ROOT / "static").as_posix()
        return add_script_tag(**kwargs)

    page.add_script_tag = add_static_script
    return page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_configure(config):
    """Browser tests reach the database through the portal thread (`portal_url`), not through
    pytest-django's `db` fixtures, and must not run inside a test transaction (the portal thread
    would not see what they write). pytest-django only creates the test database when some
    collected test asks for one, so run on their own (`pytest tests/browser`) they would use the
    developer's database. Count `portal_url` as a use of the default database. This wraps a
    private function of pytest-django (pinned in pyproject.toml); if it goes, fail loudly."""
    import pytest_django.fixtures as pytest_django_fixtures

    plain = getattr(pytest_django_fixtures, "_get_databases_for_test", None)
    if plain is None:
        raise pytest.UsageError("pytest-django changed: update tests/conftest.py pytest_configure")

    def databases_for_test(test):
        databases, serialized = plain(test)
        if not databases and "portal_url" in getattr(test, "fixturenames", ()):
            return ("default",), False
        return databases, serialized

    pytest_django_fixtures._get_databases_for_test = databases_for_test


# -- the leak matrix's size, said at the end of every run ------------------------------------------
# Here, not in tests/privacy/conftest.py: with pytest-xdist the controlling process, which
# writes the summary, loads only this conftest; the workers' reports reach it through this hook.
_PRIVACY_CASES = {"run": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "tests/privacy/" in report.nodeid:
        _PRIVACY_CASES["run"] += 1


def pytest_terminal_summary(terminalreporter):
    if not _PRIVACY_CASES["run"]:
        return
    from tests.privacy.doors import DOORS, VIEWERS

    objects = sorted({door.obj for door in DOORS})
    interfaces = sorted({door.interface for door in DOORS})
    terminalreporter.write_line(
        f"leak matrix: {len(VIEWERS)} viewers × {len(objects)} objects × {len(DOORS)} doors "
        f"({len(interfaces)} kinds of interface: {', '.join(interfaces)}) = "
        f"{len(VIEWERS) * len(DOORS)} viewer×door cases; {_PRIVACY_CASES['run']} run"
    )
