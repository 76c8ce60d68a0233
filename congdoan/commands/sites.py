"""``congdoan sites``: list the registry (by portal or by unit), detect and discover portals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from congdoan.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    RegistryOpt,
    app,
    console,
    die,
    err_console,
)
from congdoan.registry import Registry, RegistryError, Site, load_registry

if TYPE_CHECKING:
    from congdoan.detect.discover import Candidate, Resolver
    from congdoan.detect.portal import Detection
    from congdoan.registry.units import Unit

sites_app = typer.Typer(
    help="The portals in the registry; detect or discover a portal.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(sites_app, name="sites")

WIDE = 110  # columns needed for the detail columns beside unbroken ids and URLs

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WriteOpt = Annotated[
    Path | None,
    typer.Option("--write", "-w", help="Add or update the entry in this registry file "
                 "(created if missing; validated; comments and other entries kept)."),
]


def _load(registry: Path | None) -> Registry:
    try:
        return load_registry(registry)
    except RegistryError as exc:
        die(str(exc))


def _site_row(s: Site) -> dict[str, Any]:
    return {"id": s.id, "unit": s.unit, "province": s.province, "name": s.name,
            "base_url": s.base_url, "cms": s.cms, "cms_confirmed": s.cms_confirmed,
            "enabled": s.enabled, "confirmed": s.confirmed, "url_style": s.url_style,
            "lang_prefix": s.lang_prefix, "news_module": s.news_module,
            "news_sections": list(s.news_sections), "laws_module": s.laws_module,
            "evidence": s.evidence, "confidence": s.confidence}


def _unit_rows(reg: Registry) -> list[dict[str, Any]]:
    rows = []
    for unit in reg.units:
        sites = reg.sites_of(unit.id)
        rows.append({
            "id": unit.id, "code": unit.code, "name": unit.name,
            "merged_from": list(unit.merged_from),
            "sites": [s.id for s in sites],
            "confirmed_sites": [s.id for s in sites if s.confirmed],
            "portal_confirmed": any(s.confirmed for s in sites),
        })
    return rows


@sites_app.callback()
def sites(
    ctx: typer.Context,
    registry: RegistryOpt = None,
    as_json: JsonOpt = False,
    by_unit: Annotated[bool, typer.Option(
        "--by-unit", help="One row per provincial-level unit: its portals, and whether one "
        "is confirmed.")] = False,
) -> None:
    """List the portals in the registry (or, with --by-unit, the 34 units).

    Only enabled sites (on a CMS congdoan has a spider for, confirmed by
    `congdoan sites detect`) are crawled by `congdoan crawl --all` and the scheduler.
    """
    if ctx.invoked_subcommand is not None:
        return
    reg = _load(registry)
    if by_unit:
        _print_units(reg, as_json)
        return
    if as_json:
        print(json.dumps([_site_row(s) for s in reg.sites], ensure_ascii=False, indent=2))
        return
    # The detail columns need a wide terminal; on a narrow one they give way, so
    # that ids and URLs (typed and copied) are never broken across lines (dien/bien).
    detailed = console.width >= WIDE
    columns = ("id", "base URL", "CMS") + (
        ("unit", "province", "URLs", "sections", "laws") if detailed else ())
    table = Table(title=f"Sites in {reg.source}")
    for column in columns:
        table.add_column(column, overflow="fold",
                         no_wrap=column in ("id", "base URL", "CMS"))
    for s in reg.sites:
        cms = s.cms + ("" if s.cms_confirmed else "?") + ("" if s.enabled else " (off)")
        style = s.url_style + (" /vi/" if s.lang_prefix else "")
        details = ((s.unit or "-", escape(s.province), style, str(len(s.news_sections)),
                    s.laws_module or "-") if detailed else ())
        table.add_row(s.id, escape(s.base_url), cms, *details)
    console.print(table)
    console.print("[dim]? = CMS unconfirmed; (off) = listed, not crawled (no spider for its CMS "
                  "yet, or a candidate `congdoan sites detect` has not confirmed)[/]")
    if not detailed:
        console.print(f"[dim]unit, province, URL style, sections, laws module: --json, "
                      f"--by-unit, or a terminal of {WIDE}+ columns[/]")


def _print_units(reg: Registry, as_json: bool) -> None:
    rows = _unit_rows(reg)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Units in {reg.source}")
    for column in ("code", "unit", "name", "merged from", "portals", "confirmed"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["code"], row["id"], escape(row["name"]),
                      escape(", ".join(row["merged_from"]) or "-"),
                      ", ".join(row["sites"]) or "-",
                      "[green]yes[/]" if row["portal_confirmed"] else "no")
    console.print(table)
    confirmed = sum(1 for row in rows if row["portal_confirmed"])
    console.print(f"{confirmed} of {len(rows)} units have a confirmed portal; "
                  "`congdoan sites discover UNIT` looks for the others.")


# -- detect -------------------------------------------------------------------------------

def _existing(reg: Registry | None, site_id: str | None, base_url: str) -> Site | None:
    if reg is None:
        return None
    from urllib.parse import urlsplit

    if site_id:
        return next((s for s in reg.sites if s.id == site_id), None)
    host = urlsplit(base_url).netloc
    return next((s for s in reg.sites if urlsplit(s.base_url).netloc == host), None)


def _registry_for_write(write: Path | None, registry: Path | None) -> Registry | None:
    """The registry whose entries a detection updates: the --write file when it exists."""
    if write is not None and write.exists():
        return _load(write)
    try:
        return load_registry(registry)
    except RegistryError:
        return None if write is not None else _load(registry)


@sites_app.command("detect")
def detect(
    url: Annotated[str | None, typer.Argument(help="The portal's address (https://… or a "
                                              "bare host name).")] = None,
    site_id: Annotated[str | None, typer.Option("--id", help="Registry id of the entry "
                                                "(default: from the host name).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The unit (id or code) the "
                                             "portal belongs to.")] = None,
    write: WriteOpt = None,
    all_sites: Annotated[bool, typer.Option("--all", help="Detect every portal of the "
                                            "registry and print a table.")] = False,
    registry: RegistryOpt = None,
) -> None:
    """Say what a portal runs (NukeViet, WordPress or unknown) and print its registry entry.

    Polite: robots.txt obeyed, the project's User-Agent, a handful of requests
    (home page, robots.txt, sitemap, feeds page). A portal that does not answer,
    answers 403 or is parked gets one line and exit 1.
    """
    from congdoan.detect.entry import build_entry, entry_changes, entry_toml, suggest_id

    if all_sites:
        if url:
            die("give a URL or --all, not both")
        _detect_all(registry, write)
        return
    if not url:
        die("give the portal's URL (or --all for every registry portal)")
    reg = _registry_for_write(write, registry)
    if unit and reg is not None:
        unit = _unit(reg, unit).id
    detection = _detect(url)
    existing = _existing(reg, site_id, detection.base_url)
    chosen_id = site_id or (existing.id if existing else suggest_id(detection.base_url))
    entry = build_entry(detection, chosen_id, existing, reg, unit or "")
    _print_detection(detection)
    print(entry_toml(entry), end="")
    if write is not None:
        outcome = _write_entry(write, entry)
        changes = entry_changes(entry, existing)
        err_console.print(f"{outcome} entry {chosen_id!r} in {escape(str(write))}"
                          + (f" (changed: {', '.join(changes)})" if outcome == "updated" else ""),
                          highlight=False)


def _unit(reg: Registry, key: str) -> Unit:
    """The unit with id or code ``key``; dies naming the known ones."""
    try:
        return reg.unit(key)
    except KeyError as exc:
        die(str(exc.args[0]))


def _detect(url: str) -> Detection:
    """Detect the portal at ``url``; one line and exit 1 when it cannot be."""
    from congdoan.detect.portal import PortalUnavailable, detect_portal

    try:
        return detect_portal(url)
    except PortalUnavailable as exc:
        die(str(exc), EXIT_FAILED)


def _print_detection(detection: Detection) -> None:
    """What the portal is and what told so, on stderr (stdout keeps the entry alone)."""
    err_console.print(f"[bold]{escape(detection.base_url)}[/]: {escape(detection.summary)} "
                      f"({len(detection.requests)} requests)", highlight=False)
    for fact in detection.facts:
        err_console.print(f"  - {escape(fact)}", highlight=False)


def _write_entry(write: Path, entry: dict[str, Any]) -> str:
    """Add or update ``entry`` in the registry file ``write``: ``added`` or ``updated``."""
    from congdoan.detect.entry import write_entry

    try:
        return write_entry(write, entry)
    except RegistryError as exc:
        die(f"not written: {exc}")


def _detect_all(registry: Path | None, write: Path | None) -> None:
    from congdoan.detect.entry import build_entry, entry_changes
    from congdoan.detect.portal import PortalUnavailable, detect_portal

    reg = _load(registry)
    table = Table(title=f"Detection of the portals in {reg.source}")
    for column in ("id", "unit", "base URL", "result", "CMS", "entry changed"):
        table.add_column(column, overflow="fold")
    found = 0
    for site in reg.sites:
        try:
            detection = detect_portal(site.base_url)
        except PortalUnavailable as exc:
            reason = str(exc).removeprefix(site.base_url + ": ")
            table.add_row(site.id, site.unit or "-", escape(site.base_url),
                          f"[red]not found[/]: {escape(reason)}", "-", "-")
            continue
        found += 1
        entry = build_entry(detection, site.id, site, reg)
        changes = entry_changes(entry, site)
        if write is not None:
            _write_entry(write, entry)
        table.add_row(site.id, site.unit or "-", escape(site.base_url), "[green]found[/]",
                      escape(detection.summary), ", ".join(changes) or "no")
    console.print(table)
    console.print(f"{found} of {len(reg.sites)} portals answered"
                  + (f"; entries written to {escape(str(write))}" if write else ""))
    raise typer.Exit(EXIT_OK if found else EXIT_FAILED)


# -- discover -----------------------------------------------------------------------------

@sites_app.command("discover")
def discover_cmd(
    unit: Annotated[str, typer.Argument(help="The unit: id (quangtri) or code (44).")],
    pattern: Annotated[list[str] | None, typer.Option(
        "--pattern", help="Host pattern with {name} (repeatable; replaces the built-in list, "
        "e.g. 'congdoan{name}.org.vn').")] = None,
    resolve: Annotated[list[str] | None, typer.Option(
        "--resolve", help="HOST=URL: ask URL for HOST and look no other host up "
        "(repeatable; for tests and mirrors).")] = None,
    write: WriteOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Try the host names union portals use for a unit, and detect those that answer."""
    from congdoan.detect.discover import discover

    reg = _load(registry)
    the_unit = _unit(reg, unit)
    patterns = _patterns(pattern)
    candidates = discover(the_unit, patterns=patterns, resolver=_resolver(resolve))
    err_console.print(_candidates_table(the_unit, candidates))
    found = [c for c in candidates if c.found]
    for c in found:
        _print_found(c, reg, the_unit, write)
    err_console.print(f"{len(found)} of {len(candidates)} candidate hosts answered")
    raise typer.Exit(EXIT_OK if found else EXIT_FAILED)


