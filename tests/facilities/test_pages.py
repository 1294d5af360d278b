"""The directory, a facility's page, "nearest to me", and editing in the admin with history."""

from __future__ import annotations

import re

from django.contrib.auth.models import User

from facilities.models import Category, Facility

DIRECTORY = "/facilities/"


def names(response) -> list[str]:
    return re.findall(r'<h2><a href="/facilities/\d+/">([^<]+)</a></h2>', response.content.decode())


def test_directory_lists_pages_of_25_sorted_by_name(city, client):
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    listed = names(response)
    assert len(listed) == 25 and listed == sorted(listed)
    html = response.content.decode()
    assert f"Знайдено {Facility.objects.count()}" in html or str(Facility.objects.count()) in html
    assert 'rel="next"' in html
    second = names(client.get(DIRECTORY + "?page=2"))
    assert not set(listed) & set(second)


def test_directory_filters_keep_each_other_across_pages(city, client):
    response = client.get(DIRECTORY + "?category=food&q=кафе&page=2")
    html = response.content.decode()
    assert 'href="?category=food&amp;q=%D0%BA%D0%B0%D1%84%D0%B5&amp;page=1"' in html or "page=1" in html
    assert all("Кафе" in n or "Кав" in n for n in names(response)) or names(response) == []


def test_directory_search_tolerates_apostrophes(city, client):
    for q in ["кав'ярня", "кав’ярня", "КАВʼЯРНЯ"]:
        listed = names(client.get(DIRECTORY, {"q": q}))
        assert listed and all("Кав" in n for n in listed)


def test_directory_filters_by_district_and_open_now(city, client):
    listed = names(client.get(DIRECTORY, {"district": "district-centre", "category": "school"}))
    expected = sorted(
        Facility.objects.filter(district__source_id="district-centre", category__slug="school").values_list(
            "name_uk", flat=True
        )
    )
    assert listed == expected[:25]
    assert client.get(DIRECTORY, {"open_now": "1"}).status_code == 200


def test_directory_explains_a_bad_filter(city, client):
    response = client.get(DIRECTORY, {"category": "spaceport"})
    assert response.status_code == 400
    assert "spaceport" in response.content.decode()


def test_directory_empty_state(city, client):
    html = client.get(DIRECTORY, {"q": "немає такого місця"}).content.decode()
    assert "Нічого не знайдено" in html or "Nothing matches" in html


def test_facility_page_has_contacts_hours_map_and_permalink(city, client):
    school = Facility.objects.get(name_uk="Ліцей № 1")
    response = client.get(f"/facilities/{school.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ліцей № 1</h1>" in html
    assert school.address in html and school.phones[0] in html
    assert "07:30–18:00" in html
    assert f'rel="canonical" href="http://testserver/facilities/{school.pk}/"' in html
    assert (
        f"/map/?c={school.location.y:.6f},{school.location.x:.6f}&amp;z=18&amp;layers=school&amp;f={school.pk}"
        in html
    )
    assert "misto-map" in html


def test_hidden_facility_page_is_not_found(city, client):
    police = Facility.objects.filter(category__slug="police").first()
    Category.objects.filter(slug="police").update(is_public=False)
    assert client.get(f"/facilities/{police.pk}/").status_code == 404


def test_nearest_by_address_lists_five_with_metres(city, client):
    response = client.get("/facilities/nearest/", {"category": "pharmacy", "address": "вул. Миру 9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "вулиця Миру, 9" in html
    metres = [int(m) for m in re.findall(r"<strong>(\d+) м</strong>", html)]
    assert len(metres) == 5 and metres == sorted(metres)


def test_nearest_by_point(city, client):
    html = client.get(
        "/facilities/nearest/", {"category": "school", "lat": "49.0105", "lon": "33.638"}
    ).content.decode()
    assert len(re.findall(r"<strong>\d+ м</strong>", html)) == 5


def test_nearest_unknown_address_is_explained(city, client):
    response = client.get("/facilities/nearest/", {"category": "pharmacy", "address": "вулиця Неіснуюча 5"})
    assert response.status_code == 400
    assert "Неіснуюча" in response.content.decode()


def test_staff_edit_in_admin_keeps_history_with_who_and_what(city, client):
    editor = User.objects.get(username="editor")
    client.force_login(editor)
    shop = Facility.objects.filter(category__slug="grocery").first()
    page = client.get(f"/admin/facilities/facility/{shop.pk}/change/")
    assert page.status_code == 200
    data = {
        "name_uk": "Продукти «Нова назва»",
        "name_en": shop.name_en,
        "category": shop.category_id,
        "location": shop.location.geojson,
        "address": shop.address,
        "phones": ",".join(shop.phones),
        "email": "",
        "website": "",
        "opening_hours": "Mo-Su 09:00-21:00",
        "operator": shop.operator,
        "description": "",
        "accessibility": "",
        "data_source": shop.data_source,
        "district": shop.district_id or "",
    }
    response = client.post(f"/admin/facilities/facility/{shop.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shop.refresh_from_db()
    assert shop.name_uk == "Продукти «Нова назва»"
    record = shop.history.order_by("-history_date").first()
    assert record.history_user == editor and record.history_type == "~"
    assert {c.field for c in record.diff_against(record.prev_record).changes} >= {"name_uk", "opening_hours"}
    # The structured hours follow the edit.
    assert {(p.weekday, p.opens, p.closes) for p in shop.opening_periods.all()} == {
        (d, 540, 1260) for d in range(7)
    }


def test_admin_refuses_unparseable_hours(city, client):
    client.force_login(User.objects.get(username="gisadmin"))
    shop = Facility.objects.filter(category__slug="grocery").first()
    response = client.post(
        f"/admin/facilities/facility/{shop.pk}/change/",
        {"name_uk": shop.name_uk, "category": shop.category_id, "location": shop.location.geojson,
         "address": shop.address, "opening_hours": "Mo-Fr 8-17", "phones": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "8-17" in response.content.decode()
