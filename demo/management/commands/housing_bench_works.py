"""manage.py housing_bench_works [--total 10000] [--seed 1960]

Scale data for `make bench`: tops the works log up to --total work records with generated
ones (source id bench-NNNNN), spread over every building, 2024–2026, every kind, status and
contractor, some overdue. Deterministic (the same seed writes the same records) and
idempotent (records already there are kept; a second run adds nothing).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.sheets import WORK_TITLES
from housing_registry.models import Building, Contractor, WorkRecord

FIRST, LAST, AS_OF = date(2024, 1, 1), date(2026, 12, 31), date(2026, 11, 1)


class Command(BaseCommand):
    help = "Top the works log up to --total records with deterministic benchmark data."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1960)

    def handle(self, *args, total: int, seed: int, **options):
        buildings = list(Building.objects.order_by("source_id").values_list("pk", "entrances"))
        contractors = list(Contractor.objects.order_by("name").values_list("pk", flat=True))
        if not buildings:
            raise CommandError("No buildings: load the demo city first (manage.py load_demo_city).")
        existing = WorkRecord.objects.exclude(source_id__startswith="bench-").count()
        wanted = max(0, total - existing)
        have = set(
            WorkRecord.objects.filter(source_id__startswith="bench-").values_list("source_id", flat=True)
        )
        rng = random.Random(f"bench-works:{seed}")
        pairs = sorted(WORK_TITLES)
        span = (LAST - FIRST).days
        create = []
        for n in range(wanted):
            # Draw every record, kept or not, so that record n is the same on every run.
            building, entrances = buildings[rng.randrange(len(buildings))]
            system, kind = pairs[rng.randrange(len(pairs))]
            planned = FIRST + timedelta(days=rng.randrange(span))
            roll = rng.random()
            status, done = "planned", None
            if planned <= AS_OF:
                status = "done" if roll < 0.85 else ("cancelled" if roll < 0.88 else "in_progress")
            if status == "done":
                done = min(planned + timedelta(days=rng.randrange(30)), AS_OF)
            cost = Decimal(rng.randrange(500, 900000)) if rng.random() > 0.08 else None
            contractor = (
                contractors[rng.randrange(len(contractors))] if contractors and rng.random() < 0.8 else None
            )
            entrance = rng.randint(1, entrances) if entrances and rng.random() < 0.3 else None
            key = f"bench-{n:06d}"
            if key in have:
                continue
            create.append(
                WorkRecord(
                    source_id=key,
                    building_id=building,
                    entrance=entrance,
                    system=system,
                    kind=kind,
                    title=WORK_TITLES[(system, kind)][0],
                    planned_date=planned,
                    done_date=done,
                    status=status,
                    cost=cost,
                    contractor_id=contractor,
                )
            )
        with transaction.atomic():
            WorkRecord.objects.bulk_create(create, batch_size=2000)
        self.stdout.write(
            f"works log: {existing} records besides the benchmark's, {len(have)} benchmark records kept, "
            f"{len(create)} added; {WorkRecord.objects.count()} in all"
        )
