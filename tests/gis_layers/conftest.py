"""Layers made for a test through the services, as city IT would make them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString, Point, Polygon

from gis_layers.schema import FieldSpec
from gis_layers.services import feature_create, layer_create
from tests.gis_layers.test_tiles import keep_test_connection  # noqa: F401  (a fixture for these tests too)

CENTRE = (33.638, 49.0105)  # lon, lat


@pytest.fixture
def gisadmin(city):
    return User.objects.get(username="gisadmin")


@pytest.fixture
def editor(city):
    return User.objects.get(username="editor")


@pytest.fixture
def resident(city):
    return User.objects.get(username="resident")


@pytest.fixture
def dispatcher(city):
    return User.objects.get(username="dispatcher")


SHELTER_FIELDS = [
    FieldSpec("name", "Назва", "Name", "string", required=True),
    FieldSpec("kind", "Тип", "Kind", "string", choices=["shelter", "basement", "metro"]),
    FieldSpec("capacity", "Місткість", "Capacity", "integer", minimum=1, maximum=5000, unit="осіб"),
    FieldSpec("accessible", "Доступне", "Accessible", "boolean"),
    FieldSpec("checked", "Перевірено", "Checked", "date"),
]


def make_layer(actor, slug="test-shelters", geometry_type="point", visibility="public", fields=None, **extra):
    return layer_create(
        actor=actor,
        slug=slug,
        title_uk=extra.pop("title_uk", "Тестові укриття"),
        title_en=extra.pop("title_en", "Test shelters"),
        geometry_type=geometry_type,
        fields=SHELTER_FIELDS if fields is None else fields,
        style=extra.pop("style", {"colour": "#b91c1c", "icon": "⌂", "label_field": "name"}),
        visibility=visibility,
        **extra,
    )


def point(dx=0.0, dy=0.0) -> Point:
    return Point(CENTRE[0] + dx, CENTRE[1] + dy, srid=4326)


def square(dx=0.0, dy=0.0, size=0.001) -> Polygon:
    x, y = CENTRE[0] + dx, CENTRE[1] + dy
    return Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)), srid=4326)


def line(dx=0.0, dy=0.0) -> LineString:
    x, y = CENTRE[0] + dx, CENTRE[1] + dy
    return LineString((x, y), (x + 0.002, y + 0.001), srid=4326)


@pytest.fixture
def shelters(gisadmin):
    layer = make_layer(gisadmin)
    for i in range(3):
        feature_create(
            layer=layer,
            actor=gisadmin,
            geometry=point(i * 0.0005),
            properties={"name": f"Укриття {i + 1}", "kind": "shelter", "capacity": 50 + i},
        )
    return layer


@pytest.fixture
def snow_routes(gisadmin):
    layer = make_layer(
        gisadmin,
        slug="test-snow",
        geometry_type="line",
        visibility="staff",
        fields=[FieldSpec("route", "Маршрут", "Route", "string", required=True)],
        style={"colour": "#0ea5e9", "line_width": 4, "label_field": "route"},
        title_uk="Тестові маршрути",
        title_en="Test routes",
    )
    feature_create(layer=layer, actor=gisadmin, geometry=line(), properties={"route": "М-1"})
    return layer


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test; Celery runs tasks in the test's thread."""
    from django.core.cache import cache

    from portal.celery import app

    # Cached tiles and counts are keyed by data versions, which a rolled-back test can reuse.
    cache.clear()
    from gis_layers.ogcapi import collections

    collections._layer_collections.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MISTO_EXPORT_CACHE_DIR = tmp_path / "exports"
    settings.MISTO_BACKGROUND = "celery"
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
