"""Alembic environment: runs migrations on the connection handed over by ``storage.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from congdoan.storage.db import database_url
from congdoan.storage.models import Base

target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection when given (normal case), else connect to the default URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(database_url(context.config.get_main_option("sqlalchemy.url")))
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("congdoan migrations run online only (use congdoan.storage.db.upgrade)")
run_migrations_online()
