"""manage.py facilities_api_sql "bbox=...&page_size=1000"

Prints the single SQL statement /api/v1/facilities/ runs for that query string, with its
parameters filled in: `make bench` runs it with pgbench beside the endpoint.
"""

from django.core.management.base import BaseCommand
from django.http import QueryDict

from facilities.api.views import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, _properties_param
from facilities.filters import page_params, parse_facility_filter
from facilities.sql import facilities_page_sql_text


class Command(BaseCommand):
    help = "Print the SQL of /api/v1/facilities/ for a query string."

    def add_arguments(self, parser):
        parser.add_argument("query")

    def handle(self, *args, query: str, **options):
        params = QueryDict(query)
        f = parse_facility_filter(params)
        page, page_size = page_params(params, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
        english = params.get("lang", "uk") == "en"
        self.stdout.write(
            facilities_page_sql_text(
                f,
                district_id=f.district_id,
                english=english,
                limit=page_size,
                offset=(page - 1) * page_size,
                minimal=_properties_param(params),
            )
        )
