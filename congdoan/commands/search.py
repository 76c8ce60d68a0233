"""``congdoan search``: full-text search over stored articles and documents."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    DbOpt,
    KindOpt,
    SiteOpt,
    app,
    console,
    die,
    err_console,
    parse_kind,
    parse_since,
)
from congdoan.commands.database import check_site, read_session
from congdoan.storage.records import jsonable

# Dates are shown where the portals publish them.
SHOWN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@app.command()
def search(
    query: Annotated[str, typer.Argument(
        help="Words to find; case and diacritics do not matter (chi thi 17 = Chỉ thị 17).")],
    site: SiteOpt = None,
    kind: KindOpt = None,
    since: Annotated[str | None, typer.Option(
        help="Only items published (documents: issued) on or after DATE "
             "(2024-01-15 or 15/01/2024).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Most hits to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")
                       ] = False,
    db: DbOpt = None,
) -> None:
    """Search stored articles and documents, best matches first.

    \b
    Every word must match (in the title, text, code, issuer …); a document code
    such as 17-CT/TW matches as the words 17 ct tw. Punctuation and operators
    in the query are plain text, never search syntax.
    Exit status, like grep: 0 when something was found, 1 when nothing was,
    2 on bad usage (empty query, bad date, unknown site).

    \b
    Examples:
      congdoan search "chi thi 17"
      congdoan search "an toàn lao động" --kind article --since 01/01/2024 --json
    """
    from congdoan.storage.search import search as run_search

    if not query.strip():
        die("empty query: give words to search for")
    wanted = parse_kind(kind)
    moment = parse_since(since)
    if limit < 1:
        die(f"--limit must be at least 1, got {limit}")
    with read_session(db) as session:
        check_site(session, site)
        hits = run_search(session, query, site=site, kind=wanted, since=moment, limit=limit)
        # Titles and URLs are read inside the session; SearchHit holds plain values.
        in_files = _in_files(session, query, hits)
    if as_json:
        rows = [jsonable({**dataclasses.asdict(hit),
                          "files": [dataclasses.asdict(m) for m in in_files[i]]})
                for i, hit in enumerate(hits)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif hits:
        # Text, not markup: a title or query with [brackets] must print as it is.
        table = Table(title=Text(f"{len(hits)} hit{'s' if len(hits) != 1 else ''} for {query!r}"))
        for column in ("kind", "site", "date", "code", "title", "url", "in file"):
            table.add_column(column, overflow="fold")
        for i, hit in enumerate(hits):
            cells = (hit.kind, hit.site, _shown(hit.when), hit.code or "", hit.title, hit.url,
                     _shown_files(in_files[i]))
            table.add_row(*(Text(c) for c in cells))
        console.print(table)
    else:
        err_console.print(f"no matches for {query!r}", markup=False, highlight=False,
                          soft_wrap=True)
    raise typer.Exit(EXIT_OK if hits else EXIT_FAILED)


def _in_files(session: object, query: str, hits: list) -> list[list]:
    """For each hit, the pages of its attached files that hold the query."""
    from congdoan.storage.file_matches import file_matches
    from congdoan.storage.search import query_phrases

    phrases = query_phrases(query)
    return [file_matches(session, hit.kind, hit.id, phrases) for hit in hits]  # type: ignore[arg-type]


def _shown_files(matches: list) -> str:
    """``name.pdf p. 3: …snippet…`` per matching page (member of an archive included)."""
    return "\n".join(
        f"{m.name}{' › ' + m.member if m.member else ''} p. {m.page}: {m.snippet}"
        for m in matches
    )


def _shown(when: datetime | date | None) -> str:
    if isinstance(when, datetime):
        return when.astimezone(SHOWN_TZ).strftime("%Y-%m-%d")
    return when.isoformat() if when else ""

