"""``congdoan crawl``: crawl portals now, in this process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    DbOpt,
    RegistryOpt,
    app,
    console,
    db_url,
    die,
    err_console,
    parse_sets,
    parse_since,
)
from congdoan.registry import RegistryError, load_registry


@app.command()
def crawl(
    site: Annotated[str | None, typer.Argument(help="Registry id of the portal to crawl.")] = None,
    all_sites: Annotated[bool, typer.Option("--all", help="Crawl every enabled site.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                      help="Also write the items to this JSON Lines file.")] = None,
    registry: RegistryOpt = None,
    set_: Annotated[list[str] | None, typer.Option("--set", "-s",
                    help="Scrapy setting override KEY=VALUE (repeatable).")] = None,
    db: DbOpt = None,
    no_db: Annotated[bool, typer.Option("--no-db", help="Do not store (use with --output).")
                     ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "ERROR",
    full: Annotated[bool, typer.Option("--full", help="Walk every listing page and fetch every "
                    "item again (backfill); default: only what changed since the last crawl.")
                    ] = False,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE",
                     help="Skip items listed before DATE (2024-01-15 or 15/01/2024); "
                     "stop listings there.")] = None,
    refresh_days: Annotated[float | None, typer.Option("--refresh-days", metavar="N", min=0,
                            help="Fetch stored items again once last seen N days ago.")
                            ] = None,
    parallel: Annotated[int | None, typer.Option("--parallel", min=1, max=34,
                        help="With --all: how many sites are crawled at once (default: 4).")
                        ] = None,
) -> None:
    """Crawl one portal (or --all), store what was found, and report it.

    Incremental by default: stored items are not fetched again and a listing stops
    after a page of stored items. A crawl of a site holds a lock under the data
    directory; a second crawl of the same site is refused (exit code 4).
    When the crawl ends, the text of newly stored attached files is read in
    worker processes (OCR of scans; see `congdoan ocr`).
    """
    # Imported here: Scrapy costs half a second that other commands need not pay.
    from congdoan.crawl import DEFAULT_PARALLEL_SITES, crawl_sites
    from congdoan.locks import EXIT_LOCKED, LockHeld, SiteLock

    try:
        reg = load_registry(registry)
        if all_sites == bool(site):
            die("give a SITE id or --all (see `congdoan sites`)")
        ids = [s.id for s in reg.sites if s.enabled] if all_sites else [reg.get(site).id]
    except (RegistryError, KeyError) as exc:
        die(exc.args[0] if isinstance(exc, KeyError) else str(exc))
    overrides: dict[str, object] = {"LOG_LEVEL": log_level.upper(),
                                    "CONGDOAN_DATABASE_URL": db_url(db),
                                    "CONGDOAN_STORE": not no_db}
    since_day = parse_since(since)
    overrides.update({"CONGDOAN_CRAWL_MODE": "full" if full else "incremental",
                      "CONGDOAN_SINCE": since_day.date().isoformat() if since_day else None,
                      "CONGDOAN_REFRESH_DAYS": refresh_days})
    overrides.update(parse_sets(set_))
    data_dir = str(overrides.get("CONGDOAN_DATA_DIR") or os.environ.get("CONGDOAN_DATA_DIR")
                   or "data")
    locks, busy = [], []
    for site_id in ids:
        try:
            locks.append(SiteLock(data_dir, site_id).acquire())
        except LockHeld as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                              soft_wrap=True)
            busy.append(site_id)
    if busy and len(busy) == len(ids):
        raise typer.Exit(EXIT_LOCKED)
    try:
        results = crawl_sites([i for i in ids if i not in busy], registry=registry,
                              output=output, overrides=overrides,
                              progress=not quiet and sys.stderr.isatty(),
                              parallel=parallel or DEFAULT_PARALLEL_SITES)
    finally:
        for lock in locks:
            lock.release()
    _print_results(results)
    if not no_db:
        _read_new_files(overrides, Path(data_dir))
    statuses = {r.status for r in results}
    if statuses == {"ok"}:
        raise typer.Exit(EXIT_LOCKED if busy else EXIT_OK)
    raise typer.Exit(EXIT_FAILED if statuses == {"failed"} else EXIT_PARTIAL)


def _read_new_files(overrides: dict[str, object], data_dir: Path) -> None:
    """Read the text of the files this crawl stored (OCR of scans) in worker processes.

    After the crawl, never during it: OCR takes seconds a page and must not slow
    the downloads. ``--set CONGDOAN_READ_FILES=false`` leaves them to
    ``congdoan ocr --pending``.
    """
    from congdoan.commands.ocr import run_backlog
    from congdoan.files.backlog import DEFAULT_WORKERS
    from congdoan.files.ocr import ocr_available
    from congdoan.storage.db import database_url, make_engine, session_factory

    if str(overrides.get("CONGDOAN_READ_FILES", "true")).lower() in ("0", "false", "no", "off"):
        return
    problem = ocr_available()
    if problem:
        err_console.print(f"[yellow]attached files not read:[/] OCR unavailable: "
                          f"{escape(problem)}; then run `congdoan ocr --pending`",
                          highlight=False, soft_wrap=True)
        return
    url = database_url(str(overrides.get("CONGDOAN_DATABASE_URL") or "") or None, data_dir)
    engine = make_engine(url)
    try:
        files_dir = Path(str(overrides.get("FILES_STORE") or data_dir / "files"))
        run_backlog(session_factory(engine), files_dir, DEFAULT_WORKERS)
    finally:
        engine.dispose()


def _print_results(results: list) -> None:
    table = Table(title="Crawl summary")
    for column in ("site", "status", "articles", "documents", "pages", "failed", "seconds"):
        table.add_column(column, justify="right" if column not in ("site", "status") else "left")
    for r in results:
        table.add_row(r.site, r.status, str(r.articles), str(r.documents), str(r.pages),
                      str(len(r.failures)), f"{r.seconds:.1f}")
    console.print(table)
    for r in results:
        for failure in r.failures[:10]:
            # URLs and reasons come from the portal: print them as text, never as markup.
            err_console.print(f"[yellow]{r.site}[/] {escape(failure['url'])}: "
                              f"{escape(failure['reason'])}",
                              highlight=False, soft_wrap=True)
        if len(r.failures) > 10:
            err_console.print(f"[yellow]{r.site}[/] … and {len(r.failures) - 10} more failures")
