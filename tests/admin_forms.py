"""Helpers for driving the Django admin like a browser does: log in as someone, open a change
form and post it back with some values changed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from django.test import Client


def admin_client(username: str) -> Client:
    """A client of `username` reading the admin in English (the messages asserted)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(User.objects.get(username=username))
    return client


def form_data(response, **changes) -> dict:
    """The values the admin change form `response` shows, as a browser would post them back,
    with `changes` applied (a value of None leaves the field out)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()  # already as the widget shows it (ids, JSON text)
        if isinstance(value, GEOSGeometry):
            value = value.ewkt
        if value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def change_url(obj) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/"


def changelist_url(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
