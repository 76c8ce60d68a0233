"""``congdoan search``: full-text search over stored articles and documents."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
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
from congdoan.vntime import shown_date

if TYPE_CHECKING:
    from congdoan.items.kinds import Kind
    from congdoan.storage.file_matches import FileMatch
    from congdoan.storage.search import SearchHit, SearchResults

MATCH_STYLE = "bold yellow"


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
    offset: Annotated[int, typer.Option("--offset", help="Skip this many of the best hits "
                      "first (the next page: --offset 20).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")
                       ] = False,
    db: DbOpt = None,
) -> None:
    """Search stored articles and documents, best matches first.

    \b
    Every word must match (in the title, text, code, issuer …), in any order;
    words in double quotes must stand together in that order (a phrase). A
    document code such as 17-CT/TW matches as the words 17 ct tw. Punctuation
    and operators in the query are plain text, never search syntax.
    Ranking: title matches first, then at equal relevance the more recent item.
    Above 2,000 matches of a kind only the newest ~500 are ranked (the headline
    says so; add words, --site or --since to rank every match); PostgreSQL then
    also estimates the count ("about N").
    Each hit shows where it matched (highlighted) and its URL on a line of its
    own, never broken, to copy. --json prints a list of hits (with snippet and
    match spans); the "N of M hits" line then goes to stderr.
    Exit status, like grep: 0 when something was found, 1 when nothing was,
    2 on bad usage (empty query, bad date, unknown site, no database).

    \b
    Examples:
      congdoan search "chi thi 17"
      congdoan search '"an toàn lao động"' --kind article --since 01/01/2024
      congdoan search "công đoàn" --limit 50 --offset 50 --json
    """
    from congdoan.storage.search import search_page

    wanted, moment = _filters(query, kind, since, limit, offset)
    with read_session(db) as session:
        check_site(session, site)
        results = search_page(session, query, site=site, kind=wanted, since=moment,
                              limit=limit, offset=offset)
        # Titles and URLs are read inside the session; SearchHit holds plain values.
        in_files = _in_files(session, query, results.hits)
    if as_json:
        _print_json(results, query, limit, in_files)
    else:
        _print_text(results, query, limit, offset, in_files)
    raise typer.Exit(EXIT_OK if results.hits else EXIT_FAILED)


def _filters(query: str, kind: str | None, since: str | None, limit: int,
             offset: int) -> tuple[Kind | None, datetime | None]:
    """Check the options (dies with one line); the kind and moment they filter by."""
    if not query.strip():
        die("empty query: give words to search for")
    wanted = parse_kind(kind)
    moment = parse_since(since)
    if limit < 1:
        die(f"--limit must be at least 1, got {limit}")
    if offset < 0:
        die(f"--offset must be 0 or more, got {offset}")
    return wanted, moment


def _print_json(results: SearchResults, query: str, limit: int,
                in_files: list[list[FileMatch]]) -> None:
    """The hits as a JSON list on stdout; the "N of M hits" line on stderr."""
    rows = [jsonable({**dataclasses.asdict(hit),
                      "files": [dataclasses.asdict(m) for m in in_files[i]]})
            for i, hit in enumerate(results.hits)]
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    if results.total:
        err_console.print(_headline(results, query, limit), markup=False, highlight=False,
                          soft_wrap=True)


def _print_text(results: SearchResults, query: str, limit: int, offset: int,
                in_files: list[list[FileMatch]]) -> None:
    """The hits for people, or one line on stderr saying why there are none."""
    if results.hits:
        _print_hits(results, query, limit, in_files)
    elif results.total:
        err_console.print(f"no hits past --offset {offset}: {query!r} has {results.total}",
                          markup=False, highlight=False, soft_wrap=True)
    else:
        err_console.print(f"no matches for {query!r}", markup=False, highlight=False,
                          soft_wrap=True)


def _headline(results: SearchResults, query: str, limit: int) -> str:
    """``20 of 127 hits for 'x'``, with where this page starts and how to get the next."""
    shown, total = len(results.hits), results.total
    count = str(total) if results.exact else f"about {total:,}"
    line = f"{shown} of {count} hit{'s' if total != 1 else ''} for {query!r}"
    if results.offset:
        line += f" (from #{results.offset + 1})"
    following = results.offset + shown
    if following < (min(total, results.ranked) if results.ranked else total):
        line += f"; next: --offset {following}" + (f" --limit {limit}" if limit != 20 else "")
    if results.ranked:
        line += (f" (too many to rank all: the best of the newest {results.ranked:,}; "
                 "add words, --site or --since to rank every match)")
    return line


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> Text:
    # Text, not markup: a title or query with [brackets] must print as it is.
    out = Text(text)
    for start, end in spans:
        out.stylize(MATCH_STYLE, start, end)
    return out


def _print_hits(results: SearchResults, query: str, limit: int,
                in_files: list[list[FileMatch]]) -> None:
    console.print(Text(_headline(results, query, limit), style="bold"), soft_wrap=True)
    for number, hit in enumerate(results.hits, start=results.offset + 1):
        console.print()
        console.print(Text(f"{number:>3}. ") + _about(hit), soft_wrap=True)
        console.print(Text("     ") + _marked(hit.title, hit.title_spans), soft_wrap=True)
        if hit.snippet:
            console.print(Text("     ", style="dim") + _marked(hit.snippet, hit.snippet_spans),
                          soft_wrap=True)
        # soft_wrap: the terminal may fold a long URL on screen, but no newline is
        # inserted, so it copies (and pipes) whole.
        console.print(Text(f"     {hit.url}", style="cyan"), soft_wrap=True)
        for match in in_files[number - results.offset - 1]:
            console.print(Text(f"     in file: {_shown_file(match)}", style="dim"), soft_wrap=True)


def _about(hit: SearchHit) -> Text:
    parts = [hit.kind, hit.site, _shown(hit.when)] + ([hit.code] if hit.code else [])
    about = Text(" · ".join(p for p in parts if p), style="dim")
    if hit.reference:  # "chi thi 17": the document the query names, first
        about += Text(" · the document this query names", style="bold")
    return about


def _shown(when: datetime | date | None) -> str:
    return shown_date(when) if when else ""


def _in_files(session: object, query: str, hits: list) -> list[list]:
    """For each hit, the pages of its attached files that hold the query."""
    from congdoan.storage.file_matches import file_matches
    from congdoan.storage.search import query_phrases

    phrases = query_phrases(query)
    return [file_matches(session, hit.kind, hit.id, phrases) for hit in hits]  # type: ignore[arg-type]


def _shown_file(m: FileMatch) -> str:
    """``name.pdf p. 3: …snippet…`` for a matching page (member of an archive included)."""
    return f"{m.name}{' › ' + m.member if m.member else ''} p. {m.page}: {m.snippet}"



