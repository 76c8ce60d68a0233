"""``congdoan db``: the database schema (Alembic migrations): upgrade it, show its revision.

Also home of ``open_database``, which the other database commands use to turn
"cannot connect" into one readable line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from congdoan.commands.common import EXIT_USAGE, DbOpt, app, console, db_url, die

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(
    name="db",
    help="Database schema: apply migrations, show the current revision.",
    no_args_is_help=True,
)
app.add_typer(db_app)


def shown_url(url: str) -> str:
    """``url`` fit to print: the password masked, whatever else it holds kept."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


def open_database(url: str | None, *, migrate: bool = True, must_exist: bool = False) -> Engine:
    """An engine for ``url`` (``None``: the default database), connected once to prove it works.

    With ``migrate`` the schema is brought up to date first. ``must_exist``
    refuses a SQLite file that is not there yet (a read-only command should
    not create an empty database). Any failure ends the command with one line.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from congdoan.storage.db import database_url, make_engine

    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        die(f"not a database URL: {url!r} (give a URL like postgresql+psycopg://… or a file)")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if must_exist and not path.exists():
            die(f"no database at {path} (create it with `congdoan db upgrade --db {path}`)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            die(f"cannot create the directory for {path}: {exc.strerror}")
    engine = None
    try:
        engine = make_engine(url, migrate=False)
        with engine.connect():
            pass
        if migrate:
            from congdoan.storage.db import upgrade_engine

            upgrade_engine(engine)
    except (SQLAlchemyError, ImportError, OSError) as exc:
        if engine is not None:
            engine.dispose()
        die(f"cannot use the database {shown_url(url)}: {_reason(exc)}", EXIT_USAGE)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at; ``None`` for a database never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this version of congdoan ships."""
    from alembic.script import ScriptDirectory

    from congdoan.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@db_app.command()
def upgrade(db: DbOpt = None) -> None:
    """Apply the database migrations (creates the tables in a new database)."""
    from congdoan.storage.db import database_url

    url = database_url(db_url(db))
    engine = open_database(url, migrate=False)
    try:
        before = current_revision(engine)
        try:
            from congdoan.storage.db import upgrade_engine

            upgrade_engine(engine)
        except Exception as exc:  # a failed migration is rolled back: say so in one line
            die(f"migrating {shown_url(url)} failed: {_reason(exc)}", 1)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        console.print(f"{shown_url(url)}: already at revision {after} (head)", highlight=False)
    else:
        console.print(f"{shown_url(url)}: upgraded {before or 'empty database'} -> {after} "
                      "(head)", highlight=False)


@db_app.command()
def current(db: DbOpt = None) -> None:
    """Print the revision the database is at, and whether that is the newest."""
    from congdoan.storage.db import database_url

    url = database_url(db_url(db))
    engine = open_database(url, migrate=False, must_exist=True)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if revision is None:
        console.print(f"{shown_url(url)}: no revision (empty database; run `congdoan db "
                      "upgrade`)", highlight=False)
    elif revision == head:
        console.print(f"{shown_url(url)}: {revision} (head)", highlight=False)
    else:
        console.print(f"{shown_url(url)}: {revision} (behind: head is {head}; run `congdoan "
                      "db upgrade`)", highlight=False)
