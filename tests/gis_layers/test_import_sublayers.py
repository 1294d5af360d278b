"""Imports that respect the file (issue 19): the right sublayer of a GeoPackage or the right
folder of a KML/KMZ, columns mapped by name after every switch, reserved column names renamed,
text kept exactly as written, and "nothing fits" failing without touching the layer. The files
are written by each test with GDAL (pyogrio) or by hand (KML folders)."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import jsonschema
import pyogrio
import pytest
from shapely.geometry import Point, Polygon

from gis_layers.models import Feature, ImportJob
from gis_layers.schema import FieldSpec
from gis_layers.services import feature_create
from tests.gis_layers.conftest import make_layer, square
from tests.gis_layers.test_import import apply, preview

Status = ImportJob.Status
X, Y = 33.638, 49.0105
ZONE_FIELDS = [FieldSpec("name", "Назва", "Name", "string"), FieldSpec("area_code", "Код", "Code", "string")]


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _box(i: int) -> Polygon:
    x = X + 0.003 * i
    return Polygon([(x, Y), (x + 0.002, Y), (x + 0.002, Y + 0.002), (x, Y + 0.002)])


def city_package(tmp_path):
    """A GeoPackage like city IT's open data: a point table first, the polygons second."""
    path = tmp_path / "city.gpkg"
    stops = gpd.GeoDataFrame({"stop_name": ["A", "B"]}, geometry=[Point(X, Y), Point(X + 0.001, Y)], crs=4326)
    zones = gpd.GeoDataFrame(
        {"Name": [f"Зона {i}" for i in range(3)], "Area Code": ["Z-1", "Z-2", "Z-3"]},
        geometry=[_box(i) for i in range(3)],
        crs=4326,
    )
    pyogrio.write_dataframe(stops, path, layer="stops", driver="GPKG")
    pyogrio.write_dataframe(zones, path, layer="zones", driver="GPKG", append=True)
    return path


KML_FOLDERS = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Транспорт</name>
<Folder><name>Маршрути</name>
 <Placemark><name>Маршрут 1</name><LineString><coordinates>{x},{y} {x2},{y2}</coordinates></LineString></Placemark>
</Folder>
<Folder><name>Зупинки</name>
 <Placemark><name>Зупинка 1</name><Point><coordinates>{x},{y}</coordinates></Point></Placemark>
 <Placemark><name>Зупинка 2</name><Point><coordinates>{x2},{y}</coordinates></Point></Placemark>
</Folder>
<Folder><name>Усе разом</name>
 <Placemark><name>Точка</name><Point><coordinates>{x},{y}</coordinates></Point></Placemark>
 <Placemark><name>Лінія</name><LineString><coordinates>{x},{y} {x2},{y2}</coordinates></LineString></Placemark>
