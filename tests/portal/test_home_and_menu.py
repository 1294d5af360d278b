"""The front door (issue 20, deliver 2): "Report a problem" from an address or "locate me",
recent public requests (published text only), the categories as links into the map and the
directory with counts; the menu with the directory and "nearest", one staff "Work" menu shown
per role, and a menu that folds on phones."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from citizen_requests.models import Request
from facilities.models import Category
from tests.citizen_requests.builders import building_point, file_request

PRIVATE = "Коваленко Олена, тел. 0507654321, кв. 12: під'їзд не прибирали місяць."


def test_home_starts_a_report_from_an_address_or_locate_me(city, client):
    html = client.get("/").content.decode()
    form = re.search(r'<form class="report-start" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == "/requests/new/"
    assert 'name="address"' in html and 'id="report-locate"' in html and 'name="lat"' in html
    assert 'src="/static/js/home.js"' in html


def test_the_form_opens_at_the_typed_address_or_the_located_point(city, client):
    client.force_login(User.objects.get(username="resident"))
    typed = client.get("/requests/new/", {"address": "вул. Миру, 9", "lat": "", "lon": ""}).content.decode()
    house = building_point("вулиця Миру, 9")
    lat = float(re.search(r'name="lat" value="([-\d.]+)"', typed).group(1))
    lon = float(re.search(r'name="lon" value="([-\d.]+)"', typed).group(1))
    assert abs(lat - house.y) < 1e-5 and abs(lon - house.x) < 1e-5
    assert 'value="вулиця Миру, 9"' in typed
    located = client.get("/requests/new/", {"lat": "49.0105", "lon": "33.638"}).content.decode()
    assert 'name="lat" value="49.0105"' in located
    # A place outside the city, or garbage, starts the form without a place (no error, no 500).
    for params in ({"lat": "50.45", "lon": "30.52"}, {"lat": "nan", "lon": "x"}, {"lat": "99", "lon": "0"}):
        response = client.get("/requests/new/", params)
        assert response.status_code == 200
        assert not re.search(r'name="lat" value="[-\d.]+"', response.content.decode()), params
    unknown = client.get("/requests/new/", {"address": "вулиця Неіснуюча, 5"}).content.decode()
    assert 'value="вулиця Неіснуюча, 5"' in unknown and not re.search(r'name="lat" value="[-\d.]+"', unknown)


def test_recent_requests_show_the_published_text_only_and_no_confidential_ones(city, client):
    public = file_request(category="entrance", text=PRIVATE)
    secret = file_request(
        category="entrance", text="Таємне звернення про сусідів.", visibility=Request.Visibility.CONFIDENTIAL
    )
    public.refresh_from_db()
    html = client.get("/").content.decode()
    assert f"/requests/{public.number}/" in html
    assert f"/requests/{secret.number}/" not in html and "Таємне звернення" not in html
    for personal in ("Коваленко", "0507654321", "кв. 12"):
        assert personal not in html, personal
    # Even staff who may read the original see the public face on the home page.
    client.force_login(User.objects.get(username="registrar"))
    staff_html = client.get("/").content.decode()
    assert "Коваленко" not in staff_html and f"/requests/{secret.number}/" not in staff_html


def test_categories_link_into_the_map_and_the_directory_with_counts(city, client):
    html = client.get("/").content.decode()
    pharmacy = Category.objects.get(slug="pharmacy")
    count = pharmacy.facilities.count()
    assert re.search(
        rf'<a href="/map/\?layers=pharmacy"[^>]*>{pharmacy.name_uk}</a> <span class="count">{count}</span>',
        html,
    )
    assert 'href="/facilities/?category=pharmacy"' in html
    assert f'href="/map/?layers={pharmacy.parent.slug}"' in html
    # A hidden category is not offered.
    Category.objects.filter(slug="police").update(is_public=False)
    assert "layers=police" not in client.get("/").content.decode()


def test_the_menu_names_the_directory_nearest_and_folds_behind_a_button(city, client):
    html = client.get("/facilities/nearest/").content.decode()
    assert 'href="/facilities/"' in html
    assert re.search(r'<a href="/facilities/nearest/" aria-current="page">Найближче</a>', html)
    assert re.search(
        r'<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="site-nav" hidden>',
        html,
    )
    assert 'src="/static/js/nav.js"' in html


WORK = {
    None: set(),
    "resident": set(),
    "dispatcher": {"/registry/", "/admin/", "/staff/layers/"},
    "head": {"/requests/staff/", "/admin/", "/staff/layers/"},
    "leader": {"/requests/dashboard/"},
    "gisadmin": {"/staff/layers/", "/admin/"},
}


@pytest.mark.parametrize("username", list(WORK))
def test_the_work_menu_holds_what_each_role_may_open(city, client, username):
    if username:
        client.force_login(User.objects.get(username=username))
    html = client.get("/").content.decode()
    menu = re.search(r'<details class="work-menu">(.*?)</details>', html, re.S)
    if not WORK[username]:
        assert menu is None, username
        return
    links = set(re.findall(r'href="([^"]+)"', menu.group(1)))
    assert WORK[username] <= links, (username, links)
    for link in links:  # every link in it opens for that person
        assert client.get(link, follow=True).status_code == 200, (username, link)
