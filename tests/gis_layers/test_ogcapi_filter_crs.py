# Over 400 lines: OGC API Parts 2 and 3 and sortby, each proved against the demo city's own data, plus the real clients (GDAL, OWSLib).
"""/ogcapi/ beyond Part 1: CRS (Part 2), CQL2 filters and queryables (Part 3) and sortby, through
the test client on the demo city, and read by real clients over HTTP: GDAL's OAPIF driver and
OWSLib. Each count is checked against the features themselves, read with the ORM."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from pyproj import Transformer

from gis_layers.models import Feature

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ITEMS = "/ogcapi/collections/shelters/items"


def get(client, path, **extra):
    response = client.get(path, **extra)
    body = json.loads(response.content) if response["Content-Type"].split(";")[0].endswith("json") else None
    return response, body


def shelters() -> list[Feature]:
    return list(Feature.objects.filter(layer__slug="shelters", deleted_at=None))


def ids(body) -> set[int]:
    return {f["id"] for f in body["features"]}


def filtered(client, cql: str, lang: str = "cql2-text", extra: str = "") -> dict:
    response, body = get(client, f"{ITEMS}?limit=1000&filter-lang={lang}&filter={quote(cql)}{extra}")
    assert response.status_code == 200, body
    assert body["numberMatched"] == body["numberReturned"] == len(body["features"])
    return body


def refused(client, query: str, path: str = ITEMS) -> str:
    response, body = get(client, f"{path}?{query}")
    assert response.status_code == 400, (query, body)
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"code", "description"} and body["code"] == "InvalidParameterValue"
    return body["description"]


# -- Conformance, collection metadata, queryables ----------------------------------------------


def test_conformance_declares_crs_filter_and_cql2(city, client):
    body = get(client, "/ogcapi/conformance")[1]
    assert {
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    } <= set(body["conformsTo"])


def test_collections_list_their_crs_and_storage_crs(city, client):
    body = get(client, "/ogcapi/collections")[1]
    for collection in body["collections"]:
        assert collection["crs"] == [CRS84, EPSG + "4326", EPSG + "3857", EPSG + "32636"]
        assert collection["storageCrs"] == CRS84


def test_queryables_describe_each_field_and_the_geometry(city, client):
    response, body = get(client, "/ogcapi/collections/shelters/queryables")
    assert response["Content-Type"] == "application/schema+json"
    props = body["properties"]
    assert props["capacity"]["type"] == "integer"
    assert props["checked"] == {**props["checked"], "type": "string", "format": "date"}
    assert props["accessible"]["type"] == "boolean"
    assert props["geometry"]["format"] == "geometry-point-or-multipoint"
    facilities = get(client, "/ogcapi/collections/facilities/queryables")[1]["properties"]
    assert {"category", "name_uk", "address", "geometry"} <= set(facilities)


@pytest.mark.parametrize("who", [None, "resident"])
def test_staff_only_layer_cannot_be_filtered_or_described_by_others(city, client, who):
    if who:
        client.force_login(User.objects.get(username=who))
    for path in ("/ogcapi/collections/snow-routes/queryables",
                 "/ogcapi/collections/snow-routes/items?filter=priority%3D1",
                 "/ogcapi/collections/snow-routes/items?sortby=priority&crs=" + quote(EPSG + "32636")):  # fmt: skip
        response, body = get(client, path)
        assert response.status_code == 404 and body["code"] == "NotFound", path


def test_staff_filter_the_staff_only_layer(city, client):
    client.force_login(User.objects.get(username="dispatcher"))
    routes = Feature.objects.filter(layer__slug="snow-routes", deleted_at=None)
    expected = {f.pk for f in routes if f.properties.get("priority") == 1}
    response, body = get(client, "/ogcapi/collections/snow-routes/items?filter=priority%3D1")
    assert response.status_code == 200 and ids(body) == expected and expected
    assert (
        get(client, "/ogcapi/collections/snow-routes/queryables")[1]["properties"]["priority"]["type"]
        == "integer"
    )


# -- CQL2 text and JSON ---------------------------------------------------------------------


def test_comparison_and_logic(city, client):
    every = shelters()
    big = {f.pk for f in every if (f.properties.get("capacity") or 0) > 100}
    assert 0 < len(big) < len(every)
    assert ids(filtered(client, "capacity > 100")) == big
    open_big = {f.pk for f in every if f.pk in big and f.properties.get("accessible") is True}
    assert ids(filtered(client, "capacity > 100 AND accessible = true")) == open_big
    # AND binds tighter than OR (CQL2), whatever the order.
    kind = every[0].properties["kind"]
    either = {
        f.pk
        for f in every
        if f.properties["kind"] == kind or (f.pk in big and f.properties.get("accessible") is True)
    }
    assert ids(filtered(client, f"kind = '{kind}' OR capacity > 100 AND accessible = true")) == either
    assert ids(filtered(client, "NOT (capacity > 100)")) == {
        f.pk for f in every if f.properties.get("capacity") is not None and f.pk not in big
    }
    # A long OR chain (what a client may make of a list) is read, not refused as too deep.
    chain = " OR ".join(f"capacity = {n}" for n in range(101, 251))
    assert ids(filtered(client, chain)) == {
        f.pk for f in every if 101 <= (f.properties.get("capacity") or 0) <= 250
    }
    assert ids(filtered(client, "capacity IS NULL")) == {
        f.pk for f in every if f.properties.get("capacity") is None
    }


def test_like_in_between_and_casei(city, client):
    every = shelters()
    prefix = every[0].properties["name"][:6]
    starting = {f.pk for f in every if f.properties["name"].startswith(prefix)}
    assert ids(filtered(client, f"name LIKE '{prefix}%'")) == starting
    assert ids(filtered(client, f"CASEI(name) LIKE CASEI('{prefix.upper()}%')")) == starting
    kinds = sorted({f.properties["kind"] for f in every})
    assert ids(filtered(client, f"kind IN ('{kinds[0]}')")) == {
        f.pk for f in every if f.properties["kind"] == kinds[0]
    }
    between = {f.pk for f in every if 50 <= (f.properties.get("capacity") or -1) <= 200}
    assert ids(filtered(client, "capacity BETWEEN 50 AND 200")) == between and between


def test_text_with_a_quote_is_read_as_cql2_writes_it(city, client):
    from gis_layers.services import feature_create

    layer = Feature.objects.filter(layer__slug="shelters").first().layer
    made = feature_create(layer=layer, actor=User.objects.get(username="gisadmin"),
                          geometry={"type": "Point", "coordinates": [33.64, 49.01]},
                          properties={"name": "Укриття «Зоря» п'ятої школи", "kind": "сховище"})  # fmt: skip
    assert ids(filtered(client, "name = 'Укриття «Зоря» п''ятої школи'")) == {made.pk}


def test_spatial_filters_match_the_bbox_and_honour_filter_crs(city, client):
    every = get(client, f"{ITEMS}?limit=1000")[1]["features"]
    xs = sorted(f["geometry"]["coordinates"][0] for f in every)
    # Halfway between two shelters: none lies on the edge, where a polygon drawn in UTM (straight
    # there, slightly curved in degrees) may differ from one drawn in degrees.
    middle = round((xs[len(xs) // 2] + xs[len(xs) // 2 + 1]) / 2, 7)
    assert xs[len(xs) // 2] < middle < xs[len(xs) // 2 + 1]
    west = ids(get(client, f"{ITEMS}?limit=1000&bbox=33.5,48.9,{middle},49.1")[1])
    assert 0 < len(west) < len(every)
    polygon = f"POLYGON((33.5 48.9, {middle} 48.9, {middle} 49.1, 33.5 49.1, 33.5 48.9))"
    assert ids(filtered(client, f"S_INTERSECTS(geometry, {polygon})")) == west
    assert ids(filtered(client, f"S_WITHIN(geometry, BBOX(33.5, 48.9, {middle}, 49.1))")) == west
    assert ids(filtered(client, f"S_DISJOINT(geometry, {polygon})")) == {f["id"] for f in every} - west
    # The same polygon in UTM 36N, with filter-crs saying so.
    utm = Transformer.from_crs("OGC:CRS84", "EPSG:32636", always_xy=False)
    corners = [
        utm.transform(x, y)
        for x, y in [(33.5, 48.9), (middle, 48.9), (middle, 49.1), (33.5, 49.1), (33.5, 48.9)]
    ]
    wkt = "POLYGON((" + ", ".join(f"{x:.3f} {y:.3f}" for x, y in corners) + "))"
    in_utm = filtered(client, f"S_INTERSECTS(geometry, {wkt})", extra="&filter-crs=" + quote(EPSG + "32636"))
    assert ids(in_utm) == west
    # EPSG:4326 is latitude first.
    flipped = f"POLYGON((48.9 33.5, 48.9 {middle}, 49.1 {middle}, 49.1 33.5, 48.9 33.5))"
    assert (
        ids(
            filtered(
                client, f"S_INTERSECTS(geometry, {flipped})", extra="&filter-crs=" + quote(EPSG + "4326")
            )
        )
        == west
    )


def test_temporal_filters_on_a_date_property(city, client):
    every = shelters()
    dates = sorted({f.properties["checked"] for f in every if f.properties.get("checked")})
    assert len(dates) > 2, "the demo shelters carry inspection dates"
    pivot = dates[len(dates) // 2]
    day = dt.date.fromisoformat
    after = {f.pk for f in every if f.properties.get("checked") and day(f.properties["checked"]) > day(pivot)}
    before = {
        f.pk for f in every if f.properties.get("checked") and day(f.properties["checked"]) < day(pivot)
    }
    assert ids(filtered(client, f"T_AFTER(checked, DATE('{pivot}'))")) == after
    assert ids(filtered(client, f"T_BEFORE(checked, DATE('{pivot}'))")) == before
    start, end = dates[0], pivot
    during = {f.pk for f in every if f.properties.get("checked") and start <= f.properties["checked"] <= end}
    assert ids(filtered(client, f"T_DURING(checked, INTERVAL('{start}', '{end}'))")) == during
    assert ids(filtered(client, f"T_DURING(checked, INTERVAL('{pivot}', '..'))")) == after | {
        f.pk for f in every if f.properties.get("checked") == pivot}  # fmt: skip
    # A plain comparison with a date reads the same.
    assert ids(filtered(client, f"checked > DATE('{pivot}')")) == after


def test_cql2_json_gives_what_cql2_text_gives(city, client):
    every = shelters()
    dates = sorted({f.properties["checked"] for f in every if f.properties.get("checked")})
    pairs = [
        ("capacity BETWEEN 50 AND 200", {"op": "between", "args": [{"property": "capacity"}, 50, 200]}),
        ("kind IN ('сховище')", {"op": "in", "args": [{"property": "kind"}, ["сховище"]]}),
        ("name LIKE 'Укр%'", {"op": "like", "args": [{"property": "name"}, "Укр%"]}),
        (f"T_AFTER(checked, DATE('{dates[1]}'))", {"op": "t_after", "args": [{"property": "checked"}, {"date": dates[1]}]}),
        ("S_INTERSECTS(geometry, BBOX(33.5, 48.9, 33.64, 49.1))",
         {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [33.5, 48.9, 33.64, 49.1]}]}),
        ("CASEI(name) LIKE CASEI('УКР%')",
         {"op": "like", "args": [{"op": "casei", "args": [{"property": "name"}]}, {"op": "casei", "args": ["УКР%"]}]}),
        ("capacity > 100 AND NOT accessible = true",
         {"op": "and", "args": [{"op": ">", "args": [{"property": "capacity"}, 100]},
                                {"op": "not", "args": [{"op": "=", "args": [{"property": "accessible"}, True]}]}]}),
    ]  # fmt: skip
    for text, document in pairs:
        from_text = ids(filtered(client, text))
        assert from_text, text
        assert ids(filtered(client, json.dumps(document, ensure_ascii=False), "cql2-json")) == from_text, text


def test_fixed_collections_filter_on_their_columns(city, client):
    _r, pharmacies = get(
        client, "/ogcapi/collections/facilities/items?limit=1&filter=" + quote("category = 'pharmacy'")
    )
    assert pharmacies["numberMatched"] == 44
    _r, tall = get(client, "/ogcapi/collections/buildings/items?limit=1000&filter=" + quote("floors >= 9"))
    assert tall["numberMatched"] > 0 and all(f["properties"]["floors"] >= 9 for f in tall["features"])
    assert (
        tall["numberMatched"]
        == get(client, "/ogcapi/collections/buildings/items?limit=1000&filter=" + quote("NOT floors < 9"))[1][
            "numberMatched"
        ]
    )


@pytest.mark.parametrize(
    "query, words",
    [
        ("filter=colour%3D'red'", "colour"),  # not a queryable
        ("filter=" + quote("capacity = 'many'"), ""),  # a number compared with text
        ("filter=" + quote("name = "), "CQL2"),  # not CQL2
        ("filter=" + quote("capacity + 1 > 2"), ""),  # arithmetic is not offered
        ("filter=" + quote("T_MEETS(checked, DATE('2024-01-01'))"), "T_MEETS"),
        ("filter=" + quote("checked = DATE('2024-02-30')"), ""),  # no such day
        ("filter=" + quote("S_INTERSECTS(geometry, POINT(500 600))"), "filter-crs"),
        ("filter=" + quote("accessible > true"), ""),
        (
            "filter=" + quote("S_INTERSECTS(geometry, POLYGON((33 48, 34 49, 34 48, 33 49, 33 48)))"),
            "Self-intersection",
        ),
        ("filter-lang=cql2-json&filter=" + quote('{"op": "=", "args": [1]}'), ""),
        ("filter-lang=cql2-json&filter=" + quote("[1, 2"), "JSON"),
        ("filter-lang=cql2-json&filter=" + quote('{"op": "=", "args": [{"property": "nope"}, 1]}'), "nope"),
        ("filter-lang=ecql&filter=capacity%3D1", "cql2-text"),
        ("filter=", ""),
        ("filter-crs=EPSG:9999&filter=capacity%3D1", "filter-crs"),
        ("filter=" + quote(" AND ".join(["capacity = 1"] * 300)), "filter"),
        ("sortby=colour", "colour"),
        ("sortby=-geometry", "geometry"),
        ("crs=" + quote(EPSG + "2154"), "crs"),
        ("bbox-crs=" + quote(EPSG + "3857") + "&bbox=1,2,0,0", "bbox"),
        (
            "bbox-crs=" + quote(EPSG + "4326") + "&bbox=133.5,48.9,133.8,49.1",
            "min_lat",
        ),  # longitude where latitude goes
    ],
)
def test_bad_filters_sorts_and_crs_are_400_in_the_ogc_format(city, client, query, words):
    description = refused(client, query)
    assert words in description


def test_property_filters_of_every_field_type_answer_not_500(city, client):
    # Found: a property filter on a layer collection answered 500.
    first = shelters()[0]
    for name, value in [("name", first.properties["name"]), ("kind", first.properties["kind"]), ("capacity", "100"),
                        ("accessible", "true"), ("open_24h", "false"), ("checked", "2025-03-01")]:  # fmt: skip
        response = client.get(ITEMS, {name: value})
        assert response.status_code == 200, (name, response.content)
    assert get(client, ITEMS + "?" + "name=" + quote(first.properties["name"]))[1]["numberMatched"] >= 1
    assert refused(client, "capacity=many") and refused(client, "checked=yesterday")


def test_other_methods_and_missing_csrf_get_ogc_exceptions(city, client):
    from django.test import Client

    response, body = get(client, "/ogcapi/conformance", REQUEST_METHOD="DELETE")
    assert response.status_code == 405 and body["code"] == "MethodNotAllowed"
    assert "GET" in response["Allow"] and "GET" in body["description"]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/ogcapi/collections/shelters/items", "{}", content_type="application/geo+json")
    # A visitor is told to log in with a token (a session without its CSRF token gets 403:
    # tests/gis_layers/test_ogc_transactions.py).
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "NotAuthenticated"
    # Pages keep Django's own CSRF page.
    assert strict.post("/accounts/login/", {}).status_code == 403


# -- sortby -----------------------------------------------------------------------------------


def test_sortby_orders_and_paging_keeps_the_order(city, client):
    body = get(client, f"{ITEMS}?sortby=-capacity&limit=10")[1]
    pages = list(body["features"])
    while next_link := next((link["href"] for link in body["links"] if link["rel"] == "next"), None):
        assert "sortby=-capacity" in next_link
        body = get(client, next_link)[1]
        pages += body["features"]
    capacities = [f["properties"]["capacity"] for f in pages]
    assert len(pages) == len(shelters()) == len({f["id"] for f in pages})
    known = [c for c in capacities if c is not None]
    assert known == sorted(known, reverse=True) and capacities[: len(known)] == known  # empty values last
    names = [
        f["properties"]["name"] for f in get(client, f"{ITEMS}?sortby=%2Bname&limit=1000")[1]["features"]
    ]
    assert names == sorted(names) or names == sorted(names, key=str.casefold) or len(set(names)) < len(names)
    by_two = get(client, f"{ITEMS}?sortby=kind,-capacity&limit=1000")[1]["features"]
    keys = [(f["properties"]["kind"], -(f["properties"]["capacity"] or 0)) for f in by_two]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


# -- Part 2: CRS ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["32636", "3857"])
def test_output_in_a_projected_crs_is_reprojected_to_the_centimetre(city, client, code):
    plain = get(client, f"{ITEMS}?limit=5")[1]["features"]
    response, body = get(client, f"{ITEMS}?limit=5&crs={quote(EPSG + code)}")
    assert response["Content-Crs"] == f"<{EPSG}{code}>"
    to = Transformer.from_crs("OGC:CRS84", f"EPSG:{code}", always_xy=False)
    for a, b in zip(plain, body["features"], strict=True):
        x, y = to.transform(*a["geometry"]["coordinates"])
        bx, by = b["geometry"]["coordinates"]
        assert abs(bx - x) < 0.02 and abs(by - y) < 0.02
        assert "crs" not in b["geometry"]
    next_link = next(
        link
        for link in get(client, f"{ITEMS}?limit=5&crs={quote(EPSG + code)}")[1]["links"]
        if link["rel"] == "next"
    )
    assert quote(EPSG + code, safe="") in next_link["href"]


def test_epsg_4326_is_latitude_first_and_crs84_longitude_first(city, client):
    response, plain = get(client, f"{ITEMS}?limit=3")
    assert response["Content-Crs"] == f"<{CRS84}>"
    response, latlon = get(client, f"{ITEMS}?limit=3&crs={quote(EPSG + '4326')}")
    assert response["Content-Crs"] == f"<{EPSG}4326>"
    for a, b in zip(plain["features"], latlon["features"], strict=True):
        assert b["geometry"]["coordinates"] == list(reversed(a["geometry"]["coordinates"]))
    polygon = get(client, "/ogcapi/collections/green-zones/items?limit=1&crs=" + quote(EPSG + "4326"))[1]
    lat, lon = polygon["features"][0]["geometry"]["coordinates"][0][0]
    assert 48.9 < lat < 49.1 and 33.5 < lon < 33.8


def test_one_feature_in_another_crs(city, client):
    first = shelters()[0]
    response, body = get(client, f"{ITEMS}/{first.pk}?crs={quote(EPSG + '32636')}")
    assert response.status_code == 200 and response["Content-Crs"] == f"<{EPSG}32636>"
    x, y = Transformer.from_crs("OGC:CRS84", "EPSG:32636").transform(first.geometry.x, first.geometry.y)
    assert (
        abs(body["geometry"]["coordinates"][0] - x) < 0.02
        and abs(body["geometry"]["coordinates"][1] - y) < 0.02
    )
    assert refused(client, "crs=EPSG:32636", path=f"{ITEMS}/{first.pk}")


@pytest.mark.parametrize("code", ["3857", "32636", "4326"])
def test_bbox_in_another_crs_selects_the_same_features(city, client, code):
    box = (33.55, 48.95, 33.66, 49.05)
    expected = ids(get(client, f"{ITEMS}?limit=1000&bbox={','.join(map(str, box))}")[1])
    assert expected
    if code == "4326":
        values = (box[1], box[0], box[3], box[2])
    else:
        to = Transformer.from_crs("OGC:CRS84", f"EPSG:{code}", always_xy=False)
        (x1, y1), (x2, y2) = to.transform(box[0], box[1]), to.transform(box[2], box[3])
        values = (x1, y1, x2, y2)
    body = get(
        client,
        f"{ITEMS}?limit=1000&bbox={','.join(f'{v:.7f}' for v in values)}&bbox-crs={quote(EPSG + code)}",
    )[1]
    # A box drawn in UTM is not a box in degrees: only features near its edges may differ.
    assert len(ids(body) ^ expected) <= (2 if code == "32636" else 0)


# -- Real clients over HTTP -------------------------------------------------------------------


def gdal(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    result = subprocess.run(
        args, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )
    assert result.returncode == 0, result.stderr
    return result


def test_gdal_where_is_answered_right_and_its_equality_goes_to_the_server(portal_url):
    # GDAL 3.6 sends the equality parts of -where as Part 1 property parameters (it learns them
    # from /ogcapi/api) and applies the rest itself; CPL_DEBUG shows the URLs it asks for.
    result = gdal(
        "ogrinfo", "-ro", "-q", f"OAPIF:{portal_url}/ogcapi/", "shelters",
        "-where", "capacity > 100 AND accessible = 1",
        "--config", "CPL_DEBUG", "ON",
    )  # fmt: skip
    expected = Feature.objects.filter(layer__slug="shelters", deleted_at=None)
    count = sum(
        1
        for f in expected
        if (f.properties.get("capacity") or 0) > 100 and f.properties.get("accessible") is True
    )
    assert result.stdout.count("OGRFeature(shelters)") == count > 0
    assert "/collections/shelters/items?f=json&limit=10&accessible=1" in result.stderr


def test_gdal_reads_a_sorted_filtered_page_in_utm_through_the_url(portal_url, tmp_path):
    # GDAL 3.6's driver has no CRS open option; a collection's items URL with crs= is read as given.
    target = tmp_path / "big.geojson"
    url = f"{portal_url}/ogcapi/collections/shelters/items?filter={quote('capacity > 100')}&crs={quote(EPSG + '32636')}"
    gdal("ogr2ogr", "-f", "GeoJSON", str(target), url)
    data = json.loads(target.read_text(encoding="utf-8"))
    expected = sum(
        1
        for f in Feature.objects.filter(layer__slug="shelters", deleted_at=None)
        if (f.properties.get("capacity") or 0) > 100
    )
    assert len(data["features"]) == expected
    x, y = data["features"][0]["geometry"]["coordinates"][:2]
    assert 500_000 < x < 600_000 and 5_400_000 < y < 5_450_000  # metres of UTM 36N around the city


def test_owslib_reads_queryables_filters_and_crs(portal_url):
    from owslib.ogcapi.features import Features

    api = Features(portal_url + "/ogcapi/")
    assert "shelters" in [c["id"] for c in api.collections()["collections"]]
    assert "snow-routes" not in [c["id"] for c in api.collections()["collections"]]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in api.conformance()["conformsTo"]
    queryables = api.collection_queryables("shelters")
    assert queryables["properties"]["capacity"]["type"] == "integer"
    big = api.collection_items("shelters", filter="capacity > 100", limit=1000)
    expected = sum(
        1
        for f in Feature.objects.filter(layer__slug="shelters", deleted_at=None)
        if (f.properties.get("capacity") or 0) > 100
    )
    assert big["numberMatched"] == len(big["features"]) == expected
    as_json = api.collection_items(
        "shelters", limit=1000, filter=json.dumps({"op": ">", "args": [{"property": "capacity"}, 100]}),
        **{"filter-lang": "cql2-json"},
    )  # fmt: skip
    assert {f["id"] for f in as_json["features"]} == {f["id"] for f in big["features"]}
    utm = api.collection_items("shelters", limit=1, crs=EPSG + "32636", sortby=("capacity", "desc"))
    assert utm["features"][0]["properties"]["capacity"] == max(
        f["properties"]["capacity"] or 0 for f in big["features"]
    )
    assert utm["features"][0]["geometry"]["coordinates"][0] > 500_000
