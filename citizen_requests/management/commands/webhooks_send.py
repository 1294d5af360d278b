"""manage.py webhooks_send — POST the webhook deliveries whose retry pause is over (the Celery
beat runs this every minute). Safe to run at any time: each delivery succeeds once."""

from django.core.management.base import BaseCommand

from citizen_requests.services.webhooks import webhooks_send_due


class Command(BaseCommand):
    help = "Send the pending webhook deliveries that are due."

    def handle(self, *args, **options):
        sent, failed = webhooks_send_due()
        self.stdout.write(f"{sent} delivered, {failed} failed (they stay pending and are retried).")
