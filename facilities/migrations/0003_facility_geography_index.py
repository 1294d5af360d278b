from django.db import migrations


class Migration(migrations.Migration):
    """A geography index for "nearest first" (KNN with <-> on the sphere, not in degrees)."""

    dependencies = [("facilities", "0002_facility_search_photo_history_opening")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX facility_location_geography ON facilities_facility USING gist ((location::geography));",
            "DROP INDEX facility_location_geography;",
        )
    ]
