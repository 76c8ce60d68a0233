"""The site registry: one entry per portal, loaded from TOML and validated.

A new portal on a known CMS is an entry here, not code. The packaged
``sites.toml`` is the default; ``--registry FILE`` or ``CONGDOAN_REGISTRY``
loads another file so users can add or re-point portals without editing the
package.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from congdoan.registry.generic import GenericNav, generic_nav_problem, parse_generic_nav
from congdoan.registry.units import Unit, UnitError, parse_units

CRAWLABLE_CMS = ("nukeviet", "wordpress", "generic")
# Portals we know of but have no spider for yet: listed, never crawled.
LISTED_ONLY_CMS = ("custom", "unknown")
CONFIDENCE = ("high", "medium", "low", "none")
KNOWN_CMS = CRAWLABLE_CMS + LISTED_ONLY_CMS
URL_STYLES = ("rewrite", "query")
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_MODULE = re.compile(r"^[A-Za-z0-9_-]*$")
_ALIAS = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
ENV_REGISTRY = "CONGDOAN_REGISTRY"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the entry and the field."""


@dataclass(frozen=True)
class Politeness:
    """Per-site crawl manners; ``None`` means "use the project default"."""

    download_delay: float | None = None
    concurrency: int | None = None
    autothrottle_target: float | None = None


@dataclass(frozen=True)
class Site:
    """One portal of the registry."""

    id: str
    province: str
    name: str
    base_url: str
    cms: str = "nukeviet"
    cms_confirmed: bool = False
    enabled: bool = True
    url_style: str = "rewrite"
    lang_prefix: bool = False
    language: str = "vi"
    news_module: str = ""
    news_sections: tuple[str, ...] = ()
    laws_module: str = ""
    sitemaps: bool = True
    rss: bool = True
    allowed_domains: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    politeness: Politeness = Politeness()
    notes: str = ""
    unit: str = ""  # the [[unit]] id this portal belongs to
    evidence: str = ""  # where the address was seen (candidates from shared/portals.csv)
    confidence: str = ""  # how sure that evidence is: high, medium, low, none
    generic: GenericNav = field(default_factory=GenericNav)  # [site.generic] (cms = "generic")

    @property
    def confirmed(self) -> bool:
        """A portal whose CMS was seen on its real pages and that congdoan crawls."""
        return self.cms_confirmed and self.enabled

    @property
    def host(self) -> str:
        """Host name of ``base_url`` (no port)."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def domains(self) -> tuple[str, ...]:
        """Hosts this site's crawl may request: its own plus the allow-list (file hosts)."""
        return (self.host, *self.allowed_domains)


@dataclass(frozen=True)
class Registry:
    """All sites of a registry file, by id, in file order."""

    sites: tuple[Site, ...]
    source: str
    units: tuple[Unit, ...] = ()

    def unit(self, key: str) -> Unit:
        """The unit with id or two-digit code ``key``; ``KeyError`` names the known ids."""
        for unit in self.units:
            if key in (unit.id, unit.code):
                return unit
        known = ", ".join(u.id for u in self.units) or "none"
        raise KeyError(f"unknown unit {key!r} in {self.source} (known: {known})")

    def sites_of(self, unit_id: str) -> list[Site]:
        """The registry's sites that belong to ``unit_id``, in file order."""
        return [s for s in self.sites if s.unit == unit_id]

    def get(self, site_id: str) -> Site:
        """Return the site ``site_id`` or raise ``KeyError`` with the known ids."""
        for site in self.sites:
            if site.id == site_id:
                return site
        known = ", ".join(s.id for s in self.sites) or "none"
        raise KeyError(f"unknown site {site_id!r} in {self.source} (known: {known})")

    def ids(self) -> list[str]:
        """Site ids in file order."""
        return [s.id for s in self.sites]


def _fail(source: str, entry: str, fieldname: str, problem: str) -> RegistryError:
    return RegistryError(f"{source}: site {entry}: field '{fieldname}' {problem}")


