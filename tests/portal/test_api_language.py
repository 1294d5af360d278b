"""API errors speak the caller's language (issue 20): the REST API, OGC API and Open311 read
Accept-Language (Ukrainian by default, English on request), while the HTML pages stay
Ukrainian-first whatever the browser sends."""

from __future__ import annotations

import json

import pytest

ERRORS = [
    # (door, path, status, key into the body, Ukrainian words, English words)
    ("REST API", "/api/v1/requests/2026-999999/", 404, lambda b: b["error"]["message"],
     "Звернення з таким номером немає", "No request with this number"),
    ("REST API", "/api/v1/facilities/?category=zzz", 400, lambda b: b["error"]["message"],
     "Невідома категорія", "Unknown category"),
    ("OGC API", "/ogcapi/collections/nope/items", 404, lambda b: b["description"],
     "Колекції «nope» немає", "There is no collection “nope”"),
    ("Open311", "/open311/v2/services/nope.json", 404, lambda b: b[0]["description"],
     "не знайдено", "was not found"),
]  # fmt: skip


@pytest.mark.parametrize(("door", "path", "status", "message", "uk", "en"), ERRORS)
def test_an_api_error_is_ukrainian_by_default_and_english_for_accept_language_en(
    city, client, door, path, status, message, uk, en
):
    plain = client.get(path)
    assert plain.status_code == status, door
    assert uk in message(json.loads(plain.content)) and plain["Content-Language"] == "uk"
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert english.status_code == status
    assert en in message(json.loads(english.content)) and english["Content-Language"] == "en"
    # Caches must keep the two apart.
    assert "Accept-Language" in english["Vary"]


def test_a_language_the_portal_does_not_speak_falls_back_to_ukrainian(city, client):
    body = client.get("/api/v1/requests/2026-999999/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,*;q=0.1").json()
    assert body["error"]["message"] == "Звернення з таким номером немає."


def test_quality_values_decide_between_the_portals_languages(city, client):
    body = client.get("/api/v1/requests/2026-999999/", HTTP_ACCEPT_LANGUAGE="uk;q=0.4, en;q=0.9").json()
    assert body["error"]["message"] == "No request with this number."


def test_the_open311_refusal_of_a_post_follows_accept_language(city, client):
    english = client.post("/open311/v2/requests.json", {"service_code": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403 and "Invalid api_key" in english.json()[0]["description"]
    ukrainian = client.post("/open311/v2/requests.json", {"service_code": "x"})
    assert "недійсний api_key" in ukrainian.json()[0]["description"]


def test_an_explicit_choice_beats_the_header(city, client):
    body = client.get("/api/v1/requests/2026-999999/?lang=uk", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["error"]["message"] == "Звернення з таким номером немає."


def test_html_pages_stay_ukrainian_for_english_browsers(city, client):
    html = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="uk">' in html
