"""The database function that bumps gis_layers_dataversion whenever tracked data changes.

The apps whose tables feed a data version add their own triggers in their own migrations
(gis_layers.migrations_ops.DataVersionTrigger). Databases migrated before that split already
have those triggers from an earlier version of this migration; the apps' migrations replace them
idempotently.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION misto_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gis_layers_dataversion (source, version, changed_at) VALUES (TG_ARGV[0], 1, now())
    ON CONFLICT (source) DO UPDATE
        SET version = gis_layers_dataversion.version + 1, changed_at = now();
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("gis_layers", "0001_data_version")]

    # CASCADE on the way back: the apps' triggers use the function (their migrations, which
    # depend on this one, are reversed first and drop them anyway).
    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS misto_bump_data_version() CASCADE;")]
