"""``congdoan crawl``: crawl portals now, in this process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from congdoan.commands.common import (
    EXIT_DEGRADED,
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
from congdoan.registry import CRAWLABLE_CMS, RegistryError, load_registry

SHOWN_FAILURES = 10


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
    log_level: Annotated[str, typer.Option(help="Scrapy log level; tracebacks are shown "
                         "only at DEBUG.")] = "ERROR",
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
    progress_every: Annotated[float, typer.Option(
        "--progress-every", metavar="SECONDS", min=0,
        help="When stderr is not a terminal (cron, a pipe, a log file): a progress line "
             "every SECONDS (pages, items, failures, rate, queued, time left); 0: none.")
    ] = 30.0,
    reconcile: Annotated[bool, typer.Option("--reconcile", help="Also compare the portal's "
                         "complete item lists (sitemaps, the whole laws list) with storage and "
                         "fetch what is missing; done weekly without it.")] = False,
) -> None:
    """Crawl one portal (or --all), store what was found, and report it.

    Incremental by default: stored items are not fetched again and a listing stops
    after a page of stored items. A crawl of a site holds a lock under the data
    directory; a second crawl of the same site is refused (exit code 4). A database
    that cannot be used ends the command before any request (exit code 2).
    When the crawl ends, the text of newly stored attached files is read in
    worker processes (OCR of scans; see `congdoan ocr`).
    Progress: live on a terminal; otherwise a line every 30 s (--progress-every).
    Exit status: 0 ok; 1 nothing stored; 2 bad usage or unusable database; 3 some pages
    failed; 4 locked; 5 degraded (spider health: worse than the site's recent runs, see
    `congdoan health`).

    \b
    Examples:
      congdoan crawl dienbien                    incremental crawl into the database
      congdoan crawl dienbien --full             walk everything again (backfill)
      congdoan crawl dienbien --reconcile        also fetch what storage lacks
      congdoan crawl --all -o items.jsonl        every enabled portal, also to a file
      congdoan crawl sim1 --registry sim.toml -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=false
    """
    from congdoan.runtime.lifeline import follow_supervisor

    follow_supervisor()  # a scheduler's or worker's child stops when they die (even SIGKILLed)
    # Imported here: Scrapy costs half a second that other commands need not pay.
    from congdoan.jobs.runner import DEFAULT_PARALLEL_SITES, crawl_sites

    ids = _site_ids(registry, site, all_sites)
    overrides = _crawl_overrides(db_url(db), store=not no_db, log_level=log_level, full=full,
                                 since=since, refresh_days=refresh_days, reconcile=reconcile,
                                 sets=set_)
    if not no_db:
        _check_database(overrides)
    results = crawl_sites(ids, registry=registry, output=output, overrides=overrides,
                          progress=not quiet and sys.stderr.isatty(),
                          progress_every=0.0 if quiet else progress_every,
                          parallel=parallel or DEFAULT_PARALLEL_SITES)
    _print_results(results)
    if not no_db:
        _after_crawl(overrides)
    raise typer.Exit(exit_code(results))


def _site_ids(registry: Path | None, site: str | None, all_sites: bool) -> list[str]:
    """The ids to crawl: SITE or every enabled site; dies on an unknown id or uncrawlable CMS."""
    try:
        reg = load_registry(registry)
        if all_sites == bool(site):
            die("give a SITE id or --all (see `congdoan sites`)")
        ids = [s.id for s in reg.sites if s.enabled] if all_sites else [reg.get(site).id]
        for site_id in ids:
            if reg.get(site_id).cms not in CRAWLABLE_CMS:
                die(f"{reg.source}: site {site_id}: no spider crawls cms "
                    f"{reg.get(site_id).cms!r} yet")
    except (RegistryError, KeyError) as exc:
        die(exc.args[0] if isinstance(exc, KeyError) else str(exc))
    return ids


def _crawl_overrides(database: str | None, *, store: bool, log_level: str, full: bool,
                     since: str | None, refresh_days: float | None, reconcile: bool,
                     sets: list[str] | None) -> dict[str, object]:
    """The crawl's settings from the command's options (``--set`` pairs last, so they win)."""
    since_day = parse_since(since)
    overrides: dict[str, object] = {
        "LOG_LEVEL": log_level.upper(),
        "CONGDOAN_DATABASE_URL": database,
        "CONGDOAN_STORE": store,
        "CONGDOAN_CRAWL_MODE": "full" if full else "incremental",
        "CONGDOAN_SINCE": since_day.date().isoformat() if since_day else None,
        "CONGDOAN_REFRESH_DAYS": refresh_days,
    }
    if reconcile:
        overrides["CONGDOAN_RECONCILE"] = "always"
    overrides.update(parse_sets(sets))
    return overrides


def _database(overrides: dict[str, object]) -> str:
    """The crawl's database URL: ``--db``, else the default under the data directory."""
    from congdoan.storage.db import crawl_database_url

    return crawl_database_url(overrides)


