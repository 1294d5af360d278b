"""The basemap's style in each language, its font glyphs (decoded with protobuf's own decoder
from the glyphs .proto), wrong addresses answered with a JSON error, and every map page set up
with the basemap unless MISTO_BASEMAP_URL names a tile server."""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from basemap import glyphs

pytestmark = pytest.mark.django_db


def glyphs_message_class():
    """The `glyphs` message of MapLibre's glyphs.proto, built at run time."""
    proto = descriptor_pb2.FileDescriptorProto(name="glyphs.proto", package="llmr.glyphs", syntax="proto2")
    f = descriptor_pb2.FieldDescriptorProto
    glyph = proto.message_type.add(name="glyph")
    for number, (name, kind) in enumerate(
        [("id", f.TYPE_UINT32), ("bitmap", f.TYPE_BYTES), ("width", f.TYPE_UINT32), ("height", f.TYPE_UINT32),
         ("left", f.TYPE_SINT32), ("top", f.TYPE_SINT32), ("advance", f.TYPE_UINT32)],
        start=1,
    ):  # fmt: skip
        glyph.field.add(name=name, number=number, type=kind, label=f.LABEL_OPTIONAL)
    stack = proto.message_type.add(name="fontstack")
    stack.field.add(name="name", number=1, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
    stack.field.add(name="range", number=2, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
    stack.field.add(
        name="glyphs", number=3, type=f.TYPE_MESSAGE, type_name=".llmr.glyphs.glyph", label=f.LABEL_REPEATED
    )
    top = proto.message_type.add(name="glyphs")
    top.field.add(
        name="stacks",
        number=1,
        type=f.TYPE_MESSAGE,
        type_name=".llmr.glyphs.fontstack",
        label=f.LABEL_REPEATED,
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("llmr.glyphs.glyphs"))


def test_the_cyrillic_glyphs_decode_with_a_distance_field_per_letter(client, settings, tmp_path):
    settings.MISTO_BASEMAP_GLYPH_DIR = tmp_path
    response = client.get("/basemap/fonts/DejaVu%20Sans/1024-1279.pbf", HTTP_ACCEPT_ENCODING="identity")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-protobuf"
    message = glyphs_message_class()()
    message.ParseFromString(response.content)
    stack = message.stacks[0]
    assert (stack.name, stack.range) == ("DejaVu Sans", "1024-1279")
    by_code = {g.id: g for g in stack.glyphs}
    for letter in "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгґдеєжзиіїйклмнопрстуфхцчшщьюя":
        g = by_code[ord(letter)]
        assert len(g.bitmap) == (g.width + 2 * glyphs.BUFFER) * (g.height + 2 * glyphs.BUFFER)
        assert g.advance > 0
        # Inside the letter the field is above the edge value (191), far outside it is 0.
        assert max(g.bitmap) > 191 and min(g.bitmap) < 64
    # Written once, then served from the file.
    assert (tmp_path / "DejaVu Sans" / "1024-1279.pbf").read_bytes() == response.content


def test_a_ukrainian_first_view_preloads_the_glyph_ranges_of_its_labels(client, settings, tmp_path):
    """The glyphs a Ukrainian map page preloads are the ranges of its labels' letters (digits and
    Cyrillic), at the addresses MapLibre asks for, and each answers with glyphs."""
    settings.MISTO_BASEMAP_GLYPH_DIR = tmp_path
    urls = glyphs.first_view_glyphs("uk")
    assert urls == [
        f"/basemap/fonts/DejaVu%20Sans/{r}.pbf" for r in ("0-255", "1024-1279", "8192-8447", "8448-8703")
    ]
    for url, letters in zip(urls, ("0123456789", "вулицяМиру", "—’", "№"), strict=True):
        response = client.get(url, HTTP_ACCEPT_ENCODING="identity")
        assert response.status_code == 200
        message = glyphs_message_class()()
        message.ParseFromString(response.content)
        assert {ord(c) for c in letters} <= {g.id for g in message.stacks[0].glyphs}


def test_the_preloaded_ranges_hold_every_letter_of_the_city_s_labels(city):
    """Streets, house numbers, districts, water and green areas and landmarks (facilities) of the
    demo city are written in the preloaded ranges: no label waits for a range fetched late."""
    from django.db import connection

    names = [("city_street", "name_uk"), ("housing_registry_building", "house_number"),
             ("city_district", "name_uk"), ("basemap_maparea", "name_uk"), ("facilities_facility", "name_uk")]  # fmt: skip
    union = " union all ".join(
        f"select regexp_split_to_table(coalesce({c}, ''), '') ch from {t}" for t, c in names
    )
    with connection.cursor() as cursor:
        cursor.execute(f"select distinct ch from ({union}) s where ch <> ''")
        letters = [row[0] for row in cursor.fetchall()]
    assert len(letters) > 60
    ranges = {ord(letter) // glyphs.RANGE_SIZE * glyphs.RANGE_SIZE for letter in letters}
    assert ranges <= set(glyphs.FIRST_VIEW_RANGES["uk"]), sorted(ranges)


def test_a_range_the_font_lacks_is_an_empty_valid_pbf(client, settings, tmp_path):
    settings.MISTO_BASEMAP_GLYPH_DIR = tmp_path
    response = client.get("/basemap/fonts/DejaVu%20Sans/19968-20223.pbf")  # CJK: not in DejaVu
    assert response.status_code == 200
    message = glyphs_message_class()()
    message.ParseFromString(response.content)
    assert message.stacks[0].range == "19968-20223" and len(message.stacks[0].glyphs) == 0


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/basemap/fonts/DejaVu%20Sans/1024-1270.pbf", 400, "invalid_range"),
        ("/basemap/fonts/DejaVu%20Sans/1000-1255.pbf", 400, "invalid_range"),
        ("/basemap/fonts/DejaVu%20Sans/65536-65791.pbf", 400, "invalid_range"),
        ("/basemap/fonts/DejaVu%20Sans/abc.pbf", 400, "invalid_range"),
        ("/basemap/fonts/Comic%20Sans/0-255.pbf", 404, "unknown_glyphs"),
        ("/basemap/style/de.json", 404, "unknown_language"),
    ],
)
def test_wrong_addresses_get_a_json_error_with_a_code(client, path, status, code):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_the_error_is_in_ukrainian_on_a_ukrainian_page(client):
    client.cookies["django_language"] = "uk"
    response = client.get("/basemap/style/de.json")
    assert "Базова карта має мови" in response.json()["error"]["message"]


@pytest.mark.parametrize(("language", "field"), [("uk", "name_uk"), ("en", "name_en")])
def test_the_style_labels_streets_in_its_language_from_the_portal_itself(client, language, field):
    response = client.get(f"/basemap/style/{language}.json")
    assert response.status_code == 200
    style = response.json()
    assert style["version"] == 8
    assert style["sources"]["misto"]["tiles"] == ["http://testserver/tiles/basemap/{z}/{x}/{y}.mvt"]
    assert style["glyphs"] == "http://testserver/basemap/fonts/{fontstack}/{range}.pbf"
    assert "ODbL" in style["sources"]["misto"]["attribution"]
    names = next(layer for layer in style["layers"] if layer["id"] == "street-names")
    assert names["layout"]["text-field"] == ["get", field]
    assert names["layout"]["symbol-placement"] == "line"
    numbers = next(layer for layer in style["layers"] if layer["id"] == "house-numbers")
    assert numbers["minzoom"] == 16  # MapLibre's 16 is Leaflet's 17
    fonts = {
        tuple(layer["layout"]["text-font"])
        for layer in style["layers"]
        if "text-font" in layer.get("layout", {})
    }
    assert fonts == {tuple(glyphs.FONTS)[:1]}


def map_config(html: str, config_id: str) -> dict:
    match = re.search(rf'<script id="{config_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    ("path", "config_id"),
    [
        ("/map/", "misto-map-config"),
        ("/requests/map/", "requests-map-options"),
        ("/requests/new/", "request-form-options"),
        ("/coverage/", None),
    ],
)
def test_every_map_page_is_set_up_with_the_city_basemap(city, client, path, config_id):
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        return
    html = response.content.decode()
    assert "/basemap/style/en.json" in html
    assert "vendor/maplibre-gl/maplibre-gl.js" in html
    assert "ODbL" in html
    if config_id:
        basemap = map_config(html, config_id)["basemap"]
        assert basemap["style"] == "/basemap/style/en.json" and basemap["tiles"] == ""
    # The first render's chain starts with the page: the library's scripts, its style sheet, the
    # basemap's style and the labels' glyphs (Latin on an English page) are preloaded in the
    # <head>, the style and glyphs in MapLibre's CORS mode.
    head = html.split("</head>")[0]
    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="(\w+)"( crossorigin="anonymous")?>', head)
    assert {(href.rsplit("/", 1)[-1], kind, bool(cors)) for href, kind, cors in preloads} == {
        ("maplibre-gl.js", "script", False),
        ("leaflet-maplibre-gl.js", "script", False),
        ("maplibre-gl.css", "style", False),
        ("en.json", "fetch", True),
        ("0-255.pbf", "fetch", True),
    }
    assert "/basemap/fonts/DejaVu%20Sans/0-255.pbf" in head


def test_a_configured_tile_server_replaces_the_city_basemap(city, client, settings):
    settings.MISTO_BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get("/map/?z=15").content.decode()
    basemap = map_config(html, "misto-map-config")["basemap"]
    assert basemap["tiles"] == settings.MISTO_BASEMAP_URL and "style" not in basemap
    assert "maplibre-gl.js" not in html and 'rel="preload"' not in html
