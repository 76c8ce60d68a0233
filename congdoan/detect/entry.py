"""A detection as a registry entry: build it, print it, add or update it in a registry file.

The file is edited with tomlkit, which keeps comments, blank lines and the
order of everything it does not touch; the result is validated with the
registry's own parser before it replaces the file.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import tomlkit
from tomlkit.items import AoT, Table

from congdoan.detect.portal import Detection
from congdoan.registry import CRAWLABLE_CMS, Registry, Site, parse_registry

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The fields detection decides; every other field of an existing entry is kept.
DETECTED = ("base_url", "cms", "cms_confirmed", "enabled", "url_style", "lang_prefix",
            "language", "news_module", "news_sections", "laws_module", "sitemaps", "rss",
            "generic")
_ORDER = ("id", "unit", "province", "name", "base_url", "cms", "cms_confirmed", "enabled",
          "url_style", "lang_prefix", "language", "news_module", "news_sections", "laws_module",
          "sitemaps", "rss", "evidence", "confidence", "notes", "generic")
_HOST_PREFIXES = ("www.", "congdoan.", "ldld.")
_NAME_PREFIXES = ("congdoan", "ldld", "liendoanlaodong")
NEW_FILE_HEADER = ("congdoan registry: one [[site]] per portal (docs/registry.md).\n"
                   "Entries written by `congdoan sites detect --write`.")


def suggest_id(base_url: str) -> str:
    """A registry id from a host: ``congdoandienbien.org.vn`` -> ``dienbien``."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "site").lower()
    if re.fullmatch(r"[\d.]+|localhost", host):
        return f"site-{parts.port or 80}"
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    label = host.split(".")[0]
    for prefix in _NAME_PREFIXES:
        if label.startswith(prefix) and len(label) > len(prefix):
            label = label[len(prefix):]
            break
    label = re.sub(r"[^a-z0-9_-]", "-", label).strip("-") or "site"
    return label if label[0].isalpha() else f"site-{label}"[:40]


def build_entry(detection: Detection, site_id: str, existing: Site | None = None,
                registry: Registry | None = None, unit: str = "",
                evidence: str = "") -> dict[str, Any]:
    """The registry entry for ``detection``; fields detection does not decide come from
    ``existing`` (province, name, unit, evidence …) or from the site's own name."""
    entry: dict[str, Any] = {"id": site_id}
    unit_id = unit or (existing.unit if existing else "") or _guess_unit(detection, registry)
    if unit_id:
        entry["unit"] = unit_id
    province = existing.province if existing else ""
    if not province and unit_id and registry is not None:
        province = registry.unit(unit_id).name
    entry["province"] = province or "Chưa rõ"
    entry["name"] = (existing.name if existing else "") or detection.site_name or site_id
    entry["base_url"] = detection.base_url
    fields = dict(detection.fields)
    cms = detection.cms
    if cms == "unknown" and _generic_usable(fields):
        cms = "generic"  # the generic spider crawls it by its feeds, sitemaps, article links
    crawlable = cms in CRAWLABLE_CMS
    entry["cms"] = cms
    entry["cms_confirmed"] = cms != "unknown"
    entry["enabled"] = crawlable
    if detection.cms == "nukeviet":
        if fields.get("language") == "vi":
            fields.pop("language")
        entry.update(fields)
    else:
        # WordPress: url_style is its permalink style (the spider's URLs depend on it).
        entry.update({k: fields[k] for k in ("url_style", "sitemaps", "rss") if k in fields})
    if cms == "generic":
        entry["generic"] = fields["generic"]
    if evidence:
        entry["evidence"] = evidence
    if existing is not None:
        if existing.evidence:
            entry["evidence"] = existing.evidence
        if existing.confidence:
            entry["confidence"] = existing.confidence
    when = datetime.now(VN).strftime("%Y-%m-%d %H:%M %Z")
    entry["notes"] = f"detected {when} (Asia/Ho_Chi_Minh): {detection.summary}. " + "; ".join(
        detection.facts)
    if not crawlable:
        entry["notes"] += f". Not crawled: no spider for cms {cms!r} yet."
        if cms == "unknown":
            entry["notes"] += (" For the generic spider: set cms = \"generic\" and a "
                               "[site.generic] article_pattern or feed_urls (docs/registry.md)")
    return {key: entry[key] for key in _ORDER if key in entry}


def _generic_usable(fields: dict[str, Any]) -> bool:
    """Whether detection found enough for the generic spider: article links or feeds."""
    nav = fields.get("generic") or {}
    return bool(nav.get("article_pattern") or (nav.get("feed_urls") and fields.get("rss")))


def _guess_unit(detection: Detection, registry: Registry | None) -> str:
    if registry is None or not detection.site_name:
        return ""
    matches = [u.id for u in registry.units if u.matches(detection.site_name)]
    return matches[0] if len(matches) == 1 else ""


def entry_changes(entry: dict[str, Any], existing: Site | None) -> list[str]:
    """The detected fields whose value differs from ``existing`` (all of them when new)."""
    if existing is None:
        return ["new"]
    changed = []
    for key in DETECTED:
        if key not in entry and key not in ("language",):
            continue
        value = entry.get(key, "vi" if key == "language" else None)
        old = getattr(existing, key)
        if key == "generic":
            old = {k: list(v) if isinstance(v, tuple) else v
                   for k, v in vars(old).items() if v} or None
        if isinstance(old, tuple):
            old = list(old)
        if value != old:
            changed.append(key)
    return changed


def _table(entry: dict[str, Any]) -> Table:
    table = tomlkit.table()
    for key, value in entry.items():
        table.add(key, value)
    return table


def entry_toml(entry: dict[str, Any]) -> str:
    """The entry as a ``[[site]]`` table, ready to paste into a registry."""
    doc = tomlkit.document()
    aot = tomlkit.aot()
    aot.append(_table(entry))
    doc.append("site", aot)
    return tomlkit.dumps(doc)


def write_entry(path: Path, entry: dict[str, Any]) -> str:
    """Add ``entry`` to the registry file, or update the entry with its id.

    Returns ``"added"``, ``"updated"`` or ``"unchanged"``. Other entries, comments
    and formatting stay as they are; the file is created when missing. Raises
    ``RegistryError`` (nothing written) when the result would not validate.
    """
    if path.exists():
        text = path.read_text(encoding="utf-8")
        doc = tomlkit.parse(text)
    else:
        text = ""
        doc = tomlkit.document()
        for line in NEW_FILE_HEADER.splitlines():
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.nl())
    sites = doc.get("site")
    if sites is None:
        sites = tomlkit.aot()
        doc.append("site", sites)
    if not isinstance(sites, AoT):
        from congdoan.registry import RegistryError

        raise RegistryError(f"{path}: 'site' is not an array of [[site]] tables")
    current = next((t for t in sites if t.get("id") == entry["id"]), None)
    if current is None:
        sites.append(_table(entry))
        outcome = "added"
    else:
        differs = [k for k, v in entry.items() if k != "notes" and current.get(k) != v]
        stale = [k for k in DETECTED if k in current and k not in entry]
        if not differs and not stale:
            return "unchanged"  # a fresh "detected …" note alone is no change
        for key in stale:
            del current[key]
        for key, value in entry.items():
            if current.get(key) != value:
                current[key] = value
        outcome = "updated"
    new_text = tomlkit.dumps(doc)
    if new_text == text:
        return "unchanged"
    parse_registry(new_text, str(path))  # raises RegistryError: the file stays as it was
    _replace(path, new_text)
    return outcome


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a crash never leaves half a registry)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
