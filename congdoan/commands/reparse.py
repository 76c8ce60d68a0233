"""``congdoan reparse``: re-extract every stored item from the raw page archive (no network)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
)
from congdoan.commands.database import open_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from congdoan.jobs.reparse import ReparseReport
    from congdoan.registry import Registry

SHOWN_FAILURES = 20


class KindChoice(StrEnum):
    """Which stored items to re-parse."""

    article = "article"
    document = "document"
    all = "all"


@app.command()
def reparse(
    site: Annotated[str | None, typer.Option(help="Only this site's items (registry id).")
                    ] = None,
    kind: Annotated[KindChoice, typer.Option(help="Only articles or only documents.")
                    ] = KindChoice.all,
    db: DbOpt = None,
    registry: RegistryOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts and failures as JSON.")
                       ] = False,
) -> None:
    """Re-extract every stored item from its archived raw page with today's parser.

    Nothing is fetched. Each item is read by the reader of its site's CMS family
    in the registry (NukeViet, WordPress or generic), as the crawl picks its
    spider: give the registry the sites were crawled with (--registry). Items
    whose output differs are updated (the old reading is kept as a version);
    the rest are reported unchanged. Items whose raw page
    is missing or that no longer parse are listed and left as they are.
    Exit 0 when every item re-parsed, 3 when some failed, 1 when all failed,
    2 when there is no database (none is created) or the registry is unusable.
    """
    from congdoan.jobs.reparse import KINDS
    from congdoan.registry import RegistryError, load_registry

    kinds = KINDS if kind is KindChoice.all else (kind.value,)
    try:
        sites = load_registry(registry)
    except RegistryError as exc:
        die(str(exc))
    engine = open_database(db_url(db), must_exist=True)  # never a new, empty database
    try:
        report = _run_with_progress(engine, site, kinds, sites, quiet)
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        _print_report(report, site)
    if not report.failures:
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_FAILED if len(report.failures) == report.total else EXIT_PARTIAL)


def _run_with_progress(engine: Engine, site: str | None, kinds: tuple[str, ...],
                       sites: Registry, quiet: bool) -> ReparseReport:
    """Re-parse with a progress bar (items done, how many failed) on a terminal."""
    from congdoan.jobs.reparse import reparse as run_reparse
    from congdoan.storage.db import session_factory

    progress = Progress(
        TextColumn("re-parsing"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
        console=err_console, disable=quiet or not sys.stderr.isatty(), transient=False,
    )
    task = progress.add_task("reparse", total=None, failed=0)
    failed = 0

    def started(total: int) -> None:
        progress.update(task, total=total)

    def advanced(status: str) -> None:
        nonlocal failed
        failed += status == "failed"
        progress.update(task, advance=1, failed=failed)

    with progress:
        return run_reparse(session_factory(engine), site=site, kinds=kinds,  # type: ignore[arg-type]
                           registry=sites, on_start=started, on_item=advanced)


def _report_json(report: ReparseReport) -> dict[str, object]:
    """The counts and failures as ``--json`` prints them."""
    return {
        **{n: report.counts.get(n, 0) for n in ("new", "changed", "unchanged", "failed")},
        "total": report.total,
        "failures": [asdict(f) for f in report.failures],
    }


def _print_report(report: ReparseReport, site: str | None) -> None:
    table = Table(title="Re-parse summary" + (f" ({site})" if site else ""))
    for column in ("new", "changed", "unchanged", "failed", "total"):
        table.add_column(column, justify="right")
    counts = report.counts
    table.add_row(*(str(counts.get(n, 0)) for n in ("new", "changed", "unchanged", "failed")),
                  str(report.total))
    console.print(table)
    for failure in report.failures[:SHOWN_FAILURES]:
        err_console.print(f"[yellow]{failure.site}[/] {failure.kind} {failure.url}: "
                          f"{failure.reason}", highlight=False, soft_wrap=True)
    if len(report.failures) > SHOWN_FAILURES:
        err_console.print(f"… and {len(report.failures) - SHOWN_FAILURES} more failures")
    if report.total == 0:
        console.print("nothing stored" + (f" for site {site!r}" if site else "") + " to re-parse")
