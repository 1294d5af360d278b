"""Attribute tables for the tests: a streets list and the apartments of houses, written as real
files by GDAL (pyogrio: CSV, ODS, DBF, GeoPackage) and openpyxl (XLSX)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from shapely.geometry import Point

from gis_layers.schema import FieldSpec
from tests.gis_layers.conftest import make_layer

X, Y = 33.638, 49.0105
STREETS = pd.DataFrame(
    {
        "code": ["001", "002", "003"],
        "name": ["вул. Миру", " просп. Героїв ", "вул. Шкільна"],
        "district": ["Центр", "", "Набережний"],
    }
)
STREET_FIELDS = [
    FieldSpec("code", "Код", "Code", "string", required=True),
    FieldSpec("name", "Назва", "Name", "string"),
    FieldSpec("district", "Район", "District", "string"),
]
FLAT_FIELDS = [
    FieldSpec("house", "Будинок", "House", "string", required=True),
    FieldSpec("flat", "Квартира", "Flat", "integer"),
    FieldSpec("rooms", "Кімнат", "Rooms", "integer"),
]
HOUSE_FIELDS = [
    FieldSpec("number", "Номер", "Number", "string", required=True),
    FieldSpec("street_ref", "Код вулиці", "Street code", "string"),
]


def streets_table(actor, slug="streets", visibility="public"):
    return make_layer(
        actor,
        slug=slug,
        geometry_type="none",
        fields=STREET_FIELDS,
        style={"label_field": "name"},
        title_uk="Вулиці",
        title_en="Streets",
        visibility=visibility,
    )


def flats_table(actor, slug="flats", visibility="public"):
    return make_layer(
        actor,
        slug=slug,
        geometry_type="none",
        fields=FLAT_FIELDS,
        style={},
        title_uk="Квартири",
        title_en="Flats",
        visibility=visibility,
    )


def houses_layer(actor, slug="houses", visibility="public"):
    return make_layer(
        actor,
        slug=slug,
        fields=HOUSE_FIELDS,
        style={"colour": "#1d4ed8", "icon": "⌂", "label_field": "number"},
        title_uk="Будинки",
        title_en="Houses",
        visibility=visibility,
    )


def streets_csv(folder: Path) -> Path:
    path = folder / "streets.csv"
    pyogrio.write_dataframe(STREETS, path, driver="CSV", layer_options={"STRING_QUOTING": "ALWAYS"})
    return path


def streets_xlsx(folder: Path, *, extra_sheet_first: bool = True) -> Path:
    """A workbook whose first sheet is a note, the streets on the second."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Примітки"
    first.append(["Джерело", "Реєстр вулиць, 2025"])
    sheet = book.create_sheet("Вулиці")
    sheet.append(list(STREETS.columns))
    for row in STREETS.itertuples(index=False):
        sheet.append([row.code, row.name, row.district or None])
    if not extra_sheet_first:
        book.remove(first)
    path = folder / "streets.xlsx"
    book.save(path)
    return path


def streets_ods(folder: Path) -> Path:
    path = folder / "streets.ods"
    pyogrio.write_dataframe(pd.DataFrame({"note": ["—"]}), path, driver="ODS", layer="Примітки")
    pyogrio.write_dataframe(STREETS, path, driver="ODS", layer="Вулиці", append=True)
    return path


def streets_dbf(folder: Path) -> Path:
    path = folder / "streets.dbf"
    pyogrio.write_dataframe(STREETS, path, driver="ESRI Shapefile", encoding="cp1251")
    return path


def city_gpkg(folder: Path) -> Path:
    """A GeoPackage with a point layer first and the streets as an attribute table second."""
    path = folder / "city.gpkg"
    points = gpd.GeoDataFrame({"number": ["1"]}, geometry=[Point(X, Y)], crs=4326)
    pyogrio.write_dataframe(points, path, layer="houses", driver="GPKG")
    pyogrio.write_dataframe(STREETS, path, layer="streets", driver="GPKG", append=True)
    return path
