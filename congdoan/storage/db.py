"""Where the database is, how to connect to it, and bringing its schema up to date."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from congdoan import paths

if TYPE_CHECKING:
    from alembic.config import Config

ENV_URL = "CONGDOAN_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The newest migration this version ships (``tests/storage/test_migrations.py`` holds it
# equal to Alembic's head). A database already there is used without importing Alembic
# or reading its scripts: every command and crawl process starts that much lighter.
SCHEMA_HEAD = "0015"

_migrated: set[str] = set()
_migrate_lock = threading.Lock()
_shared: dict[str, tuple[Engine, int]] = {}  # url -> (engine, users): ``shared_engine``
_shared_lock = threading.Lock()
_WRITE_LOCK = "congdoan_write_lock"  # an execution option: SQLite begins with BEGIN IMMEDIATE


def database_url(explicit: str | None = None, data_dir: Path | None = None) -> str:
    """Pick the database URL: ``explicit``, else ``$CONGDOAN_DATABASE_URL``, else SQLite.

    The SQLite default is ``<data_dir>/congdoan.sqlite3`` where ``data_dir`` defaults
    to the one ``congdoan.paths.data_dir`` resolves; the directory is created when needed.
    """
    if explicit:
        return explicit
    from_env = os.environ.get(ENV_URL)
    if from_env:
        return from_env
    if data_dir is None:
        data_dir = paths.data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{paths.database_file(data_dir)}"


def crawl_database_url(settings: Any) -> str:
    """The database of a crawl with ``settings`` (Scrapy settings or a dict of them).

    ``CONGDOAN_DATABASE_URL``, else ``database_url``'s choice under the data
    directory those settings name: every part of a crawl (the command, the crawl
    runtime, the store pipeline) resolves it here, so they agree.
    """
    return database_url(settings.get("CONGDOAN_DATABASE_URL") or None, paths.data_dir(settings))


def make_engine(url: str, *, migrate: bool = True, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; with ``migrate`` the schema is upgraded on first use.

    SQLite connections get WAL (readers do not block the writer), enforced foreign
    keys and a busy timeout, and real transactions (see ``_sqlite_transactions``).
    """
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    if migrate:
        upgrade_engine(engine)
    return engine


def shared_engine(url: str) -> Engine:
    """This process's one engine for ``url`` (``make_engine``'s), for one more user.

    Every crawler of a process (``crawl_sites`` runs several) stores through it:
    all write from the reactor thread, one batch at a time, so one pooled
    connection serves them, with one SQLite page cache (2 MB) and one compiled
    statement cache instead of one each (~5 MB of a quick crawl's three portals,
    docs/benchmarks.md, session 8). Each user gives it back with ``release_engine``;
    the last one disposes of it.
    """
    with _shared_lock:
        engine, users = _shared.get(url, (None, 0))
        if engine is None:
            engine = make_engine(url)
        _shared[url] = (engine, users + 1)
        return engine


def release_engine(engine: Engine) -> None:
    """One user of a ``shared_engine`` fewer: the last one disposes of the engine."""
    with _shared_lock:
        for url, (shared, users) in list(_shared.items()):
            if shared is engine:
                if users > 1:
                    _shared[url] = (shared, users - 1)
                    return
                del _shared[url]
                break
    engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configuration built in code, so migrations run from an installed package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations to the database at ``url`` up to ``revision``."""
    engine = make_engine(url, migrate=False)
    try:
        _run_upgrade(engine, revision)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` once per process and URL."""
    key = engine.url.render_as_string(hide_password=False)
    with _migrate_lock:
        if key in _migrated:
            return
        if revision != "head" or stored_revision(engine) != SCHEMA_HEAD:
            _run_upgrade(engine, revision)
        _migrated.add(key)


def stored_revision(engine: Engine) -> str | None:
    """The schema revision the database records (``None``: new, or not congdoan's)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no such table yet: a new database
        return None
    return rows[0][0] if len(rows) == 1 else None


def _run_upgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        # One migration at a time per database: two crawls started together on a new
        # database would otherwise both create its tables, and one fail. SQLite: the
        # write lock from the start (BEGIN IMMEDIATE); PostgreSQL: a lock on the schema.
        connection.execution_options(**{_WRITE_LOCK: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext("
                                        "'congdoan migrations ' || current_schema()))"))
            # env.py uses this connection instead of opening its own.
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def _configure_sqlite(engine: Engine) -> None:
    database = make_url(engine.url).database
    in_memory = not database or database == ":memory:"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin;
        # otherwise SAVEPOINT and transactional DDL misbehave (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable at checkpoints
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_LOCK)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
