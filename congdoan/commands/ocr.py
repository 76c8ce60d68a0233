"""``congdoan ocr``: read the text of stored attachments (OCR of scans), or of one file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from congdoan import paths
from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    DbOpt,
    app,
    console,
    die,
    err_console,
)


@app.command()
def ocr(
    file: Annotated[Path | None, typer.Argument(
        help="Read this one file and print its pages as JSON (nothing is stored).")] = None,
    pending: Annotated[bool, typer.Option(
        "--pending", help="Read every stored attachment not read yet, into the database.")
        ] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, help="Worker processes (default: the cores, at most 4).")
        ] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=1, help="With --pending: read at most N files.")] = None,
    files_dir: Annotated[Path | None, typer.Option(
        "--files", help="Where the crawl stored the files (default: <data dir>/files).")
        ] = None,
    queue: Annotated[bool, typer.Option(
        "--queue", help="With --pending: put the files on the Redis queue for "
        "`congdoan worker` processes (any machine) instead of reading them here.")] = False,
    db: DbOpt = None,
) -> None:
    """Extract the text of attached files: text layers, OCR of scans, legacy formats.

    \b
    A crawl reads its new files when it ends; `--pending` reads whatever is left
    (a crawl stopped early, files stored before OCR was installed). Each file is
    read once per content, in worker processes; a file that cannot be read is
    recorded with the reason (`congdoan stats` counts them).
    Exit status: 0 done, 1 some files could not be read, 2 bad usage or no OCR.

    \b
    Examples:
      congdoan ocr --pending --workers 2
      congdoan ocr --pending --queue --db postgresql+psycopg://host/congdoan
      congdoan ocr scan.pdf
    """
    from congdoan.files.ocr import ocr_available

    if (file is None) == (not pending):
        die("give a FILE to read, or --pending to read the stored backlog")
    problem = ocr_available()
    if problem and not (queue and file is None):  # queueing reads nothing here
        die(f"OCR unavailable: {problem}")
    if file is not None:
        _read_one(file)
    if queue:
        _enqueue(db, files_dir, limit)
    _read_pending(db, files_dir, workers, limit)


def _read_one(path: Path) -> None:
    from congdoan.files.read import read_file

    try:
        data = path.read_bytes()
    except OSError as exc:
        die(f"cannot read {path}: {exc.strerror}")
    reading = read_file(data, path.name)
    print(json.dumps({
        "file": path.name, "media_type": reading.media_type, "status": reading.status,
        "reason": reading.reason, "page_count": reading.page_count,
        "pages": [p.__dict__ for p in reading.pages],
    }, ensure_ascii=False, indent=2))
    raise typer.Exit(EXIT_OK if reading.status in ("ok", "partial") else EXIT_FAILED)


def _read_pending(db: str | None, files_dir: Path | None, workers: int | None,
                  limit: int | None) -> None:
    from congdoan.commands.database import open_database
    from congdoan.files.backlog import DEFAULT_WORKERS
    from congdoan.storage.db import session_factory

    engine = open_database(db)
    directory = files_dir or paths.files_dir(paths.data_dir())
    result = run_backlog(session_factory(engine), directory, workers or DEFAULT_WORKERS, limit)
    engine.dispose()
    raise typer.Exit(EXIT_FAILED if result.statuses.get("failed") else EXIT_OK)


def _enqueue(db: str | None, files_dir: Path | None, limit: int | None) -> None:
    from redis.exceptions import RedisError

    from congdoan.commands.database import open_database
    from congdoan.files.queue import enqueue_pending, redis_url
    from congdoan.storage.db import session_factory

    engine = open_database(db)
    directory = files_dir or paths.files_dir(paths.data_dir())
    url = engine.url.render_as_string(hide_password=False)
    try:
        count = enqueue_pending(session_factory(engine), str(directory.resolve()), url, limit)
    except RedisError as exc:
        die(f"Redis not usable at {redis_url()}: {exc}")
    finally:
        engine.dispose()
    console.print(f"queued {count} file(s) for `congdoan worker`", highlight=False)
    raise typer.Exit(EXIT_OK)


def run_backlog(sessions: object, directory: Path, workers: int, limit: int | None = None
                ) -> object:
    """Read the backlog and print one summary line plus one line per unread file."""
    from congdoan.files.backlog import read_backlog

    result = read_backlog(sessions, directory, workers=workers, limit=limit)  # type: ignore[arg-type]
    shown = ", ".join(f"{n} {s}" for s, n in sorted(result.statuses.items())) or "nothing pending"
    console.print(f"files read: {result.read} ({shown}); pages: {result.pages}, "
                  f"by OCR: {result.ocr_pages}", highlight=False)
    for name, reason in result.problems[:20]:
        # Names and reasons come from portals' files: text, never markup.
        err_console.print(f"[yellow]file[/] {escape(name)}: {escape(reason)}",
                          highlight=False, soft_wrap=True)
    return result
