"""The 34 provincial-level units after the 2025 merger, read from the registry's ``[[unit]]``.

A unit is where a union portal belongs: 28 provinces and 6 centrally-run
cities, each with the provinces merged into it. Sites name their unit
(``unit = "quangtri"``); a unit with no confirmed portal is what ``congdoan
sites discover UNIT`` is for, and the names here feed its naming patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from congdoan.normalize.text import fold

_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_CODE = re.compile(r"^\d{2}$")
_UNIT_KEYS = {"id", "code", "name", "merged_from", "aliases", "notes"}
_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp.", "tp ")


class UnitError(ValueError):
    """A ``[[unit]]`` table that cannot be used; the message names the unit and the field."""


@dataclass(frozen=True)
class Unit:
    """One provincial-level unit."""

    id: str
    code: str
    name: str
    merged_from: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    notes: str = ""

    @property
    def slugs(self) -> tuple[str, ...]:
        """Names as they appear in host names: ``quangtri``, ``quangbinh``, … (no duplicates)."""
        seen: list[str] = []
        for name in (self.name, *self.merged_from, *self.aliases):
            slug = name_slug(name)
            if slug and slug not in seen:
                seen.append(slug)
        return tuple(seen)

    def matches(self, text: str) -> bool:
        """Whether ``text`` (a site name, a province) names this unit or a predecessor."""
        folded = f" {fold(text)} "
        return any(
            f" {fold(_strip_prefix(n))} " in folded
            for n in (self.name, *self.merged_from) if _strip_prefix(n)
        )


def _strip_prefix(name: str) -> str:
    folded = fold(name)
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return name[len(prefix):].strip()
    return name.strip()


def name_slug(name: str) -> str:
    """``Thành phố Hồ Chí Minh`` -> ``hochiminh``; ``Bà Rịa - Vũng Tàu`` -> ``bariavungtau``."""
    return re.sub(r"[^a-z0-9]", "", fold(_strip_prefix(name)))


def _fail(source: str, entry: str, fieldname: str, problem: str) -> UnitError:
    return UnitError(f"{source}: unit {entry}: field '{fieldname}' {problem}")


def parse_units(raw_units: Any, source: str) -> tuple[Unit, ...]:
    """Validate the ``[[unit]]`` tables of a registry (none is fine)."""
    if raw_units is None:
        return ()
    if not isinstance(raw_units, list):
        raise UnitError(f"{source}: 'unit' must be an array of tables ([[unit]])")
    units: list[Unit] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_units):
        entry = str(raw.get("id") or f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        if not isinstance(raw, dict):
            raise UnitError(f"{source}: unit {entry}: must be a table")
        unknown = set(raw) - _UNIT_KEYS
        if unknown:
            raise _fail(source, entry, sorted(unknown)[0], "is not a known unit field")
        for key in ("id", "code", "name"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise _fail(source, entry, key, "is missing or not a string")
        if not _ID.match(raw["id"]):
            raise _fail(source, entry, "id", "must be lower-case letters, digits, '-' or '_'")
        if not _CODE.match(raw["code"]):
            raise _fail(source, entry, "code", "must be the two-digit province code")
        lists = {}
        for key in ("merged_from", "aliases"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _fail(source, entry, key, "must be a list of strings")
            lists[key] = tuple(v.strip() for v in value if v.strip())
        if raw["id"] in seen:
            raise _fail(source, entry, "id", "is a duplicate: each unit id must be unique")
        seen.add(raw["id"])
        notes = raw.get("notes", "")
        if not isinstance(notes, str):
            raise _fail(source, entry, "notes", "must be a string")
        units.append(Unit(id=raw["id"], code=raw["code"], name=raw["name"].strip(),
                          merged_from=lists["merged_from"], aliases=lists["aliases"],
                          notes=notes.strip()))
    return tuple(units)
