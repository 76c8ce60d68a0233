"""``congdoan demo``: simulator -> crawl -> database -> summary, on a fresh machine."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from congdoan.commands.common import EXIT_FAILED, EXIT_OK, app, console, db_url, die
from congdoan.commands.database import open_database, shown_url

if TYPE_CHECKING:
    from congdoan.harness.demo import Comparison, DemoPaths
    from congdoan.jobs.runner import SiteResult
    from congdoan.sim import PortalSpec, WordPressSpec


@app.command()
def demo(
    sites_: Annotated[int, typer.Option("--sites", min=1, max=20,
                                        help="Number of simulated NukeViet portals.")] = 2,
    wordpress: Annotated[int, typer.Option(
        "--wordpress", min=0, max=20,
        help="Number of simulated WordPress portals (wp1: REST API open; wp2: closed; "
        "wp3: plain permalinks), served beside the NukeViet ones.")] = 1,
    articles: Annotated[int, typer.Option(min=0, help="Articles (posts) per portal.")] = 120,
    documents: Annotated[int, typer.Option(min=0, help="Documents per portal.")] = 40,
    seed: Annotated[int, typer.Option(help="Content seed (same seed, same portals).")] = 1,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL or SQLite file (default: DATA_DIR/congdoan.sqlite3, "
        "that is data/demo/congdoan.sqlite3; never $CONGDOAN_DATABASE_URL).")] = None,
    data_dir: Annotated[Path, typer.Option(
        "--data-dir", help="Where the demo keeps its database, registry and files.")
    ] = Path("data/demo"),
    port: Annotated[int | None, typer.Option(
        min=1, max=65535, help="First simulator port (default: the previous run's, else free)."
    )] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "ERROR",
) -> None:
    """Serve simulated portals, crawl them all, and compare the database with what was served.

    Two NukeViet portals and one WordPress portal by default, side by side: the
    same crawl command reads both CMSs, and every portal's database rows are
    compared with what it served (drafts and private posts must stay out).

    The database defaults to DATA_DIR/congdoan.sqlite3, apart from your real
    one; the demo ends with the commands (stats, search, export with --db) that
    read it. Exit 0 only when the database holds exactly what the simulator
    serves. Run it again on the same data directory: the counts still match and
    the crawl finds the items unchanged.
    """
    from congdoan.harness.demo import DemoPaths
    from congdoan.sim import default_portals
    from congdoan.sim.wordpress import wordpress_portals

    paths = DemoPaths(data_dir)
    url = _prepare(paths, db)
    specs = [*default_portals(sites_, articles, documents, seed=seed),
             *wordpress_portals(wordpress, articles, seed=seed)]
    results, truth = _serve_and_crawl(specs, paths, port, url, log_level, quiet)
    comparison = _compare(url, truth)
    _print_outcome(comparison, results, url, db if db else str(paths.database))
    raise typer.Exit(EXIT_OK if comparison.matches else EXIT_FAILED)


def _print_outcome(comparison: Comparison, results: list[SiteResult], url: str,
                   db: str) -> None:
    """The comparison table and verdict; when it matches, how to read what was stored."""
    _print_table(comparison)
    seconds = max((r.seconds for r in results), default=0.0)
    console.print(f"crawled {len(results)} portals in {seconds:.1f} s into {shown_url(url)}",
                  highlight=False, soft_wrap=True)
    if not comparison.matches:
        console.print(f"[bold red]{comparison.verdict()}[/]", highlight=False, soft_wrap=True)
        return
    console.print(f"[bold green]{comparison.verdict()}[/]", highlight=False)
    _print_next_steps(db)
    from congdoan.commands.serve import serve_hint

    console.print(serve_hint(url), highlight=False, soft_wrap=True, markup=False)


def _prepare(paths: DemoPaths, db: str | None) -> str:
    """Create the data directory and check the database; its URL (dies with one line)."""
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        die(f"cannot create the data directory {paths.data_dir}: {exc.strerror}")
    url = db_url(db) or paths.database_url()
    open_database(url).dispose()  # unreachable database: one line now, not a failed crawl
    return url


def _serve_and_crawl(specs: list[PortalSpec | WordPressSpec], paths: DemoPaths,
                     port: int | None, url: str, log_level: str, quiet: bool,
                     ) -> tuple[list[SiteResult], dict[str, Any]]:
    """Serve the portals, crawl them all into ``url``; the results and what each served."""
    from congdoan.harness.demo import PortsBusy, crawl_overrides, start_simulator
    from congdoan.jobs.runner import crawl_sites
    from congdoan.sim import WordPressSpec
    from congdoan.sim.wordpress import describe

    try:
        server = start_simulator(specs, paths, port)
    except PortsBusy as exc:
        die(str(exc))
    try:
        for spec in specs:
            kind = (describe(spec) if isinstance(spec, WordPressSpec)
                    else f"NukeViet, {spec.url_style} URLs")
            console.print(f"serving {spec.site_id} at {server.base_url(spec.site_id)} "
                          f"({kind})", highlight=False, soft_wrap=True)
        console.print(f"crawling into {shown_url(url)}", highlight=False)
        results = crawl_sites([s.site_id for s in specs], registry=paths.registry,
                              overrides=crawl_overrides(paths, url, log_level.upper()),
                              progress=not quiet and sys.stderr.isatty())
        truth = {site: server.truth(site) for site in server.site_ids()}
    finally:
        server.stop()
    return results, truth


def _compare(url: str, truth: dict[str, Any]) -> Comparison:
    """The database's rows against what the simulator served."""
    from congdoan.harness.demo import compare
    from congdoan.storage.db import session_factory

    engine = open_database(url)
    try:
        with session_factory(engine)() as session:
            return compare(session, truth)
    finally:
        engine.dispose()


