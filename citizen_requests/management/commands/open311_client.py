"""manage.py open311_client --name "App" [--email x] [--per-minute 30] [--key KEY]

Register an Open311 app and print its api_key (shown once). With --key a script chooses the
key (the benchmark does); an app of that name with that key already registered is kept."""

from django.core.management.base import BaseCommand

from citizen_requests.models import ApiClient
from citizen_requests.services.api_clients import api_client_authenticate, api_client_issue


class Command(BaseCommand):
    help = "Register an Open311 app and print its api_key."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--per-minute", type=int, default=30, help="filings per minute; 0 = no limit")
        parser.add_argument(
            "--key", default=None, help="use this key (<prefix>.<secret>) instead of a random one"
        )

    def handle(self, *args, name, email, per_minute, key, **options):
        if key and api_client_authenticate(key):
            ApiClient.objects.filter(key_prefix=key.split(".", 1)[0]).update(requests_per_minute=per_minute)
            self.stdout.write(key)
            return
        _client, issued = api_client_issue(
            name=name, contact_email=email, requests_per_minute=per_minute, key=key
        )
        self.stdout.write(issued)
