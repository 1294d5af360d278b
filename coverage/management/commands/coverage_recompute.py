"""`manage.py coverage_recompute [--type SLUG]`: recompute service coverage now, in this process."""

from django.core.management.base import BaseCommand, CommandError

from coverage.demo import service_types_ensure_demo
from coverage.selectors import warning_texts
from coverage.services import CoverageError, coverage_recompute, service_type_get


class Command(BaseCommand):
    help = "Recompute walking distances from every building to every service type (pgRouting)."

    def add_arguments(self, parser):
        parser.add_argument("--type", dest="slug", help="only this service type (slug)")
        parser.add_argument(
            "--demo-types", action="store_true", help="first create the demo service types that are missing"
        )

    def handle(self, *args, slug=None, demo_types=False, **options):
        if demo_types:
            created = service_types_ensure_demo()
            if created:
                self.stdout.write(f"created {created} demo service types")
        try:
            service_type = service_type_get(slug=slug) if slug else None
        except CoverageError as exc:
            raise CommandError(exc.message) from exc
        run = coverage_recompute(service_type=service_type, log=lambda line: self.stdout.write(f"  {line}"))
        for text in warning_texts(run.warnings):
            self.stdout.write(self.style.WARNING(f"  ! {text}"))
        if run.status != run.Status.DONE:
            raise CommandError(f"The recompute failed: {run.error}")
        total = sum(run.timings.values())
        self.stdout.write(self.style.SUCCESS(f"Coverage recomputed in {total:.1f} s."))
