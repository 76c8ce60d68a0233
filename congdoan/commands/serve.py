"""``congdoan serve``: the web interface over the database, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from congdoan import paths
from congdoan.commands.common import DbOpt, app, db_url, die, err_console

ENV_TOKEN = "CONGDOAN_WEB_TOKEN"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def files_dir_for(url: str, explicit: Path | None) -> Path:
    """Where attachment files are: ``--files``, beside a SQLite file, else the data directory."""
    from congdoan.storage.readonly import sqlite_path

    if explicit is not None:
        return explicit
    database = sqlite_path(url)
    if database is not None and (database.parent / "files").is_dir():
        return database.parent / "files"
    return paths.files_dir(paths.data_dir())


def serve_hint(url: str, port: int = 8000) -> str:
    """The line that tells how to browse a database: the command and the address it serves."""
    from congdoan.storage.readonly import sqlite_path

    path = sqlite_path(url)
    where = str(path) if path is not None else url
    return f"browse it: congdoan serve --db {where}  ->  http://127.0.0.1:{port}/"


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on; only this machine by "
                                           "default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(
        envvar=ENV_TOKEN, help=f"Require this token for every request (or ${ENV_TOKEN}); "
                               "open /?token=… once in a browser.")] = None,
    files: Annotated[Path | None, typer.Option(
        help="Directory of the stored attachment files (default: files/ beside a SQLite "
             "database, else $CONGDOAN_DATA_DIR/files).")] = None,
) -> None:
    """Serve the web interface: search, articles, documents, sites, JSON API, Atom feeds.

    \b
    The database is opened read-only. Pages are in Vietnamese; the API's schema
    is at /api/openapi.json. Listening beyond this machine (--host 0.0.0.0)
    without --token is allowed but warned about.
    """
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from congdoan.commands.db import current_revision, head_revision
    from congdoan.storage.check import cause_of, shown_url
    from congdoan.storage.db import database_url
    from congdoan.storage.readonly import NoDatabase, readonly_engine
    from congdoan.web.app import create_app

    url = database_url(db_url(db))
    try:
        engine = readonly_engine(url)
        revision, head = current_revision(engine), head_revision()
    except NoDatabase as exc:
        die(f"{exc} (crawl something first, or give --db)")
    except (SQLAlchemyError, ImportError) as exc:
        die(f"cannot open the database {shown_url(url)}: {cause_of(exc)}")
    if revision != head:  # serve opens it read-only, so it cannot upgrade it itself
        die(f"the database {shown_url(url)} is at schema revision {revision or 'none'}, this "
            f"congdoan reads {head}: run `congdoan db upgrade --db {shown_url(url)}` first")
    if not 0 < port < 65536:
        die(f"--port must be 1-65535, got {port}")
    if host not in LOCAL_HOSTS and not token:
        err_console.print(f"warning: listening on {host} without --token: anyone who can "
                          "reach it can read the database", markup=False, soft_wrap=True)
    application = create_app(url, files_dir_for(url, files), token, engine=engine)
    shown_host = f"[{host}]" if ":" in host else host
    err_console.print(f"congdoan serve: http://{shown_host}:{port}/  (database "
                      f"{shown_url(url)}, read-only; Ctrl+C to stop)", markup=False,
                      soft_wrap=True, highlight=False)
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning",
                    server_header=False)
    except OSError as exc:
        die(f"cannot listen on {host}:{port}: {exc.strerror}")
