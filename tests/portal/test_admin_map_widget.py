"""The Django admin's geometry fields under the strict CSP: vendored OpenLayers, no tile server,
no inline script, for every model the admin edits on a map."""

from __future__ import annotations

import json
import re

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.gis.forms import GeometryField
from django.test import RequestFactory

from citizen_requests.models import RoutingRule
from tests.portal.test_security_headers import assert_inline_code_carries_the_nonce

EXECUTABLE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)


def admin_geometry_fields(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)()
        for bound in form:
            if isinstance(bound.field, GeometryField):
                yield f"{model._meta.label}.{bound.name}", bound, form.media


def test_every_admin_geometry_field_loads_only_the_portal_s_files_and_starts_without_inline_script(city):
    superuser = get_user_model().objects.get(username="admin")
    seen = []
    for label, bound, media in admin_geometry_fields(superuser):
        seen.append(label)
        html = str(bound)
        assert not EXECUTABLE_SCRIPT.search(html), label
        assert "openstreetmap" not in html and "earthdata" not in html, label
        media_urls = [*media._js, *(url for urls in media._css.values() for url in urls)]
        assert "vendor/ol/ol.js" in media_urls and "js/admin_map_widget.js" in media_urls, label
        assert not any("//" in url for url in media_urls), (label, media_urls)
        options = json.loads(
            re.search(r'<script id="[^"]+" type="application/json">(.*?)</script>', html).group(1)
        )
        # The hromada's boundary is the base the geometry is drawn over.
        assert options["outline"]["type"] in ("Polygon", "MultiPolygon"), label
    assert {
        "facilities.Facility.location",
        "housing_registry.Building.footprint",
        "city.District.area",
    } <= set(seen), seen


def test_the_routing_rule_s_area_map_starts_without_inline_script(city, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    rule = RoutingRule.objects.order_by("pk").first()
    response = client.get(f"/admin/citizen_requests/routingrule/{rule.pk}/change/")
    assert_inline_code_carries_the_nonce(response, "routing rule")
    html = response.content.decode()
    # Drawn by the portal's one map front-end from its JSON config (not executed).
    assert 'id="rule-area-config" type="application/json"' in html
    assert 'data-misto-map="rule-area-config"' in html and "js/map.js" in html


def test_the_admin_map_widget_speaks_the_page_s_language_and_fits_a_phone(city):
    """OpenLayers titles its controls in English and Django's Ukrainian names the clear link
    "Видалити всі Features": on a Ukrainian page the widget gives its own words for both, and
    its style sheet lets the 600 px map shrink to a phone's width."""
    from django.contrib.staticfiles import finders
    from django.utils import translation

    superuser = get_user_model().objects.get(username="admin")
    with translation.override("uk"):
        label, bound, media = next(
            field for field in admin_geometry_fields(superuser) if field[0] == "facilities.Facility.location"
        )
        html = str(bound)
    options = json.loads(re.search(r'type="application/json">(.*?)</script>', html).group(1))
    assert options["labels"] == {
        "zoomIn": "Наблизити",
        "zoomOut": "Віддалити",
        "rotate": "Скинути поворот мапи",
        "attribution": "Джерела даних мапи",
    }
    assert "Стерти все намальоване на мапі" in html and "Features" not in html
    css = [url for urls in media._css.values() for url in urls]
    assert "css/admin_map_widget.css" in css
    assert "max-width: 100%" in open(finders.find("css/admin_map_widget.css"), encoding="utf-8").read()
