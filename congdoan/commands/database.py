"""Opening the user's database for a command: one readable line when it cannot be used.

Not a command module: the commands that touch the database share these.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from congdoan.commands.common import EXIT_FAILED, EXIT_USAGE, db_url, die
from congdoan.storage.check import cause_of, shown_url


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist yet; ``None`` otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def no_database(path: Path) -> str:
    """The one line a reader prints when its SQLite database does not exist."""
    return (f"no database at {path}: nothing is stored there yet (`congdoan crawl SITE` "
            "creates it; `congdoan demo` stores into data/demo/congdoan.sqlite3, "
            "read it with --db data/demo/congdoan.sqlite3)")


def open_database(url: str | None, *, migrate: bool = True, must_exist: bool = False) -> Engine:
    """An engine for ``url`` (``None``: the default database), connected once to prove it works.

    ``url`` is what ``--db`` takes, a URL or a SQLite file path: every command that opens
    the database through here reads ``--db`` the same way (``db_url``).

    With ``migrate`` the schema is brought up to date first. ``must_exist``
    refuses a SQLite file that is not there yet (a read-only command should
    not create an empty database). Any failure ends the command with one line.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from congdoan.storage.db import database_url, make_engine

    url = database_url(db_url(url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        die(f"not a database URL: {url!r} (give a URL like postgresql+psycopg://… or a file)")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if must_exist and not path.exists():
            die(no_database(path))
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
        die(f"cannot use the database {shown_url(url)}: {cause_of(exc)}", EXIT_USAGE)
    return engine


@contextmanager
def read_session(db: str | None) -> Iterator[Session]:
    """A session on the database of ``--db`` for reading; dies with one line when it cannot.

    A SQLite file that does not exist is an error rather than a new empty database:
    exporting or searching nothing from a mistyped path would look like success.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from congdoan.storage.db import database_url, session_factory

    url = database_url(db_url(db))
    engine = _reader(url)
    try:
        with session_factory(engine)() as session:
            yield session
    except SQLAlchemyError as exc:
        die(f"database {shown_url(url)}: {cause_of(exc)}", EXIT_FAILED)
    finally:
        engine.dispose()


def _reader(url: str) -> Engine:
    """An engine to read ``url``: migrated first when it can be written; a SQLite file that
    cannot be (a dataset on a read-only mount) is read as it is, read-only."""
    from congdoan.storage.readonly import readonly_engine, sqlite_path, unwritable

    path = sqlite_path(url)
    if path is None or not path.is_file() or not unwritable(path):
        return open_database(url, must_exist=True)
    return readonly_engine(url)


def check_site(session: Session, site: str | None) -> None:
    """Die when ``--site`` names no stored site: a typo must not look like an empty result."""
    if site is None:
        return
    from congdoan.storage.models import Site

    known = list(session.scalars(select(Site.id).order_by(Site.id)))
    if site not in known:
        listed = ", ".join(known) if known else "none yet"
        die(f"--site: no stored site {site!r} (stored: {listed})")
