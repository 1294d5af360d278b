"""manage.py requests_purge_unconfirmed — delete visitors' requests whose confirmation link
expired unopened (with their files). Run it daily."""

from django.core.management.base import BaseCommand

from citizen_requests.services.intake import unconfirmed_purge


class Command(BaseCommand):
    help = "Delete unconfirmed requests whose confirmation link has expired."

    def handle(self, *args, **options):
        self.stdout.write(f"{unconfirmed_purge()} unconfirmed requests deleted.")