def _str(raw: dict[str, Any], key: str, ctx: tuple[str, str], *, required: bool = False,
         default: str = "") -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise _fail(*ctx, key, "is missing")
        return default
    if not isinstance(value, str):
        raise _fail(*ctx, key, f"must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise _fail(*ctx, key, "is empty")
    return value.strip()


def _bool(raw: dict[str, Any], key: str, ctx: tuple[str, str], default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise _fail(*ctx, key, f"must be true or false, got {value!r}")
    return value


def _str_list(raw: dict[str, Any], key: str, ctx: tuple[str, str]) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(*ctx, key, "must be a list of strings")
    return tuple(v.strip() for v in value)


def _politeness(raw: Any, ctx: tuple[str, str]) -> Politeness:
    if raw is None:
        return Politeness()
    if not isinstance(raw, dict):
        raise _fail(*ctx, "politeness", "must be a table")
    unknown = set(raw) - {"download_delay", "concurrency", "autothrottle_target"}
    if unknown:
        raise _fail(*ctx, "politeness", f"has unknown keys {sorted(unknown)}")
    delay = raw.get("download_delay")
    conc = raw.get("concurrency")
    target = raw.get("autothrottle_target")
    if delay is not None and (not isinstance(delay, int | float) or delay < 0):
        raise _fail(*ctx, "politeness.download_delay", "must be a number >= 0")
    if conc is not None and (not isinstance(conc, int) or not 1 <= conc <= 8):
        raise _fail(*ctx, "politeness.concurrency", "must be an integer from 1 to 8")
    if target is not None and (not isinstance(target, int | float) or target <= 0):
        raise _fail(*ctx, "politeness.autothrottle_target", "must be a number > 0")
    return Politeness(
        download_delay=float(delay) if delay is not None else None,
        concurrency=conc,
        autothrottle_target=float(target) if target is not None else None,
    )


_SITE_KEYS = {
    "id", "province", "name", "base_url", "cms", "cms_confirmed", "enabled", "url_style",
    "lang_prefix", "language", "news_module", "news_sections", "laws_module", "sitemaps", "rss",
    "allowed_domains", "selectors", "politeness", "notes", "unit", "evidence", "confidence",
    "generic",
}


def parse_site(raw: dict[str, Any], source: str, index: int) -> Site:
    """Validate one ``[[site]]`` table; raise ``RegistryError`` naming entry and field."""
    entry = str(raw.get("id") or f"#{index + 1}")
    ctx = (source, entry)
    unknown = set(raw) - _SITE_KEYS
    if unknown:
        raise _fail(*ctx, sorted(unknown)[0], "is not a known registry field")
    site_id = _str(raw, "id", ctx, required=True)
    if not _ID.match(site_id):
        raise _fail(*ctx, "id", "must be lower-case letters, digits, '-' or '_' (max 40)")
    base_url = _base_url(raw, ctx)
    cms = _str(raw, "cms", ctx, default="nukeviet")
    if cms not in KNOWN_CMS:
        raise _fail(*ctx, "cms", f"{cms!r} is not supported (known: {', '.join(KNOWN_CMS)})")
    enabled = _bool(raw, "enabled", ctx, True)
    if enabled and cms not in CRAWLABLE_CMS:
        raise _fail(*ctx, "enabled", f"must be false: no spider crawls cms {cms!r} yet")
    navigation = _navigation(raw, ctx, cms, enabled)
    selectors = _selectors(raw, ctx)
    generic = _generic(raw, ctx, base_url, cms, enabled and cms == "generic",
                       navigation["rss"])
    allowed = _str_list(raw, "allowed_domains", ctx)
    confidence = _str(raw, "confidence", ctx)
    if confidence and confidence not in CONFIDENCE:
        raise _fail(*ctx, "confidence", f"must be one of {', '.join(CONFIDENCE)}")
    return Site(
        id=site_id,
        province=_str(raw, "province", ctx, required=True),
        name=_str(raw, "name", ctx, required=True),
        base_url=base_url,
        cms=cms,
        cms_confirmed=_bool(raw, "cms_confirmed", ctx, False),
        enabled=enabled,
        lang_prefix=_bool(raw, "lang_prefix", ctx, False),
        language=_str(raw, "language", ctx, default="vi"),
        allowed_domains=allowed,
        selectors=selectors,
        politeness=_politeness(raw.get("politeness"), ctx),
        notes=_str(raw, "notes", ctx),
        unit=_str(raw, "unit", ctx),
        evidence=_str(raw, "evidence", ctx),
        confidence=confidence,
        generic=generic,
        **navigation,
    )


def _base_url(raw: dict[str, Any], ctx: tuple[str, str]) -> str:
    """``base_url`` without its trailing slash: an http(s) site address, no query."""
    base_url = _str(raw, "base_url", ctx, required=True).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise _fail(*ctx, "base_url", f"is not an http(s) site URL: {base_url!r}")
    return base_url


def _navigation(raw: dict[str, Any], ctx: tuple[str, str], cms: str,
                enabled: bool) -> dict[str, Any]:
    """The fields that say where a crawl starts (URL style, NukeViet modules and
    sections, sitemaps, RSS), checked together: an enabled site needs an entry point."""
    url_style = _str(raw, "url_style", ctx, default="rewrite")
    if url_style not in URL_STYLES:
        raise _fail(*ctx, "url_style", f"must be one of {', '.join(URL_STYLES)}")
    news_module = _str(raw, "news_module", ctx)
    laws_module = _str(raw, "laws_module", ctx)
    for key, value in (("news_module", news_module), ("laws_module", laws_module)):
        if not _MODULE.match(value):
            raise _fail(*ctx, key, f"must be a bare module path like 'news', got {value!r}")
    sections = _str_list(raw, "news_sections", ctx)
    for alias in sections:
        if not _ALIAS.match(alias):
            raise _fail(*ctx, "news_sections", f"has an invalid category alias {alias!r}")
    sitemaps = _bool(raw, "sitemaps", ctx, True)
    rss = _bool(raw, "rss", ctx, True)
    if cms == "wordpress" and (laws_module or news_module):
        key = "laws_module" if laws_module else "news_module"
        raise _fail(*ctx, key, "is a NukeViet module: a wordpress site has none")
    # A WordPress site always has an entry point: its REST API (or, closed, its feed).
    nothing = not sections and not laws_module and not sitemaps and not rss
    if enabled and cms != "wordpress" and nothing:
        raise _fail(*ctx, "news_sections", "is empty and the site has no laws_module, "
                    "sitemaps or rss: nothing to crawl")
    return {"url_style": url_style, "news_module": news_module, "news_sections": sections,
            "laws_module": laws_module, "sitemaps": sitemaps, "rss": rss}


def _selectors(raw: dict[str, Any], ctx: tuple[str, str]) -> dict[str, str]:
    """``selectors``: name = "css selector" pairs, each one compiling."""
    selectors = raw.get("selectors", {})
    if not isinstance(selectors, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in selectors.items()
    ):
        raise _fail(*ctx, "selectors", "must be a table of name = \"css selector\"")
    from congdoan.parsers.generic import compile_selectors  # the reader that uses them

    try:
        compile_selectors(selectors)
    except ValueError as exc:
        raise _fail(*ctx, "selectors", f"is wrong: {exc}") from None
    return dict(selectors)


def _generic(raw: dict[str, Any], ctx: tuple[str, str], base_url: str, cms: str,
             crawled_generic: bool, rss: bool) -> GenericNav:
    """``[site.generic]``: read only for cms = "generic"; enough to navigate when crawled."""
    try:
        generic = parse_generic_nav(raw.get("generic"), base_url)
    except ValueError as exc:
        raise _fail(*ctx, "generic", str(exc)) from None
    if "generic" in raw and cms != "generic":
        raise _fail(*ctx, "generic", f"is only read for cms = \"generic\", not {cms!r}")
    problem = generic_nav_problem(generic, rss) if crawled_generic else None
    if problem:
        raise _fail(*ctx, "generic", problem)
    return generic


def parse_registry(text: str, source: str = "<registry>") -> Registry:
    """Parse and validate registry TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: not valid TOML: {exc}") from None
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list) or not raw_sites:
        raise RegistryError(f"{source}: no [[site]] entries")
    try:
        units = parse_units(data.get("unit"), source)
    except UnitError as exc:
        raise RegistryError(str(exc)) from None
    unit_ids = {u.id for u in units}
    sites: list[Site] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sites):
        site = parse_site(raw, source, index)
        if site.id in seen:
            raise _fail(source, site.id, "id", "is a duplicate: each site id must be unique")
        # a file without [[unit]] tables (local additions) may name the packaged units
        if site.unit and units and site.unit not in unit_ids:
            raise _fail(source, site.id, "unit", f"names no [[unit]]: {site.unit!r}")
        seen.add(site.id)
        sites.append(site)
    return Registry(sites=tuple(sites), source=source, units=units)


def load_registry(path: str | Path | None = None) -> Registry:
    """Load the registry: ``path`` > ``$CONGDOAN_REGISTRY`` > the packaged ``sites.toml``."""
    chosen = path or os.environ.get(ENV_REGISTRY)
    if chosen:
        file = Path(chosen)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise RegistryError(f"{file}: cannot read registry: {exc.strerror}") from None
        return parse_registry(text, str(file))
    text = resources.files("congdoan").joinpath("sites.toml").read_text(encoding="utf-8")
    return parse_registry(text, "congdoan/sites.toml")
