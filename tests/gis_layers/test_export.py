"""Downloads in every format: attribute names and CRS stated, refused for staff-only layers to
others, and round trips — export, import into a new layer — keeping geometry and attributes."""

from __future__ import annotations

import io
import zipfile

import pyogrio
import pytest
from django.contrib.auth.models import User

from gis_layers.exporters import FORMATS, export_layer
from gis_layers.models import Feature
from gis_layers.services import feature_create
from gis_layers.services.imports import (
    import_job_apply,
    import_job_create,
    import_job_preview,
    import_job_request_apply,
)
from tests.gis_layers.conftest import SHELTER_FIELDS, make_layer, point, square


@pytest.fixture
def rich(gisadmin):
    """Points with every field type, Cyrillic text, an empty value and a far-off coordinate."""
    layer = make_layer(gisadmin, slug="rich")
    values = [
        {
            "name": "Укриття «Ліцей № 1»",
            "kind": "shelter",
            "capacity": 450,
            "accessible": True,
            "checked": "2025-03-31",
        },
        {"name": "Підвал, вул. Миру 9; кв. «А»", "kind": "basement", "capacity": 60, "accessible": False},
        {"name": 'Без типу, з комою, і "лапками"'},
    ]
    for i, props in enumerate(values):
        feature_create(
            layer=layer, actor=gisadmin, geometry=point(i * 0.00123, -i * 0.00077), properties=props
        )
    return layer


def roundtrip(layer, actor, fmt, tmp_path, slug):
    path = export_layer(layer, fmt, tmp_path)
    target = make_layer(actor, slug=slug, geometry_type=layer.geometry_type, fields=layer.fields)
    job = import_job_create(layer=target, actor=actor, upload=path, original_name=path.name)
    job = import_job_preview(job_id=job.pk)
    assert job.status == "preview", job.message
    assert job.report["error_count"] == 0, job.report["errors"]
    import_job_request_apply(job=job, actor=actor, mode="append")
    assert import_job_apply(job_id=job.pk).status == "done"
    return target


def shape(geometry):
    """Normalised (ring start and orientation, part order) and single parts unwrapped:
    shapefiles turn rings clockwise and GeoPackage promotes a layer's polygons to multipolygons."""
    import shapely

    g = shapely.normalize(shapely.from_wkb(bytes(geometry.wkb)))
    parts = shapely.get_parts(g)
    return parts[0] if len(parts) == 1 else g


def same_features(a, b):
    left = sorted(Feature.objects.live().filter(layer=a), key=lambda f: f.properties["name"])
    right = sorted(Feature.objects.live().filter(layer=b), key=lambda f: f.properties["name"])
    assert [f.properties for f in left] == [f.properties for f in right]
    for x, y in zip(left, right, strict=True):
        assert shape(x.geometry).equals_exact(shape(y.geometry), 1e-7), (x.geometry.wkt, y.geometry.wkt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_keeps_geometry_and_attributes(rich, gisadmin, tmp_path, fmt):
    copy = roundtrip(rich, gisadmin, fmt, tmp_path, f"copy-{fmt}")
    same_features(rich, copy)


@pytest.mark.parametrize("fmt", ["shp", "gpkg", "geojson"])
def test_polygon_round_trip(gisadmin, tmp_path, fmt):
    zones = make_layer(gisadmin, slug="zones", geometry_type="polygon", fields=SHELTER_FIELDS[:2])
    feature_create(layer=zones, actor=gisadmin, geometry=square(), properties={"name": "Сквер"})
    from django.contrib.gis.geos import MultiPolygon

    two = MultiPolygon(square(0.01), square(0.02), srid=4326)
    feature_create(layer=zones, actor=gisadmin, geometry=two, properties={"name": "Два сквери"})
    copy = roundtrip(zones, gisadmin, fmt, tmp_path, f"zones-{fmt}")
    same_features(zones, copy)


def test_shapefile_zip_states_names_crs_and_encoding(rich, tmp_path):
    path = export_layer(rich, "shp", tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"rich.shp", "rich.shx", "rich.dbf", "rich.prj", "rich.cpg", "README.txt"} <= names
        assert archive.read("rich.cpg").decode().strip().upper() in ("UTF-8", "65001")
        readme = archive.read("README.txt").decode("utf-8")
        assert "EPSG:4326" in readme and "accessible" in readme and "Місткість" in readme
        assert "WGS" in archive.read("rich.prj").decode()


def test_long_field_names_are_cut_for_dbase_and_explained(gisadmin, tmp_path):
    from gis_layers.schema import FieldSpec

    layer = make_layer(
        gisadmin,
        slug="long",
        fields=[
            FieldSpec("name", "Назва"),
            FieldSpec("responsible_person", "Відповідальний"),
            FieldSpec("responsible_phone", "Телефон"),
        ],
    )
    feature_create(
        layer=layer,
        actor=gisadmin,
        geometry=point(),
        properties={"name": "A", "responsible_person": "Б", "responsible_phone": "1"},
    )
    path = export_layer(layer, "shp", tmp_path)
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.txt").decode()
    assert "responsib (responsible_person)" in readme or "responsibl (responsible_person)" in readme
    assert "responsible_phone" in readme


def test_gpkg_states_its_crs(rich, tmp_path):
    info = pyogrio.read_info(export_layer(rich, "gpkg", tmp_path))
    assert info["crs"] == "EPSG:4326" and "capacity" in list(info["fields"])


def test_download_view_sends_the_file_with_its_crs(city, client):
    response = client.get("/layers/shelters/download.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    assert 'attachment; filename="shelters.geojson"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert b"FeatureCollection" in body
    shp = client.get("/layers/green-zones/download.shp")
    with zipfile.ZipFile(io.BytesIO(b"".join(shp.streaming_content))) as archive:
        assert "green-zones.cpg" in archive.namelist()
    assert client.get("/layers/shelters/download.exe").status_code == 404


def test_downloads_are_written_once_per_data_version(city, client, settings):
    from gis_layers.models import Layer
    from gis_layers.services import feature_create

    first = b"".join(client.get("/layers/green-zones/download.gpkg").streaming_content)
    cached = list(settings.MISTO_EXPORT_CACHE_DIR.rglob("*.gpkg"))
    assert len(cached) == 1
    assert b"".join(client.get("/layers/green-zones/download.gpkg").streaming_content) == first
    admin = User.objects.get(username="gisadmin")
    layer = Layer.objects.get(slug="green-zones")
    feature_create(
        layer=layer, actor=admin, geometry=square(), properties={"name": "Новий сквер", "kind": "сквер"}
    )
    b"".join(client.get("/layers/green-zones/download.gpkg").streaming_content)
    again = list(settings.MISTO_EXPORT_CACHE_DIR.rglob("*.gpkg"))
    assert len(again) == 1 and again != cached  # the new version replaced the old file
    import pyogrio

    assert pyogrio.read_info(again[0])["features"] == 15


@pytest.mark.parametrize("who", [None, "resident"])
def test_staff_only_layer_downloads_are_refused(city, client, who):
    if who:
        client.force_login(User.objects.get(username=who))
    assert client.get("/layers/snow-routes/download.geojson").status_code == 404
    assert client.get("/layers/snow-routes/").status_code == 404


def test_staff_download_staff_only_layers_privately(city, client):
    client.force_login(User.objects.get(username="dispatcher"))
    response = client.get("/layers/snow-routes/download.csv")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("WKT,id,route")
