"""Opening the database read-only: the web interface must never write to it, and a dataset
received on a read-only mount must still be readable.

SQLite is opened through a ``mode=ro`` URI (the driver refuses every write). A
database in WAL mode needs its ``-shm`` file to be read that way; where that file
cannot be created (a read-only mount, directory or file), the database is opened
``immutable=1``: no locks and no WAL index, as nothing can be writing to it there.
PostgreSQL sessions start in read-only transactions
(``default_transaction_read_only``), so a write is refused by the server.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


class NoDatabase(Exception):
    """The database named cannot be opened for reading (one readable line)."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def unwritable(path: Path) -> bool:
    """Whether the SQLite file ``path`` (or its directory, where SQLite keeps its journal,
    WAL and ``-shm`` files) cannot be written: a read-only mount, file or directory."""
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _open(uri: str) -> sqlite3.Connection:
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only=ON")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def readonly_engine(url: str) -> Engine:
    """An engine on ``url`` that cannot write. Raises ``NoDatabase`` for a missing SQLite file."""
    path = sqlite_path(url)
    if path is not None:
        if not path.is_file():
            raise NoDatabase(f"no database at {path}")
        base = f"file:{quote(str(path.resolve()))}?mode=ro"

        def connect() -> sqlite3.Connection:
            try:
                connection = _open(base)
            except sqlite3.OperationalError:
                if not unwritable(path):
                    raise
                # WAL needs a -shm file it cannot create here: nothing can write there
                # either, so the file is read as it is.
                connection = _open(base + "&immutable=1")
            return connection

        return create_engine("sqlite://", creator=connect)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cursor.close()
            dbapi_connection.commit()

    return engine
