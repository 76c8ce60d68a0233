"""The ``congdoan`` command line.

Exit codes: 0 success; 1 the work ran but failed (a crawl with no items, a
parser error); 2 bad usage or configuration (unknown site, bad registry,
unreadable file); 3 a crawl finished with some pages failed (partial).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from congdoan.registry import RegistryError, load_registry

app = typer.Typer(
    name="congdoan",
    help="Crawl Vietnamese trade-union portals (NukeViet) for articles and legal documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

RegistryOpt = Annotated[
    Path | None,
    typer.Option("--registry", "-r", envvar="CONGDOAN_REGISTRY",
                 help="Registry TOML file to use instead of the packaged sites.toml."),
]


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default: $CONGDOAN_DATABASE_URL, "
                 "else data/congdoan.sqlite3)."),
]


def db_url(value: str | None) -> str | None:
    """A SQLAlchemy URL from ``--db``: URLs pass through, a bare path means a SQLite file."""
    if not value:
        return None
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def die(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one readable error line and exit."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _parse_sets(pairs: list[str] | None) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            die(f"--set expects KEY=VALUE, got {pair!r}")
        settings[key.strip()] = value
    return settings


@app.command()
def sites(
    registry: RegistryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the portals in the registry."""
    try:
        reg = load_registry(registry)
    except RegistryError as exc:
        die(str(exc))
    if as_json:
        rows = [
            {"id": s.id, "province": s.province, "name": s.name, "base_url": s.base_url,
             "cms": s.cms, "cms_confirmed": s.cms_confirmed, "enabled": s.enabled,
             "url_style": s.url_style, "lang_prefix": s.lang_prefix,
             "news_module": s.news_module, "news_sections": list(s.news_sections),
             "laws_module": s.laws_module}
            for s in reg.sites
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Sites in {reg.source}")
    for column in ("id", "province", "base URL", "CMS", "URLs", "sections", "laws"):
        table.add_column(column, overflow="fold", no_wrap=column == "base URL")
    for s in reg.sites:
        cms = s.cms + ("" if s.cms_confirmed else "?") + ("" if s.enabled else " (off)")
        style = s.url_style + (" /vi/" if s.lang_prefix else "")
        table.add_row(s.id, s.province, s.base_url, cms, style,
                      str(len(s.news_sections)), s.laws_module or "-")
    console.print(table)
    console.print("[dim]? = CMS unconfirmed; (off) = listed, no spider for its CMS yet[/]")


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
    overrides.update(_parse_sets(set_))
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


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A saved page (HTML or XML).", exists=False)],
    url: Annotated[str, typer.Option("--url", "-u", help="The URL the page was served at.")],
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k",
        help="article, document, article-list, document-list, rss or sitemap (default: guess).",
    )] = None,
) -> None:
    """Print what the NukeViet parser extracts from a saved page, as JSON."""
    from congdoan.parsers.nukeviet import KINDS, ParseError, guess_kind
    from congdoan.parsers.nukeviet import extract as run_extract

    try:
        body = file.read_bytes()
    except OSError as exc:
        die(f"{file}: cannot read: {exc.strerror}")
    if kind is not None and kind not in KINDS:
        die(f"--kind must be one of {', '.join(KINDS)}, got {kind!r}")
    try:
        result = run_extract(kind or guess_kind(body, url), body, url)
    except ParseError as exc:
        die(str(exc), EXIT_FAILED)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))


@app.command()
def sim(
    port: Annotated[int, typer.Option(help="Port of the first portal; the next use port+1 …")
                    ] = 8080,
    sites_: Annotated[int, typer.Option("--sites", help="Number of portals.")] = 3,
    articles: Annotated[int, typer.Option(help="Articles per portal.")] = 500,
    documents: Annotated[int, typer.Option(help="Documents per portal.")] = 200,
    seed: Annotated[int, typer.Option(help="Content seed (same seed, same portals).")] = 1,
    registry_out: Annotated[Path | None, typer.Option(
        "--registry-out", help="Write a registry TOML for the running portals here.")] = None,
) -> None:
    """Serve simulated NukeViet portals on 127.0.0.1 until Ctrl-C."""
    from congdoan.sim import default_portals, run_forever

    portals = default_portals(sites_, articles, documents, seed=seed)

    def ready(server: object) -> None:
        for spec in portals:
            console.print(f"{spec.site_id}: {server.base_url(spec.site_id)}  "  # type: ignore[attr-defined]
                          f"({spec.url_style}{', /vi/' if spec.lang_prefix else ''})")
        if registry_out:
            registry_out.write_text(server.registry_toml(), encoding="utf-8")  # type: ignore[attr-defined]
            console.print(f"registry written to {registry_out}")
        console.print("Ctrl-C to stop.")

    try:
        run_forever(portals, base_port=port, on_ready=ready)
    except OSError as exc:
        die(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
