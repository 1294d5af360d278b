"""Fixtures of the coverage tests: the demo city with coverage computed (per module, cleaned up
afterwards), an empty city to build small networks in (inside the test's transaction), and
Celery running tasks in-process (no test ever talks to a broker)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from pyproj import Transformer

from city.models import Barrier, District, Street, StreetSegment
from coverage.models import (
    BuildingAccess,
    BuildingCoverage,
    CoverageHexagon,
    CoverageRun,
    CoverageSummary,
    FacilityAccess,
    HexCell,
    NetworkBuild,
    NetworkEdge,
    NetworkNode,
    ResidentCount,
    ServiceType,
)
from facilities.models import Category, Facility
from housing_registry.models import Building, WorkRecord

# A local metric frame for hand-built networks: metres east (x) and north (y) of this point,
# through UTM zone 36N (EPSG:32636).
ORIGIN = (33.60, 49.05)
_to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
_to_wgs = Transformer.from_crs("EPSG:32636", "EPSG:4326", always_xy=True)
_X0, _Y0 = _to_utm.transform(*ORIGIN)


def lonlat(x: float, y: float) -> tuple[float, float]:
    return _to_wgs.transform(_X0 + x, _Y0 + y)


def coverage_reset() -> None:
    """Forget every computed coverage row (what a module that committed them leaves behind)."""
    for model in (CoverageRun, BuildingCoverage, CoverageSummary, CoverageHexagon, HexCell, BuildingAccess,
                  FacilityAccess, NetworkEdge, NetworkNode, NetworkBuild):  # fmt: skip
        model.objects.all().delete()


@pytest.fixture
def eager_celery():
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(scope="module")
def computed_demo(demo_city, django_db_blocker):
    """The demo city with a full recompute committed, for the tests of one module."""
    from coverage.services import coverage_recompute

    with django_db_blocker.unblock():
        coverage_reset()
        run = coverage_recompute()
        assert run.status == CoverageRun.Status.DONE, run.error
        yield run
        coverage_reset()


@pytest.fixture
def computed(computed_demo, db):
    return computed_demo


class CityBuilder:
    """Streets, barriers, homes and facilities in metres of the local frame."""

    def __init__(self):
        self.street = Street.objects.create(source_id="t-street", name_uk="вулиця Тестова", kind="street")
        self.district = District.objects.create(
            source_id="t-district",
            name_uk="Тестовий",
            name_en="Test",
            area=MultiPolygon(Polygon.from_bbox((33.0, 48.5, 34.5, 49.5)), srid=4326),
        )
        group, _ = Category.objects.get_or_create(
            slug="t-group", defaults=dict(name_uk="Група", icon="G", colour="#123456")
        )
        self.category, _ = Category.objects.get_or_create(
            slug="t-school", defaults=dict(name_uk="Школа", parent=group, icon="S", colour="#123456")
        )
        self.count = 0

    @staticmethod
    def lonlat(x, y):
        return lonlat(x, y)

    def _id(self, prefix):
        self.count += 1
        return f"t-{prefix}-{self.count}"

    def road(self, *points, bridge=False, crossing=False):
        """A street through these points, cut into one segment per consecutive pair (noded)."""
        segments = []
        for a, b in zip(points, points[1:], strict=False):
            segments.append(
                StreetSegment.objects.create(
                    source_id=self._id("seg"),
                    street=self.street,
                    road_class="residential",
                    is_bridge=bridge,
                    is_crossing=crossing,
                    geometry=LineString([lonlat(*a), lonlat(*b)], srid=4326),
                )
            )
        return segments

    def water(self, x0, y0, x1, y1):
        ring = [lonlat(x0, y0), lonlat(x1, y0), lonlat(x1, y1), lonlat(x0, y1), lonlat(x0, y0)]
        return Barrier.objects.create(
            source_id=self._id("water"), name_uk="Річка", kind="water", geometry=Polygon(ring, srid=4326)
        )

    def railway(self, x0, y, x1):
        return Barrier.objects.create(
            source_id=self._id("rail"),
            name_uk="Залізниця",
            kind="railway",
            geometry=LineString([lonlat(x0, y), lonlat(x1, y)], srid=4326),
        )

    def home(self, x, y, apartments=10, residents=None):
        """A 20 × 20 m block of flats centred on (x, y)."""
        ring = [
            lonlat(x - 10, y - 10),
            lonlat(x + 10, y - 10),
            lonlat(x + 10, y + 10),
            lonlat(x - 10, y + 10),
        ]
        ring.append(ring[0])
        self.count += 1
        building = Building.objects.create(
            source_id=self._id("home"),
            footprint=MultiPolygon(Polygon(ring, srid=4326), srid=4326),
            street=self.street,
            house_number=str(self.count),
            address=f"вулиця Тестова, {self.count}",
            district=self.district,
            apartments=apartments,
        )
        if residents is not None:
            ResidentCount.objects.create(building=building, residents=residents)
        return building

    def facility(self, x, y, category=None, name="Школа"):
        return Facility.objects.create(
            source_id=self._id("facility"),
            name_uk=name,
            category=category or self.category,
            location=Point(*lonlat(x, y), srid=4326),
        )

    def service_type(self, threshold=1000, slug="t-school", speed="4.5"):
        service_type = ServiceType.objects.create(
            slug=slug, name_uk="Школа", name_en="School", threshold_m=threshold, walking_speed_kmh=speed
        )
        service_type.categories.set([self.category])
        return service_type


@pytest.fixture
def empty_city(db):
    """No streets, homes or facilities (deleted inside the test's transaction, so rolled back)."""
    coverage_reset()
    ResidentCount.objects.all().delete()
    Facility.objects.all().delete()
    WorkRecord.objects.all().delete()  # the works log protects its buildings
    Building.objects.all().delete()
    StreetSegment.objects.all().delete()
    Barrier.objects.all().delete()
    ServiceType.objects.all().delete()
    return CityBuilder()


@pytest.fixture
def login(client):
    """Log the test client in as a demo account of a role (created for the test)."""
    from django.contrib.auth.models import Group

    from core.roles import ROLES

    def _login(role: str | None):
        if role is None:
            return client
        spec = ROLES[role]
        user = get_user_model().objects.create_user(f"t-{role}", password="x", is_staff=spec.staff)
        user.groups.add(Group.objects.get(name=spec.group))
        client.force_login(user)
        return client

    return _login