def _after_crawl(overrides: dict[str, object]) -> None:
    """Send the watches' alerts and read the new files, if the database still answers.

    A database lost during the crawl already decided the exit code (partial or
    failed, with the retry file kept): the follow-up steps then wait for the
    next crawl instead of turning that into a usage error.
    """
    from congdoan.storage.check import DatabaseUnusable, check_database

    url = _database(overrides)
    try:
        check_database(url)
    except DatabaseUnusable as exc:
        err_console.print(f"[yellow]alerts and file reading left to the next crawl:[/] "
                          f"{escape(str(exc))}", highlight=False, soft_wrap=True)
        return
    _deliver_alerts(url)
    _read_new_files(overrides, url)


def _check_database(overrides: dict[str, object]) -> None:
    """Before any request: a database that cannot be used ends the command (one line, exit 2)."""
    from congdoan import paths
    from congdoan.storage.check import DatabaseUnusable, check_database

    try:
        check_database(_database(overrides))
    except DatabaseUnusable as exc:
        die(str(exc), EXIT_USAGE)
    except OSError as exc:  # the data directory cannot be created
        die(f"data directory {paths.data_dir(overrides)} cannot be used: {exc.strerror or exc}",
            EXIT_USAGE)


def exit_code(results: list) -> int:
    """The crawl's exit code: 1 all failed; 5 a run degraded; 3 some pages failed;
    4 refused (all, or beside ok ones); 0 all ok.

    A degraded run outranks a partial one: a page failing now and then is
    routine, a site whose pages stopped reading well is not.
    """
    statuses = {r.status for r in results}
    if statuses == {"failed"}:
        return EXIT_FAILED
    if any(r.verdict == "degraded" for r in results):
        return EXIT_DEGRADED
    if statuses <= {"ok", "locked"}:
        return EXIT_LOCKED if "locked" in statuses else EXIT_OK
    return EXIT_PARTIAL


def _deliver_alerts(url: str) -> None:
    """Send the watches' outbox (new and changed items the crawl matched)."""
    from congdoan.commands.watch import deliver_now, writable

    with writable(None, url) as sessions:
        report = deliver_now(sessions)
    if report.sent or report.failed:
        err_console.print(f"alerts: {report.sent} delivered, {report.failed} failed "
                          "(congdoan alerts)", highlight=False)


def _read_new_files(overrides: dict[str, object], url: str) -> None:
    """Read the text of the files this crawl stored (OCR of scans) in worker processes.

    After the crawl, never during it: OCR takes seconds a page and must not slow
    the downloads. ``--set CONGDOAN_READ_FILES=false`` leaves them to
    ``congdoan ocr --pending``.
    """
    from congdoan import paths
    from congdoan.commands.ocr import run_backlog
    from congdoan.files.backlog import DEFAULT_WORKERS
    from congdoan.files.ocr import ocr_available
    from congdoan.jobs.runner import base_settings
    from congdoan.storage.db import make_engine, session_factory

    if not base_settings(overrides).getbool("CONGDOAN_READ_FILES"):
        return
    problem = ocr_available()
    if problem:
        err_console.print(f"[yellow]attached files not read:[/] OCR unavailable: "
                          f"{escape(problem)}; then run `congdoan ocr --pending`",
                          highlight=False, soft_wrap=True)
        return
    data_dir = paths.data_dir(overrides)
    engine = make_engine(url)
    try:
        files_dir = Path(str(overrides.get("FILES_STORE") or paths.files_dir(data_dir)))
        run_backlog(session_factory(engine), files_dir, DEFAULT_WORKERS)
    finally:
        engine.dispose()


def _print_results(results: list) -> None:
    table = Table(title="Crawl summary")
    for column in ("site", "status", "health", "articles", "documents", "pages", "failed",
                   "seconds"):
        table.add_column(column, justify="left" if column in ("site", "status", "health")
                         else "right")
    for r in results:
        table.add_row(r.site, r.status, r.verdict or "-", str(r.articles), str(r.documents),
                      str(r.pages), str(len(r.failures)), f"{r.seconds:.1f}")
    console.print(table)
    for r in results:
        if r.error:
            err_console.print(f"[bold red]error:[/] {escape(r.error)}", highlight=False,
                              soft_wrap=True)
        for line in r.health_reasons:
            # Reasons name fields and counts; the site id comes from the registry.
            err_console.print(f"[magenta]{r.site}[/] degraded: {escape(line)}",
                              highlight=False, soft_wrap=True)
        _print_failures(r.site, r.failures)


def _print_failures(site: str, failures: list[dict[str, str]]) -> None:
    """A site's failed pages: network failures once per cause, the others per URL (ten)."""
    from congdoan.runtime.network import group_failures

    causes, others = group_failures(failures)
    for cause, pages in causes.most_common():
        err_console.print(f"[yellow]{site}[/]: {escape(cause)}; "
                          + (f"{pages} pages not fetched" if pages > 1 else "1 page not fetched"),
                          highlight=False, soft_wrap=True)
    for failure in others[:SHOWN_FAILURES]:
        # URLs and reasons come from the portal: print them as text, never as markup.
        err_console.print(f"[yellow]{site}[/] {escape(failure['url'])}: "
                          f"{escape(failure['reason'])}",
                          highlight=False, soft_wrap=True)
    if len(others) > SHOWN_FAILURES:
        err_console.print(f"[yellow]{site}[/] … and {len(others) - SHOWN_FAILURES} more "
                          "failures (`congdoan stats` lists them)", highlight=False)
