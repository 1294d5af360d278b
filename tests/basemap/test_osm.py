"""`manage.py import_osm FILE --tag … --basemap-areas` on a real OpenStreetMap extract (Monaco,
tests/data/osm, ODbL): parks and water become basemap areas with their names (name:en kept),
upserted by OSM id, and drawn in the basemap's tiles."""

from __future__ import annotations

import math
from io import StringIO
from pathlib import Path

import mapbox_vector_tile
import pytest
from django.core.management import call_command
from django.utils import translation

from basemap.models import MapArea

PBF = Path(__file__).resolve().parents[1] / "data" / "osm" / "monaco-latest.osm.pbf"

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import_osm", str(PBF), *args, stdout=out)
    return out.getvalue()


def test_parks_of_an_extract_become_green_areas_and_a_second_run_changes_nothing(client):
    output = run("--tag", "leisure=park", "--basemap-areas")
    parks = MapArea.objects.filter(source_id__startswith="osm:")
    assert parks.count() > 5 and set(parks.values_list("kind", flat=True)) == {"green"}
    assert "created" in output
    named = parks.exclude(name_uk="").first()
    assert named is not None
    again = run("--tag", "leisure=park", "--basemap-areas")
    assert f"0 created, 0 updated, {parks.count()} unchanged" in again
    # Drawn in the basemap's tile under their name.
    spot = named.area.point_on_surface
    z, n = 16, 2**16
    x = int((spot.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(spot.y))) / math.pi) / 2 * n)
    layers = mapbox_vector_tile.decode(client.get(f"/tiles/basemap/{z}/{x}/{y}.mvt").content)
    assert named.name_uk in {f["properties"]["name_uk"] for f in layers["green"]["features"]}


def test_objects_that_are_neither_green_nor_water_are_skipped_with_the_reason():
    output = run("--tag", "building=*", "--basemap-areas")
    assert "neither a green area nor water" in output
    # A few buildings are mapped as parks or lawns too: only those become areas.
    kept = MapArea.objects.filter(source_id__startswith="osm:")
    assert kept.count() < 10
    skipped = int(output.rsplit(" unchanged, ", 1)[1].split(" ")[0])
    assert skipped > 100
