"""Is the database usable? Asked before a crawl sends its first request.

A crawl that cannot store must not run: it would fetch a portal for nothing
and, worse, look like it worked. ``check_database`` connects, brings the schema
up to date (what the crawl would do anyway) and, for SQLite, takes the write
lock once, so a read-only file or an unwritable directory is found here and
not at the first batch.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from congdoan.storage.db import make_engine


class DatabaseUnusable(Exception):
    """The database cannot be used; ``str()`` is one line naming the URL (no password)."""

    def __init__(self, url: str, cause: str) -> None:
        self.url = shown_url(url)
        self.cause = cause
        super().__init__(f"database {self.url} cannot be used: {cause}")


def shown_url(url: str) -> str:
    """``url`` with its password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def cause_of(exc: BaseException) -> str:
    """The first line of what the driver said, without SQLAlchemy's boilerplate."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


def check_database(url: str) -> None:
    """Raise ``DatabaseUnusable`` unless ``url`` can be connected to, migrated and written."""
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DatabaseUnusable(url, cause_of(exc)) from exc
    except OSError as exc:  # e.g. a data directory that cannot be created
        raise DatabaseUnusable(url, cause_of(exc)) from exc
    try:
        if engine.dialect.name == "sqlite":
            # The write lock: fails on a read-only file or directory, rolled back at once.
            # On the raw connection: SQLAlchemy's own BEGIN would come first otherwise.
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
            finally:
                raw.close()
        else:
            # Migrations run once per process: a later check must still connect.
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    except (SQLAlchemyError, OSError, sqlite3.Error) as exc:
        raise DatabaseUnusable(url, cause_of(exc)) from exc
    finally:
        engine.dispose()
