"""The request page as its applicant and a neighbour see it: who is offered "follow", and the
history's "who" in the page's language."""

from __future__ import annotations

from django.test import Client

from tests.citizen_requests.builders import file_request, user

FOLLOW_UK = "Стежити за зверненням"


def test_the_applicant_is_not_invited_to_follow_their_own_request_but_a_neighbour_is(city, client):
    mine = file_request(applicant="resident")
    client.force_login(user("resident"))
    assert FOLLOW_UK not in client.get(f"/requests/{mine.number}/").content.decode()
    neighbour = Client()
    neighbour.force_login(user("editor"))
    assert FOLLOW_UK in neighbour.get(f"/requests/{mine.number}/").content.decode()
    assert "Стежити через e-mail" in Client().get(f"/requests/{mine.number}/").content.decode()

