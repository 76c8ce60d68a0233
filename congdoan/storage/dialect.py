"""The one place that knows SQL differs between backends: INSERT … ON CONFLICT."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Insert, Table
from sqlalchemy.orm import Session

Values = dict[str, Any] | Sequence[dict[str, Any]]  # one row, or several (an executemany)
_Kind = Literal["ignore", "new", "upsert"]

# One statement per kind, backend and table, its values passed as parameters:
# building ``insert(table).values(...)`` for every row cost more than running it (a
# new statement object, its cache key, the values coerced), 0.3 ms a crawled page.
_STATEMENTS: dict[tuple[_Kind, str, Table], Insert] = {}


def _statement(session: Session, kind: _Kind, table: Table) -> Insert:
    backend = session.get_bind().dialect.name
    statement = _STATEMENTS.get((kind, backend, table))
    if statement is None:
        # The backend's dialect module imported here, on first use: a SQLite crawl never
        # loads PostgreSQL's (and the other way round).
        module = "postgresql" if backend == "postgresql" else "sqlite"
        insert: Any = importlib.import_module(f"sqlalchemy.dialects.{module}").insert(table)
        keys = list(table.primary_key.columns)
        if kind == "upsert":
            statement = insert.on_conflict_do_update(index_elements=keys, set_={
                c.name: insert.excluded[c.name] for c in table.columns if not c.primary_key})
        elif kind == "new":
            statement = insert.on_conflict_do_nothing().returning(*keys)
        else:
            statement = insert.on_conflict_do_nothing()
        _STATEMENTS[kind, backend, table] = statement
    return statement


def insert_ignore(session: Session, table: Table, values: Values) -> None:
    """Insert rows unless one with the same key exists (race-free on both backends)."""
    session.connection().execute(_statement(session, "ignore", table), values)


def insert_new(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """``insert_ignore`` of one row, telling whether this call inserted it.

    Asked with RETURNING (the row comes back only when inserted): the driver's
    rowcount does not say it on PostgreSQL (psycopg gives -1 here).
    """
    return session.connection().execute(_statement(session, "new", table),
                                        values).first() is not None


def insert_new_rows(session: Session, table: Table,
                    rows: Sequence[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """``insert_new`` of many rows in one statement: the primary keys of those it inserted.

    One executemany with RETURNING (SQLAlchemy sends it as multi-row INSERTs, in the
    rows' order), not a round trip per row.
    """
    if not rows:
        return set()
    result = session.connection().execute(_statement(session, "new", table), list(rows))
    return {tuple(row) for row in result}


def upsert(session: Session, table: Table, values: Values) -> None:
    """Insert rows, or overwrite every other column of the row with the same primary key.

    ``values`` name every column: a column left out would be set to NULL on a conflict.
    """
    session.connection().execute(_statement(session, "upsert", table), values)
