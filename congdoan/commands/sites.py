"""``congdoan sites``: list the registry."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from congdoan.commands.common import RegistryOpt, app, console, die
from congdoan.registry import RegistryError, load_registry

WIDE = 110  # columns needed for the detail columns beside unbroken ids and URLs


@app.command()
def sites(
    registry: RegistryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the portals in the registry: id, province, base URL, CMS, URL style, sections.

    Only enabled sites (those on a CMS congdoan has a spider for) are crawled by
    `congdoan crawl --all` and the scheduler.
    """
    try:
        reg = load_registry(registry)
    except RegistryError as exc:
        die(str(exc))
    if as_json:
        rows = [
            {"id": s.id, "province": s.province, "name": s.name, "base_url": s.base_url,
             "cms": s.cms, "cms_confirmed": s.cms_confirmed, "enabled": s.enabled,
             "url_style": s.url_style, "lang_prefix": s.lang_prefix,
             "news_module": s.news_module, "news_sections": list(s.news_sections),
             "laws_module": s.laws_module}
            for s in reg.sites
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    # The detail columns need a wide terminal; on a narrow one they give way, so
    # that ids and URLs (typed and copied) are never broken across lines (dien/bien).
    detailed = console.width >= WIDE
    columns = ("id", "province", "base URL", "CMS") + (
        ("URLs", "sections", "laws") if detailed else ())
    table = Table(title=f"Sites in {reg.source}")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "base URL", "CMS"))
    for s in reg.sites:
        cms = s.cms + ("" if s.cms_confirmed else "?") + ("" if s.enabled else " (off)")
        style = s.url_style + (" /vi/" if s.lang_prefix else "")
        details = (style, str(len(s.news_sections)), s.laws_module or "-") if detailed else ()
        table.add_row(s.id, escape(s.province), escape(s.base_url), cms, *details)
    console.print(table)
    console.print("[dim]? = CMS unconfirmed; (off) = listed, no spider for its CMS yet[/]")
    if not detailed:
        console.print(f"[dim]URL style, sections, laws module: --json, or a terminal of "
                      f"{WIDE}+ columns[/]")
