"""The public face: the list with its time filter, a notice's page, "is my address affected?",
the home page, and the notices shown on the facility page and the building sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from facilities.models import Facility
from tests.notices.builders import building_in, building_outside, district, make_notice, point_of

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_time(vodokanal_head, vodokanal, client):
    now_notice = make_notice(vodokanal_head, service=vodokanal, title_uk="Зараз-без-води")
    start = timezone.now() + dt.timedelta(days=2)
    planned = make_notice(
        vodokanal_head,
        service=vodokanal,
        title_uk="Заплановано-ремонт",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
    )
    now_page = client.get("/notices/?when=now").content.decode()
    assert now_notice.title_uk in now_page and planned.title_uk not in now_page
    planned_page = client.get("/notices/?when=planned").content.decode()
    assert planned.title_uk in planned_page and now_notice.title_uk not in planned_page
    assert client.get("/notices/?when=nonsense").status_code == 200
    assert client.get("/notices/?page=999").status_code == 200


def test_the_notice_page_has_its_times_area_and_history(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert notice.title_uk in page and notice.text_uk in page and notice.phone in page
    assert f"/notices/{notice.pk}/cap.xml" in page
    assert "vodokanal-head" not in page  # who changed it is for staff
    client.force_login(vodokanal_head)
    assert "Опублікувати" not in client.get(f"/notices/{notice.pk}/").content.decode()


def test_is_my_address_affected_by_address_and_by_location(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    inside, outside = building_in(district()), building_outside(district())
    page = client.get("/notices/check/", {"address": inside.address}).content.decode()
    assert notice.title_uk in page
    point = point_of(outside)
    page = client.get("/notices/check/", {"lat": point.y, "lon": point.x}).content.decode()
    assert notice.title_uk not in page
    bad = client.get("/notices/check/", {"address": "вулиця Вигадана, 1"})
    assert bad.status_code == 400 and "не знайдено" in bad.content.decode()
    far = client.get("/notices/check/", {"lat": "50.45", "lon": "30.52"})
    assert far.status_code == 400


def test_home_page_shows_notices_in_effect(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal, title_uk="Головна-сторінка-вода")
    assert notice.title_uk in client.get("/").content.decode()


def test_facility_page_and_building_sheet_show_the_notices_that_cover_them(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal, title_uk="Покриває-будинок")
    facility = Facility.objects.filter(location__within=district().area).first()
    assert notice.title_uk in client.get(f"/facilities/{facility.pk}/").content.decode()
    elsewhere = Facility.objects.exclude(location__intersects=notice.area).first()
    assert notice.title_uk not in client.get(f"/facilities/{elsewhere.pk}/").content.decode()
    client.force_login(User.objects.get(username="dispatcher"))
    building = building_in(district())
    assert notice.title_uk in client.get(f"/registry/buildings/{building.pk}/").content.decode()


def test_the_map_offers_the_notices_layer_with_its_time_filter(client, city):
    page = client.get("/map/?notices=today").content.decode()
    assert 'id="notices-today" value="today" checked' in page
    assert "notices-map-config" in page and "js/notices_map.js" in page
