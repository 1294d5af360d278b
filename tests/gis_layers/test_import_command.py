"""manage.py import_layer: the same checks, preview and apply as the import page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from gis_layers.models import Feature, ImportJob
from tests.gis_layers import files
from tests.gis_layers.conftest import make_layer


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args) -> str:
    out = StringIO()
    call_command("import_layer", *map(str, args), stdout=out)
    return out.getvalue()


def test_imports_a_shapefile_and_prints_the_preview(gisadmin, tmp_path):
    layer = make_layer(gisadmin, slug="cli")
    out = run(
        files.shapefile_zip(tmp_path, files.shelters_frame(3).to_crs(32636)),
        "--layer",
        "cli",
        "--user",
        "gisadmin",
    )
    assert "3 features (Point 3), CRS EPSG:32636" in out and "name <- name" in out
    assert "3 created" in out
    assert Feature.objects.filter(layer=layer, created_by=gisadmin).count() == 3


def test_dry_run_changes_nothing(gisadmin, tmp_path):
    layer = make_layer(gisadmin, slug="cli")
    out = run(files.geojson(tmp_path, files.shelters_frame(2)), "--layer", "cli", "--dry-run")
    assert "Dry run" in out and Feature.objects.filter(layer=layer).count() == 0
    assert ImportJob.objects.get().status == "discarded"


def test_a_file_without_encoding_needs_the_encoding_stated(gisadmin, tmp_path):
    layer = make_layer(gisadmin, slug="cli")
    path = files.shapefile_zip(tmp_path, files.shelters_frame(2), encoding="CP1251", cpg=False, ldid=0)
    with pytest.raises(CommandError, match="looks like cp1251"):
        run(path, "--layer", "cli")
    assert Feature.objects.filter(layer=layer).count() == 0
    assert "2 created" in run(path, "--layer", "cli", "--encoding", "cp1251")


def test_bad_rows_stop_it_unless_skipped_and_refusals_are_errors(gisadmin, tmp_path):
    make_layer(gisadmin, slug="cli")
    frame = files.shelters_frame(3)
    frame.loc[1, "name"] = ""
    path = files.geojson(tmp_path, frame)
    with pytest.raises(CommandError, match="1 rows do not fit"):
        run(path, "--layer", "cli")
    assert "2 created" in run(path, "--layer", "cli", "--skip-bad-rows")
    with pytest.raises(CommandError, match="zip bomb"):
        run(files.zip_bomb(tmp_path), "--layer", "cli")
    with pytest.raises(CommandError, match="no layer"):
        run(path, "--layer", "nothing")


def test_upsert_by_key_from_the_command_line(gisadmin, tmp_path):
    layer = make_layer(gisadmin, slug="cli")
    run(files.geojson(tmp_path, files.shelters_frame(3)), "--layer", "cli")
    frame = files.shelters_frame(3)
    frame.loc[0, "capacity"] = 555
    out = run(
        files.geojson(tmp_path, frame, "v2.geojson"), "--layer", "cli", "--mode", "upsert", "--key", "name"
    )
    assert "0 created, 1 updated, 2 unchanged" in out
    assert (
        Feature.objects.get(layer=layer, properties__name="Укриття «Ліцей № 1»").properties["capacity"] == 555
    )
