"""Search as people type it: unaccent + pg_trgm, one SQL function that turns any name or query
into its search key (lower case, no accents, no apostrophes), and a trigram index of the
streets' keys. Facilities index their own key (facilities 0005)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent() is only STABLE (its dictionary could change); naming the dictionary makes the
# wrapper safe to declare IMMUTABLE, which an index expression needs. Apostrophes of every
# kind are dropped, so "памятник" finds "пам'ятник" and "Солов’їна" finds "Солов'їна".
KEY_FUNCTION = r"""
create or replace function misto_search_key(text) returns text
language sql immutable parallel safe strict as $$
  select regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '[''’ʼ`´‘]', '', 'g')
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("city", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(KEY_FUNCTION, "drop function if exists misto_search_key(text);"),
        migrations.RunSQL(
            "create index city_street_search_key_trgm on city_street "
            "using gin (misto_search_key(name_uk || ' ' || name_en) gin_trgm_ops);",
            "drop index if exists city_street_search_key_trgm;",
        ),
    ]
