"""manage.py load_demo_city [--path DIR] [--no-accounts] [--no-requests]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoDataError, load_demo_city


class Command(BaseCommand):
    help = "Load or refresh the demo city from ESRI shapefiles (idempotent, all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=settings.MISTO_DEMO_DATA_DIR)
        parser.add_argument("--no-accounts", action="store_true", help="do not create the demo accounts")
        parser.add_argument(
            "--no-requests", action="store_true", help="do not file the demo requests along the route"
        )

    def handle(self, *args, path: Path, no_accounts: bool, no_requests: bool, **options):
        try:
            report = load_demo_city(
                path,
                with_accounts=not no_accounts,
                with_route_requests=not (no_accounts or no_requests),
                log=self.stdout.write,
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Demo city loaded from {path}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo city already up to date ({path})."))
