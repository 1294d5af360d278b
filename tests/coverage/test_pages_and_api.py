"""The public page and API show aggregates only; staff pages, exports and runs are refused to
everyone else; bad input gets a message, never a traceback."""

from __future__ import annotations

import csv
import io
import json

import pyogrio
import pytest
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from coverage.admin import ServiceTypeForm
from coverage.models import BuildingCoverage, CoverageRun, ServiceType
from facilities.models import Category
from housing_registry.models import Building

pytestmark = pytest.mark.usefixtures("computed")

STAFF_URLS = [
    "/coverage/staff/?type=school",
    "/coverage/staff/suggest/?type=school&k=1",
    "/coverage/staff/what-if/?type=school",
    "/coverage/staff/export/school.csv",
    "/coverage/staff/export/school.xlsx",
    "/coverage/staff/export/school.gpkg",
]


def test_public_page_shows_figures_for_the_chosen_type_in_ukrainian_and_english(client):
    html = client.get("/coverage/?type=kindergarten").content.decode()
    assert '<html lang="uk">' in html
    assert "Пішки до послуг" in html and "Дитячий садок" in html and "Мікрорайони" in html
    summary = ServiceType.objects.get(slug="kindergarten").summaries.get(district=None)
    assert f"{summary.share_within * 100:.1f}".replace(".", ",") + "%" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/coverage/"})
    html = client.get("/coverage/?type=kindergarten").content.decode()
    assert "Walking distance to services" in html and "Kindergarten" in html and "Districts" in html


def test_public_page_and_api_show_no_addresses_or_homes(client):
    addresses = list(Building.objects.values_list("address", flat=True))
    bodies = [
        client.get(url).content.decode()
        for url in (
            "/coverage/?type=school",
            "/coverage/table/?type=school",
            "/coverage/panel/?type=school",
            "/api/v1/coverage/service-types/",
            "/api/v1/coverage/service-types/school/",
            "/api/v1/coverage/service-types/school/hexagons/",
        )
    ]
    for body in bodies:
        assert not any(address in body for address in addresses)
    hexagons = json.loads(bodies[-1])
    assert hexagons["type"] == "FeatureCollection" and hexagons["features"]
    props = hexagons["features"][0]["properties"]
    assert set(props) == {
        "buildings",
        "population",
        "population_within",
        "share_within",
        "median_m",
        "distance_class",
    }
    assert hexagons["features"][0]["geometry"]["type"] == "Polygon"


def test_public_facilities_of_a_type_are_only_public_ones(client):
    clinics = Category.objects.get(slug="clinic")
    clinics.is_public = False
    clinics.save()
    data = client.get("/api/v1/coverage/service-types/primary-care/facilities/").json()
    assert data["features"] == []
    data = client.get("/api/v1/coverage/service-types/pharmacy/facilities/").json()
    assert len(data["features"]) == 44 and {f["properties"]["category"] for f in data["features"]} == {
        "pharmacy"
    }


def test_hidden_service_types_are_not_public(client, login):
    ServiceType.objects.filter(slug="school").update(is_public=False)
    assert client.get("/coverage/?type=school").status_code == 404
    assert client.get("/api/v1/coverage/service-types/school/hexagons/").status_code == 404
    assert "school" not in [t["slug"] for t in client.get("/api/v1/coverage/service-types/").json()]
    assert login("gis_admin").get("/coverage/staff/?type=school").status_code == 200


def test_unknown_service_type_gets_a_message(client):
    response = client.get("/coverage/?type=nope")
    assert response.status_code == 404
    assert "Немає типу послуг «nope». Відомі типи:" in response.content.decode()
    api = client.get("/api/v1/coverage/service-types/nope/")
    message = api.json()["error"]["message"]
    assert api.status_code == 404 and "nope" in message and "school" in message


def test_a_type_with_no_facilities_says_so_on_the_page(client):
    empty = ServiceType.objects.create(slug="t-museum", name_uk="Музей", name_en="Museum", threshold_m=2000)
    group = Category.objects.get(slug="culture")
    empty.categories.set(
        [Category.objects.create(slug="t-none", name_uk="Нічого", parent=group, icon="N", colour="#000000")]
    )
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/coverage/?type=t-museum").content.decode()
    assert "“Museum” has no facilities, so there is nothing to measure distances to." in html


@pytest.mark.parametrize("role", [None, "resident", "dispatcher", "layer_editor"])
def test_staff_pages_and_per_building_data_are_refused_to_others(client, login, role):
    client = login(role)
    for url in STAFF_URLS:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    assert client.get("/api/v1/coverage/service-types/school/buildings/").status_code in (401, 403)
    assert client.post("/coverage/staff/recompute/").status_code in (302, 403)
    assert not CoverageRun.objects.filter(status=CoverageRun.Status.QUEUED).exists()


@pytest.mark.parametrize("role", ["gis_admin", "service_head"])
def test_analysts_see_per_building_results(login, role):
    client = login(role)
    for url in STAFF_URLS:
        assert client.get(url).status_code == 200, url
    data = client.get("/api/v1/coverage/service-types/school/buildings/").json()
    assert len(data["features"]) == 350
    props = data["features"][0]["properties"]
    assert {"address", "network_m", "straight_m", "minutes", "facility", "status", "population"} <= set(props)


