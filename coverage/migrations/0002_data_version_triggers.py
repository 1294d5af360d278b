"""Changes to the per-home results (and to what their tiles show: access points, resident counts,
a service type's threshold) bump the "coverage-homes" data version, which the ETags and cached
tiles of the analysts' map of homes carry (coverage/tiles.py)."""

from django.db import migrations

from gis_layers.migrations_ops import DataVersionTrigger

TABLES = ["coverage_buildingcoverage", "coverage_buildingaccess", "coverage_residentcount", "coverage_servicetype"]


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_initial"),
        ("gis_layers", "0002_data_version_triggers"),
    ]

    operations = [DataVersionTrigger(table, "coverage-homes") for table in TABLES]
