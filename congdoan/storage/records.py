"""From a pipeline record (a plain dict) to column values: coercion, content hash, search text.

Pure functions, no session: what the repository stores is decided here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from congdoan.items.contract import content_field_names
from congdoan.normalize.text import fold
from congdoan.vntime import day_start

# The fields whose change makes a new version (declared in the contract).
# Provenance (fetch time, status, raw body hash) and per-visit counters are
# left out: re-fetching an unchanged page must not look like a change.
ARTICLE_CONTENT_FIELDS = content_field_names("article")
DOCUMENT_CONTENT_FIELDS = content_field_names("document")
# Search tokens: letters and digits only, so codes like "17-CT/TW" index as
# "17 ct tw" on both backends (PostgreSQL's parser would otherwise see a file path).
_TOKEN = re.compile(r"[^\W_]+")


def as_datetime(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a datetime or ISO 8601 string; naive values are UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_date(value: date | str | None) -> date | None:
    """A date from a date, datetime or ISO string (``2023-03-29`` or a full timestamp)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def as_moment(since: datetime | date) -> datetime:
    """A UTC datetime for a ``since`` bound; a bare date means the start of that Vietnam day."""
    if not isinstance(since, datetime):
        since = day_start(since)
    moment = as_datetime(since)
    assert moment is not None
    return moment


def as_int(value: Any) -> int | None:
    """An int from an int or digit string; anything else is ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def jsonable(value: Any) -> Any:
    """Make ``value`` JSON-serialisable (dates as ISO strings, tuples as lists, bytes dropped)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if not isinstance(v, bytes)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return as_datetime(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value.isoformat()
    return value


def content_fields(record: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The meaningful part of a record, JSON-ready, with attachments reduced to url + name.

    Attachment download results (stored path, size, text) are filled in later and
    are facts about the file, not about the page, so they do not count as content.
    """
    out: dict[str, Any] = {}
    for name in fields:
        value = record.get(name)
        if name == "attachments":
            value = [{"url": a.get("url"), "name": a.get("name")} for a in value or []]
        elif name == "published_at":
            value = as_datetime(value)
        elif name in ("issued_on", "effective_on", "expires_on"):
            value = as_date(value)
        elif name == "code_parsed" and value:
            value = {k: value.get(k) for k in sorted(value)}
        out[name] = jsonable(value)
    return out


def content_hash(content: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON of ``content`` (sorted keys, no whitespace)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def search_fold(*parts: str | None) -> str:
    """Folded search text: case, diacritics and đ folded, punctuation turned to spaces."""
    text = " ".join(p for p in parts if p)
    return " ".join(_TOKEN.findall(fold(text)))


def code_parts(record: Mapping[str, Any]) -> dict[str, Any]:
    """The parsed code as column values; accepts ``normalized`` or ``normalised``."""
    parsed = record.get("code_parsed") or {}
    normalized = parsed.get("normalized") or parsed.get("normalised")
    return {
        "code_normalized": normalized or None,
        "code_number": as_int(parsed.get("number")),
        "code_year": as_int(parsed.get("year")),
        "type_abbr": parsed.get("type_abbr"),
        "type_name": parsed.get("type_name"),
        "issuer_abbr": parsed.get("issuer_abbr"),
    }


def document_identity(record: Mapping[str, Any]) -> str:
    """The key under which postings of one document meet.

    Same normalised code, same issuing body (folded) and same year: administrative
    codes (``92/CT-UBND``) restart every year and every province has a UBND, so a
    code alone would merge unrelated documents. Without a parsed code or a named
    issuer we cannot tell, and the posting stays a document of its own.
    """
    parts = code_parts(record)
    issuer = search_fold(record.get("issuer"))
    if parts["code_normalized"] and issuer:
        issued = as_date(record.get("issued_on"))
        year = parts["code_year"] or (issued.year if issued else "")
        return f"code:{parts['code_normalized']}|{issuer}|{year}"
    return f"posting:{record['site']}:{record['canonical_url']}"
