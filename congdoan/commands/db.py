"""``congdoan db``: the database schema (Alembic migrations): upgrade it, show its revision.

Also home of ``open_database``, which the other database commands use to turn
"cannot connect" into one readable line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from congdoan.commands.common import DbOpt, app, console, db_url, die
from congdoan.commands.database import open_database
from congdoan.storage.check import cause_of, shown_url

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(
    name="db",
    help="Database schema: apply migrations, show the current revision.",
    no_args_is_help=True,
)
app.add_typer(db_app)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at; ``None`` for a database never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this version of congdoan ships."""
    from congdoan.storage.db import SCHEMA_HEAD

    return SCHEMA_HEAD


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
            die(f"migrating {shown_url(url)} failed: {cause_of(exc)}", 1)
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
