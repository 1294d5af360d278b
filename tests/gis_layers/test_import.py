"""Imports through the services: every format, encodings, reprojection, repairs, row errors,
modes (append, replace, upsert by key), and every safety refusal — each leaving the layer as it
was when it refuses."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from gis_layers.exceptions import ImportRefused, ImportRejected
from gis_layers.models import Feature, ImportJob
from gis_layers.services.imports import (
    import_job_apply,
    import_job_create,
    import_job_preview,
    import_job_reconfigure,
    import_job_request_apply,
)
from tests.gis_layers import files
from tests.gis_layers.conftest import make_layer

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (their msgids); the Ukrainian ones are checked in
    test_refusals_speak_ukrainian_by_default."""
    from django.utils import translation

    with translation.override("en"):
        yield


def preview(layer, actor, path, options=None, name=None):
    job = import_job_create(
        layer=layer, actor=actor, upload=path, original_name=name or path.name, options=options
    )
    return import_job_preview(job_id=job.pk)


def apply(job, actor, mode="append", key="", skip=False):
    import_job_request_apply(job=job, actor=actor, mode=mode, key_field=key, skip_bad_rows=skip)
    return import_job_apply(job_id=job.pk)


def names(layer) -> list[str]:
    return sorted(f.properties.get("name") for f in Feature.objects.live().filter(layer=layer))


@pytest.fixture
def layer(gisadmin):
    return make_layer(gisadmin, slug="imported")


@pytest.mark.parametrize(
    "build",
    [
        lambda d, f: files.shapefile_zip(d, f),
        lambda d, f: files.gpkg(d, f),
        lambda d, f: files.geojson(d, f),
        lambda d, f: files.kml(d, f),
        lambda d, f: files.kmz(d, f),
        lambda d, f: files.csv_lonlat(d, f),
        lambda d, f: files.csv_lonlat(d, f, sep=";", encoding="utf-8-sig"),
    ],
    ids=["shapefile", "gpkg", "geojson", "kml", "kmz", "csv", "csv-semicolon-bom"],
)
def test_each_format_is_previewed_then_applied(layer, gisadmin, tmp_path, build):
    frame = files.shelters_frame(3)
    job = preview(layer, gisadmin, build(tmp_path, frame))
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["count"] == 3 and job.preview["valid"] == 3
    assert job.preview["geometry_types"] == {"Point": 3}
    # KML keeps the name as the placemark's <name> (GDAL reads it back as "Name").
    assert (
        job.preview["mapping"]["name"].lower() == "name" and job.preview["mapping"]["capacity"] == "capacity"
    )
    assert job.preview["sample"]["features"][0]["properties"]["name"] == "Укриття «Ліцей № 1»"
    assert Feature.objects.filter(layer=layer).count() == 0  # the preview changes nothing
    job = apply(job, gisadmin)
    assert job.status == Status.DONE, job.message
    assert job.report["result"]["created"] == 3
    assert names(layer) == sorted(frame["name"])
    second = Feature.objects.get(layer=layer, properties__name="Підвал вул. Миру, 9")
    assert second.properties == {"name": "Підвал вул. Миру, 9", "kind": "basement", "capacity": 60}
    assert second.geometry.equals_exact(Point(files.CENTRE[0] + 0.001, files.CENTRE[1] + 0.0005), 1e-6)
    record = second.history.get()
    assert record.history_type == "+" and record.history_user == gisadmin
    assert record.history_change_reason.startswith(f"import #{job.pk} (append)")


def test_csv_with_wkt_polygons(gisadmin, tmp_path):
    zones = make_layer(gisadmin, slug="zones", geometry_type="polygon")
    job = apply(preview(zones, gisadmin, files.csv_wkt(tmp_path, files.zones_frame())), gisadmin)
    assert job.status == Status.DONE, job.message
    assert names(zones) == ["Метелик", "Сквер"]


def test_cp1251_shapefile_with_cpg_keeps_cyrillic(layer, gisadmin, tmp_path):
    job = preview(layer, gisadmin, files.shapefile_zip(tmp_path, files.shelters_frame(3), encoding="CP1251"))
    assert job.preview["encoding"] == "cp1251" and job.preview["encoding_source"] == "cpg"
    apply(job, gisadmin)
    assert "Укриття «Ліцей № 1»" in names(layer)