# Words every simulated union portal uses, so the search example finds something.
SEARCH_EXAMPLE = "công đoàn"


def explore_commands(db: str) -> list[str]:
    """The commands that read what the demo stored, ready to paste (``db`` as --db)."""
    target = shlex.quote(db)
    return [
        f"congdoan stats --db {target}",
        f"congdoan search {shlex.quote(SEARCH_EXAMPLE)} --db {target}",
        f"congdoan export --kind article -o demo-articles.csv --db {target}",
    ]


def _print_next_steps(db: str) -> None:
    """The demo's database is apart from the default one: say how to read it."""
    console.print("\nExplore what it stored (the demo's database is not the default one, "
                  "hence --db):", highlight=False, soft_wrap=True)
    for command in explore_commands(db):
        console.print(f"  {command}", highlight=False, soft_wrap=True, markup=False)


def _print_table(comparison: Comparison) -> None:
    from congdoan.harness.demo import local_day

    # No vertical rules: the table fits an 80-column terminal.
    table = Table(title="stored in the database / served by the simulator",
                  box=box.SIMPLE_HEAD, show_edge=False,
                  caption="crawl: new/changed/unchanged items this run; published: local dates")
    headers = ("site", "articles", "docs", "files", "published", "failed", "crawl")
    for header in headers:
        table.add_column(header, justify="left" if header in ("site", "published") else "right",
                         no_wrap=True, min_width=22 if header == "published" else len(header))
    for row in comparison.sites:
        run = row.last_run or {}
        table.add_row(
            row.site,
            f"{row.articles}/{row.served_articles}",
            f"{row.documents}/{row.served_documents}",
            f"{row.attachments}/{row.served_attachments}",
            f"{local_day(row.first_published)}..{local_day(row.last_published)}",
            str(row.open_failures),
            f"{run.get('new', 0)}/{run.get('changed', 0)}/{run.get('unchanged', 0)}",
            style=None if row.matches else "red",
        )
    console.print(table)
