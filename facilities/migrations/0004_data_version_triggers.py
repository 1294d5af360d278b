"""Changes to facilities and categories bump the "facilities" data version (tiles, OGC API).

Databases migrated earlier got these triggers from gis_layers 0002; this re-creates them
idempotently, so it runs on those and on fresh databases alike.
"""

from django.db import migrations

from gis_layers.migrations_ops import DataVersionTrigger


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0003_facility_geography_index"),
        ("gis_layers", "0002_data_version_triggers"),
    ]

    operations = [
        DataVersionTrigger("facilities_facility", "facilities"),
        DataVersionTrigger("facilities_category", "facilities"),
    ]
