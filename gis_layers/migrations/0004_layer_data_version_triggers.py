"""Triggers that bump DataVersion for GIS layers (the apps add theirs with migrations_ops).

Features: one source per layer ("layer:<id>"), so a change to one layer never invalidates the
cached tiles of another. Statement-level triggers with transition tables: an import of 100,000
features bumps each touched layer once, not 100,000 times. PostgreSQL allows a transition
table only on a single-event trigger, hence one trigger per event.

Layers: any change bumps "layers" (the registry the map page and the OGC API list).
"""

from django.db import migrations

FEATURE_FUNCTION = """
CREATE OR REPLACE FUNCTION misto_bump_layer_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO gis_layers_dataversion (source, version, changed_at)
        SELECT DISTINCT 'layer:' || layer_id, 1, now() FROM new_rows
        ON CONFLICT (source) DO UPDATE
            SET version = gis_layers_dataversion.version + 1, changed_at = now();
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO gis_layers_dataversion (source, version, changed_at)
        SELECT 'layer:' || layer_id, 1, now()
        FROM (SELECT layer_id FROM new_rows UNION SELECT layer_id FROM old_rows) AS touched
        ON CONFLICT (source) DO UPDATE
            SET version = gis_layers_dataversion.version + 1, changed_at = now();
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO gis_layers_dataversion (source, version, changed_at)
        SELECT DISTINCT 'layer:' || layer_id, 1, now() FROM old_rows
        ON CONFLICT (source) DO UPDATE
            SET version = gis_layers_dataversion.version + 1, changed_at = now();
    ELSE  -- TRUNCATE
        UPDATE gis_layers_dataversion SET version = version + 1, changed_at = now()
        WHERE source LIKE 'layer:%';
    END IF;
    RETURN NULL;
END $$;
"""

CREATE = f"""
{FEATURE_FUNCTION}
CREATE TRIGGER gis_layers_feature_insert_version AFTER INSERT ON gis_layers_feature
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_layer_versions();
CREATE TRIGGER gis_layers_feature_update_version AFTER UPDATE ON gis_layers_feature
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_layer_versions();
CREATE TRIGGER gis_layers_feature_delete_version AFTER DELETE ON gis_layers_feature
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_layer_versions();
CREATE TRIGGER gis_layers_feature_truncate_version AFTER TRUNCATE ON gis_layers_feature
    FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_layer_versions();
CREATE TRIGGER gis_layers_layer_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gis_layers_layer
    FOR EACH STATEMENT EXECUTE FUNCTION misto_bump_data_version('layers');
"""

DROP = """
DROP TRIGGER IF EXISTS gis_layers_feature_insert_version ON gis_layers_feature;
DROP TRIGGER IF EXISTS gis_layers_feature_update_version ON gis_layers_feature;
DROP TRIGGER IF EXISTS gis_layers_feature_delete_version ON gis_layers_feature;
DROP TRIGGER IF EXISTS gis_layers_feature_truncate_version ON gis_layers_feature;
DROP TRIGGER IF EXISTS gis_layers_layer_data_version ON gis_layers_layer;
DROP FUNCTION IF EXISTS misto_bump_layer_versions();
"""


class Migration(migrations.Migration):
    dependencies = [("gis_layers", "0003_layers_features_imports")]

    operations = [migrations.RunSQL(CREATE, DROP)]
