"""manage.py requests_close_answered — close the requests answered more than
MISTO_REQUEST_CLOSE_AFTER_DAYS ago (the Celery beat runs it nightly)."""

from django.core.management.base import BaseCommand

from citizen_requests.services.workflow import requests_close_answered


class Command(BaseCommand):
    help = "Close answered requests whose period for the applicant's reply is over."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override MISTO_REQUEST_CLOSE_AFTER_DAYS")

    def handle(self, *args, days=None, **options):
        closed = requests_close_answered(older_than_days=days)
        self.stdout.write(f"{closed} answered requests closed.")
