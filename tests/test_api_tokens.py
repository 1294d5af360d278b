"""Personal API tokens: made on the account page and shown once, kept only as a digest, accepted
by /ogcapi/ and /api/v1/ (Bearer, or HTTP Basic with the token as the password) and by no HTML
page, refused once revoked, failures locked out like passwords, and no digest in the admin."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from core.api_tokens import TokenRefused, api_token_create, api_token_revoke
from core.models import ApiToken

LIMIT = settings.AXES_FAILURE_LIMIT
TOKEN = re.compile(r"misto_[A-Za-z0-9_-]{40}")


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def bearer(token: str) -> str:
    return f"Bearer {token}"


@pytest.fixture
def dispatcher(city):
    return User.objects.get(username="dispatcher")


@pytest.fixture
def resident(city):
    return User.objects.get(username="resident")


def make(user, name="QGIS") -> str:
    return api_token_create(user=user, name=name)[1]


# -- the account page -------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_digest_is_kept(city, client, resident):
    client.force_login(resident)
    page = client.get("/accounts/tokens/")
    assert page.status_code == 200 and "Токени API" in page.content.decode()
    assert "Ви ще не маєте токенів API." in page.content.decode()
    made = client.post("/accounts/tokens/", {"action": "create", "name": "QGIS в офісі"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    body = made.content.decode()
    token = TOKEN.search(body).group(0)
    assert "Скопіюйте його зараз" in body
    row = ApiToken.objects.get(user=resident)
    assert row.name == "QGIS в офісі" and row.digest == hashlib.sha256(token.encode()).hexdigest()
    # The database holds no column with the token in it.
    stored = json.dumps(list(ApiToken.objects.filter(pk=row.pk).values()), default=str)
    assert token not in stored and token[len(row.prefix) :] not in stored
    # Never shown again: the list shows the name and the first characters only.
    again = client.get("/accounts/tokens/").content.decode()
    assert token not in again and TOKEN.search(again) is None
    assert "QGIS в офісі" in again and f"{row.prefix}…" in again
    # And it works.
    assert client.get("/api/v1/layers/", HTTP_AUTHORIZATION=bearer(token)).status_code == 200


def test_the_account_page_links_to_the_tokens_and_the_page_speaks_english(city, client, resident):
    client.force_login(resident)
    assert 'href="/accounts/tokens/"' in client.get("/accounts/").content.decode()
    english = client.get("/accounts/tokens/?lang=en").content.decode()
    assert "API tokens" in english and "You have no API tokens yet." in english


def test_a_token_needs_a_name_and_a_person_at_most_twenty(city, client, resident):
    client.force_login(resident)
    refused = client.post("/accounts/tokens/", {"action": "create", "name": "   "})
    assert refused.status_code == 400 and "Дайте токену назву" in refused.content.decode()
    assert not ApiToken.objects.filter(user=resident).exists()
    for i in range(20):
        make(resident, f"token {i}")
    over = client.post("/accounts/tokens/", {"action": "create", "name": "one more"})
    assert over.status_code == 400 and "20" in over.content.decode()
    assert ApiToken.objects.filter(user=resident).count() == 20


def test_visitors_are_sent_to_log_in(city, client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_revoking_refuses_the_token_from_then_on(city, client, dispatcher):
    token = make(dispatcher)
    assert client.get("/ogcapi/collections/snow-routes", HTTP_AUTHORIZATION=bearer(token)).status_code == 200
    client.force_login(dispatcher)
    row = ApiToken.objects.get(user=dispatcher)
    response = client.post("/accounts/tokens/", {"action": "revoke", "token": row.pk}, follow=True)
    assert "відкликано" in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    other = Client()
    refused = other.get("/ogcapi/collections/snow-routes", HTTP_AUTHORIZATION=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["code"] == "InvalidToken" and "відкликано" in refused.json()["description"]
    assert refused["WWW-Authenticate"].startswith("Bearer")
    api = other.get("/api/v1/layers/", HTTP_AUTHORIZATION=basic("dispatcher", token))
    assert api.status_code == 403 and api.json()["error"]["code"] == "invalid_token"


def test_nobody_revokes_another_persons_token(city, client, dispatcher, resident):
    token = make(dispatcher)
    row = ApiToken.objects.get(user=dispatcher)
    client.force_login(resident)
    response = client.post("/accounts/tokens/", {"action": "revoke", "token": row.pk})
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
    assert Client().get("/api/v1/layers/", HTTP_AUTHORIZATION=bearer(token)).status_code == 200
    with pytest.raises(TokenRefused):
        api_token_revoke(token=row, actor=resident)


# -- the doors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["bearer", "basic-any-name", "basic-own-name"])
def test_a_staff_token_opens_the_staff_only_layer_in_both_apis(city, dispatcher, scheme):
    token = make(dispatcher)
    header = {
        "bearer": bearer(token),
        "basic-any-name": basic("qgis", token),
        "basic-own-name": basic("dispatcher", token),
    }[scheme]
    client = Client()
    items = client.get("/ogcapi/collections/snow-routes/items", HTTP_AUTHORIZATION=header)
    assert items.status_code == 200 and items.json()["numberMatched"] == 9
    assert items["Cache-Control"].startswith("private") and "Authorization" in items["Vary"]
    layers = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=header).json()["layers"]
    assert "snow-routes" in {layer["slug"] for layer in layers}
    # Without the token: not there at all.
    assert Client().get("/ogcapi/collections/snow-routes/items").status_code == 404
    assert ApiToken.objects.get(user=dispatcher).last_used_at is not None


def test_a_residents_token_sees_no_staff_only_layer(city, resident):
    token = make(resident)
    response = Client().get("/ogcapi/collections/snow-routes/items", HTTP_AUTHORIZATION=bearer(token))
    assert response.status_code == 404 and response.json()["code"] == "NotFound"
    layers = Client().get("/api/v1/layers/", HTTP_AUTHORIZATION=bearer(token)).json()["layers"]
    assert "snow-routes" not in {layer["slug"] for layer in layers}


def test_tokens_open_no_html_page(city, dispatcher):
    token = make(dispatcher)
    for path in ("/accounts/", "/accounts/tokens/", "/registry/", "/admin/"):
        for header in (bearer(token), basic("dispatcher", token)):
            response = Client().get(path, HTTP_AUTHORIZATION=header)
            assert response.status_code == 302, path  # to the login page: not logged in


def test_a_password_is_not_a_token_for_the_ogc_api(city):
    response = Client().get(
        "/ogcapi/collections/snow-routes/items", HTTP_AUTHORIZATION=basic("dispatcher", "misto-demo")
    )
    assert response.status_code == 401
    assert "токен" in response.json()["description"]


@pytest.mark.parametrize("value", ["misto_short", "misto_" + "x" * 40, "not-a-token", ""])
def test_unknown_or_malformed_tokens_are_refused(city, value):
    response = Client().get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer(value))
    assert response.status_code == 401 and response.json()["code"] == "InvalidToken"


def test_a_token_of_a_deactivated_account_is_refused(city, dispatcher):
    token = make(dispatcher)
    User.objects.filter(pk=dispatcher.pk).update(is_active=False)
    assert Client().get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer(token)).status_code == 401


def test_guessing_tokens_locks_the_address_even_for_a_good_token(city, dispatcher):
    token = make(dispatcher)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(LIMIT - 1):
        guess = "misto_" + f"{attempt:02d}" * 20
        assert client.get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer(guess)).status_code == 401
    last = client.get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer("misto_" + "z" * 40))
    assert last.status_code == 429 and last.json()["code"] == "TooManyRequests"
    locked = client.get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer(token))
    assert locked.status_code == 429 and "Забагато невдалих спроб" in locked.json()["description"]
    api = client.get("/api/v1/layers/", HTTP_AUTHORIZATION=bearer(token))
    assert api.status_code == 429 and api.json()["error"]["code"] == "locked_out"
    # Another address is not locked, and the token's owner can still log in with a password.
    assert (
        Client(REMOTE_ADDR="198.51.100.2")
        .get("/ogcapi/collections", HTTP_AUTHORIZATION=bearer(token))
        .status_code
        == 200
    )
    assert AccessAttempt.objects.filter(username="dispatcher").count() == 0


# -- the admin ----------------------------------------------------------------------------------


def test_the_admin_lists_tokens_without_their_digest_and_cannot_make_one(city, client, dispatcher):
    token = make(dispatcher)
    row = ApiToken.objects.get(user=dispatcher)
    client.force_login(User.objects.get(username="admin"))
    listing = client.get("/admin/core/apitoken/")
    assert listing.status_code == 200 and row.prefix in listing.content.decode()
    change = client.get(f"/admin/core/apitoken/{row.pk}/change/").content.decode()
    for page in (listing.content.decode(), change):
        assert row.digest not in page and token not in page
    assert client.get("/admin/core/apitoken/add/").status_code == 403
    revoked = client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}, follow=True
    )
    assert revoked.status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_staff_without_the_permission_see_no_tokens_in_the_admin(city, client, dispatcher):
    make(dispatcher)
    client.force_login(User.objects.get(username="gisadmin"))
    assert client.get("/admin/core/apitoken/").status_code == 403


def test_a_staff_token_opens_the_staff_only_layers_vector_tiles(city, dispatcher, resident):
    import math

    from gis_layers.models import Feature

    lon, lat = Feature.objects.filter(layer__slug="snow-routes").first().geometry.centroid.coords
    z = 14
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    path = f"/tiles/layers/snow-routes/{z}/{x}/{y}.mvt"
    tile = Client().get(path, HTTP_AUTHORIZATION=basic("qgis", make(dispatcher)))
    assert tile.status_code == 200 and tile["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert len(tile.content) > 0 and "private" in tile["Cache-Control"]
    assert Client().get(path).status_code == 404
    assert Client().get(path, HTTP_AUTHORIZATION=bearer(make(resident))).status_code == 404
    revoked = Client().get(path, HTTP_AUTHORIZATION=bearer("misto_" + "q" * 40))
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "invalid_token"


def test_the_api_schema_names_the_token_scheme(city, client):
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiToken"]["scheme"] == "bearer"
    assert {"apiToken": []} in schema["paths"]["/api/v1/layers/"]["get"]["security"]
