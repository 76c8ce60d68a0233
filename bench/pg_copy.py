"""Copy a stored SQLite database into a PostgreSQL schema, row for row.

The benchmarks' countries are written through the store once (``country_db``);
writing the same records through it a second time for PostgreSQL costs as long
again (half an hour at full size on a quiet machine, hours on a busy one). The
rows it would write are the rows already stored in SQLite, so they are copied:
every table of the model in foreign-key order, same ids, in chunks of
multi-row INSERTs. PostgreSQL's own search index is not copied but built by its
triggers as each article and document row arrives (``{table}_search``, the
vector columns), exactly as in a crawl. Sequences are moved past the copied ids
so a later write (a nightly refresh) gets fresh ones.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from congdoan.storage.models import Base

CHUNK = 5000


def copy_database(source: Engine, target: Engine) -> dict[str, Any]:
    """Copy every model table's rows from ``source`` into ``target`` (migrated and empty);
    rows per table and seconds."""
    started = time.perf_counter()
    copied: dict[str, int] = {}
    present = set(inspect(source).get_table_names())
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            count = 0
            result = reading.execution_options(yield_per=CHUNK).execute(select(table))
            for chunk in result.partitions(CHUNK):
                writing.execute(table.insert(), [dict(row._mapping) for row in chunk])
                count += len(chunk)
            copied[table.name] = count
            reset_sequences(writing, table.name)
    return {"copied": copied, "copy_s": round(time.perf_counter() - started, 1)}


def reset_sequences(conn: Any, table: str) -> None:
    """Move the table's id sequence (if it has one) past the largest stored id."""
    has_id = conn.scalar(text(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = :t AND column_name = 'id'"), {"t": table})
    if not has_id:
        return
    sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
    if sequence:
        conn.execute(text(f"SELECT setval('{sequence}', coalesce(max(id), 0) + 1, false) "
                          f"FROM {table}"))


def analyse(engine: Engine) -> None:
    """``VACUUM ANALYZE`` of the tables of the engine's schema (what autovacuum does to a
    loaded table soon after): a bare ``VACUUM`` would walk every schema of the database."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        names = conn.scalars(text("SELECT quote_ident(tablename) FROM pg_tables "
                                  "WHERE schemaname = current_schema()")).all()
        if names:
            conn.exec_driver_sql(f"VACUUM ANALYZE {', '.join(names)}")
