"""The Django admin's pages as the portal serves them: its own icon (a page without one makes
the browser ask for /favicon.ico, which the portal does not serve: a 404 in the console) and
its underlined links."""

from __future__ import annotations

import re

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
