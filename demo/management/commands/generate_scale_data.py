"""manage.py generate_scale_data --buildings 100000 --facilities 50000

Deterministic scale data for `make bench`: buildings and facilities spread over a region the
size of a city of a million people, around the demo city. Their source ids start with
"scale-"; running again with the same numbers changes nothing, other numbers replace them.
It refuses a database whose name does not contain "bench" unless given --yes.
"""

import random
import time

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from city.models import Street
from facilities.models import Category, Facility
from facilities.services import facility_sync_opening_periods
from housing_registry.models import Building

PREFIX = "scale-"
CENTRE = (33.638, 49.0105)
SPAN = (0.12, 0.08)  # ± degrees of longitude / latitude: about 18 × 18 km


class Command(BaseCommand):
    help = "Generate deterministic scale data (buildings, facilities) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=100_000)
        parser.add_argument("--facilities", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--yes", action="store_true", help="allow a database whose name has no 'bench'")

    def handle(self, *args, buildings: int, facilities: int, seed: int, yes: bool, **options):
        if "bench" not in connection.settings_dict["NAME"] and not yes:
            raise CommandError("This adds 150,000 fake records; use a bench database or pass --yes.")
        started = time.monotonic()
        have_b = Building.objects.filter(source_id__startswith=PREFIX).count()
        have_f = Facility.objects.filter(source_id__startswith=PREFIX).count()
        if (have_b, have_f) == (buildings, facilities):
            self.stdout.write(f"Scale data already present: {have_b} buildings, {have_f} facilities.")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            Facility.objects.filter(source_id__startswith=PREFIX).delete()
            Building.objects.filter(source_id__startswith=PREFIX).delete()
            self._buildings(rng, buildings)
            self._facilities(rng, facilities)
            facility_sync_opening_periods(facilities=Facility.objects.filter(source_id__startswith=PREFIX))
        with connection.cursor() as cursor:
            for table in ("housing_registry_building", "facilities_facility", "facilities_openingperiod"):
                cursor.execute(f"ANALYZE {table}")
        self.stdout.write(
            f"Generated {buildings} buildings and {facilities} facilities in {time.monotonic() - started:.1f} s."
        )

    def _point(self, rng):
        return CENTRE[0] + rng.uniform(-SPAN[0], SPAN[0]), CENTRE[1] + rng.uniform(-SPAN[1], SPAN[1])

    def _buildings(self, rng, n: int) -> None:
        streets = list(Street.objects.values_list("id", "name_uk"))
        batch = []
        for i in range(n):
            x, y = self._point(rng)
            w, d = rng.uniform(0.00015, 0.0006), rng.uniform(0.00008, 0.00015)
            ring = Polygon.from_bbox((x - w, y - d, x + w, y + d))
            street_id, street_name = streets[i % len(streets)]
            number = f"{1000 + i}"
            floors = rng.choice([2, 5, 5, 9, 9, 12, 16])
            batch.append(
                Building(
                    source_id=f"{PREFIX}b{i:07d}",
                    footprint=MultiPolygon(ring, srid=4326),
                    street_id=street_id,
                    house_number=number,
                    address=f"{street_name}, {number}",
                    floors=floors,
                    entrances=rng.randint(1, 8),
                    apartments=floors * rng.randint(4, 30),
                    year_built=rng.randint(1955, 2024),
                )
            )
            if len(batch) == 5000:
                Building.objects.bulk_create(batch)
                batch = []
        Building.objects.bulk_create(batch)

    def _facilities(self, rng, n: int) -> None:
        categories = list(Category.objects.filter(parent__isnull=False).values_list("id", flat=True))
        batch = []
        for i in range(n):
            x, y = self._point(rng)
            batch.append(
                Facility(
                    source_id=f"{PREFIX}f{i:07d}",
                    name_uk=f"Об'єкт {i}",
                    name_en=f"Place {i}",
                    category_id=categories[i % len(categories)],
                    location=Point(x, y, srid=4326),
                    address=f"вулиця Тестова, {i}",
                    phones=["+380 5348 2-00-00"],
                    opening_hours="Mo-Fr 08:00-17:00",
                )
            )
            if len(batch) == 5000:
                Facility.objects.bulk_create(batch)
                batch = []
        Facility.objects.bulk_create(batch)
