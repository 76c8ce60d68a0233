"""``congdoan crawl``: crawl portals now, in this process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
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
) -> None:
    """Crawl one portal (or --all), store what was found, and report it."""
    from congdoan.crawl import crawl_sites

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
    overrides.update(parse_sets(set_))
    results = crawl_sites(ids, registry=registry, output=output, overrides=overrides,
                          progress=not quiet and sys.stderr.isatty())
    _print_results(results)
    statuses = {r.status for r in results}
    if statuses == {"ok"}:
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_FAILED if statuses == {"failed"} else EXIT_PARTIAL)


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
            err_console.print(f"[yellow]{r.site}[/] {failure['url']}: {failure['reason']}",
                              highlight=False, soft_wrap=True)
        if len(r.failures) > 10:
            err_console.print(f"[yellow]{r.site}[/] … and {len(r.failures) - 10} more failures")