def test_without_cpg_the_encoding_is_guessed_and_the_person_chooses(layer, gisadmin, tmp_path):
    path = files.shapefile_zip(tmp_path, files.shelters_frame(3), encoding="CP1251", cpg=False, ldid=0)
    job = preview(layer, gisadmin, path)
    assert job.status == Status.PREVIEW
    assert job.preview["encoding"] == "cp1251" and job.preview["encoding_source"] == "guess"
    assert job.preview["sample"]["features"][0]["properties"]["name"] == "Укриття «Ліцей № 1»"
    # Choosing UTF-8 for a cp1251 file: refused with a reason, not garbage in the layer.
    job = import_job_preview(
        job_id=import_job_reconfigure(job=job, actor=gisadmin, options={"encoding": "utf-8"}).pk
    )
    assert job.status == Status.REFUSED and "UTF-8" in job.message
    job = import_job_preview(
        job_id=import_job_reconfigure(job=job, actor=gisadmin, options={"encoding": "cp1251"}).pk
    )
    assert job.preview["encoding_source"] == "user"
    apply(job, gisadmin)
    assert "Підвал вул. Миру, 9" in names(layer)


def test_utf8_shapefile_without_cpg_is_guessed_as_utf8(layer, gisadmin, tmp_path):
    job = preview(layer, gisadmin, files.shapefile_zip(tmp_path, files.shelters_frame(2), cpg=False, ldid=0))
    assert job.preview["encoding"] == "utf-8" and job.preview["encoding_source"] == "guess"


def test_utm_shapefile_is_reprojected_to_wgs84(layer, gisadmin, tmp_path):
    frame = files.shelters_frame(3)
    job = preview(layer, gisadmin, files.shapefile_zip(tmp_path, frame.to_crs(32636)))
    assert job.preview["crs"] == "EPSG:32636"
    apply(job, gisadmin)
    feature = Feature.objects.get(layer=layer, properties__name="Сховище ЗОШ № 4")
    assert feature.geometry.srid == 4326
    assert feature.geometry.equals_exact(Point(files.CENTRE[0] + 0.002, files.CENTRE[1] + 0.001), 1e-7)


def test_missing_prj_is_refused_unless_the_crs_is_stated(layer, gisadmin, tmp_path):
    path = files.shapefile_zip(tmp_path, files.shelters_frame(2).to_crs(32636), prj=False)
    job = preview(layer, gisadmin, path)
    assert job.status == Status.REFUSED and ".prj" in job.message
    job = preview(layer, gisadmin, path, options={"crs": "EPSG:32636"})
    assert job.status == Status.PREVIEW and job.preview["crs_stated"] is True
    apply(job, gisadmin)
    assert Feature.objects.get(layer=layer, properties__name="Укриття «Ліцей № 1»").geometry.equals_exact(
        Point(*files.CENTRE), 1e-7
    )


def test_invalid_polygons_are_repaired_and_reported(gisadmin, tmp_path):
    zones = make_layer(gisadmin, slug="zones", geometry_type="polygon")
    job = preview(zones, gisadmin, files.geojson(tmp_path, files.zones_frame()))
    assert job.preview["repaired_count"] == 1
    row, reason = job.preview["repaired"][0]
    assert row == 2 and "Self-intersection" in reason
    apply(job, gisadmin)
    bowtie = Feature.objects.get(layer=zones, properties__name="Метелик")
    assert bowtie.geometry.valid and bowtie.geometry.geom_type == "MultiPolygon"


def bad_rows_file(tmp_path):
    x, y = files.CENTRE
    return files.feature_collection(
        tmp_path,
        [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"name": "Добре", "capacity": 10},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"name": "", "capacity": 10},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"name": "Б", "capacity": "багато"},
            },
            {"type": "Feature", "geometry": None, "properties": {"name": "Без точки"}},
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[x, y], [x + 0.001, y]]},
                "properties": {"name": "Лінія"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"name": "Тип", "kind": "castle"},
            },
        ],
    )


def test_bad_rows_are_listed_with_row_field_and_reason_and_block_the_import(layer, gisadmin, tmp_path):
    job = preview(layer, gisadmin, bad_rows_file(tmp_path))
    errors = {(e["row"], e["field"]) for e in job.report["errors"]}
    assert errors == {(2, "name"), (3, "capacity"), (4, "geometry"), (5, "geometry"), (6, "kind")}
    reasons = {e["field"]: e["reason"] for e in job.report["errors"]}
    assert reasons["name"] == "is required" or "обов" in reasons["name"]
    with pytest.raises(ImportRejected) as refused:
        import_job_request_apply(job=job, actor=gisadmin, mode="append")
    assert len(refused.value.rows) == 5
    assert Feature.objects.filter(layer=layer).count() == 0
    job.refresh_from_db()
    job = apply(job, gisadmin, skip=True)
    assert job.status == Status.DONE and names(layer) == ["Добре"]
    assert job.report["skipped_rows"] == 5


