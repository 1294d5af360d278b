"""Database triggers that bump gis_layers_dataversion whenever tile data changes.

Triggers (not Django signals) so that bulk loads, the admin, raw SQL and other tools all
invalidate cached tiles alike.
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

WATCHED = [
    ("facilities_facility", "facilities"),
    ("facilities_category", "facilities"),
    ("housing_registry_building", "buildings"),
]


def create_sql() -> str:
    statements = [FUNCTION]
    for table, source in WATCHED:
        statements.append(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_data_version('{source}');"
        )
    return "\n".join(statements)


def drop_sql() -> str:
    statements = [f"DROP TRIGGER IF EXISTS {table}_data_version ON {table};" for table, _ in WATCHED]
    statements.append("DROP FUNCTION IF EXISTS misto_bump_data_version();")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [
        ("gis_layers", "0001_data_version"),
        ("facilities", "0002_facility_search_photo_history_opening"),
        ("housing_registry", "0001_initial"),
    ]

    operations = [migrations.RunSQL(create_sql(), drop_sql())]
