"""History of features written in bulk, in the same rows django-simple-history writes.

A save through the ORM records its history itself; imports and schema changes touch up to
hundreds of thousands of features in one SQL statement, so they record the history the same
way — one INSERT … SELECT from the changed rows — in the same transaction.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from gis_layers.models import Feature


def _shared_columns() -> list[str]:
    history = Feature.history.model
    return [
        f.column
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and f.column != "history_id"
    ]


def history_record(*, where: str, params: list, history_type: str, user_id: int | None, reason: str) -> int:
    """Record the current state of the features matching `where` (SQL on table f) as one
    history entry each ("+" created, "~" changed, "-" deleted); returns how many."""
    columns = _shared_columns()
    table = Feature.history.model._meta.db_table
    names = ", ".join(columns)
    selected = ", ".join(f"f.{c}" for c in columns)
    sql = (
        f"INSERT INTO {table} ({names}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {selected}, %s, %s, %s, %s FROM {Feature._meta.db_table} f WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason[:100], history_type, user_id, *params])
        return cursor.rowcount
