"""Changes to buildings bump the "buildings" data version (tiles, OGC API).

Databases migrated earlier got this trigger from gis_layers 0002; this re-creates it
idempotently, so it runs on those and on fresh databases alike.
"""

from django.db import migrations

from gis_layers.migrations_ops import DataVersionTrigger


class Migration(migrations.Migration):
    dependencies = [
        ("housing_registry", "0003_building_address_index"),
        ("gis_layers", "0002_data_version_triggers"),
    ]

    operations = [DataVersionTrigger("housing_registry_building", "buildings")]
