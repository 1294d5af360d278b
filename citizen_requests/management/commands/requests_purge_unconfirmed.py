"""manage.py requests_purge_unconfirmed — delete visitors' requests whose confirmation link
expired unopened (with their files), and the files kept from filing forms that were never sent
again (pending uploads older than a day). Run it daily."""

from django.core.management.base import BaseCommand

from citizen_requests.services.intake import unconfirmed_purge
from citizen_requests.storage import request_file_storage
from citizen_requests.views.intake import PENDING_SCOPE
from core.uploads import PendingUploads


class Command(BaseCommand):
    help = "Delete unconfirmed requests whose confirmation link has expired, and abandoned pending files."

    def handle(self, *args, **options):
        self.stdout.write(f"{unconfirmed_purge()} unconfirmed requests deleted.")
        kept = PendingUploads.purge(storage=request_file_storage, scope=PENDING_SCOPE)
        self.stdout.write(f"{kept} files of abandoned filing forms deleted.")
