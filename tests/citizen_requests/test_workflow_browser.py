"""A request's whole route in a real browser: the resident files it, the head appoints the
process owner, the owner drafts the answer with a PDF and sends it to two approvers, who
approve strictly in turn, the front office registers the answer, and the resident reads the
published answer and downloads its document. Each person in their own browser session."""

from __future__ import annotations

import os
import re

import pytest

from citizen_requests.models import ApprovalStep, Request
from tests.citizen_requests.builders import pdf_bytes

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def session_of(browser, portal_url: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(portal_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "misto-demo")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def act(page, action: str):
    """Open the step's form on the request page (each is a <details>) and return the form."""
    details = page.locator(f"#action-{action}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def message(page) -> str:
    return page.locator(".messages").inner_text()


def test_a_request_walks_from_filing_to_a_published_answer_with_two_approvers(
    browser,
    portal_url,
    committed,
    artifacts,
):
    shots = artifacts
    # The resident files the request with the form.
    resident = session_of(browser, portal_url, "resident")
    resident.goto(portal_url + "/requests/new/")
    resident.wait_for_selector("#picker-map .leaflet-control-zoom")
    resident.fill("#id_address", "Гірників 4")
    option = resident.locator("#address-suggestions li", has_text="вулиця Гірників, 4").first
    option.wait_for()
    option.dispatch_event("mousedown")
    resident.wait_for_function("document.querySelector('#id_lat').value !== ''")
    resident.locator("details[data-group=housing] > summary").click()
    resident.locator("label.category-choice", has_text="Стан під'їзду").click()
    resident.fill("#id_text", "У під'їзді № 2 на третьому поверсі не світить лампа вже тиждень.")
    resident.locator("#submit-request").click()
    resident.wait_for_url(re.compile(r".*/requests/\d{4}-\d{6}/$"))
    number = resident.url.rstrip("/").rsplit("/", 1)[1]
    url = f"{portal_url}/requests/{number}/"
    assert resident.locator(".route-actions").count() == 0

    # The head of the service appoints the process owner.
    head = session_of(browser, portal_url, "head")
    head.goto(url)
    form = act(head, "appoint")
    form.locator("select[name=owner]").select_option(label="Сергій Ткаченко")
    head.screenshot(path=str(shots / "route-1-head-appoints.png"), full_page=True)
    form.locator("button[type=submit]").click()
    head.wait_for_load_state()
    assert "Виконавця призначено" in message(head)

    # The owner drafts the answer with a document and sends it to two approvers.
    owner = session_of(browser, portal_url, "executor")
    owner.goto(url)
    form = act(owner, "draft")
    form.locator("textarea[name=text]").fill("Лампу на третьому поверсі замінено 24.11.2026. Акт додаємо.")
    form.locator("input[name=files]").set_input_files(
        files=[{"name": "akt-zaminy-lampy.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    form.locator("button[type=submit]").click()
    owner.wait_for_load_state()
    assert "Проєкт відповіді збережено" in message(owner)
    form = act(owner, "send_for_approval")
    form.locator("select[name=approver_1]").select_option(label="Наталія Кравченко")
    form.locator("select[name=approver_2]").select_option(label="Марина Савченко")
    owner.screenshot(path=str(shots / "route-2-owner-sends-for-approval.png"), full_page=True)
    form.locator("button[type=submit]").click()
    owner.wait_for_load_state()
    assert "надіслано на погодження" in message(owner)

    # Approver 2 cannot act before approver 1.
    second = session_of(browser, portal_url, "deputy")
    second.goto(url)
    assert second.locator("#action-approve").count() == 0
    assert "очікує" in second.locator(".approval-route").inner_text()
    first = session_of(browser, portal_url, "approver")
    first.goto(url)
    act(first, "approve").locator("button[type=submit]").click()
    first.wait_for_load_state()
    assert "Ви погодили відповідь" in message(first)
    second.goto(url)
    second.screenshot(path=str(shots / "route-3-second-approver.png"), full_page=True)
    act(second, "approve").locator("button[type=submit]").click()
    second.wait_for_load_state()
    with committed.unblock():
        request = Request.objects.get(number=number)
        assert request.status == Request.Status.APPROVED
        steps = ApprovalStep.objects.filter(response__request=request).order_by("order")
        assert [(s.approver.username, s.state) for s in steps] == [
            ("approver", "approved"),
            ("deputy", "approved"),
        ]
        assert steps[0].acted_at < steps[1].acted_at

    # The front office registers and sends the answer.
    registrar = session_of(browser, portal_url, "registrar")
    registrar.goto(url)
    form = act(registrar, "register")
    form.locator("input[name=outgoing_number]").fill("03-14/2051")
    form.locator("button[type=submit]").click()
    registrar.wait_for_load_state()
    assert "Відповідь зареєстровано й надіслано" in message(registrar)

    # The resident (and anyone: the request is public) reads the answer and its document.
    resident.goto(url)
    answer = resident.locator("#answer")
    assert "Лампу на третьому поверсі замінено" in answer.inner_text()
    assert "Вих. № 03-14/2051" in answer.inner_text()
    link = answer.locator("a", has_text="akt-zaminy-lampy.pdf")
    download = resident.request.get(portal_url + link.get_attribute("href"))
    assert download.ok and download.body().startswith(b"%PDF")
    history = resident.locator(".timeline").inner_text()
    assert "призначено виконавця" in history and "відповідь зареєстровано й надіслано" in history
    resident.screenshot(path=str(shots / "route-4-published-answer.png"), full_page=True)
    visitor = browser.new_context(locale="uk-UA").new_page()
    visitor.goto(url)
    assert "Лампу на третьому поверсі замінено" in visitor.locator("#answer").inner_text()
    # The resident's account: the channels of the messages, SMS among them.
    resident.goto(portal_url + "/requests/mine/")
    assert resident.locator("input[name=sms_own_requests]").count() == 1
    resident.locator("form.preferences").screenshot(path=str(shots / "route-5-account-channels.png"))
    for page in (resident, head, owner, first, second, registrar):
        assert page.js_errors == []
    with committed.unblock():
        assert Request.objects.get(number=number).status == Request.Status.RESOLVED
