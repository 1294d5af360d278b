"""The Django admin's pages as the portal serves them: its own icon (a page without one makes
the browser ask for /favicon.ico, which the portal does not serve: a 404 in the console) and
its underlined links."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders


def test_every_admin_page_names_the_portal_s_icon(city, client):
    assert client.get("/favicon.ico").status_code == 404  # why the pages must name their icon
    login = client.get("/admin/login/").content.decode()
    client.force_login(get_user_model().objects.get(username="admin"))
    pages = [login] + [
        client.get(url).content.decode()
        for url in ("/admin/", "/admin/facilities/facility/", "/admin/facilities/facility/add/")
    ]
    for html in pages:
        icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"', html)
        assert icons == ["img/favicon.svg"], icons
        assert finders.find(icons[0])
        # Links underlined, not told apart by colour alone (axe: link-in-text-block).
        assert '<link rel="stylesheet" href="/static/css/admin.css">' in html
    assert ".breadcrumbs a" in open(finders.find("css/admin.css"), encoding="utf-8").read()


def test_every_field_of_the_admin_is_labelled_in_ukrainian():
    """Each field and record name the admin shows, in Ukrainian on a Ukrainian page: a label left
    as its English msgid, or a field with no verbose name (Django's "created at"), fails. A
    third-party app's labels count too (django-axes: locale_thirdparty/)."""
    from django.contrib import admin
    from django.utils import translation

    untranslated = []
    for model in admin.site._registry:
        labels = [(f.name, f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")]
        labels += [(n, getattr(model._meta, n)) for n in ("verbose_name", "verbose_name_plural")]
        for name, label in labels:
            with translation.override("uk"):
                uk = str(label)
            with translation.override("en"):
                en = str(label)
            if uk == en and re.search(r"[A-Za-z]{3,}", uk) and uk != "URL":
                untranslated.append(f"{model._meta.label}.{name}: {uk}")
    assert untranslated == []


def test_the_admin_shows_records_in_the_page_s_language_and_names_every_input(city, client):
    from housing_registry.sections import SECTION_BY_SLUG

    client.force_login(get_user_model().objects.get(username="admin"))
    # An organisation's sections by their titles, not their keys; a group by the role it is.
    organisations = client.get("/admin/housing_registry/responsibleorganisation/").content.decode()
    cells = re.findall(r'<td class="field-section_titles">([^<]*)</td>', organisations)
    assert cells and str(SECTION_BY_SLUG["water"].title) in " ".join(cells)
    assert not any(re.search(r"\b(water|heating)\b", cell) for cell in cells)
    groups = client.get("/admin/auth/group/").content.decode()
    assert '<td class="field-role">Погоджувач</td>' in groups
    # django-axes' columns in Ukrainian, and the admin named as the portal.
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="curl", http_accept="*/*", path_info="/admin/login/",
        get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    index = client.get("/admin/").content.decode()
    assert "Захист входу" in index and "Axes" not in index
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "IP-адреса" in attempts and "IP Address" not in attempts
    assert "Адміністрування міського порталу" in attempts and "Django" not in attempts
    # Every input of a tabular inline has a label naming its column and row (axe: label).
    service = client.get("/admin/citizen_requests/service/1/change/").content.decode()
    inputs = re.findall(
        r'<(?:input|select)\b(?![^>]*type="hidden")[^>]*\bid="(id_memberships-\d+-\w+)"', service
    )
    labelled = set(re.findall(r'<label class="visually-hidden" for="(id_memberships-\d+-\w+)">', service))
    assert inputs and set(inputs) <= labelled, set(inputs) - labelled
    # The editable column of a change list: each row's input named by column and record.
    types = client.get("/admin/coverage/servicetype/").content.decode()
    orders = re.findall(r'<input type="number" name="form-\d+-order"[^>]*>', types)
    assert orders and all('aria-label="Порядок: ' in tag for tag in orders)


def test_every_app_of_the_portal_runs_its_own_configuration():
    """Django falls back to a bare configuration, without ready() and with an untranslated name
    («Core»), when an app's apps.py holds more than one; django-axes runs the portal's."""
    from django.apps import AppConfig, apps

    from core.axes_app import AxesConfig

    root = Path(__file__).resolve().parents[2]
    ours = [c for c in apps.get_app_configs() if Path(c.path).parent == root]
    assert len(ours) > 8 and [c.name for c in ours if type(c) is AppConfig] == []
    assert type(apps.get_app_config("axes")) is AxesConfig
