"""``congdoan extract``: what the parser reads from a saved page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from congdoan.commands.common import EXIT_FAILED, app, die


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A saved page (HTML or XML).", exists=False)],
    url: Annotated[str, typer.Option("--url", "-u", help="The URL the page was served at.")],
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k",
        help="article, document, article-list, document-list, rss or sitemap (default: guess); "
        "generic or document-table for the generic reader (any CMS).",
    )] = None,
    selector: Annotated[list[str] | None, typer.Option(
        "--selector", "-s", help="NAME=CSS for the generic reader, as in [site.selectors] "
        "(title, published, modified, author, source, category, summary, body).")] = None,
) -> None:
    """Print what the NukeViet parser (or the generic reader) extracts from a saved page."""
    from congdoan.parsers.generic import parse_document_table, parse_generic_article
    from congdoan.parsers.nukeviet import KINDS, ParseError, guess_kind
    from congdoan.parsers.nukeviet import extract as run_extract

    try:
        body = file.read_bytes()
    except OSError as exc:
        die(f"{file}: cannot read: {exc.strerror}")
    generic_kinds = ("generic", "document-table")
    if kind is not None and kind not in (*KINDS, *generic_kinds):
        die(f"--kind must be one of {', '.join((*KINDS, *generic_kinds))}, got {kind!r}")
    selectors = {}
    for pair in selector or []:
        name, sep, css = pair.partition("=")
        if not sep:
            die(f"--selector expects NAME=CSS, got {pair!r}")
        selectors[name.strip()] = css.strip()
    try:
        if kind == "generic":
            result = parse_generic_article(body, url, selectors)
        elif kind == "document-table":
            result = parse_document_table(body, url)
        else:
            result = run_extract(kind or guess_kind(body, url), body, url)
    except ParseError as exc:
        die(str(exc), EXIT_FAILED)
    except ValueError as exc:  # a bad --selector
        die(str(exc))
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
