"""manage.py notifications_send — deliver the messages still waiting (e.g. after the mail
server or the broker was down). Safe to run at any time: each message goes out once."""

from django.core.management.base import BaseCommand

from citizen_requests.models import Notification
from citizen_requests.services.notifications import NotificationNotDelivered, notification_deliver


class Command(BaseCommand):
    help = "Send the pending notifications (each at most once)."

    def handle(self, *args, **options):
        sent = failed = 0
        for pk in (
            Notification.objects.filter(state=Notification.State.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            try:
                if notification_deliver(notification_id=pk) == "sent":
                    sent += 1
            except NotificationNotDelivered as exc:
                failed += 1
                self.stderr.write(f"notification {pk}: {exc}")
        self.stdout.write(f"{sent} sent, {failed} failed (they stay pending and are retried).")
