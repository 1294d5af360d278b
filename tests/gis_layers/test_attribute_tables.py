"""Attribute tables (issue 19): layers without geometry imported from CSV, XLSX, ODS, DBF and a
GeoPackage's attribute table, joined to a spatial layer by a key (one-to-one and one-to-many),
and shown — to those who may see the table, and to nobody else — in the feature API the popup
and the editor read, the exports and the OGC API (joined properties, and the table itself as a
collection of records)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from gis_layers.models import Feature, ImportJob, Layer, LayerJoin
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


@pytest.mark.parametrize(
    "build", [tables.streets_csv, tables.streets_xlsx, tables.streets_ods, tables.city_gpkg]
)
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


def test_a_dbf_alone_goes_into_a_table_but_not_into_a_map_layer(gisadmin, tmp_path):
    table = tables.streets_table(gisadmin)
    job = apply(preview(table, gisadmin, tables.streets_dbf(tmp_path)), gisadmin)
    assert job.status == Status.DONE, job.message
    assert stored(table)[0] == {"code": "001", "name": "вул. Миру", "district": "Центр"}, (
        job.preview
    )  # cp1251 guessed
    houses = tables.houses_layer(gisadmin)
    refused = preview(
        houses,
        gisadmin,
        tables.streets_dbf(tmp_path / "again") if (tmp_path / "again").mkdir() is None else None,
    )
    assert refused.status == Status.REFUSED and "attributes only" in refused.message
    assert not Feature.objects.filter(layer=houses).exists()


def test_the_sheet_is_chosen_by_its_columns_and_can_be_switched(gisadmin, tmp_path):
    from gis_layers.services.imports import import_job_preview, import_job_reconfigure

    table = tables.streets_table(gisadmin)
    job = preview(table, gisadmin, tables.streets_xlsx(tmp_path))
    assert job.preview["layer"] == "Вулиці"
    assert [s["name"] for s in job.preview["sublayers"]] == ["Примітки", "Вулиці"]
    import_job_reconfigure(job=job, actor=gisadmin, options={"source_layer": "Примітки"})
    job = import_job_preview(job_id=job.pk)
    assert job.preview["layer"] == "Примітки" and job.preview["mapping"]["code"] == ""
    assert job.report["errors"][0] == {"row": 1, "field": "code", "reason": "is required"}


def test_a_sheet_with_coordinates_fills_a_point_layer(gisadmin, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Примітки"
    sheet = book.create_sheet("Будинки")
    sheet.append(["number", "street_ref", "lon", "lat"])
    sheet.append(["1", "001", "33,638", "49,0105"])
    sheet.append(["3А", "002", 33.639, 49.011])
    sheet.append(["5", "003", "", ""])
    book.save(tmp_path / "houses.xlsx")
    houses = tables.houses_layer(gisadmin)
    job = preview(houses, gisadmin, tmp_path / "houses.xlsx")
    assert job.status == Status.PREVIEW, job.message
    assert job.preview["layer"] == "Будинки" and job.preview["valid"] == 2
    assert job.report["errors"] == [{"row": 3, "field": "geometry", "reason": "has no geometry"}]


def test_table_rows_with_bad_values_are_named_by_row_and_field_and_nothing_fitting_changes_nothing(
    gisadmin, tmp_path
):
    flats = tables.flats_table(gisadmin)
    path = tmp_path / "flats.csv"
    path.write_text("house,flat,rooms\n1,1,2\n1,два,3\n,3,1\n", encoding="utf-8")
    job = preview(flats, gisadmin, path)
    assert job.report["errors"] == [
        {"row": 2, "field": "flat", "reason": "is not a whole number"},
        {"row": 3, "field": "house", "reason": "is required"},
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("house,flat\n,x\n", encoding="utf-8")
    job = apply(preview(flats, gisadmin, bad), gisadmin, skip=True)
    assert job.status == Status.FAILED and job.message.startswith("None of the 1 rows fit")
    assert not Feature.objects.filter(layer=flats).exists()


# -- joins ----------------------------------------------------------------------------------------


@pytest.fixture
def joined(gisadmin):
    """Houses (public) joined one-to-one to streets (public) and one-to-many to flats (staff)."""
    from gis_layers.services import feature_create, join_create
    from tests.gis_layers.conftest import point

    houses = tables.houses_layer(gisadmin)
    streets = tables.streets_table(gisadmin)
    flats = tables.flats_table(gisadmin, visibility="staff")
    streets_file = tables.streets_csv(Path(tempfile.mkdtemp()))
    assert apply(preview(streets, gisadmin, streets_file), gisadmin).status == Status.DONE
    for house, flat, rooms in [("1", 1, 2), ("1", 2, 3), ("3", 1, 1)]:
        feature_create(
            layer=flats,
            actor=gisadmin,
            geometry=None,
            properties={"house": house, "flat": flat, "rooms": rooms},
        )
    one = feature_create(
        layer=houses, actor=gisadmin, geometry=point(), properties={"number": "1", "street_ref": "002"}
    )
    feature_create(
        layer=houses, actor=gisadmin, geometry=point(0.001), properties={"number": "7", "street_ref": "009"}
    )
    join_create(
        actor=gisadmin,
        layer=houses,
        table=streets,
        layer_field="street_ref",
        table_field="code",
        name="street",
    )
    join_create(
        actor=gisadmin,
        layer=houses,
        table=flats,
        layer_field="number",
        table_field="house",
        cardinality="many",
        name="flats",
    )
    return houses, one


def test_the_feature_api_shows_joined_rows_and_hides_a_staff_table_from_visitors(joined, client, gisadmin):
    houses, one = joined
    url = f"/api/v1/layers/houses/features/{one.pk}/"
    public = client.get(url).json()["joined"]
    assert [j["name"] for j in public] == ["street"]
    assert public[0]["rows"] == [{"code": "002", "name": " просп. Героїв ", "district": ""}]
    assert "Квартири" not in client.get(url).content.decode()
    client.force_login(gisadmin)
    staff = {j["name"]: j for j in client.get(url).json()["joined"]}
    assert staff["flats"]["relation"] == "many"
    assert staff["flats"]["rows"] == [
        {"house": "1", "flat": 1, "rooms": 2},
        {"house": "1", "flat": 2, "rooms": 3},
    ]


def test_ogc_items_carry_joined_properties_to_those_who_may_see_the_table(joined, client, gisadmin):
    houses, one = joined
    items = client.get("/ogcapi/collections/houses/items").json()
    first = next(f for f in items["features"] if f["id"] == one.pk)["properties"]
    assert first["street_name"] == " просп. Героїв " and first["street_district"] == ""
    assert "flats" not in first
    other = next(f for f in items["features"] if f["id"] != one.pk)["properties"]
    assert other["street_name"] is None  # no street 009: null, not ""
    client.force_login(gisadmin)
    response = client.get(f"/ogcapi/collections/houses/items/{one.pk}")
    assert response["Cache-Control"].startswith("private")
    assert [r["flat"] for r in response.json()["properties"]["flats"]] == [1, 2]


def test_a_table_is_a_collection_of_records_without_geometry(joined, client, gisadmin):
    collection = client.get("/ogcapi/collections/streets").json()
    assert collection["itemType"] == "record" and "extent" not in collection
    items = client.get("/ogcapi/collections/streets/items").json()
    assert items["numberMatched"] == 3 and all(f["geometry"] is None for f in items["features"])
    assert items["features"][1]["properties"]["name"] == " просп. Героїв "
    assert client.get("/ogcapi/collections/streets/items?bbox=33,49,34,50").status_code == 400
    # The staff-only table exists for staff only, through every door.
    ids = [c["id"] for c in client.get("/ogcapi/collections").json()["collections"]]
    assert "streets" in ids and "flats" not in ids
    for url in (
        "/ogcapi/collections/flats",
        "/ogcapi/collections/flats/items",
        "/layers/flats/download.csv",
        "/api/v1/layers/flats/",
        "/tiles/layers/flats/14/9632/5607.mvt",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(gisadmin)
    assert client.get("/ogcapi/collections/flats/items").json()["numberMatched"] == 3
    assert client.get("/layers/flats/download.csv").status_code == 200
    assert client.get("/tiles/layers/flats/14/9632/5607.mvt").status_code == 404  # a table has no tiles


def _download(client, url):
    return b"".join(client.get(url).streaming_content)


def test_exports_carry_one_to_one_columns_and_the_related_table_in_a_geopackage(
    joined, client, gisadmin, tmp_path
):
    import pyogrio

    houses, one = joined
    public_csv = _download(client, "/layers/houses/download.csv").decode("utf-8-sig")
    assert "street_name" in public_csv and "flats" not in public_csv
    assert " просп. Героїв " in public_csv  # spaces kept
    client.force_login(gisadmin)
    path = tmp_path / "houses.gpkg"
    path.write_bytes(_download(client, "/layers/houses/download.gpkg"))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["houses", "houses__flats"]
    related = pyogrio.read_dataframe(path, layer="houses__flats", read_geometry=False)
    assert related["number"].tolist() == ["1", "1"] and related["flat"].tolist() == [1, 2]
    frame = pyogrio.read_dataframe(path, layer="houses")
    district = frame["street_district"].tolist()
    assert district[0] == "" and pd.isna(district[1])  # empty text and no value stay apart
    import json

    geojson = json.loads(_download(client, "/layers/houses/download.geojson"))
    props = {f["properties"]["number"]: f["properties"] for f in geojson["features"]}
    assert [r["rooms"] for r in props["1"]["flats"]] == [2, 3] and props["7"]["flats"] == []


def test_a_one_to_one_join_on_a_repeated_key_is_refused_with_the_values(gisadmin):
    from gis_layers.exceptions import InvalidLayer
    from gis_layers.services import feature_create, join_create

    houses = tables.houses_layer(gisadmin)
    flats = tables.flats_table(gisadmin)
    for flat in (1, 2):
        feature_create(layer=flats, actor=gisadmin, geometry=None, properties={"house": "1", "flat": flat})
    with pytest.raises(InvalidLayer, match="repeats in the table .“1”."):
        join_create(actor=gisadmin, layer=houses, table=flats, layer_field="number", table_field="house")
    with pytest.raises(InvalidLayer, match="not a field"):
        join_create(
            actor=gisadmin,
            layer=houses,
            table=flats,
            layer_field="nope",
            table_field="house",
            cardinality="many",
        )


def test_only_gis_admins_join(gisadmin, editor):
    from django.core.exceptions import PermissionDenied

    from gis_layers.services import join_create

    houses, streets = tables.houses_layer(gisadmin), tables.streets_table(gisadmin)
    with pytest.raises(PermissionDenied):
        join_create(actor=editor, layer=houses, table=streets, layer_field="street_ref", table_field="code")


# -- pages and the admin --------------------------------------------------------------------------


def test_a_gis_admin_creates_a_table_and_joins_it_from_the_settings_page(city, client):
    from tests.gis_layers.test_pages import STYLE, field_rows, login

    login(client, "gisadmin")
    data = {
        "slug": "org-types", "title_uk": "Типи організацій", "geometry_type": "none", "visibility": "public",
        "order": "60", **field_rows([{"name": "code", "title_uk": "Код", "type": "string", "required": "on"},
                                    {"name": "title", "title_uk": "Назва", "type": "string"}, {"name": "", "title_uk": ""}]),
        **STYLE, "style-label_field": "title",
    }  # fmt: skip
    response = client.post("/staff/layers/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    table = Layer.objects.get(slug="org-types")
    assert table.is_table
    # Joined from the table's own page to a layer with geometry.
    page = client.get("/staff/layers/org-types/settings/").content.decode()
    assert 'id="joins"' in page and "shelters" in page
    bad = client.post(
        "/staff/layers/org-types/joins/",
        {"other": "shelters", "layer_field": "nope", "table_field": "code"},
        follow=True,
    )
    assert "«nope» не є полем шару shelters." in bad.content.decode() and not LayerJoin.objects.exists()
    client.post(
        "/staff/layers/org-types/joins/",
        {
            "other": "shelters",
            "layer_field": "kind",
            "table_field": "code",
            "cardinality": "one",
            "name": "org",
        },
    )
    join = LayerJoin.objects.get()
    assert (join.layer.slug, join.table.slug, join.name) == ("shelters", "org-types", "org")
    assert "org-types" in client.get("/layers/shelters/").content.decode()
    # A table is not on the map and has no map editor.
    assert 'data-gis-layer="org-types"' not in client.get("/map/").content.decode()
    assert client.get("/staff/layers/org-types/edit/")["Location"].endswith(
        "/staff/layers/org-types/features/"
    )
    client.post("/staff/layers/shelters/joins/", {"delete": join.pk})
    assert not LayerJoin.objects.exists()


def test_an_editor_without_a_grant_does_not_see_a_staff_only_tables_rows_in_the_admin(gisadmin, editor):
    from gis_layers.services import feature_create
    from tests.admin_forms import admin_client, change_url, changelist_url

    flats = tables.flats_table(gisadmin, visibility="staff")
    row = feature_create(
        layer=flats, actor=gisadmin, geometry=None, properties={"house": "Таємний-1", "flat": 5}
    )
    client = admin_client("editor")
    assert "Таємний-1" not in client.get(changelist_url(Feature)).content.decode()
    assert "Квартири" not in client.get(changelist_url(Layer)).content.decode()
    assert "Таємний-1" not in client.get(change_url(row), follow=True).content.decode()


def test_an_empty_text_stays_distinct_from_no_value_in_the_ogc_api_and_downloads(gisadmin, client, tmp_path):
    import json

    import pyogrio

    houses = tables.houses_layer(gisadmin)
    path = tmp_path / "houses.geojson"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [tables.X, tables.Y]},
         "properties": {"number": " 1А ", "street_ref": ""}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [tables.X + 0.001, tables.Y]},
         "properties": {"number": "2", "street_ref": None}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert apply(preview(houses, gisadmin, path), gisadmin).status == Status.DONE
    items = client.get("/ogcapi/collections/houses/items").json()["features"]
    assert [f["properties"] for f in items] == [
        {"number": " 1А ", "street_ref": ""},
        {"number": "2", "street_ref": None},
    ]
    geojson = json.loads(_download(client, "/layers/houses/download.geojson"))
    assert [f["properties"]["street_ref"] for f in geojson["features"]] == ["", None]
    gpkg = tmp_path / "houses.gpkg"
    gpkg.write_bytes(_download(client, "/layers/houses/download.gpkg"))
    refs = pyogrio.read_dataframe(gpkg)["street_ref"].tolist()
    assert refs[0] == "" and pd.isna(refs[1])
