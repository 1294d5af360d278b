"""manage.py generate_requests --count 1000000 [--seed 1960] [--until 2026-11-25] [--days 1095]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citizen_requests.services.generator import requests_generate


class Command(BaseCommand):
    help = "Generate existing requests for scale tests (deterministic; tops an earlier run up to --count)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1960)
        parser.add_argument(
            "--until", type=dt.date.fromisoformat, default=None, help="the last day (default: today)"
        )
        parser.add_argument("--days", type=int, default=1095, help="how many days back the requests reach")

    def handle(self, *args, count: int, seed: int, until, days: int, **options):
        if count < 0 or days < 1:
            raise CommandError("--count must be ≥ 0 and --days ≥ 1")
        day = until or timezone.localdate()
        end = dt.datetime.combine(day, dt.time(18, 0), timezone.get_current_timezone())
        added = requests_generate(count=count, seed=seed, until=end, days=days, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{added:,} requests added."))