</Folder>
</Document></kml>
""".format(x=X, y=Y, x2=X + 0.002, y2=Y + 0.001)


def kml_with_folders(tmp_path, kmz=False):
    doc = tmp_path / ("doc.kml" if kmz else "transport.kml")
    doc.write_text(KML_FOLDERS, encoding="utf-8")
    if not kmz:
        return doc
    path = tmp_path / "transport.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(doc, "doc.kml")
    return path


@pytest.fixture
def zones(gisadmin):
    return make_layer(gisadmin, slug="zones", geometry_type="polygon", fields=ZONE_FIELDS, style={})


# -- sublayers -----------------------------------------------------------------------------------


def test_a_geopackage_opens_at_the_first_table_that_fits_the_layer_with_columns_mapped(
    zones, gisadmin, tmp_path
):
    job = preview(zones, gisadmin, city_package(tmp_path))
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["layer"] == "zones" and job.preview["geometry_types"] == {"Polygon": 3}
    assert job.preview["sublayers"] == [
        {"name": "stops", "geometry": "Point", "count": 2},
        {"name": "zones", "geometry": "Polygon", "count": 3},
    ]
    # "Name" and "Area Code" fill name and area_code (case and spaces do not matter).
    assert job.preview["mapping"] == {"name": "Name", "area_code": "Area Code"}
    job = apply(job, gisadmin)
    assert job.status == Status.DONE
    stored = sorted(f.properties["area_code"] for f in Feature.objects.live().filter(layer=zones))
    assert stored == ["Z-1", "Z-2", "Z-3"]


def test_switching_the_sublayer_on_the_page_maps_the_new_columns_by_name(
    zones, gisadmin, client, tmp_path, django_capture_on_commit_callbacks
):
    # The reported case: the preview showed the point table, where no column fits; the page
    # then posted that (empty) mapping along with the switch to the polygons.
    job = preview(zones, gisadmin, city_package(tmp_path), options={"source_layer": "stops"})
    assert job.preview["layer"] == "stops" and job.preview["mapping"] == {"name": "", "area_code": ""}
    client.force_login(gisadmin)
    url = f"/staff/layers/zones/import/{job.pk}/"
    page = client.get(url).content.decode()
    # The page speaks Ukrainian by default.
    assert "stops — Point, об’єктів: 2" in page and "zones — Polygon, об’єктів: 3" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "reconfigure", "source_layer": "zones", "map_name": "", "map_area_code": ""}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["layer"] == "zones"
    assert job.preview["mapping"] == {"name": "Name", "area_code": "Area Code"}
    assert job.preview["unmapped_columns"] == []
    # Without a switch, the person's "not imported" stays their choice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "reconfigure", "source_layer": "zones", "map_name": "Name", "map_area_code": ""}
        )
    job.refresh_from_db()
    assert job.preview["mapping"] == {"name": "Name", "area_code": ""}


@pytest.mark.parametrize("kmz", [False, True], ids=["kml", "kmz"])
def test_kml_folders_are_previewed_one_at_a_time(gisadmin, tmp_path, kmz):
    stops = make_layer(
        gisadmin, slug="stops", fields=[FieldSpec("name", "Назва", "Name", "string")], style={}
    )
    routes = make_layer(
        gisadmin,
        slug="routes",
        geometry_type="line",
        fields=[FieldSpec("name", "Назва", "Name", "string")],
        style={},
    )
    path = kml_with_folders(tmp_path, kmz=kmz)
    job = preview(stops, gisadmin, path)
    assert job.status == Status.PREVIEW, job.message
    assert [(s["name"], s["geometry"], s["count"]) for s in job.preview["sublayers"]] == [
        ("Маршрути", "LineString", 1),
        ("Зупинки", "Point", 2),
        ("Усе разом", "Point, LineString", 2),
    ]
    # The point layer opens at the folder of points only: no line mixed in.
    assert job.preview["layer"] == "Зупинки" and job.preview["geometry_types"] == {"Point": 2}
    assert job.report["bad_rows"] == 0
    names = [f["properties"]["name"] for f in job.preview["sample"]["features"]]
    assert names == ["Зупинка 1", "Зупинка 2"]
    line_job = preview(routes, gisadmin, path)
    assert line_job.preview["layer"] == "Маршрути" and line_job.preview["geometry_types"] == {"LineString": 1}


def test_a_mixed_kml_folder_into_a_point_layer_gives_row_errors_not_mixing(gisadmin, tmp_path):
    stops = make_layer(
        gisadmin, slug="stops", fields=[FieldSpec("name", "Назва", "Name", "string")], style={}
    )
    job = preview(stops, gisadmin, kml_with_folders(tmp_path), options={"source_layer": "Усе разом"})
    assert job.preview["layer"] == "Усе разом"
    assert job.preview["count"] == 2 and job.preview["valid"] == 1
    assert job.report["errors"] == [
        {"row": 2, "field": "geometry", "reason": "is a LineString; this layer holds points"}
    ]


# -- reserved names and exact text ---------------------------------------------------------------


def _geojson(tmp_path, features, name="data.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def _feature(properties, x=X, y=Y):
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [x, y]}}


def test_a_column_named_id_is_read_as_source_id_and_the_page_says_so(gisadmin, client, tmp_path):
    layer = make_layer(
        gisadmin,
        slug="stops",
        fields=[
            FieldSpec("source_id", "Код джерела", "Source id", "string"),
            FieldSpec("name", "Назва", "Name", "string"),
        ],
        style={},
    )
    path = _geojson(tmp_path, [_feature({"id": "S-17", "ID_1": "x", "name": "Ринок"})])
    job = preview(layer, gisadmin, path)
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["renamed"] == {"id": "source_id"}
    assert job.preview["mapping"] == {"source_id": "source_id", "name": "name"}
    client.force_login(gisadmin)
    page = client.get(f"/staff/layers/stops/import/{job.pk}/").content.decode()
    assert "Стовпець «id» прочитано як «source_id»" in page
    apply(job, gisadmin)
    assert Feature.objects.live().get(layer=layer).properties == {"source_id": "S-17", "name": "Ринок"}


def test_text_is_kept_exactly_and_an_empty_text_is_not_null(gisadmin, tmp_path):
    layer = make_layer(
        gisadmin,
        slug="timetables",
        fields=[
            FieldSpec("name", "Назва", "Name", "string", required=True),
            FieldSpec("times", "Розклад", "Times", "text"),
            FieldSpec("kind", "Тип", "Kind", "string", choices=["bus", "tram"]),
        ],
        style={},
    )
    path = _geojson(
        tmp_path,
        [
            _feature({"name": "  Ринок ", "times": " 06:10\n 06:40 ", "kind": "bus "}),
            _feature({"name": "Школа", "times": "", "kind": ""}),
            _feature({"name": "Парк", "times": None}),
        ],
    )
    job = preview(layer, gisadmin, path)
    assert job.report["bad_rows"] == 0, job.report["errors"]
    sample = [f["properties"] for f in job.preview["sample"]["features"]]
    assert sample[0]["name"] == "  Ринок " and sample[1]["times"] == ""
    apply(job, gisadmin)
    stored = [f.properties for f in Feature.objects.live().filter(layer=layer).order_by("id")]
    assert stored == [
        {"name": "  Ринок ", "times": " 06:10\n 06:40 ", "kind": "bus"},
        {"name": "Школа", "times": ""},
        {"name": "Парк"},
    ]
    validator = jsonschema.Draft202012Validator(layer.schema)
    assert all(validator.is_valid(p) for p in stored)


def test_csv_text_keeps_its_spaces_and_empty_cells_stay_empty_text(gisadmin, tmp_path):
    layer = make_layer(
        gisadmin,
        slug="timetables",
        fields=[
            FieldSpec("name", "Назва", "Name", "string"),
            FieldSpec("capacity", "Місць", "Seats", "integer"),
        ],
        style={},
    )
    path = tmp_path / "stops.csv"
    path.write_text(f'name,capacity,lon,lat\n" Ринок  ",,{X},{Y}\n,12,{X},{Y}\n', encoding="utf-8")
    job = preview(layer, gisadmin, path)
    assert job.report["bad_rows"] == 0, job.report["errors"]
    apply(job, gisadmin)
    stored = [f.properties for f in Feature.objects.live().filter(layer=layer).order_by("id")]
    assert stored == [{"name": " Ринок  "}, {"name": "", "capacity": 12}]


def test_a_required_text_field_still_refuses_an_empty_text(gisadmin, tmp_path):
    layer = make_layer(
        gisadmin, slug="named", fields=[FieldSpec("name", "Назва", "Name", "string", required=True)], style={}
    )
    job = preview(layer, gisadmin, _geojson(tmp_path, [_feature({"name": ""}), _feature({"name": " "})]))
    assert job.report["errors"] == [{"row": 1, "field": "name", "reason": "is required"}]


# -- nothing fits ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_applying_when_no_row_fits_fails_and_leaves_the_layer_untouched(zones, gisadmin, tmp_path, mode):
    kept = feature_create(layer=zones, actor=gisadmin, geometry=square(), properties={"name": "Стара зона"})
    points = gpd.GeoDataFrame(
        {"name": [f"Точка {i}" for i in range(1200)]},
        geometry=[Point(X + 0.00001 * i, Y) for i in range(1200)],
        crs=4326,
    )
    path = tmp_path / "points.gpkg"
    pyogrio.write_dataframe(points, path, layer="points", driver="GPKG")
    job = preview(zones, gisadmin, path)
    assert job.preview["valid"] == 0 and job.report["bad_rows"] == 1200
    job = apply(job, gisadmin, mode=mode, skip=True)
    assert job.status == Status.FAILED
    assert job.message.startswith("None of the 1,200 rows fit the layer")
    assert "geometry is a Point; this layer holds polygons (1,200 rows)" in job.message
    assert list(Feature.objects.live().filter(layer=zones)) == [kept]
    kept.refresh_from_db()
    assert kept.version == 1 and kept.properties == {"name": "Стара зона"}
