"""English names of Ukrainian places: the official national transliteration (Cabinet of
Ministers resolution No. 55 of 27 January 2010), as the `translitua` library implements it.

The basemap's tiles are made by one SQL statement, so the transliteration must also run inside
PostgreSQL: `translit_function_sql()` writes the function misto_translit_uk(text) from the
library's own tables and steps (delete the soft sign and apostrophes, "зг" → "zgh", the
word-initial forms of є ї й ю я, then letter by letter, all capitals kept). The basemap's
migration creates it; tests/basemap/test_translit.py checks that the database and the library
agree on the resolution's examples and on every street of the city.
"""

from __future__ import annotations

import translitua
from translitua import UkrainianKMU

# Word characters for the "start of a word" rule (the library's \\b): letters of both scripts,
# digits and the underscore. PostgreSQL's own classes depend on the database's locale.
_WORD = "0-9A-Za-z_\u0400-\u04ff"
_LOWER = "a-z\u0430-\u044f\u0450-\u045f\u0491"
_UPPER = "A-Z\u0410-\u042f\u0400-\u040f\u0490"


def transliterate(text: str) -> str:
    """`text` in the national transliteration (the reference the database function follows)."""
    return translitua.translit(text, UkrainianKMU)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def translit_function_sql() -> str:
    """CREATE OR REPLACE FUNCTION misto_translit_uk(text): the library's rules in SQL."""
    steps = []
    deleted = "".join(UkrainianKMU._DELETE_CASES)
    steps.append(f"s := regexp_replace(s, {_literal('[' + deleted + ']')}, '', 'g');")
    for key, value in UkrainianKMU.SPECIAL_CASES.items():
        steps.append(f"s := replace(s, {_literal(key)}, {_literal(value)});")
    for key, value in UkrainianKMU.FIRST_CHARACTERS.items():
        pattern = f"(^|[^{_WORD}]){key}"
        steps.append(f"s := regexp_replace(s, {_literal(pattern)}, {_literal(chr(92) + '1' + value)}, 'g');")
    for code, value in UkrainianKMU.MAIN_TRANSLIT_TABLE.items():
        steps.append(f"s := replace(s, {_literal(chr(code))}, {_literal(value)});")
    body = "\n    ".join(steps)
    return f"""
CREATE OR REPLACE FUNCTION misto_translit_uk(src text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    s text := src;
    -- The library keeps a name written all in capitals in capitals (Python's str.isupper()).
    all_capitals boolean := src ~ {_literal("[" + _UPPER + "]")} AND src !~ {_literal("[" + _LOWER + "]")};
BEGIN
    {body}
    IF all_capitals THEN
        s := upper(s);
    END IF;
    RETURN s;
END $$;
"""


DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS misto_translit_uk(text);"
