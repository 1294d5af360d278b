"""The statements `make bench` runs with pgbench beside the endpoints (bench/scenarios_map.py,
bench/scenarios_layers.py): each command prints one complete statement that runs in the database
and finds what the endpoint finds. A command left behind by a change of the code it reads stopped
a whole bench run once (facilities_api_sql importing a helper that had moved)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gis_layers.models import Layer

pytestmark = pytest.mark.django_db

CITY_BBOX = "33.60,48.99,33.68,49.03"


def statement(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.parametrize(
    "query",
    [f"bbox={CITY_BBOX}&page_size=1000", "lat=49.0105&lon=33.638&category=pharmacy&page_size=5"],
)
def test_the_facilities_statement_counts_what_the_api_counts(city, client, query):
    [(count, *_rest)] = run(statement("facilities_api_sql", query))
    api = client.get(f"/api/v1/facilities/?{query}").json()
    assert count > 0 and count == api["count"]


def test_the_ogc_items_statement_finds_the_page_the_api_serves(city, client):
    layer = Layer.objects.filter(visibility=Layer.Visibility.PUBLIC).order_by("slug").first()
    rows = run(statement("ogcapi_items_sql", layer.slug, "limit=1000"))
    items = client.get(
        f"/ogcapi/collections/{layer.slug}/items?limit=1000", HTTP_ACCEPT="application/geo+json"
    )
    assert rows and items.status_code == 200 and items.json()["numberReturned"] > 0
