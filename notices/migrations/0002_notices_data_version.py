from django.db import migrations

from gis_layers.migrations_ops import DataVersionTrigger


class Migration(migrations.Migration):
    """Cached OGC API counts of the notices change with the data (gis_layers.registry)."""

    dependencies = [
        ("gis_layers", "0002_data_version_triggers"),
        ("notices", "0001_notices_subscriptions_deliveries"),
    ]

    operations = [DataVersionTrigger("notices_notice", "notices")]
