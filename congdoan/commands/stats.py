"""``congdoan stats``: what the database holds, per site, and how the last crawls went."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from congdoan.commands.common import DbOpt, app, console
from congdoan.commands.database import read_session
from congdoan.storage.records import jsonable
from congdoan.vntime import VN_TZ_NAME, shown_date, shown_time

# A run's item counts, one column of the table (JSON has every count apart).
ITEM_COUNTS = ("new", "changed", "unchanged")
FAILURES_SHOWN = 10
# No vertical rules or edges: the tables fit an 80-column terminal.
_NARROW: dict[str, Any] = {"box": box.SIMPLE_HEAD, "show_edge": False}


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")
                       ] = False,
    db: DbOpt = None,
) -> None:
    """Show counts per site and kind, date ranges, attachments, open failures and last runs.

    Sites whose last judged run is degraded (spider health) come first, with the reasons.

    \b
    Documents: per site, the postings on that portal; in the totals, a document
    posted on several portals counts once. Times in tables are Vietnam time
    (Asia/Ho_Chi_Minh) with their offset, 2026-11-27 20:01 +07:00; JSON has
    ISO 8601 timestamps with their offset (UTC).
    Exit status: 0 shown; 2 no database there (nothing is created) or it
    cannot be used.

    \b
    Examples:
      congdoan stats
      congdoan stats --json --db postgresql+psycopg://user@host/congdoan
    """
    report = _read_report(db)
    if as_json:
        print(json.dumps(jsonable(report), ensure_ascii=False, indent=2))
        return
    _print_report(report)


def _read_report(db: str | None) -> dict[str, Any]:
    """``storage.stats``, the progress of reading attached files, and every open failure."""
    from congdoan.storage.file_texts import reading_counts
    from congdoan.storage.runs import open_failures
    from congdoan.storage.stats import stats as read_stats

    with read_session(db) as session:
        report = read_stats(session)
        report["files"] = reading_counts(session)
        report["failures"] = [
            {"site": f.site, "url": f.url, "reason": f.reason, "count": f.count,
             "first_seen": f.first_seen, "last_seen": f.last_seen}
            for f in open_failures(session)
        ]
    return report


def _print_report(report: dict[str, Any]) -> None:
    """The report as tables, then the degraded sites' reasons and the first open failures."""
    console.print(_sites_table(report["sites"]))
    console.print(_runs_table(report["sites"]))
    console.print(_totals_table(report))
    console.print(Text(_files_line(report["files"])))
    for name, site_stats in report["sites"].items():
        for line in site_stats.get("health_reasons") or []:
            console.print(Text(f"{name} degraded: {line}"), style="magenta", soft_wrap=True)
    failures = report["failures"]
    for f in failures[:FAILURES_SHOWN]:
        console.print(Text(f"{f['site']} {f['url']}: {f['reason']} (×{f['count']})"),
                      style="yellow", soft_wrap=True)
    if len(failures) > FAILURES_SHOWN:
        console.print(f"… and {len(failures) - FAILURES_SHOWN} more open failures "
                      "(congdoan stats --json lists them all)", style="yellow")


def _files_line(counts: dict[str, int]) -> str:
    """Progress of reading the attached files (OCR backlog) in one line."""
    read = {k: v for k, v in counts.items() if k not in ("pending", "ocr_pages")}
    shown = ", ".join(f"{n} {status}" for status, n in sorted(read.items())) or "none"
    return (f"attached files read: {sum(read.values())} ({shown}); "
            f"pending: {counts['pending']} (congdoan ocr --pending); "
            f"pages read by OCR: {counts['ocr_pages']}")


def _shown(value: datetime | date | None, with_time: bool = False) -> str:
    if with_time and isinstance(value, datetime):
        return shown_time(value)
    return shown_date(value)


def _span(first: datetime | date | None, last: datetime | date | None) -> str:
    return "-" if first is None else f"{_shown(first)} … {_shown(last)}"


def _sites_table(sites: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="Stored per site", **_NARROW)
    for column in ("site", "articles", "docs", "files", "open failures"):
        table.add_column(column, justify="left" if column == "site" else "right")
    # A range is read whole: the other columns give way first.
    table.add_column("published", no_wrap=True, min_width=len(_span(date.min, date.min)))
    for name, s in sites.items():
        table.add_row(
            Text(name), str(s["articles"]), str(s["documents"]), str(s["attachments"]),
            str(s["open_failures"]), _span(s["first_published"], s["last_published"]),
        )
    if not sites:
        table.caption = "nothing stored yet: run `congdoan crawl`"
    return table


def _runs_table(sites: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="Last run per site (degraded sites first)",
                  caption=f"items: {'/'.join(ITEM_COUNTS)} this run; times: {VN_TZ_NAME}",
                  **_NARROW)
    for column in ("site", "status", "health"):
        table.add_column(column)
    table.add_column("finished", no_wrap=True)
    for column in ("items", "failed"):
        table.add_column(column, justify="right")
    for name, s in sites.items():
        run = s["last_run"] or {}
        health = s.get("health") or "-"
        items = "/".join(str(run[k]) for k in ITEM_COUNTS) if run else "-"
        table.add_row(
            Text(name), run.get("status", "never"),
            Text(health, style="bold magenta" if health == "degraded" else ""),
            _shown(run.get("finished_at"), with_time=True), items, str(run.get("failed", "-")),
        )
    return table


def _totals_table(report: dict[str, Any]) -> Table:
    totals, ranges = report["totals"], report["date_range"]
    table = Table(title="Totals", **_NARROW)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("dates")
    labels = {"articles": "articles", "documents": "documents (merged)",
              "postings": "document postings", "attachments": "attachments",
              "raw_pages": "raw pages archived", "versions": "superseded versions",
              "open_failures": "open failures"}
    for key, label in labels.items():
        dates = {"articles": ranges["articles"], "documents": ranges["documents"]}.get(key)
        table.add_row(label, str(totals[key]), _span(*dates) if dates else "")
    return table
