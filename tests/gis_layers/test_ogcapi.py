"""/ogcapi/: OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) through the test
client, and read by GDAL's OAPIF driver over real HTTP (ogrinfo / ogr2ogr on portal_url)."""

from __future__ import annotations

import json
import subprocess

import pytest

from gis_layers.models import Feature, Layer

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


def get(client, path, **extra):
    response = client.get(path, **extra)
    return response, (json.loads(response.content) if response["Content-Type"].endswith("json") else None)


def rels(links) -> dict:
    return {link["rel"]: link for link in links}


def test_landing_page_links_api_conformance_and_data(city, client):
    response, body = get(client, "/ogcapi/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    links = rels(body["links"])
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["type"] == "text/html"
    assert links["conformance"]["href"].endswith("/ogcapi/conformance")
    assert links["data"]["href"].endswith("/ogcapi/collections")
    assert links["self"]["type"] == "application/json" and links["alternate"]["type"] == "text/html"


def test_html_for_browsers_and_with_f_html(city, client):
    html = client.get("/ogcapi/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "OAPIF:" in html.content.decode()
    for path in ("/ogcapi/collections", "/ogcapi/collections/shelters", "/ogcapi/collections/shelters/items",
                 "/ogcapi/conformance", "/ogcapi/api"):  # fmt: skip
        assert client.get(path + "?f=html").status_code == 200, path
    first = Feature.objects.filter(layer__slug="shelters").order_by("id").first()
    page = client.get(f"/ogcapi/collections/shelters/items/{first.pk}?f=html").content.decode()
    assert first.properties["name"] in page


def test_conformance_declares_core_geojson_html_and_openapi(city, client):
    _response, body = get(client, "/ogcapi/conformance")
    assert set(body["conformsTo"]) >= {
        CORE,
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    }


def test_api_definition_is_openapi_3_with_every_collection(city, client):
    response = client.get("/ogcapi/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    api = json.loads(response.content)
    assert api["openapi"].startswith("3.0")
    items = api["paths"]["/collections/shelters/items"]["get"]
    names = {p["name"] for p in items["parameters"]}
    assert {"limit", "offset", "bbox", "datetime", "kind", "capacity"} <= names
    limit = next(p for p in items["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10000
    assert "/collections/snow-routes/items" not in api["paths"]


def test_collections_for_visitors_have_the_public_layers_facilities_and_buildings(city, client):
    _response, body = get(client, "/ogcapi/collections")
    ids = [c["id"] for c in body["collections"]]
    assert {"shelters", "green-zones", "facilities", "buildings"} <= set(ids)
    assert "snow-routes" not in ids
    shelters = next(c for c in body["collections"] if c["id"] == "shelters")
    assert shelters["title"] == "Укриття" and shelters["itemType"] == "feature"
    minx, miny, maxx, maxy = shelters["extent"]["spatial"]["bbox"][0]
    assert 33.5 < minx < maxx < 33.8 and 48.9 < miny < maxy < 49.1
    items = [link for link in shelters["links"] if link["rel"] == "items"]
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}


@pytest.mark.parametrize("who", [None, "resident"])
def test_staff_only_layer_is_refused_in_the_ogc_api(city, client, who):
    from django.contrib.auth.models import User

    if who:
        client.force_login(User.objects.get(username=who))
    route = Feature.objects.filter(layer__slug="snow-routes").first()
    for path in ("/ogcapi/collections/snow-routes", "/ogcapi/collections/snow-routes/items",
                 f"/ogcapi/collections/snow-routes/items/{route.pk}", "/ogcapi/collections/snow-routes/queryables"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
        assert json.loads(response.content)["code"] == "NotFound"
    # Nor can its features be reached through another collection.
    assert client.get(f"/ogcapi/collections/shelters/items/{route.pk}").status_code == 404


def test_staff_see_the_staff_only_layer_privately(city, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="dispatcher"))
    response, body = get(client, "/ogcapi/collections/snow-routes/items")
    assert response.status_code == 200 and body["numberMatched"] == 9
    assert response["Cache-Control"].startswith("private")


def test_items_page_with_limit_offset_next_prev_and_counts(city, client):
    response, body = get(client, "/ogcapi/collections/shelters/items?limit=20")
    assert response["Content-Type"] == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 48 and body["numberReturned"] == 20 == len(body["features"])
    links = rels(body["links"])
    assert "offset=20" in links["next"]["href"] and "limit=20" in links["next"]["href"]
    assert links["next"]["type"] == "application/geo+json" and "prev" not in links
    _r, last = get(client, links["next"]["href"].replace("offset=20", "offset=40"))
    assert last["numberReturned"] == 8 and "next" not in rels(last["links"])
    assert "offset=20" in rels(last["links"])["prev"]["href"]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert list(feature["properties"])[:3] == ["name", "kind", "address"]
    default = get(client, "/ogcapi/collections/shelters/items")[1]
    assert default["numberReturned"] == 48  # the default limit (100) holds them all


def test_bbox_and_property_filters(city, client):
    _r, all_ = get(client, "/ogcapi/collections/shelters/items?limit=100")
    xs = sorted(f["geometry"]["coordinates"][0] for f in all_["features"])
    middle = xs[len(xs) // 2]
    _r, west = get(client, f"/ogcapi/collections/shelters/items?bbox=33.5,48.9,{middle},49.1&limit=100")
    assert 0 < west["numberMatched"] < 48
    assert all(f["geometry"]["coordinates"][0] <= middle for f in west["features"])
    _r, basements = get(client, "/ogcapi/collections/shelters/items?kind=найпростіше укриття")
    assert basements["numberMatched"] == 14
    _r, accessible = get(client, "/ogcapi/collections/shelters/items?accessible=true&limit=100")
    assert all(f["properties"]["accessible"] is True for f in accessible["features"])
    _r, pharmacies = get(client, "/ogcapi/collections/facilities/items?category=pharmacy")
    assert pharmacies["numberMatched"] == 44


def test_a_limit_over_the_maximum_is_capped_and_paging_goes_on_through_next(city, client, monkeypatch):
    # OGC API - Features Part 1: a limit above the server's maximum is read as the maximum.
    _r, everything = get(client, "/ogcapi/collections/shelters/items?limit=20000")
    assert _r.status_code == 200 and everything["numberReturned"] == 48
    from gis_layers.ogcapi import views

    monkeypatch.setattr(views, "MAX_LIMIT", 20)  # a small maximum, so 48 shelters need pages
    response, first = get(client, "/ogcapi/collections/shelters/items?limit=20000")
    assert response.status_code == 200
    assert first["numberMatched"] == 48 and first["numberReturned"] == 20
    seen = [f["id"] for f in first["features"]]
    page = first
    while "next" in rels(page["links"]):
        href = rels(page["links"])["next"]["href"]
        assert "limit=20" in href and "limit=20000" not in href
        page = get(client, href)[1]
        seen += [f["id"] for f in page["features"]]
    assert len(seen) == len(set(seen)) == 48


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-5",
        "limit=2.5",
        "limit=abc",
        "offset=-1",
        "bbox=1,2,3",
        "bbox=10,10,0,0",
        "colour=red",
        "capacity=many",
        "f=xml",
        "datetime=yesterday",
    ],  # fmt: skip
)
def test_invalid_or_unknown_parameters_are_400(city, client, query):
    response = client.get(f"/ogcapi/collections/shelters/items?{query}")
    assert response.status_code == 400
    # OGC API – Features: an unknown parameter is InvalidParameter, a bad value InvalidParameterValue.
    expected = "InvalidParameter" if query.startswith("colour=") else "InvalidParameterValue"
    assert json.loads(response.content)["code"] == expected


def test_number_matched_follows_changes_of_the_layer(city, client):
    from django.contrib.auth.models import User

    from gis_layers.services import feature_create, feature_delete

    layer = Layer.objects.get(slug="shelters")
    admin = User.objects.get(username="gisadmin")
    assert get(client, "/ogcapi/collections/shelters/items?limit=1")[1]["numberMatched"] == 48
    feature = feature_create(layer=layer, actor=admin, geometry={"type": "Point", "coordinates": [33.64, 49.01]},
                             properties={"name": "Нове укриття", "kind": "сховище"})  # fmt: skip
    assert get(client, "/ogcapi/collections/shelters/items?limit=1")[1]["numberMatched"] == 49
    feature_delete(feature=feature, actor=admin, version=feature.version)
    body = get(client, "/ogcapi/collections/shelters/items?limit=1")[1]
    assert body["numberMatched"] == 48 and body["numberReturned"] == 1


def test_datetime_is_accepted(city, client):
    assert (
        client.get("/ogcapi/collections/shelters/items?datetime=2025-01-01T00:00:00Z/..").status_code == 200
    )


def test_one_feature_with_links(city, client):
    first = Feature.objects.filter(layer__slug="green-zones").order_by("id").first()
    response, body = get(client, f"/ogcapi/collections/green-zones/items/{first.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert body["id"] == first.pk and body["properties"]["name"] == first.properties["name"]
    assert {"self", "alternate", "collection"} <= set(rels(body["links"]))
    assert client.get("/ogcapi/collections/green-zones/items/999999999").status_code == 404
    assert client.get("/ogcapi/collections/nothing/items").status_code == 404


def test_buildings_give_address_and_floors_only(city, client):
    _r, body = get(client, "/ogcapi/collections/buildings/items?limit=5")
    assert body["numberMatched"] == 350
    assert all(set(f["properties"]) == {"address", "floors"} for f in body["features"])


def test_hidden_categories_are_not_in_the_facilities_collection(city, client):
    from facilities.models import Category

    before = get(client, "/ogcapi/collections/facilities/items?limit=1")[1]["numberMatched"]
    police = Category.objects.get(slug="police")
    Category.objects.filter(pk=police.pk).update(is_public=False)
    from django.core.cache import cache

    cache.clear()
    after = get(client, "/ogcapi/collections/facilities/items?limit=1")[1]["numberMatched"]
    assert after == before - police.facilities.count()


def test_layer_made_staff_only_leaves_the_ogc_api_at_once(city, client):
    assert client.get("/ogcapi/collections/green-zones/items").status_code == 200
    layer = Layer.objects.get(slug="green-zones")
    layer.visibility = "staff"
    layer.save()
    assert client.get("/ogcapi/collections/green-zones/items").status_code == 404
    assert "green-zones" not in client.get("/ogcapi/collections").content.decode()


def test_deleted_layer_is_gone_from_the_ogc_api(city, client):
    Layer.objects.filter(slug="green-zones").update(deleted_at="2026-01-01T00:00:00Z")
    assert client.get("/ogcapi/collections/green-zones").status_code == 404


# -- GDAL over real HTTP ----------------------------------------------------------------------


def gdal(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gdal_lists_the_public_collections(portal_url):
    out = gdal("ogrinfo", "-ro", f"OAPIF:{portal_url}/ogcapi/")
    assert "shelters" in out and "green-zones" in out and "facilities" in out and "buildings" in out
    assert "snow-routes" not in out


def test_gdal_reads_a_layer_with_its_fields_and_all_pages(portal_url, tmp_path):
    out = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{portal_url}/ogcapi/", "shelters")
    assert "Feature Count: 48" in out
    assert "capacity: Integer" in out and "checked: Date" in out and "name: String" in out
    target = tmp_path / "shelters.geojson"
    # Pages of 10: GDAL follows the next links to the end.
    gdal(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(target),
        f"OAPIF:{portal_url}/ogcapi/",
        "shelters",
        "-oo",
        "PAGE_SIZE=10",
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["features"]) == 48
    assert {"сховище", "найпростіше укриття"} <= {f["properties"]["kind"] for f in data["features"]}


def test_gdal_spatial_and_attribute_filters(portal_url):
    out = gdal(
        "ogrinfo", "-ro", "-q", f"OAPIF:{portal_url}/ogcapi/", "facilities",
        "-where", "category = 'pharmacy'", "-spat", "33.5", "48.9", "33.8", "49.1",
    )  # fmt: skip
    assert out.count("OGRFeature(facilities)") == 44


def test_gdal_cannot_reach_the_staff_only_layer(portal_url):
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{portal_url}/ogcapi/", "snow-routes"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 or "snow-routes" not in result.stdout
