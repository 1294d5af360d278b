"""The text part of a message is plain text: what the resident typed and the street names
arrive as written, not as HTML entities; the HTML part stays escaped."""

from __future__ import annotations

from django.core import mail

from citizen_requests.services.workflow import request_reject
from tests.citizen_requests.builders import user
from tests.citizen_requests.test_workflow import in_progress

REASON = 'Будинок на вул. Солов\'їній обслуговує ОСББ "Затишок" & <Дім>.'


def test_the_plain_text_of_an_email_keeps_apostrophes_quotes_and_ampersands(
    city, django_capture_on_commit_callbacks
):
    request = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        request_reject(request=request, actor=user("head"), reason=REASON)
    message = next(m for m in mail.outbox if m.to == ["resident@misto.localhost"])
    assert REASON in message.body
    assert "&#x27;" not in message.body and "&quot;" not in message.body and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "Солов&#x27;їній" in html and "&lt;Дім&gt;" in html and "<Дім>" not in html
