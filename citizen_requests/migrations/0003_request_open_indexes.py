"""Indexes for the queries that dominate with a million requests (measured in make bench):
the list filtered by category and status, and the open public requests near a place (duplicate
hints), in a map box, or newest first. The open statuses are those of selectors.requests.OPEN_STATUSES."""

from django.db import migrations

OPEN = "('submitted', 'triage', 'assigned', 'in_progress', 'info_requested', 'in_approval', 'approved')"


class Migration(migrations.Migration):
    dependencies = [("citizen_requests", "0002_requests_routing_events")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX request_category_status ON citizen_requests_request (category_id, status)",
            reverse_sql="DROP INDEX IF EXISTS request_category_status",
        ),
        migrations.RunSQL(
            "CREATE INDEX request_open_public_geography ON citizen_requests_request "
            f"USING gist ((location::geography)) WHERE visibility = 'public' AND status IN {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS request_open_public_geography",
        ),
        migrations.RunSQL(
            "CREATE INDEX request_open_public_location ON citizen_requests_request "
            f"USING gist (location) WHERE visibility = 'public' AND status IN {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS request_open_public_location",
        ),
        # The newest open public requests first (the map's default view, Open311 status=open).
        migrations.RunSQL(
            f"CREATE INDEX request_open_public_id ON citizen_requests_request (id DESC) "
            f"WHERE visibility = 'public' AND status IN {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS request_open_public_id",
        ),
    ]