def test_upsert_by_key_updates_in_place_and_adds_the_rest(layer, gisadmin, tmp_path):
    apply(preview(layer, gisadmin, files.geojson(tmp_path, files.shelters_frame(3))), gisadmin)
    before = {f.properties["name"]: f for f in Feature.objects.filter(layer=layer)}
    frame = files.shelters_frame(4)
    frame.loc[1, "capacity"] = 999
    job = apply(
        preview(layer, gisadmin, files.geojson(tmp_path, frame, "v2.geojson")),
        gisadmin,
        mode="upsert",
        key="name",
    )
    assert job.report["result"] == {"created": 1, "updated": 1, "unchanged": 2, "deleted": 0}
    changed = Feature.objects.get(pk=before["Підвал вул. Миру, 9"].pk)
    assert changed.properties["capacity"] == 999 and changed.version == 2
    assert changed.history.count() == 2
    assert Feature.objects.get(pk=before["Укриття «Ліцей № 1»"].pk).version == 1
    assert Feature.objects.live().filter(layer=layer).count() == 4


def test_upsert_with_repeated_keys_asks_again_and_changes_nothing(layer, gisadmin, tmp_path):
    frame = files.shelters_frame(3)
    frame.loc[2, "name"] = frame.loc[0, "name"]
    job = apply(preview(layer, gisadmin, files.geojson(tmp_path, frame)), gisadmin, mode="upsert", key="name")
    assert job.status == Status.PREVIEW and "repeated" in job.message or "повтор" in job.message
    assert job.report["key_errors"][0]["row"] == 3
    assert Feature.objects.filter(layer=layer).count() == 0
    job = apply(job, gisadmin, mode="upsert", key="name", skip=True)
    assert job.status == Status.DONE and job.report["result"]["created"] == 2


def test_replace_deletes_softly_and_the_old_features_can_be_restored(layer, gisadmin, tmp_path):
    from gis_layers.services import feature_restore

    apply(preview(layer, gisadmin, files.geojson(tmp_path, files.shelters_frame(3))), gisadmin)
    old = Feature.objects.filter(layer=layer).order_by("id").first()
    job = apply(
        preview(layer, gisadmin, files.geojson(tmp_path, files.shelters_frame(5).iloc[3:], "v2.geojson")),
        gisadmin,
        mode="replace",
    )
    assert job.report["result"]["deleted"] == 3 and job.report["result"]["created"] == 2
    assert names(layer) == ["Метро-2", "Паркінг ТРЦ"]
    old.refresh_from_db()
    assert old.deleted_at is not None
    feature_restore(feature=old, actor=gisadmin)
    assert "Укриття «Ліцей № 1»" in names(layer)


def test_columns_are_mapped_by_title_and_by_choice(layer, gisadmin, tmp_path):
    frame = files.shelters_frame(2).rename(columns={"name": "Назва", "capacity": "people"})
    job = preview(layer, gisadmin, files.geojson(tmp_path, frame))
    assert job.preview["mapping"]["name"] == "Назва" and job.preview["mapping"]["capacity"] == ""
    assert "people" in job.preview["unmapped_columns"]
    job = import_job_preview(
        job_id=import_job_reconfigure(
            job=job, actor=gisadmin, options={"mapping": {"name": "Назва", "capacity": "people"}}
        ).pk
    )
    apply(job, gisadmin)
    assert (
        Feature.objects.get(layer=layer, properties__name="Підвал вул. Миру, 9").properties["capacity"] == 60
    )


# -- refusals: each with a message, and the layer unchanged ----------------------------------


def refused_preview(layer, actor, path, name=None):
    job = preview(layer, actor, path, name=name)
    assert job.status == Status.REFUSED, job.preview
    assert Feature.objects.filter(layer=layer).count() == 0
    return job.message


def test_files_over_the_size_limit_are_refused(layer, gisadmin, tmp_path, settings):
    settings.MISTO_IMPORT_MAX_BYTES = 1000
    path = files.geojson(tmp_path, files.shelters_frame(40))
    with pytest.raises(ImportRefused, match="limit"):
        preview(layer, gisadmin, path)
    assert ImportJob.objects.count() == 0


