"""The one GeoJSON builder (gis_layers.geojson): times as people's clocks read them, single
features equal to the lists' features."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gis_layers.geojson import LocalISO
from tests.citizen_requests.builders import area_point, file_request

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 1, 15, 22, 30, 5, tzinfo=UTC),  # winter: +02:00, the next local day
        dt.datetime(2026, 7, 1, 9, 0, 0, 120, tzinfo=UTC),  # summer: +03:00, microseconds kept
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the hour the clocks go forward
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the hour the clocks go back
    ],
)
def test_local_iso_reads_like_python(moment):
    """The API's times read the same whether PostgreSQL or Python wrote them."""
    user = get_user_model().objects.create_user("clock", date_joined=moment)
    shown = get_user_model().objects.filter(pk=user.pk).values_list(LocalISO("date_joined"), flat=True).get()
    assert shown == timezone.localtime(moment, ZoneInfo("Europe/Kyiv")).isoformat()


def test_local_iso_keeps_null():
    user = get_user_model().objects.create_user("never", last_login=None)
    shown = get_user_model().objects.filter(pk=user.pk).values_list(LocalISO("last_login"), flat=True).get()
    assert shown is None


def test_a_single_request_feature_is_the_map_list_feature_with_more(city, client):
    """The request's API page carries every property its map marker has, with the same values."""
    file_request(location=area_point("area-housing-1"))
    file_request(
        category="graffiti", text="Написи на паркані дитсадка.", location=area_point("area-housing-3")
    )
    listed = client.get("/api/v1/requests/", {"limit": 5}).json()["features"]
    assert len(listed) == 2
    for feature in listed:
        response = client.get(feature["properties"]["url"].replace("/requests/", "/api/v1/requests/"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        one = json.loads(response.content)
        assert one["id"] == feature["id"]
        assert one["geometry"] == feature["geometry"]
        assert one["properties"] | feature["properties"] == one["properties"]
        assert {"text", "service", "district", "deadline", "explanation", "updated_at"} <= one[
            "properties"
        ].keys()


def test_a_single_facility_feature_agrees_with_the_list(city, client):
    """Open now, name and category of a facility read the same on its API page and in the list."""
    page = client.get("/api/v1/facilities/", {"page_size": 20}).json()["features"]
    for feature in page:
        one = client.get(f"/api/v1/facilities/{feature['id']}/").json()
        assert one["geometry"]["coordinates"] == pytest.approx(feature["geometry"]["coordinates"], abs=1e-6)
        for key in ("name", "address", "phones", "opening_hours", "open_now", "url"):
            assert one["properties"][key] == feature["properties"][key], key
        assert one["properties"]["category"]["slug"] == feature["properties"]["category"]
