"""``congdoan feed``: an Atom feed of a search, written to a file (for static publishing)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import typer

from congdoan.commands.common import (
    EXIT_FAILED,
    DbOpt,
    KindOpt,
    SiteOpt,
    app,
    die,
    err_console,
    parse_kind,
)
from congdoan.commands.database import check_site, read_session


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from congdoan.normalize.dates import parse_vn_date

    parsed = parse_vn_date(value.strip())
    if parsed is None:
        die(f"{option}: cannot read {value!r} as a date (use 2024-01-15 or 15/01/2024)")
    return parsed.value.date()


@app.command()
def feed(
    query: Annotated[str, typer.Argument(help="Words to find (empty: everything).")] = "",
    site: SiteOpt = None,
    kind: KindOpt = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type: QĐ, CT …")
                        ] = None,
    issuer: Annotated[str | None, typer.Option(help="Issuing body, as stored.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Only items first seen on or after DATE.")] = None,
    base_url: Annotated[str, typer.Option(
        help="Where `congdoan serve` answers: entries link to its record pages.")
    ] = "http://127.0.0.1:8000",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="File to write (default: stdout).")] = None,
    db: DbOpt = None,
) -> None:
    """Write the Atom 1.0 feed of a search: newest first, at most 200 entries.

    \b
    Entry ids are stable (tag:congdoan,2026:article:ID), so feed readers see
    each item once; a changed item moves up with a new <updated> time.
    Example:
      congdoan feed "thỏa ước lao động" --kind article -o thoa-uoc.atom
    """
    from congdoan.storage.facets import Filters
    from congdoan.web.app import feed_bytes

    filters = Filters(q=query, site=site, kind=parse_kind(kind), doc_type=doc_type,
                      issuer=issuer, new_since=_day(since, "--since"))
    params = {k: v for k, v in {"q": query, "site": site, "kind": filters.kind,
                                "type": doc_type, "issuer": issuer,
                                "since": filters.new_since}.items() if v}
    base = base_url.rstrip("/")
    suffix = f"?{urlencode(params)}" if params else ""
    with read_session(db) as session:
        check_site(session, site)
        body = feed_bytes(session, filters, base, f"{base}/feed.atom{suffix}", f"{base}/{suffix}")
    if output is None:
        sys.stdout.buffer.write(body)
        return
    try:
        output.write_bytes(body)
    except OSError as exc:
        die(f"cannot write {output}: {exc.strerror}", EXIT_FAILED)
    entries = body.count(b"<entry>")
    err_console.print(f"wrote {entries} entries to {output}", markup=False)
