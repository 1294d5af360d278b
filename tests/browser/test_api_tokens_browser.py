"""The API tokens page as a person uses it in Chromium: make a token, copy it from the one page
that shows it, see it listed by name only, revoke it — on a wide screen and on a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the fixtures' database work is plain
# synchronous code between its calls (as in the other browser tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-qgisedit")


@pytest.fixture
def dispatcher_login(portal_url, django_db_blocker):
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    from core.models import ApiToken

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        user = User.objects.get(username="dispatcher")
        if not user.check_password("misto-demo"):
            user.set_password("misto-demo")
            user.save(update_fields=["password"])
    yield
    with django_db_blocker.unblock():
        ApiToken.objects.filter(user__username="dispatcher").delete()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_make_copy_and_revoke_a_token(browser, portal_url, dispatcher_login, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(portal_url + "/accounts/login/?next=/accounts/")
    page.fill("#id_username", "dispatcher")
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()
    page.get_by_role("link", name="Токени API").click()
    assert page.get_by_text("Ви ще не маєте токенів API.").is_visible()
    page.get_by_label("Назва (для чого токен)").fill(f"QGIS {width}")
    page.get_by_role("button", name="Створити токен").click()
    token = page.locator("#new-token").input_value()
    assert re.fullmatch(r"misto_[A-Za-z0-9_-]{40}", token)
    assert page.get_by_text("він показується лише цей один раз").is_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"tokens-created-{width}.png"), full_page=True)
    # The page never fits sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.goto(portal_url + "/accounts/tokens/")
    assert token not in page.content()
    row = page.get_by_role("row", name=re.compile(f"QGIS {width}"))
    assert "діє" in row.inner_text()
    row.get_by_role("button", name=f"Відкликати токен «QGIS {width}»").click()
    page.get_by_text(f"Токен «QGIS {width}» відкликано.").wait_for()
    assert "відкликано" in page.get_by_role("row", name=re.compile(f"QGIS {width}")).inner_text()
    page.screenshot(path=str(SHOTS / f"tokens-revoked-{width}.png"), full_page=True)
    assert not errors
    context.close()
