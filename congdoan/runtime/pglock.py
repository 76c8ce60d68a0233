"""One crawl per site across machines: a PostgreSQL session-level advisory lock.

When crawls on several machines share one PostgreSQL database (``congdoan
worker --crawls``), a file lock under one machine's data directory cannot stop
a crawl on another. This lock lives in the shared database instead:
``pg_try_advisory_lock(key)`` on a connection of its own, opened for the crawl
and closed at its end. The key is a stable signed 64-bit hash of the site id
and the connection's schema, so two congdoan databases kept in two schemas of
one PostgreSQL database do not block each other. PostgreSQL frees a session
lock when its connection ends, so a killed crawl (SIGKILL, a lost machine)
never leaves a stale lock behind.

Who holds it is read from ``pg_locks`` joined with ``pg_stat_activity``: the
lock's connection carries ``application_name = "congdoan <pid>@<host>"`` and
its ``backend_start`` is the time it was taken.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from types import TracebackType
from typing import Any

from congdoan.runtime.lockbase import Holder, LockHeld

logger = logging.getLogger(__name__)
APP_PREFIX = "congdoan "
NAME_LIMIT = 63  # PostgreSQL keeps at most NAMEDATALEN - 1 bytes of application_name

_HOLDER_SQL = """
SELECT a.application_name, a.backend_start, a.client_addr
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = :high AND l.objid::bigint = :low
LIMIT 1
"""


def lock_key(schema: str, site: str) -> int:
    """The advisory-lock key of ``site`` in ``schema``: a signed 64-bit integer, stable."""
    digest = hashlib.sha256(f"congdoan-site-lock\0{schema}\0{site}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def is_postgresql(url: str | None) -> bool:
    """True for a PostgreSQL SQLAlchemy URL (``postgresql://``, ``postgresql+psycopg://``)."""
    return bool(url) and str(url).split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


class AdvisoryLock:
    """An exclusive, non-blocking lock on one site in a shared PostgreSQL database."""

    def __init__(self, db_url: str, site: str) -> None:
        self.site = site
        self.db_url = db_url
        self._engine: Any = None
        self._conn: Any = None

    def acquire(self) -> AdvisoryLock:
        """Take the lock or raise ``LockHeld`` naming the holder; never waits.

        A database that cannot be reached raises ``DatabaseUnusable`` (one line).
        """
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        from congdoan.storage.check import DatabaseUnusable, cause_of

        name = f"{APP_PREFIX}{os.getpid()}@{socket.gethostname()}"[:NAME_LIMIT]
        try:
            engine = _engine(self.db_url, name)
            # Autocommit: the connection stays open for the whole crawl, never
            # "idle in transaction"; a session lock outlives transactions anyway.
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except (SQLAlchemyError, ImportError, ValueError, OSError) as exc:
            raise DatabaseUnusable(self.db_url, cause_of(exc)) from exc
        try:
            key = lock_key(conn.scalar(text("SELECT current_schema()")) or "", self.site)
            taken = conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            holder = None if taken else _holder(conn, key)
        except SQLAlchemyError as exc:
            conn.close()
            engine.dispose()
            raise DatabaseUnusable(self.db_url, cause_of(exc)) from exc
        if not taken:
            conn.close()
            engine.dispose()
            raise LockHeld(self.site, holder or Holder(None, "", ""))
        self._engine, self._conn = engine, conn
        return self

    def release(self) -> None:
        """Drop the lock: closing its connection ends the session, and the lock with it."""
        conn, engine = self._conn, self._engine
        self._conn = self._engine = None
        if conn is None:
            return
        from sqlalchemy.exc import SQLAlchemyError

        try:
            conn.close()
        except SQLAlchemyError as exc:
            # Its session already ended (server restarted, connection terminated): the lock
            # went with it; nothing to release, and no reason to fail the crawl's end.
            logger.debug("%s: the site lock's connection was already gone: %s", self.site, exc)
        finally:
            engine.dispose()

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._conn is not None

    def __enter__(self) -> AdvisoryLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def advisory_holder(db_url: str, site: str) -> Holder | None:
    """Who holds ``site``'s advisory lock now, or ``None`` when it is free."""
    from sqlalchemy import text

    engine = _engine(db_url, f"{APP_PREFIX}holder-check")
    try:
        with engine.connect() as conn:
            key = lock_key(conn.scalar(text("SELECT current_schema()")) or "", site)
            return _holder(conn, key)
    finally:
        engine.dispose()


def _engine(db_url: str, application_name: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    # No pool: the lock is the connection; closing it must really end the session.
    return create_engine(db_url, poolclass=NullPool,
                         connect_args={"application_name": application_name})


def _holder(conn: Any, key: int) -> Holder | None:
    from sqlalchemy import text

    unsigned = key & 0xFFFFFFFFFFFFFFFF
    row = conn.execute(text(_HOLDER_SQL),
                       {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}).first()
    if row is None:
        return None
    name, started, client = row
    pid: int | None = None
    host = str(client or "")
    if name and name.startswith(APP_PREFIX):
        who = name[len(APP_PREFIX):]
        pid_text, _, host_text = who.partition("@")
        pid = int(pid_text) if pid_text.isdigit() else None
        host = host_text or host
    return Holder(pid, host, started.isoformat(timespec="seconds") if started else "")
