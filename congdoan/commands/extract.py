"""``congdoan extract``: what the parser reads from a saved page."""

from __future__ import annotations

import json
import sys
from datetime import datetime
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


def read_text(text: str, page_date: datetime | None = None) -> dict[str, object]:
    """What a document's text says: dates, codes, relations to other documents, its effect.

    The JSON of ``congdoan extract --text``; ``page_date`` (the page's own date)
    is the reference for dates written without a year.
    """
    from congdoan.normalize.dates import find_vn_dates
    from congdoan.normalize.doccodes import find_doc_codes
    from congdoan.normalize.relations import find_effective, find_relations

    effective = find_effective(text)
    return {
        "dates": [
            {"text": d.raw, "date": d.iso(), "precision": d.precision, "calendar": d.calendar}
            for d in find_vn_dates(text, now=page_date)
        ],
        "codes": [
            {"text": c.raw, "code": c.normalised, "kind": c.type_name} for c in find_doc_codes(text)
        ],
        "relations": [r.as_dict() for r in find_relations(text)],
        "effective": None if effective is None else effective.as_dict(),
    }


@app.command()
def extract(
    file: Annotated[Path | None, typer.Argument(
        help="A saved page (HTML or XML); not with --text.", exists=False)] = None,
    url: Annotated[str | None, typer.Option(
        "--url", "-u", help="The URL the page was served at (with FILE).")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", "-t", help="Read a document's text instead of a page: dates, codes, relations "
        "to other documents and its effective statement. '-' reads standard input.")] = None,
    page_date: Annotated[str | None, typer.Option(
        "--date", help="With --text: the page's own date (YYYY-MM-DD), the reference for dates "
        "written without a year (default: today).")] = None,
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
    With --text, read a document's text instead: its dates, document codes,
    relations (replaces, repeals, amends, based_on) and effective statement.
    Exit status: 0 printed; 1 the page is not of that kind; 2 the file cannot be
    read or is not HTML/XML (an image, a PDF, an empty file).

    \b
    Examples:
      curl -s https://congdoandienbien.org.vn/vi/news/... > page.html
      congdoan extract page.html --url https://congdoandienbien.org.vn/vi/news/...
      congdoan extract list.html --url https://example.org/laws/ --kind document-list
      congdoan extract post.html --url https://example.org/bai-viet/x --kind generic
      congdoan extract --text "Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ."
      pdftotext quyet-dinh.pdf - | congdoan extract --text -
    """
    if text is not None:
        if file is not None or kind is not None or selector:
            die("--text reads a text: give no FILE, --kind or --selector with it")
        extract_text(sys.stdin.read() if text == "-" else text, page_date)
        return
    if file is None or url is None:
        die("give a saved page and its --url, or --text TEXT (--text - for standard input)")
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


def extract_text(text: str, page_date: str | None) -> None:
    """Print ``read_text`` of ``text`` as JSON, with dates read against ``page_date``."""
    reference = None
    if page_date is not None:
        from zoneinfo import ZoneInfo

        from congdoan.vntime import VN_TZ_NAME

        try:
            reference = datetime.fromisoformat(page_date)
        except ValueError:
            die(f"--date must be YYYY-MM-DD, got {page_date!r}")
        if reference.tzinfo is None:
            reference = reference.replace(tzinfo=ZoneInfo(VN_TZ_NAME))
    print(json.dumps(read_text(text, reference), ensure_ascii=False, indent=2))
