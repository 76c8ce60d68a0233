"""``congdoan crawl``: crawl portals now, in this process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
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
    reconcile: Annotated[bool, typer.Option("--reconcile", help="Also compare the portal's "
                         "complete item lists (sitemaps, the whole laws list) with storage and "
                         "fetch what is missing; done weekly without it.")] = False,
) -> None:
    """Crawl one portal (or --all), store what was found, and report it.

    Incremental by default: stored items are not fetched again and a listing stops
    after a page of stored items. A crawl of a site holds a lock under the data
    directory; a second crawl of the same site is refused (exit code 4). A database
    that cannot be used ends the command before any request (exit code 2).
    """
    # Imported here: Scrapy costs half a second that other commands need not pay.
    from congdoan.crawl import DEFAULT_PARALLEL_SITES, crawl_sites

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
    if reconcile:
        overrides["CONGDOAN_RECONCILE"] = "always"
    overrides.update(parse_sets(set_))
    if not no_db:
        _check_database(overrides)
    results = crawl_sites(ids, registry=registry, output=output, overrides=overrides,
                          progress=not quiet and sys.stderr.isatty(),
                          parallel=parallel or DEFAULT_PARALLEL_SITES)
    _print_results(results)
    raise typer.Exit(_exit_code([r.status for r in results]))


def _check_database(overrides: dict[str, object]) -> None:
    """Before any request: a database that cannot be used ends the command (one line, exit 2)."""
    from congdoan import paths
    from congdoan.storage.check import DatabaseUnusable, check_database
    from congdoan.storage.db import database_url

    try:
        url = database_url(str(overrides.get("CONGDOAN_DATABASE_URL") or "") or None,
                           paths.data_dir(overrides))
        check_database(url)
    except DatabaseUnusable as exc:
        die(str(exc), EXIT_USAGE)
    except OSError as exc:  # the data directory cannot be created
        die(f"data directory {paths.data_dir(overrides)} cannot be used: {exc.strerror or exc}",
            EXIT_USAGE)


def _exit_code(statuses: list[str]) -> int:
    """0 all ok; 4 refused (all, or beside ok ones); 1 all failed; 3 otherwise."""
    kinds = set(statuses)
    if kinds <= {"ok", "locked"}:
        return EXIT_LOCKED if "locked" in kinds else EXIT_OK
    return EXIT_FAILED if kinds == {"failed"} else EXIT_PARTIAL


def _print_results(results: list) -> None:
    table = Table(title="Crawl summary")
    for column in ("site", "status", "articles", "documents", "pages", "failed", "seconds"):
        table.add_column(column, justify="right" if column not in ("site", "status") else "left")
    for r in results:
        table.add_row(r.site, r.status, str(r.articles), str(r.documents), str(r.pages),
                      str(len(r.failures)), f"{r.seconds:.1f}")
    console.print(table)
    for r in results:
        if r.error:
            err_console.print(f"[bold red]error:[/] {escape(r.error)}", highlight=False,
                              soft_wrap=True)
        for failure in r.failures[:10]:
            # URLs and reasons come from the portal: print them as text, never as markup.
            err_console.print(f"[yellow]{r.site}[/] {escape(failure['url'])}: "
                              f"{escape(failure['reason'])}",
                              highlight=False, soft_wrap=True)
        if len(r.failures) > 10:
            err_console.print(f"[yellow]{r.site}[/] … and {len(r.failures) - 10} more failures")
