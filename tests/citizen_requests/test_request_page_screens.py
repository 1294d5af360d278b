"""The request page as its applicant and a neighbour see it: who is offered "follow", and the
history's "who" in the page's language."""

from __future__ import annotations

from django.test import Client

from tests.citizen_requests.builders import file_request, user
from tests.citizen_requests.test_intake import form, link_in

FOLLOW_UK = "Стежити за зверненням"


def test_the_applicant_is_not_invited_to_follow_their_own_request_but_a_neighbour_is(city, client):
    mine = file_request(applicant="resident")
    client.force_login(user("resident"))
    assert FOLLOW_UK not in client.get(f"/requests/{mine.number}/").content.decode()
    neighbour = Client()
    neighbour.force_login(user("editor"))
    assert FOLLOW_UK in neighbour.get(f"/requests/{mine.number}/").content.decode()
    assert "Стежити через e-mail" in Client().get(f"/requests/{mine.number}/").content.decode()


def test_a_visitor_holding_the_private_link_sees_applicant_e_mail_translated_and_no_follow_offer(
    city, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/new/", form())
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(link_in(mail.outbox[0]), follow=True)
    html = page.content.decode()
    assert "(заявник (e-mail))" in html and "applicant (e-mail)" not in html
    assert FOLLOW_UK not in html and "Стежити через e-mail" not in html
    english = client.get(page.request["PATH_INFO"], {"lang": "en"}).content.decode()
    assert "(applicant (e-mail))" in english