def test_only_city_it_may_start_a_recompute(login):
    head = login("service_head")
    assert head.post("/coverage/staff/recompute/").status_code == 403
    assert "Recompute everything" not in head.get("/coverage/staff/?type=school").content.decode()


def test_a_recompute_runs_in_the_background_and_reports_progress(
    login, eager_celery, django_capture_on_commit_callbacks
):
    client = login("gis_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coverage/staff/recompute/", {"back_type": "school"})
    assert response.status_code == 302 and response["Location"] == "/coverage/staff/?type=school"
    run = CoverageRun.objects.order_by("-pk").first()
    assert run.kind == CoverageRun.Kind.FULL and run.status == CoverageRun.Status.DONE
    status = client.get(f"/api/v1/coverage/runs/{run.pk}/").json()
    assert (
        status["percent"] == 100
        and status["steps_done"] == status["steps_total"] == 3 + ServiceType.objects.count()
    )
    assert "АЗПСМ с.Дмитрівка" in " ".join(status["warnings"])  # the clinic outside town is named
    html = client.get("/coverage/staff/?type=school").content.decode()
    assert "АЗПСМ с.Дмитрівка" in html


def test_a_second_recompute_while_one_is_queued_returns_the_queued_one(login):
    client = login("gis_admin")
    client.post("/coverage/staff/recompute/")
    client.post("/coverage/staff/recompute/")
    assert CoverageRun.objects.filter(status=CoverageRun.Status.QUEUED).count() == 1
    page = client.get("/coverage/staff/?type=school").content.decode()
    assert "Очікує фонового обробника" in page or "Waiting for the background worker" in page


def test_exports_hold_every_building_in_csv_xlsx_and_geopackage(login, tmp_path):
    client = login("gis_admin")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/coverage/staff/export/school.csv").content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 350
    ok = next(r for r in rows if r["status"] == "ok")
    assert float(ok["network_m"]) >= float(ok["straight_m"]) - 1
    unknown = [r for r in rows if r["population_known"] == "False"]
    assert len(unknown) == 4 and all(r["population"] == "" for r in unknown)

    response = client.get("/coverage/staff/export/school.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="coverage-school.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["school"]
    assert sheet.max_row == 351 and sheet["A1"].value == "building_id"

    path = tmp_path / "school.gpkg"
    path.write_bytes(client.get("/coverage/staff/export/school.gpkg").content)
    info = pyogrio.read_info(path)
    assert info["features"] == 350 and info["crs"] == "EPSG:4326" and "MultiPolygon" in info["geometry_type"]
    assert client.get("/coverage/staff/export/school.shp").status_code == 404


def test_site_suggestion_and_what_if_pages(login):
    client = login("gis_admin")
    html = client.get(
        "/coverage/staff/suggest/?type=transport-stop&k=2&candidates=buildings"
    ).content.decode()
    assert "+840" in html.replace("\u00a0", "").replace(" ", "") and "→" in html
    bad = client.get("/coverage/staff/suggest/?type=transport-stop&k=50")
    assert bad.status_code == 400 and "1" in bad.content.decode()
    kindergarten = BuildingCoverage.objects.filter(service_type__slug="kindergarten").values_list(
        "facility_id", flat=True
    )[0]
    html = client.get(
        f"/coverage/staff/what-if/?type=kindergarten&facility={kindergarten}&action=close"
    ).content.decode()
    assert 'id="what-if-result"' in html
    moved_away = client.get(
        f"/coverage/staff/what-if/?type=kindergarten&facility={kindergarten}&action=move&lat=50.45&lon=30.52"
    )
    assert moved_away.status_code == 400


def test_threshold_must_be_positive():
    form = ServiceTypeForm(
        data={
            "slug": "x",
            "name_uk": "Х",
            "threshold_m": 0,
            "walking_speed_kmh": "4.5",
            "order": 0,
            "categories": [Category.objects.get(slug="school").pk],
        }  # fmt: skip
    )
    assert not form.is_valid() and "threshold_m" in form.errors
    form = ServiceTypeForm(
        data={
            "slug": "x",
            "name_uk": "Х",
            "threshold_m": 800,
            "walking_speed_kmh": "4.5",
            "order": 0,
            "categories": [Category.objects.get(slug="education").pk],
        }  # fmt: skip
    )
    assert not form.is_valid() and "categories" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceType.objects.create(slug="zero", name_uk="Нуль", threshold_m=0)


def test_editing_a_threshold_updates_the_figures_without_moving_homes(
    login, django_capture_on_commit_callbacks
):
    client = login("gis_admin")
    school = ServiceType.objects.get(slug="school")
    before = school.summaries.get(district=None).population_within
    data = {
        "slug": "school", "name_uk": school.name_uk, "name_en": school.name_en, "threshold_m": 300,
        "walking_speed_kmh": "3.0", "order": school.order, "is_public": "on",
        "categories": [c.pk for c in school.categories.all()],
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/coverage/servicetype/{school.pk}/change/", data)
    assert response.status_code == 302
    summary = school.summaries.get(district=None)
    assert summary.population_within < before
    row = BuildingCoverage.objects.filter(service_type=school, status="ok").first()
    assert row.minutes == pytest.approx(row.network_m / 50)
    assert not CoverageRun.objects.filter(status=CoverageRun.Status.QUEUED).exists()
