"""``congdoan check-faults``: crawl a portal with every fault switched on and account for it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from congdoan.commands.common import EXIT_FAILED, EXIT_OK, app, console, die, err_console


@app.command("check-faults")
def check_faults(
    seed: Annotated[int, typer.Option(help="Seed of the portal and of the fault plan.")] = 1,
    articles: Annotated[int, typer.Option(help="Articles on the faulty portal.")] = 40,
    documents: Annotated[int, typer.Option(help="Documents on the faulty portal.")] = 12,
    keep: Annotated[Path | None, typer.Option(
        help="Keep the database and logs in this directory (default: a temporary one).")
    ] = None,
    port: Annotated[int | None, typer.Option(
        min=1, max=65535, help="Port of the faulty portal (default: a free one).")] = None,
) -> None:
    """Serve a portal with every fault kind, crawl it, check served = stored + reported failed."""
    from congdoan.harness.reliability import check_faults as run_check
    from congdoan.harness.reliability import render

    if articles < 20 or documents < 6:
        err_console.print("[bold red]error:[/] need at least 20 articles and 6 documents "
                          "to place every fault kind", highlight=False)
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory(prefix="congdoan-faults-") as tmp:
        try:
            report = run_check(keep or Path(tmp), seed=seed, articles=articles,
                               documents=documents, port=port)
        except OSError as exc:
            die(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")
    table = Table(title=f"Reliability under faults (seed {seed})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for figure, value in render(report):
        table.add_row(figure, value)
    console.print(table)
    if report.ok:
        console.print("ok: every served item was stored or reported failed", highlight=False)
        raise typer.Exit(EXIT_OK)
    problems = []
    if report.lost:
        problems.append(f"{len(report.lost)} items lost silently {sorted(report.lost)[:5]}")
    if report.first.damaged:
        problems.append(f"{len(report.first.damaged)} damaged items stored")
    if report.first.spurious:
        problems.append(f"{len(report.first.spurious)} spurious items stored")
    if report.trap_hits:
        problems.append(f"{report.trap_hits} requests left the site")
    if report.missing_kinds:
        problems.append(f"fault kinds never injected: {', '.join(report.missing_kinds)}")
    if not report.second.stored >= report.served:
        problems.append("the clean re-run did not recover every item")
    err_console.print(f"[bold red]error:[/] {'; '.join(problems)}", highlight=False)
    raise typer.Exit(EXIT_FAILED)
