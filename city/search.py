"""Search keys: what a name or a query is compared by, the same in SQL and in Python.

The SQL function `misto_search_key` (migration city 0002) lower-cases, removes accents with
PostgreSQL's unaccent (й→и, ї→і, é→e) and drops every kind of apostrophe; trigram indexes
(pg_trgm) are built over it, so search is case-, accent- and apostrophe-insensitive and
tolerates typos through trigram similarity. `search_key()` asks the database for the key of a
query, so a query and the names are always keyed alike.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Func, TextField

# Below this trigram word similarity a name is not offered as a typo of what was typed.
FUZZY_THRESHOLD = 0.5


class SearchKey(Func):
    """misto_search_key(expression): the indexed search key of a text column or value."""

    function = "misto_search_key"
    output_field = TextField()


def search_key(text: str) -> str:
    """misto_search_key(text), computed by PostgreSQL itself so that a query and the indexed
    names are always keyed alike (unaccent's rules are the database's, not Python's)."""
    if not text:
        return ""
    with connection.cursor() as cursor:
        cursor.execute("select misto_search_key(%s)", [text])
        return cursor.fetchone()[0]


def like_pattern(word: str) -> str:
    """A LIKE pattern matching `word` anywhere (its own % and _ taken literally)."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
