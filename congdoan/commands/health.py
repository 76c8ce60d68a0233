"""``congdoan health``: each site's latest spider-health verdict and its trend."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from congdoan.commands.common import EXIT_DEGRADED, EXIT_FAILED, EXIT_OK, DbOpt, app, console, die
from congdoan.commands.database import check_site, read_session
from congdoan.vntime import shown_time

# Fields shown in the trend table; --json has every health field's counts.
TREND_FIELDS = {"article": ("author", "body_text", "published_at"),
                "document": ("code", "signer", "issued_on")}


@app.command()
def health(
    site: Annotated[str | None, typer.Argument(help="Only this site (registry id).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")
                       ] = False,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Runs shown per site.")] = 5,
    db: DbOpt = None,
) -> None:
    """Show each site's latest spider-health verdict, why, and its last runs.

    \b
    Every crawl records per kind how many items it stored, the fill rate of each
    field, the items its listings showed and the pages its parsers could not
    read, and is judged against the site's recent runs: healthy or degraded.
    Degraded sites come first. Times in tables are Vietnam time (ICT, UTC+7);
    JSON has UTC ISO 8601 timestamps.

    \b
    Exit status: 0 every site shown is healthy, 5 some site is degraded,
    1 no judged run was found (crawl first).

    \b
    Examples:
      congdoan health
      congdoan health dienbien --json
    """
    from congdoan.storage.health import site_health

    with read_session(db) as session:
        check_site(session, site)
        sites = site_health(session, site, trend=runs)
    if not sites:
        where = f"site {site!r}" if site else "any site"
        die(f"no judged crawl run for {where} yet: run `congdoan crawl` first", EXIT_FAILED)
    if as_json:
        print(json.dumps([{"site": s.site, "verdict": s.verdict,
                           "reasons": s.latest.reasons if s.latest else [],
                           "runs": [r.to_json() for r in s.runs]} for s in sites],
                         ensure_ascii=False, indent=2))
    else:
        _print(sites)
    degraded = any(s.verdict == "degraded" for s in sites)
    raise typer.Exit(EXIT_DEGRADED if degraded else EXIT_OK)


def _rate(counts: object, name: str) -> str:
    rate = counts.fill_rate(name)  # type: ignore[attr-defined]
    return "-" if rate is None else f"{rate * 100:.0f}%"


WIDE = 140  # columns needed for every field's fill rate beside the run facts


def _print(sites: list) -> None:
    # A narrow terminal gets the run facts only: 14 squeezed columns read as "…".
    detailed = console.width >= WIDE
    table = Table(title="Spider health (degraded sites first; newest run first)",
                  box=box.SIMPLE_HEAD, show_edge=False)
    fields = {kind: TREND_FIELDS[kind] if detailed else () for kind in ("article", "document")}
    for column in ("site", "run", "started", "status", "verdict", "articles",
                   *(f"a.{f}" for f in fields["article"]), "docs",
                   *(f"d.{f}" for f in fields["document"]), "errors"):
        table.add_column(column, no_wrap=True, justify="left" if column in (
            "site", "started", "status", "verdict") else "right")
    for entry in sites:
        for index, run in enumerate(entry.runs):
            article, document = run.health.kind("article"), run.health.kind("document")
            errors = sum(k.parse_errors for k in run.health.kinds.values())
            verdict = run.verdict or "-"
            table.add_row(
                Text(entry.site if index == 0 else ""), str(run.run_id),
                shown_time(run.started_at), run.status,
                Text(verdict, style="bold magenta" if verdict == "degraded" else "green"),
                f"{article.items}/{article.listed}",
                *(_rate(article, f) for f in fields["article"]),
                f"{document.items}/{document.listed}",
                *(_rate(document, f) for f in fields["document"]), str(errors))
    table.caption = "started: Vietnam time; articles, docs: stored/listed; errors: parse errors" + (
        "" if detailed else f"; fill rates per field: --json, or a terminal of {WIDE}+ columns")
    console.print(table)
    for entry in sites:
        latest = entry.latest
        for line in latest.reasons if latest else []:
            console.print(Text(f"{entry.site} degraded: {line}"), style="magenta",
                          soft_wrap=True)
