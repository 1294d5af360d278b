"""The basemap's database side: the transliteration function its tiles call for English names
(basemap/translit.py writes it from the translitua library's tables), and data-version triggers
on the city's tables it draws, so that a renamed street or a moved boundary changes the
basemap's ETags at once. The city app sits below the layer engine and cannot name its migration
operation; the basemap, which reads these tables, adds the triggers here."""

from django.db import migrations

from basemap.translit import DROP_FUNCTION_SQL, translit_function_sql
from gis_layers.migrations_ops import DataVersionTrigger


class Migration(migrations.Migration):
    dependencies = [
        ("basemap", "0001_map_areas"),
        ("city", "0001_initial"),
        ("gis_layers", "0002_data_version_triggers"),
    ]

    operations = [
        migrations.RunSQL(translit_function_sql(), DROP_FUNCTION_SQL, elidable=False),
        DataVersionTrigger("city_street", "streets"),
        DataVersionTrigger("city_streetsegment", "streets"),
        DataVersionTrigger("city_municipality", "territory"),
        DataVersionTrigger("city_district", "territory"),
        DataVersionTrigger("city_barrier", "territory"),
        DataVersionTrigger("basemap_maparea", "basemap"),
    ]
