"""manage.py requests_public_refresh [--batch 2000]

Derive the published text and address of every request again (after the masking rules or the
city's addresses changed). Requests that staff moderated keep their edited text."""

from django.core.management.base import BaseCommand, CommandError

from citizen_requests.models import Request
from citizen_requests.personal_data import street_names
from citizen_requests.services.moderation import request_public_refresh


class Command(BaseCommand):
    help = "Re-derive the published text and address of requests (moderated ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="requests read per batch")

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be ≥ 1")
        streets = street_names()
        pending = Request.objects.filter(public_edited_at__isnull=True).order_by("pk")
        total, changed, last = pending.count(), 0, 0
        seen = 0
        while True:
            chunk = list(pending.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            for request in chunk:
                changed += request_public_refresh(request, streets=streets)
            seen += len(chunk)
            last = chunk[-1].pk
            self.stdout.write(f"{seen:,} of {total:,} requests read, {changed:,} changed")
        self.stdout.write(self.style.SUCCESS(f"{changed:,} of {total:,} requests re-derived."))
