"""manage.py requests_overdue_digest — e-mail each process owner and head their overdue
requests (once a day per person; the Celery beat runs it every morning)."""

from django.core.management.base import BaseCommand

from citizen_requests.services.messages import overdue_digest_queue


class Command(BaseCommand):
    help = "Queue today's digest of overdue requests to their owners and heads."

    def handle(self, *args, **options):
        queued = overdue_digest_queue()
        self.stdout.write(f"{queued} digests queued.")
