"""``congdoan demo``: simulator -> crawl -> database -> summary, on a fresh machine."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from congdoan.commands.common import EXIT_FAILED, EXIT_OK, DbOpt, app, console, db_url, die
from congdoan.commands.database import open_database, shown_url


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
    db: DbOpt = None,
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
    from congdoan.harness.demo import (
        DemoPaths,
        PortsBusy,
        compare,
        crawl_overrides,
        start_simulator,
    )
    from congdoan.runtime.runner import crawl_sites
    from congdoan.sim import WordPressSpec, default_portals
    from congdoan.sim.wordpress import describe, wordpress_portals
    from congdoan.storage.db import session_factory

    paths = DemoPaths(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        die(f"cannot create the data directory {data_dir}: {exc.strerror}")
    url = db_url(db) or paths.database_url()
    open_database(url).dispose()  # unreachable database: one line now, not a failed crawl

    specs = [*default_portals(sites_, articles, documents, seed=seed),
             *wordpress_portals(wordpress, articles, seed=seed)]
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

    engine = open_database(url)
    try:
        with session_factory(engine)() as session:
            comparison = compare(session, truth)
    finally:
        engine.dispose()

    _print_table(comparison)
    seconds = max((r.seconds for r in results), default=0.0)
    console.print(f"crawled {len(results)} portals in {seconds:.1f} s into {shown_url(url)}",
                  highlight=False, soft_wrap=True)
    if comparison.matches:
        console.print(f"[bold green]{comparison.verdict()}[/]", highlight=False)
        _print_next_steps(db if db else str(paths.database))
        from congdoan.commands.serve import serve_hint

        console.print(serve_hint(url), highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_OK)
    console.print(f"[bold red]{comparison.verdict()}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED)


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


def _print_table(comparison: object) -> None:
    from congdoan.harness.demo import Comparison, local_day

    assert isinstance(comparison, Comparison)
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
