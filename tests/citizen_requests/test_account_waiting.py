"""The personal account flags a request the service waits on the resident for (issue 20): a
service asked a question, the deadline stands still, and the account says so at the top with a
link straight to the answer form."""

from __future__ import annotations

from django.test import Client

from citizen_requests.models import Request
from citizen_requests.services.workflow import request_appoint, request_info_answer, request_info_ask
from tests.citizen_requests.builders import area_point, file_request, user


def _asked() -> Request:
    request = file_request(
        category="entrance", location=area_point("area-housing-2"), text="Не зачиняються двері під'їзду."
    )
    request_appoint(request=Request.objects.get(pk=request.pk), actor=user("head"), owner=user("executor"))
    request_info_ask(
        request=Request.objects.get(pk=request.pk), actor=user("executor"), question="Який номер під'їзду?"
    )
    return Request.objects.get(pk=request.pk)


def _account(username="resident") -> str:
    client = Client()
    client.force_login(user(username))
    return client.get("/requests/mine/").content.decode()


def test_the_account_flags_a_request_waiting_for_the_residents_answer(city):
    asked = _asked()
    quiet = file_request(
        category="entrance", location=area_point("area-housing-2"), text="Не світить лампа в під'їзді."
    )
    html = _account()
    assert "Служба чекає на вашу відповідь щодо 1 звернення" in html
    assert f'href="/requests/{asked.number}/#action-info_answer"' in html
    card = html.split(f"№&nbsp;{asked.number}", 1)[0].rsplit("<li", 1)[1]
    assert "needs-answer" in card
    other = html.split(f"№&nbsp;{quiet.number}", 1)[0].rsplit("<li", 1)[1]
    assert "needs-answer" not in other
    # The answer form is where the link points.
    client = Client()
    client.force_login(user("resident"))
    page = client.get(f"/requests/{asked.number}/").content.decode()
    assert 'id="action-info_answer"' in page


def test_once_answered_the_flag_is_gone(city):
    asked = _asked()
    request_info_answer(request=asked, actor=user("resident"), text="Під'їзд № 2, п'ятий поверх.")
    html = _account()
    assert "чекає на вашу відповідь" not in html and "needs-answer" not in html


def test_an_account_with_nothing_asked_shows_no_flag(city):
    file_request(
        category="entrance", location=area_point("area-housing-2"), text="Не світить лампа в під'їзді."
    )
    assert "чекає на вашу відповідь" not in _account()
