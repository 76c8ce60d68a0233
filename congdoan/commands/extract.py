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
