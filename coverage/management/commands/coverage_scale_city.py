"""`manage.py coverage_scale_city`: a generated city for benchmarks (not for a real database).

A street grid sized to the number of homes (a block of 4 homes per 120 × 120 m cell), a river
down the middle crossed only on bridges, a railway across crossed only at level crossings,
homes in every block and facilities of the demo service types spread over the streets.
Deterministic (fixed seed); records carry `scale:` source ids, so a second run with the same
numbers changes nothing and `--replace` removes what an earlier run made.
"""

from __future__ import annotations

import math
import random
import time

from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.core.management.base import BaseCommand
from django.db import transaction
from pyproj import Transformer

from city.models import Barrier, District, Street, StreetSegment
from coverage.demo import DEMO_SERVICE_TYPES, service_types_ensure_demo
from facilities.category_tree import GROUPS
from facilities.models import Category, Facility
from housing_registry.models import Building

ORIGIN = (33.50, 48.95)  # lon, lat of the south-west corner
BLOCK = 120.0  # metres between streets
HOMES_PER_BLOCK = 4
SEED = 2024
# Share of each service's facilities among those generated.
FACILITY_MIX = {"bus_stop": 0.40, "pharmacy": 0.25, "kindergarten": 0.15, "school": 0.10, "clinic": 0.075,
                "admin_service_centre": 0.025}  # fmt: skip
BRIDGE_EVERY = 20  # blocks between bridges over the river
CROSSING_EVERY = 15  # blocks between level crossings of the railway


