"""Areas from every way staff give them, inside the hromada."""

from __future__ import annotations

import json

import pytest

from city.models import Street
from housing_registry.models import Building
from notices.areas import area_build, area_households
from notices.exceptions import NoticeRefused
from notices.models import Notice
from tests.notices.builders import district, point_of, square

pytestmark = pytest.mark.django_db
M = Notice.AreaMethod


def test_every_method_gives_an_area_that_covers_what_was_chosen(city):
    d = district()
    street = (
        Street.objects.filter(segments__isnull=False, buildings__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    building = Building.objects.filter(street=street).order_by("pk").first()
    centre = point_of(building)
    areas = {
        M.DISTRICTS: area_build(M.DISTRICTS, {"districts": [d.pk]}),
        M.STREETS: area_build(M.STREETS, {"streets": [street.pk]}),
        M.BUILDINGS: area_build(M.BUILDINGS, {"buildings": [building.pk]}),
        M.RADIUS: area_build(M.RADIUS, {"lat": centre.y, "lon": centre.x, "metres": 200}),
        M.POLYGON: area_build(M.POLYGON, {"geojson": square(centre.x, centre.y, 0.001)}),
    }
    for method, area in areas.items():
        assert area.geom_type == "MultiPolygon" and area.valid and area.srid == 4326, method
    assert areas[M.DISTRICTS].covers(d.area.point_on_surface)
    for method in (M.STREETS, M.BUILDINGS, M.RADIUS, M.POLYGON):
        assert areas[M.BUILDINGS].intersects(centre) and areas[method].intersects(building.footprint), method
    buildings, households = area_households(areas[M.RADIUS])
    assert buildings >= 1 and households >= buildings


def test_a_radius_is_measured_in_metres(city):
    centre = point_of(Building.objects.order_by("pk").first())
    area = area_build(M.RADIUS, {"lat": centre.y, "lon": centre.x, "metres": 500})
    # The area of a 500 m circle is about 785,000 m² (the 24-segment polygon a little less).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKT(%s)::geography)", [area.ewkt])
        square_metres = cursor.fetchone()[0]
    assert 770_000 < square_metres < 790_000


@pytest.mark.parametrize(
    ("method", "source", "words"),
    [
        (M.POLYGON, {"geojson": "{not json"}, "не вдалося прочитати"),
        (M.POLYGON, {"geojson": '{"type": "Point", "coordinates": [33.6, 49.0]}'}, "має бути полігоном"),
        (M.POLYGON, {}, "Намалюйте територію"),
        (M.RADIUS, {"lat": "north", "lon": 33.6, "metres": 100}, "центр"),
        (M.RADIUS, {"lat": 49.0, "lon": 33.6, "metres": 50_000}, "Радіус"),
        (M.STREETS, {"streets": ["x"]}, "недійсні"),
        (M.BUILDINGS, {"buildings": [999_999_999]}, "не мають контуру"),
        ("circle", {}, "як задати"),
    ],
)
def test_bad_area_input_is_refused_with_a_reason(city, method, source, words):
    with pytest.raises(NoticeRefused) as refused:
        area_build(method, source)
    assert words in refused.value.errors["area"]


def test_a_drawn_area_that_crosses_itself_is_made_valid(city):
    centre = point_of(Building.objects.order_by("pk").first())
    x, y, h = centre.x, centre.y, 0.002
    ring = [[x - h, y - h], [x + h, y + h], [x + h, y - h], [x - h, y + h], [x - h, y - h]]
    bowtie = json.dumps({"type": "Polygon", "coordinates": [ring]})
    area = area_build(M.POLYGON, {"geojson": bowtie})
    assert area.valid and area.area > 0
