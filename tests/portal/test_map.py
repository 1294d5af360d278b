"""The map page and its data: local assets only, every public facility, the basemap."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.contrib.staticfiles import finders

from facilities.models import Category, Facility

URL_IN_PAGE = re.compile(
    r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)|(https?://[^\s"'<>)]+)"""
)


def external_urls(html: str) -> list[str]:
    """Every URL in the page (attributes, CSS url(), literals in scripts) naming another host."""
    found = []
    for match in URL_IN_PAGE.finditer(html):
        url = next(g for g in match.groups() if g)
        host = urlparse(url).hostname
        if url.startswith("//") or (host and host not in {"testserver", "127.0.0.1", "localhost"}):
            found.append(url)
    return found


def test_map_page_uses_only_local_assets(city, client):
    response = client.get("/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert external_urls(html) == []
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert any(a.endswith("leaflet/leaflet.js") for a in assets)
    assert any(a.endswith("leaflet.markercluster.js") for a in assets)
    for asset in assets:  # (an address quotes what a file name may not hold: %40 for @)
        assert finders.find(unquote(asset)), f"{asset} is linked but not served"


def test_map_page_does_not_inline_the_facilities(city, client):
    html = client.get("/map/").content.decode()
    assert len(html) < 100_000
    assert '"api": "/api/v1/facilities/"' in html
    assert "Ліцей № 1" not in html


def test_external_url_detector_catches_cdn_links():
    page = '<script src="https://cdn.example.org/leaflet.js"></script><link href="//cdn.test/a.css">'
    assert external_urls(page) == ["https://cdn.example.org/leaflet.js", "//cdn.test/a.css"]


def test_hidden_category_is_not_offered_on_the_map(city, client):
    Category.objects.filter(slug="police").update(is_public=False)
    html = client.get("/map/").content.decode()
    assert 'data-category="police"' not in html and 'data-category="pharmacy"' in html


@pytest.mark.parametrize(
    "query, centre, zoom, selected",
    [
        ("", "[49.0105, 33.638]", '"zoom": 14', "null"),
        (
            "?layers=pharmacy,school&z=15&c=49.01,33.64",
            "[49.01, 33.64]",
            '"zoom": 15',
            '["pharmacy", "school"]',
        ),
        (
            "?layers=health&z=16",
            "[49.0105, 33.638]",
            '"zoom": 16',
            '["clinic", "dentistry", "hospital", "pharmacy"]',
        ),
        ("?layers=pharmacy,nonsense&z=99&c=x,y", "[49.0105, 33.638]", '"zoom": 19', '["pharmacy"]'),
    ],
)
def test_permalink_restores_view_and_layers(city, client, query, centre, zoom, selected):
    html = client.get("/map/" + query).content.decode()
    assert f'"center": {centre}' in html
    assert zoom in html
    assert f'"selected": {selected}' in html


def test_permalink_checks_the_selected_layers_in_the_panel(city, client):
    html = client.get("/map/?layers=pharmacy").content.decode()
    assert re.search(r'data-category="pharmacy" checked', html)
    assert not re.search(r'data-category="school" checked', html)


def test_basemap_draws_districts_water_railway_and_streets(city, client):
    response = client.get("/map/basemap.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    kinds = {f["properties"]["kind"] for f in response.json()["features"]}
    assert kinds == {"district", "water", "railway", "street"}
    html = client.get("/map/").content.decode()
    assert "/tiles/buildings/{z}/{x}/{y}.mvt" in html  # buildings come as vector tiles


def test_map_data_is_gzipped_for_browsers(city, client):
    response = client.get("/api/v1/facilities/?page_size=500", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert client.get("/map/basemap.geojson", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("url", ["", "https://tiles.example.org/{z}/{x}/{y}.png"])
def test_basemap_url_is_a_setting(city, client, settings, url):
    settings.MISTO_BASEMAP_URL = url
    html = client.get("/map/").content.decode()
    if url:
        assert "tiles.example.org" in html
    else:
        assert "L.tileLayer" not in html


def test_home_page_lists_categories_with_counts(city, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Портал міста Горішні Плавні" in html
    assert f"{Facility.objects.count()} об'єктів" in html
    assert "Аптеки" in html


def test_home_page_empty_state_without_data(city, client):
    Facility.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    html = client.get("/").content.decode()
    assert "Об'єктів ще немає" in html


def test_map_page_loads_the_city_map_modules_after_map_js_each_under_400_lines(city, client):
    """city_map.js was split by concern (facilities, search box, GIS layers): the page loads
    every module, after the map.js they use and in the order the config calls them."""
    html = client.get("/map/").content.decode()
    scripts = re.findall(r'<script defer src="/static/([^"]+)"', html)
    modules = ["js/map.js", "js/city_map.js", "js/city_map_search.js", "js/city_map_layers.js"]
    assert [s for s in scripts if s in modules] == modules
    config = html[html.index('id="misto-map-config"') :]
    calls = re.findall(r'"call": "(init\w+)"', config)
    assert calls[-3:] == ["initFacilities", "initMapSearch", "initGisLayers"]
    for module, call in zip(modules[1:], calls[-3:], strict=True):
        source = Path(finders.find(module)).read_text(encoding="utf-8")
        assert len(source.splitlines()) < 400, module
        assert f"Misto.{call} = function" in source, module


def test_the_map_counts_facilities_once_per_change_and_shows_a_new_one_at_once(
    city, client, django_assert_num_queries
):
    """The layer panel's counts per category: counted once while the facilities stay as they
    are (a count over every facility had been most of the page's time), and again as soon as
    one is added."""

    def pharmacies(html: str) -> int:
        return int(re.search(r'for="c-pharmacy">.*?<span class="count">(\d+)</span>', html, re.S).group(1))

    first = client.get("/map/").content.decode()
    before = pharmacies(first)
    # The data version (read twice: the tests re-read it every time), the panel's layers and their
    # joins; no count, no categories.
    with django_assert_num_queries(5):
        again = client.get("/map/").content.decode()
    assert pharmacies(again) == before
    one = Facility.objects.filter(category__slug="pharmacy").first()
    one.pk = None
    one.source_id = "test-new-pharmacy"
    one.save()
    assert pharmacies(client.get("/map/").content.decode()) == before + 1
