"""manage.py ogcapi_items_sql COLLECTION "limit=1000&bbox=..."

Prints the single SQL statement /ogcapi/collections/COLLECTION/items runs for that query string,
with its parameters filled in: `make bench` runs it with pgbench beside the endpoint.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict

from gis_layers.ogcapi.collections import collection_for
from gis_layers.ogcapi.openapi import DEFAULT_LIMIT


class Command(BaseCommand):
    help = "Print the SQL of an OGC API items page."

    def add_arguments(self, parser):
        parser.add_argument("collection")
        parser.add_argument("query", nargs="?", default="")

    def handle(self, *args, collection: str, query: str, **options):
        from django.contrib.auth.models import AnonymousUser

        c = collection_for(AnonymousUser(), collection)
        if c is None:
            raise CommandError(f"There is no public collection {collection!r}.")
        params = QueryDict(query)
        bbox = tuple(float(v) for v in params["bbox"].split(",")) if params.get("bbox") else None
        filters = {k: v for k, v in params.items() if k in {q.name for q in c.queryables}}
        sql, values = c.items_sql(
            bbox=bbox,
            filters=filters,
            limit=int(params.get("limit", DEFAULT_LIMIT)),
            offset=int(params.get("offset", 0)),
        )
        with connection.cursor() as cursor:
            self.stdout.write(cursor.mogrify(sql, values).decode())
