"""`manage.py notices_bench`: how long a notice over a whole district of N buildings takes to
compute its households and queue its messages (bench/scenarios_notices.py).

A district of --buildings generated houses (a grid inside the hromada) and --subscribers
confirmed subscriptions among them are written in a transaction that is rolled back at the end:
nothing stays and no message leaves (the send task is queued only after a commit)."""

from __future__ import annotations

import json
import math
import time

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from citizen_requests.models import Service
from city.models import District, Street
from city.selectors import municipality
from housing_registry.models import Building
from notices.models import Delivery
from notices.services.notices import NoticeInput, notice_create


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a notice over a district of many buildings: households counted, messages queued."

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=100_000)
        parser.add_argument("--subscribers", type=int, default=20_000)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        city = municipality()
        service = Service.objects.filter(source_id="svc-vodokanal").first() or Service.objects.first()
        actor = get_user_model().objects.filter(username="notices").first()
        street = Street.objects.order_by("pk").first()
        if city is None or service is None or actor is None or street is None:
            raise CommandError("Load the demo city first: manage.py load_demo_city")
        n, subscribers = options["buildings"], min(options["subscribers"], options["buildings"])
        result: dict = {"buildings": n, "subscribers": subscribers}
        try:
            with transaction.atomic():
                started = time.monotonic()
                district = self._district(city, street, n)
                self._subscriptions(district, subscribers)
                result["setup_s"] = round(time.monotonic() - started, 2)
                data = NoticeInput(
                    kind="water", nature="emergency", title_uk="Бенчмарк", title_en="Bench", text_uk="Тест.",
                    text_en="Test.", starts_at=timezone.now(), ends_at=timezone.now() + timezone.timedelta(hours=4),
                    service_id=service.pk, phone="+380 5348 4-11-50", area_method="districts",
                    area_source={"districts": [district.pk]},
                )  # fmt: skip
                started = time.monotonic()
                notice = notice_create(actor=actor, data=data, publish=True)
                result["publish_s"] = round(time.monotonic() - started, 3)
                result["households_in_area"] = notice.households_count
                result["buildings_in_area"] = notice.buildings_count
                result["messages_queued"] = Delivery.objects.filter(change__notice=notice).count()
                raise Rollback
        except Rollback:
            pass
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:20s} {value}")

    def _district(self, city, street, n: int) -> District:
        """A square district of n houses (8 m squares 12 m apart) around a point of the hromada,
        written by one INSERT … SELECT (the other sheet fields empty, as a new sheet's are). Their
        house numbers ('bench-1' …) never meet a real or generated house of the street."""
        centre = city.boundary.point_on_surface
        side = math.ceil(math.sqrt(n))
        step_lat = 12 / 111_132
        step_lon = 12 / (111_320 * math.cos(math.radians(centre.y)))
        x0 = centre.x - side * step_lon / 2
        y0 = centre.y - side * step_lat / 2
        empty = [f.column for f in Building._meta.concrete_fields if f.column in TEXT_COLUMNS]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO housing_registry_building
                      (source_id, created_at, updated_at, footprint, house_number, address, version, street_id,
                       elevators, apartments, {", ".join(empty)})
                    SELECT 'bench-notices:' || i, now(), now(),
                           ST_Multi(ST_MakeEnvelope(x, y, x + %(sx)s, y + %(sy)s, 4326)),
                           'bench-' || (i + 1), 'bench ' || (i + 1), 1, %(street)s, '[]'::jsonb, 1 + i %% 60,
                           {", ".join("''" for _ in empty)}
                      FROM generate_series(0, %(n)s - 1) AS i,
                           LATERAL (SELECT %(x0)s + (i %% %(side)s) * %(dx)s AS x,
                                           %(y0)s + (i / %(side)s) * %(dy)s AS y) AS c""",
                {"n": n, "side": side, "x0": x0, "y0": y0, "dx": step_lon, "dy": step_lat,
                 "sx": step_lon * 8 / 12, "sy": step_lat * 8 / 12, "street": street.pk},
            )  # fmt: skip
        area = Polygon.from_bbox(
            (x0 - step_lon, y0 - step_lat, x0 + (side + 1) * step_lon, y0 + (side + 1) * step_lat)
        )
        area.srid = 4326
        area = area.intersection(city.boundary)
        if area.geom_type == "Polygon":
            area = MultiPolygon(area, srid=4326)
        return District.objects.create(
            source_id="bench-notices", name_uk="Бенчмарк", name_en="Bench", area=area
        )

    def _subscriptions(self, district: District, count: int) -> None:
        """`count` confirmed subscriptions spread over the district's houses (every fifth by SMS too)."""
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO notices_subscription
                      (email, phone, language, address, point, building_id, by_email, by_sms, confirmed_at, token,
                       created_at)
                    SELECT 'bench' || b.id || '@example.org', CASE WHEN (b.r / %(every)s) %% 5 = 0 THEN '+380500000000' ELSE '' END,
                           'uk', b.address, ST_Centroid(b.footprint), b.id, true, (b.r / %(every)s) %% 5 = 0, now(),
                           'bench-' || b.id, now()
                      FROM (SELECT id, address, footprint, row_number() OVER (ORDER BY id) AS r
                              FROM housing_registry_building WHERE source_id LIKE 'bench-notices:%%') AS b
                     WHERE b.r %% %(every)s = 0 LIMIT %(count)s""",
                {"every": max(1, Building.objects.filter(source_id__startswith="bench-notices:").count() // max(count, 1)),
                 "count": count},
            )  # fmt: skip


TEXT_COLUMNS = {
    "wall_material", "management_form", "condominium_name", "accessibility_notes", "cadastral_number", "chair_phone",
    "cold_water", "condominium_chair", "emergency_phone", "energy_class", "gas_supply", "heating_type", "hot_water",
    "notes", "registry_number", "responsible_person", "responsible_phone", "roof_type", "series", "sewerage", "stoves",
    "technical_state",
}  # fmt: skip