class Frame:
    def __init__(self):
        self.to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
        self.to_wgs = Transformer.from_crs("EPSG:32636", "EPSG:4326", always_xy=True)
        self.x0, self.y0 = self.to_utm.transform(*ORIGIN)

    def ll(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self.to_wgs.transform(self.x0 + x, self.y0 + y)
        return round(lon, 7), round(lat, 7)


class Command(BaseCommand):
    help = "Generate a scale city for `make bench` (streets, a river, a railway, homes, facilities)."

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=100_000)
        parser.add_argument("--facilities", type=int, default=2_000)
        parser.add_argument("--replace", action="store_true", help="remove an earlier scale city first")

    def handle(self, *args, buildings: int, facilities: int, replace: bool, **options):
        started = time.perf_counter()
        existing = Building.objects.filter(source_id__startswith="scale:").count()
        if existing == buildings and not replace:
            with transaction.atomic():
                self._categories()
                service_types_ensure_demo()
            self.stdout.write(f"scale city present ({existing} homes): nothing to do")
            return
        with transaction.atomic():
            self._remove()
            self._categories()
            counts = self._generate(buildings, facilities)
            service_types_ensure_demo()
        self.stdout.write(
            "scale city: {streets} street segments, {homes} homes, {facilities} facilities "
            "in {seconds:.0f} s".format(**counts, seconds=time.perf_counter() - started)
        )

    def _remove(self):
        Facility.objects.filter(source_id__startswith="scale:").delete()
        Building.objects.filter(source_id__startswith="scale:").delete()
        StreetSegment.objects.filter(source_id__startswith="scale:").delete()
        Street.objects.filter(source_id__startswith="scale:").delete()
        Barrier.objects.filter(source_id__startswith="scale:").delete()
        District.objects.filter(source_id__startswith="scale:").delete()

    def _categories(self):
        """The categories the demo service types need (a bench database may hold no demo city)."""
        wanted = {slug for _s, _u, _e, slugs, _t, _v in DEMO_SERVICE_TYPES for slug in slugs}
        for order, (group, children) in enumerate(GROUPS):
            leaves = [c for c in children if c.slug in wanted]
            if not leaves:
                continue
            parent, _ = Category.objects.get_or_create(
                slug=group.slug,
                defaults=dict(name_uk=group.name_uk, name_en=group.name_en, icon=group.icon, colour=group.colour,
                              order=order * 10),
            )  # fmt: skip
            for leaf in leaves:
                Category.objects.get_or_create(
                    slug=leaf.slug,
                    defaults=dict(name_uk=leaf.name_uk, name_en=leaf.name_en, icon=leaf.icon, colour=leaf.colour,
                                  parent=parent),
                )  # fmt: skip

    def _generate(self, n_buildings: int, n_facilities: int) -> dict:
        rng = random.Random(SEED)
        frame = Frame()
        blocks = math.ceil(n_buildings / HOMES_PER_BLOCK)
        side = math.ceil(math.sqrt(blocks)) + 1  # blocks per side (one column is river)
        size = side * BLOCK
        river_k = side // 2  # the river runs north-south inside block column river_k
        river_x0, river_x1 = river_k * BLOCK + 20, (river_k + 1) * BLOCK - 20
        rail_j = side // 3  # the railway runs east-west inside block row rail_j
        rail_y = rail_j * BLOCK + BLOCK / 2

        river = Polygon([frame.ll(river_x0, -50), frame.ll(river_x1, -50), frame.ll(river_x1, size + 50),
                         frame.ll(river_x0, size + 50), frame.ll(river_x0, -50)], srid=4326)  # fmt: skip
        Barrier.objects.create(source_id="scale:river", name_uk="Річка", kind="water", geometry=river)
        Barrier.objects.create(
            source_id="scale:railway", name_uk="Залізниця", kind="railway",
            geometry=LineString([frame.ll(-50, rail_y), frame.ll(size + 50, rail_y)], srid=4326),
        )  # fmt: skip
        quarter = side // 4 or 1
        districts = []
        for a in range(4):
            for b in range(4):
                x0, y0 = a * quarter * BLOCK, b * quarter * BLOCK
                x1 = size if a == 3 else (a + 1) * quarter * BLOCK
                y1 = size if b == 3 else (b + 1) * quarter * BLOCK
                ring = [
                    frame.ll(x0, y0),
                    frame.ll(x1, y0),
                    frame.ll(x1, y1),
                    frame.ll(x0, y1),
                    frame.ll(x0, y0),
                ]
                districts.append(District(source_id=f"scale:district-{a}-{b}", name_uk=f"Район {a + 1}-{b + 1}",
                                          name_en=f"District {a + 1}-{b + 1}",
                                          area=MultiPolygon(Polygon(ring, srid=4326), srid=4326)))  # fmt: skip
        District.objects.bulk_create(districts)
        districts = {d.source_id: d for d in District.objects.filter(source_id__startswith="scale:")}

        streets_ew = Street.objects.bulk_create(
            [
                Street(
                    source_id=f"scale:ew-{j}",
                    name_uk=f"вулиця Широтна {j}",
                    name_en=f"Latitude Street {j}",
                    kind="street",
                )
                for j in range(side + 1)
            ]  # fmt: skip
        )
        streets_ns = Street.objects.bulk_create(
            [
                Street(
                    source_id=f"scale:ns-{k}",
                    name_uk=f"вулиця Меридіанна {k}",
                    name_en=f"Meridian Street {k}",
                    kind="street",
                )
                for k in range(side + 1)
            ]  # fmt: skip
        )
        segments = []
        for j in range(side + 1):  # east-west streets: cut at the river except on bridges
            y = j * BLOCK
            for k in range(side):
                crosses_river = k == river_k
                if crosses_river and j % BRIDGE_EVERY:
                    continue
                segments.append(StreetSegment(
                    source_id=f"scale:ew-{j}-{k}", street=streets_ew[j], road_class="residential",
                    is_bridge=crosses_river,
                    geometry=LineString([frame.ll(k * BLOCK, y), frame.ll((k + 1) * BLOCK, y)], srid=4326),
                ))  # fmt: skip
        for k in range(side + 1):  # north-south streets: cut at the railway except at crossings
            x = k * BLOCK
            if river_x0 < x < river_x1:
                continue
            for j in range(side):
                crosses_rail = j == rail_j
                if crosses_rail and k % CROSSING_EVERY:
                    continue
                segments.append(StreetSegment(
                    source_id=f"scale:ns-{k}-{j}", street=streets_ns[k], road_class="residential",
                    is_crossing=crosses_rail,
                    geometry=LineString([frame.ll(x, j * BLOCK), frame.ll(x, (j + 1) * BLOCK)], srid=4326),
                ))  # fmt: skip
        StreetSegment.objects.bulk_create(segments, batch_size=5000)

        homes, numbers = [], {}
        offsets = [(30, 30), (90, 30), (30, 90), (90, 90)]
        columns = [k for k in range(side) if k != river_k]  # no homes in the river's column
        for index in range(n_buildings):
            block, slot = divmod(index, HOMES_PER_BLOCK)
            k, j = columns[block % len(columns)], block // len(columns)
            dx, dy = offsets[slot]
            cx, cy = k * BLOCK + dx, j * BLOCK + dy
            if abs(cy - rail_y) < 25:
                cy += 30 if cy > rail_y else -30
            street = streets_ew[j]
            numbers[street.pk] = numbers.get(street.pk, 0) + 1
            ring = [frame.ll(cx - 12, cy - 7), frame.ll(cx + 12, cy - 7), frame.ll(cx + 12, cy + 7),
                    frame.ll(cx - 12, cy + 7), frame.ll(cx - 12, cy - 7)]  # fmt: skip
            district = districts[f"scale:district-{min(k // quarter, 3)}-{min(j // quarter, 3)}"]
            homes.append(Building(
                source_id=f"scale:home-{index}", footprint=MultiPolygon(Polygon(ring, srid=4326), srid=4326),
                street=street, house_number=f"{numbers[street.pk]}-{slot}",
                address=f"{street.name_uk}, {numbers[street.pk]}-{slot}", district=district,
                apartments=None if rng.random() < 0.01 else rng.randint(20, 200),
            ))  # fmt: skip
        Building.objects.bulk_create(homes, batch_size=5000)

        categories = {c.slug: c for c in Category.objects.filter(slug__in=FACILITY_MIX)}
        facilities = []
        for slug, share in FACILITY_MIX.items():
            for n in range(max(1, round(n_facilities * share))):
                x, y = rng.uniform(0, size), rng.uniform(0, size)
                if river_x0 - 10 < x < river_x1 + 10:
                    x = river_x1 + 30
                facilities.append(Facility(
                    source_id=f"scale:{slug}-{n}", name_uk=f"{categories[slug].name_uk} {n + 1}",
                    category=categories[slug], location=Point(*frame.ll(x, y), srid=4326),
                ))  # fmt: skip
        Facility.objects.bulk_create(facilities, batch_size=5000)
        return {"streets": len(segments), "homes": len(homes), "facilities": len(facilities)}