def test_zip_bomb_is_refused(layer, gisadmin, tmp_path):
    assert "zip bomb" in refused_preview(layer, gisadmin, files.zip_bomb(tmp_path))


def test_zip_bomb_by_total_size_is_refused(layer, gisadmin, tmp_path, settings):
    settings.MISTO_IMPORT_MAX_UNPACKED_BYTES = 1024
    message = refused_preview(layer, gisadmin, files.shapefile_zip(tmp_path, files.shelters_frame(30)))
    assert "unpack" in message


def test_paths_escaping_the_folder_are_refused(layer, gisadmin, tmp_path):
    message = refused_preview(layer, gisadmin, files.escaping_zip(tmp_path, files.shelters_frame(2)))
    assert "leaves its folder" in message
    assert not (tmp_path.parent / "inner.shp").exists()


@pytest.mark.parametrize("missing", [".dbf", ".shx"])
def test_shapefile_without_its_sidecars_is_refused(layer, gisadmin, tmp_path, missing):
    path = files.shapefile_zip(tmp_path, files.shelters_frame(2), drop=(missing,))
    assert f"shelters{missing}" in refused_preview(layer, gisadmin, path)


@pytest.mark.parametrize(
    "name, match",
    [("data.exe", "cannot be imported"), ("data.shp", "one .zip"), ("data.docx", "cannot be imported")],
)
def test_wrong_extensions_are_refused_before_anything_is_stored(layer, gisadmin, tmp_path, name, match):
    path = tmp_path / name
    path.write_bytes(b"hello")
    with pytest.raises(ImportRefused, match=match):
        preview(layer, gisadmin, path)
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("shelters.geojson", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a GeoJSON"),
        ("shelters.gpkg", b"name,lon,lat\nx,1,2\n", "not a GeoPackage"),
        ("shelters.zip", b"this is not an archive at all", "not a ZIP"),
        ("shelters.kml", b'{"type": "FeatureCollection"}', "not a KML"),
        ("shelters.csv", b"\x00\x01\x02binary", "not a CSV"),
        ("shelters.kmz", b"<kml></kml>", "not a KMZ"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(layer, gisadmin, tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    assert match in refused_preview(layer, gisadmin, path)


def test_sqlite_that_is_not_a_geopackage_is_refused(layer, gisadmin, tmp_path):
    import sqlite3

    path = tmp_path / "db.gpkg"
    sqlite3.connect(path).execute("create table t (a)").connection.commit()
    assert "not a GeoPackage" in refused_preview(layer, gisadmin, path)


def test_zip_with_other_files_or_nested_archives_is_refused(layer, gisadmin, tmp_path):
    nested = files.zip_of(tmp_path, "nested.zip", {"inner.zip": b"PK\x03\x04xx"})
    assert "another archive" in refused_preview(layer, gisadmin, nested)
    script = files.zip_of(tmp_path, "script.zip", {"run.sh": b"rm -rf /", "a.shp": b"x"})
    assert "not geodata" in refused_preview(layer, gisadmin, script)


def test_damaged_file_is_refused_with_a_reason(layer, gisadmin, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [ {"type": "Feat', encoding="utf-8")
    assert "cannot be read" in refused_preview(layer, gisadmin, path)


def test_csv_without_coordinates_is_refused(layer, gisadmin, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name,address\nA,B\n", encoding="utf-8")
    assert "no coordinates" in refused_preview(layer, gisadmin, path)


def test_only_gis_admins_import(layer, editor, tmp_path):
    from django.core.exceptions import PermissionDenied

    layer.editors.add(editor)
    with pytest.raises(PermissionDenied):
        preview(layer, editor, files.geojson(tmp_path, files.shelters_frame(1)))


def test_refusals_speak_ukrainian_by_default(layer, gisadmin, tmp_path):
    from django.utils import translation

    with translation.override("uk"):
        job = preview(layer, gisadmin, files.zip_bomb(tmp_path))
    assert job.status == Status.REFUSED and "zip-бомбу" in job.message


def test_previews_nobody_applied_expire_with_their_staging_tables(layer, gisadmin, tmp_path):
    import datetime

    from django.utils import timezone

    from gis_layers.importers.staging import staging_exists

    job = preview(layer, gisadmin, files.geojson(tmp_path, files.shelters_frame(2)))
    assert staging_exists(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    preview(layer, gisadmin, files.geojson(tmp_path, files.shelters_frame(2), "again.geojson"))
    job.refresh_from_db()
    assert job.status == Status.DISCARDED and not staging_exists(job.pk)
