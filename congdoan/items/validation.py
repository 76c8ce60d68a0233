"""Is this record acceptable? The one rule the crawl and ``reparse`` both apply.

A record is stored only with every field the contract marks required
(``congdoan.items.contract``) and a title that is a title: a page that lost its real
title (a broken template, a half-saved record) makes a parser's fallback pick
one of the page's own section headings, and such a title counts as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from congdoan.items.contract import required_fields
from congdoan.items.kinds import KINDS
from congdoan.normalize.text import fold

# Headings of the page's own sections (folded), never a title.
SECTION_HEADINGS = frozenset({"noi dung", "noi dung van ban", "toan van", "file dinh kem",
                              "tai tap tin", "van ban", "tin tuc", "thong bao"})


def is_section_heading(text: str | None) -> bool:
    """True when ``text`` is only a section heading ("Nội dung", "File đính kèm:")."""
    return bool(text) and fold(text).strip(" :.") in SECTION_HEADINGS


def missing_fields(record: Mapping[str, Any]) -> list[str]:
    """Names of required fields that are absent or blank for the record's ``kind``.

    A record without a known kind misses ``kind``; a title that is only a
    section heading counts as absent.
    """
    kind = record.get("kind")
    if kind not in KINDS:
        return ["kind"]
    missing = [name for name in required_fields(kind) if not record.get(name)]
    if "title" not in missing and is_section_heading(record.get("title")):
        missing.append("title")
    return missing
