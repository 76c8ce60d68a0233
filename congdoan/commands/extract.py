"""``congdoan extract``: what the parser reads from a saved page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from congdoan.commands.common import EXIT_FAILED, app, die


def not_markup(body: bytes) -> str | None:
    """Why ``body`` cannot be a saved web page or feed, or ``None`` when it can be."""
    from congdoan.files.sniff import sniff_media_type

    if not body.strip():
        return "the file is empty"
    media_type = sniff_media_type(body[:4096])
    # The sniffer names HTML itself (for attached .html files): markup, not a reason.
    if media_type not in ("application/octet-stream", "text/html"):
        return media_type  # magic bytes of a PDF, an image, an archive …
    head = body[:4096]
    if b"\x00" in head:
        return "binary data"
    if b"<" not in head:
        return "no markup in it"
    return None


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
    """Print what the NukeViet parser (or the generic reader) extracts from a saved page, as JSON.

    The kind of page is guessed from its markup (and URL) unless --kind is given.
    Exit status: 0 printed; 1 the page is not of that kind; 2 the file cannot be
    read or is not HTML/XML (an image, a PDF, an empty file).

    \b
    Examples:
      curl -s https://congdoandienbien.org.vn/vi/news/... > page.html
      congdoan extract page.html --url https://congdoandienbien.org.vn/vi/news/...
      congdoan extract list.html --url https://example.org/laws/ --kind document-list
      congdoan extract post.html --url https://example.org/bai-viet/x --kind generic
    """
    from congdoan.parsers.generic import parse_document_table, parse_generic_article
    from congdoan.parsers.nukeviet import KINDS, ParseError, guess_kind
    from congdoan.parsers.nukeviet import extract as run_extract

    try:
        body = file.read_bytes()
    except OSError as exc:
        die(f"{file}: cannot read: {exc.strerror}")
    reason = not_markup(body)
    if reason:
        die(f"{file}: not HTML or XML ({reason}); give a web page saved from a portal")
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
