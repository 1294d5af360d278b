"""A migration operation for apps whose tables feed a data version (gis_layers.registry).

    from gis_layers.migrations_ops import DataVersionTrigger

    class Migration(migrations.Migration):
        dependencies = [("gis_layers", "0002_data_version_triggers"), ("things", "0001_initial")]
        operations = [DataVersionTrigger("things_thing", "things")]

The trigger bumps gis_layers_dataversion.<source> once per statement that changes the table
(insert, update, delete, truncate): database triggers rather than Django signals, so bulk loads,
the admin, raw SQL and other tools all invalidate cached tiles and counts alike.

Idempotent: the shared function is created or replaced and the trigger dropped if it exists
before it is created, so the migration also runs on databases where an older migration made the
same trigger. Reversed, it drops the trigger (the function belongs to gis_layers).
"""

from __future__ import annotations

import re

from django.db import migrations

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION misto_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gis_layers_dataversion (source, version, changed_at) VALUES (TG_ARGV[0], 1, now())
    ON CONFLICT (source) DO UPDATE
        SET version = gis_layers_dataversion.version + 1, changed_at = now();
    RETURN NULL;
END $$;
"""


def trigger_sql(table: str, source: str) -> tuple[str, str]:
    """(forward, reverse) SQL of the data-version trigger on `table` for `source`."""
    if not NAME.match(table) or not re.fullmatch(r"[a-z0-9_:-]+", source):
        raise ValueError(f"DataVersionTrigger: not a plain table / source name: {table!r}, {source!r}")
    drop = f"DROP TRIGGER IF EXISTS {table}_data_version ON {table};"
    create = (
        f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_data_version('{source}');"
    )
    return "\n".join([BUMP_FUNCTION, drop, create]), drop


def DataVersionTrigger(table: str, source: str) -> migrations.RunSQL:  # noqa: N802  (reads as an operation)
    """The operation adding (idempotently) the data-version trigger of `table` for `source`."""
    forward, reverse = trigger_sql(table, source)
    return migrations.RunSQL(forward, reverse, elidable=False)
