"""Stored records (from ``storage.iterate``) as export records: nested for JSONL, flat for tables.

One place decides what a researcher gets, so JSONL, CSV and Parquet agree:

- ``article_record`` / ``document_record``: the full nested record for JSONL
  (``kind`` first, HTML and attachment details kept, internal search columns dropped);
- ``article_row`` / ``document_row``: one flat row per record, scalar or
  list-of-strings cells only, with columns described by ``ARTICLE_COLUMNS`` /
  ``DOCUMENT_COLUMNS`` so CSV headers and Parquet schemas come from the same list.

A document is exported once however many portals posted it (the merged view);
its postings are listed in ``sites`` / ``urls`` (flat) or ``postings`` (nested).
Timestamps are UTC, dates are plain dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from congdoan.items.kinds import KINDS, Kind
from congdoan.storage.records import jsonable

__all__ = ["KINDS", "Kind"]

# How a column is typed in Parquet and written in CSV.
ColumnType = Literal["str", "int", "timestamp", "date", "list"]

# Search columns are a folded copy of the text, for the index only; identity_key
# is how postings are merged, an implementation detail of storage.
_INTERNAL = frozenset({"search_title", "search_text", "identity_key"})
_ATTACHMENT_KEYS = ("url", "name", "media_type", "size", "sha256", "stored_path", "text")


@dataclass(frozen=True)
class Column:
    """One column of a flat export: its name, type and (for HTML) whether CSV may carry it."""

    name: str
    type: ColumnType
    html: bool = False


def _cols(spec: str) -> tuple[Column, ...]:
    # "name:type" words keep the column tables below readable at a glance.
    out = []
    for word in spec.split():
        name, _, kind = word.partition(":")
        out.append(Column(name, kind or "str", html=name == "body_html"))  # type: ignore[arg-type]
    return tuple(out)


ARTICLE_COLUMNS = _cols(
    "id:int site url canonical_url source_id:int title summary body_html body_text author "
    "source category category_path:list tags:list published_at:timestamp published_text "
    "published_precision modified_text image_urls:list attachment_names:list attachment_urls:list "
    "references:list first_seen_at:timestamp last_seen_at:timestamp changed_at:timestamp "
    "fetched_at:timestamp http_status:int content_hash raw_sha256 story_id:int"
)
DOCUMENT_COLUMNS = _cols(
    "id:int code code_normalized code_number:int code_year:int type_abbr type_name "
    "issuer_abbr title intro body_text issued_on:date effective_on:date expires_on:date "
    "signer issuer category field:list views:int downloads:int sites:list urls:list "
    "attachment_names:list attachment_urls:list first_seen_at:timestamp "
    "last_seen_at:timestamp content_hash"
)
COLUMNS: dict[Kind, tuple[Column, ...]] = {"article": ARTICLE_COLUMNS, "document": DOCUMENT_COLUMNS}


def _public(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _INTERNAL}


def _attachment(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in _ATTACHMENT_KEYS}


def _strings(values: Any, key: str | None = None) -> list[str]:
    """Non-empty strings of a stored list (or of one key of a list of dicts)."""
    out = []
    for value in values or []:
        if key is not None:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None and str(value) != "":
            out.append(str(value))
    return out


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


# --- nested (JSONL) --------------------------------------------------------------------


def article_record(data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-ready nested record of a stored article (from ``iter_articles``)."""
    record: dict[str, Any] = {"kind": "article", **_public(data)}
    record["attachments"] = [_attachment(a) for a in data.get("attachments") or []]
    return jsonable(record)


def document_record(data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-ready nested record of a stored document with its postings, one per portal."""
    record: dict[str, Any] = {"kind": "document", **_public(data)}
    postings = []
    for posting in data.get("postings") or []:
        entry = {k: v for k, v in posting.items() if k not in ("document_id", "data")}
        # What the portal displayed, before merging: the provenance of the merged fields.
        entry["as_displayed"] = posting.get("data")
        entry["attachments"] = [_attachment(a) for a in posting.get("attachments") or []]
        postings.append(entry)
    record["postings"] = postings
    return jsonable(record)


# --- flat (CSV, Parquet) ---------------------------------------------------------------


def article_row(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored article as one flat row with the ``ARTICLE_COLUMNS`` keys (Python values)."""
    row = {c.name: data.get(c.name) for c in ARTICLE_COLUMNS}
    row["category_path"] = _strings(data.get("category_path"))
    row["tags"] = _strings(data.get("tags"))
    row["image_urls"] = _strings(data.get("images"), "url")
    row["attachment_names"] = _strings(data.get("attachments"), "name")
    row["attachment_urls"] = _strings(data.get("attachments"), "url")
    row["references"] = _strings(data.get("references"), "code")
    return row


def document_row(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored document as one flat row with the ``DOCUMENT_COLUMNS`` keys (Python values).

    Counters are per portal, so ``views``/``downloads`` add the postings' counters
    up unless the document carries its own.
    """
    postings = list(data.get("postings") or [])
    attachments = [a for p in postings for a in p.get("attachments") or []]
    row = {c.name: data.get(c.name) for c in DOCUMENT_COLUMNS}
    row["field"] = _strings(data.get("field"))
    for counter in ("views", "downloads"):
        if row[counter] is None:
            row[counter] = _sum([p.get(counter) for p in postings])
    row["sites"] = [p["site"] for p in postings]
    row["urls"] = [p["canonical_url"] for p in postings]
    row["attachment_names"] = _strings(attachments, "name")
    row["attachment_urls"] = _strings(attachments, "url")
    return row


def record_of(kind: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
    """``article_record`` or ``document_record`` by kind."""
    return article_record(data) if kind == "article" else document_record(data)


def row_of(kind: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
    """``article_row`` or ``document_row`` by kind."""
    return article_row(data) if kind == "article" else document_row(data)
