"""Staging tables: the checked rows of an import wait here (schema import_staging) until the
person applies them; the apply step moves them into the layer in one transaction.

The table is declared with SQLAlchemy + GeoAlchemy2 (a geometry column of any type in EPSG:4326)
and filled by geopandas (`to_postgis`, which sends EWKB with PostgreSQL's COPY) in chunks, so the
page can show progress. The engine is separate from Django's connection: progress written
through it is visible to the page while the import's own transaction is still open. No pool:
connections close after each use (nothing lingers in a test database or a worker).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
from django.db import connection
from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Column, MetaData, Table, Text, create_engine, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

SCHEMA = "import_staging"
_engines: dict[tuple, Engine] = {}


def engine() -> Engine:
    """An SQLAlchemy engine on the database Django uses (the test database in tests)."""
    s = connection.settings_dict
    key = (s["HOST"], s["PORT"], s["NAME"], s["USER"])
    if key not in _engines:
        url = URL.create(
            "postgresql+psycopg2",
            username=s["USER"] or None,
            password=s["PASSWORD"] or None,
            host=s["HOST"] or None,
            port=int(s["PORT"]) if s["PORT"] else None,
            database=s["NAME"],
        )
        _engines[key] = create_engine(url, poolclass=NullPool)
    return _engines[key]


def table_name(job_id: int) -> str:
    return f"import_{int(job_id)}"


def qualified(job_id: int) -> str:
    return f'"{SCHEMA}"."{table_name(job_id)}"'


CHUNK = 10000


def _table(job_id: int) -> Table:
    return Table(
        table_name(job_id),
        MetaData(schema=SCHEMA),
        Column("row_no", BigInteger, primary_key=True),
        Column("source_id", Text),  # empty arrives as NULL (COPY csv)
        Column("properties", JSONB, nullable=False),
        # NULL for the rows of an attribute table (the prepare step refuses it for map layers).
        Column("geometry", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=True),
    )


def staging_write(
    job_id: int, rows: gpd.GeoDataFrame, progress: Callable[[float], None] | None = None
) -> None:
    """Replace the job's staging table with `rows` (row_no, source_id, properties, geometry)."""
    table = _table(job_id)
    with engine().begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        table.drop(conn, checkfirst=True)
        table.create(conn)
    spatial = bool(rows.geometry.notna().any())
    frame = (
        rows[["row_no", "source_id", "properties", "geometry"]]
        if spatial
        else rows[["row_no", "source_id", "properties"]]
    )
    total = max(len(frame), 1)
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start : start + CHUNK]
        if spatial:
            chunk.to_postgis(
                table.name,
                engine(),
                schema=SCHEMA,
                if_exists="append",
                index=False,
                dtype={"properties": JSONB},
            )
        else:  # the rows of an attribute table (or rows none of which has a geometry): no geometry column to send
            plain = pd.DataFrame(chunk).assign(properties=chunk["properties"].map(json.loads))
            plain.to_sql(
                table.name,
                engine(),
                schema=SCHEMA,
                if_exists="append",
                index=False,
                dtype={"properties": JSONB},
                method="multi",
                chunksize=1000,
            )
        if progress:
            progress(min(start + CHUNK, total) / total)
    with engine().begin() as conn:
        conn.execute(text(f"ANALYZE {qualified(job_id)}"))


def staging_drop_sql(job_id: int) -> str:
    return f"DROP TABLE IF EXISTS {qualified(job_id)}"


def staging_exists(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.{table_name(job_id)}"])
        return cursor.fetchone()[0]


def progress_write(job_id: int, progress: int, phase: str) -> None:
    """Progress of a running job, committed at once on its own connection (so the page sees it
    even while the import's transaction is open)."""
    with engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE gis_layers_importjob SET progress = :p, phase = :phase, updated_at = now() WHERE id = :id"
            ),
            {"p": int(progress), "phase": phase[:200], "id": int(job_id)},
        )