def _patterns(pattern: list[str] | None) -> tuple[str, ...]:
    """``--pattern`` host patterns, else the built-in ones; each needs ``{name}``."""
    from congdoan.detect.discover import DEFAULT_PATTERNS

    patterns = tuple(pattern) if pattern else DEFAULT_PATTERNS
    bad = [p for p in patterns if "{name}" not in p]
    if bad:
        die(f"--pattern needs a {{name}} placeholder: {bad[0]!r}")
    return patterns


def _resolver(resolve: list[str] | None) -> Resolver:
    """DNS, or with ``--resolve HOST=URL`` pairs only the addresses given."""
    from congdoan.detect.discover import dns_resolver, mapping_resolver

    if not resolve:
        return dns_resolver
    addresses = {}
    for pair in resolve:
        host, sep, address = pair.partition("=")
        if not sep or not host or not address.startswith(("http://", "https://")):
            die(f"--resolve expects HOST=http(s)://ADDRESS, got {pair!r}")
        addresses[host.strip().lower()] = address.strip()
    return mapping_resolver(addresses)


def _candidates_table(the_unit: Unit, candidates: list[Candidate]) -> Table:
    table = Table(title=f"Portal candidates for {the_unit.name} ({the_unit.id})")
    for column in ("host", "resolves", "result", "CMS"):
        table.add_column(column, overflow="fold")
    for c in candidates:
        result = "[green]answers[/]" if c.found else (escape(c.problem) or "-")
        table.add_row(c.host, "yes" if c.address else "no", result,
                      escape(c.detection.summary) if c.detection else "-")
    return table


def _print_found(candidate: Candidate, reg: Registry, the_unit: Unit, write: Path | None) -> None:
    """A host that answered: its registry entry on stdout (and in ``write``)."""
    from congdoan.detect.entry import build_entry, entry_toml, suggest_id

    detection = candidate.detection
    assert detection is not None
    existing = _existing(reg, None, detection.base_url)
    site_id = existing.id if existing else suggest_id(f"https://{candidate.host}")
    entry = build_entry(detection, site_id, existing, reg, the_unit.id,
                        evidence=f"answered `congdoan sites discover` as {candidate.host}")
    print(entry_toml(entry))
    if write is not None:
        outcome = _write_entry(write, entry)
        err_console.print(f"{outcome} entry {site_id!r} in {escape(str(write))}")
