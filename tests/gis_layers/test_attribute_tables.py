"""Attribute tables (issue 19): layers without geometry imported from CSV, XLSX, ODS, DBF and a
GeoPackage's attribute table, joined to a spatial layer by a key (one-to-one and one-to-many),
and shown — to those who may see the table, and to nobody else — in the feature API the popup
and the editor read, the exports and the OGC API (joined properties, and the table itself as a
collection of records)."""

from __future__ import annotations

import pytest

from gis_layers.models import Feature, ImportJob
from tests.gis_layers import tables
from tests.gis_layers.test_import import apply, preview

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def stored(layer) -> list[dict]:
    return [f.properties for f in Feature.objects.live().filter(layer=layer).order_by("id")]


# -- imports --------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [tables.streets_csv, tables.streets_xlsx, tables.streets_ods, tables.city_gpkg])
def test_a_table_is_imported_from_each_format_with_its_text_kept(gisadmin, tmp_path, build):
    table = tables.streets_table(gisadmin)
    job = preview(table, gisadmin, build(tmp_path))
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["valid"] == 3 and job.report["bad_rows"] == 0, job.report
    assert job.preview["mapping"] == {"code": "code", "name": "name", "district": "district"}
    job = apply(job, gisadmin)
    assert job.status == Status.DONE, job.message
    rows = stored(table)
    assert [r["code"] for r in rows] == ["001", "002", "003"]  # "001" stays text, not 1
    assert rows[1]["name"] == " просп. Героїв "
    assert all(f.geometry is None for f in Feature.objects.filter(layer=table))
