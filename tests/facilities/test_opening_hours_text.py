"""Opening hours are read by people in the page's language, not in OpenStreetMap's syntax:
the directory, "nearest to me" and the API detail the map's popups show."""

from __future__ import annotations

import pytest
from django.utils import translation

from facilities.models import Facility
from facilities.opening_hours import display


@pytest.mark.parametrize(
    ("lang", "raw", "shown"),
    [
        ("uk", "Mo-Su 08:00-20:00", "Пн–Нд 08:00–20:00"),
        ("en", "Mo-Su 08:00-20:00", "Mo–Su 08:00–20:00"),
        ("uk", "24/7", "цілодобово"),
        ("en", "24/7", "24/7"),
        ("uk", "Mo-Fr 08:00-17:00;Sa 09:00-14:00; Su off", "Пн–Пт 08:00–17:00; Сб 09:00–14:00; Нд вихідний"),
        ("uk", "May-Sep: Sa,Su 10:00-18:00", "тра–вер: Сб,Нд 10:00–18:00"),
        ("uk", "it depends", "it depends"),  # not opening hours: shown as typed
    ],
)
def test_opening_hours_read_in_the_pages_language(lang, raw, shown):
    with translation.override(lang):
        assert display(raw) == shown


def test_the_directory_and_the_api_detail_show_the_hours_in_the_language_asked_for(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    directory = client.get("/facilities/", {"q": "Ліцей № 1"}).content.decode()
    assert "Пн–Пт 07:30–18:00" in directory and "Mo-Fr 07:30-18:00" not in directory
    english = client.get("/facilities/", {"q": "Ліцей № 1", "lang": "en"}).content.decode()
    assert "Mo–Fr 07:30–18:00" in english
    detail = client.get(f"/api/v1/facilities/{school.pk}/").json()["properties"]
    assert detail["opening_hours"] == "Mo-Fr 07:30-18:00"  # the machine-readable text stays
    assert detail["opening_hours_text"] == "Пн–Пт 07:30–18:00"
    detail_en = client.get(f"/api/v1/facilities/{school.pk}/", {"lang": "en"}).json()["properties"]
    assert detail_en["opening_hours_text"] == "Mo–Fr 07:30–18:00"
