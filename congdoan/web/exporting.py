"""Downloads of a search as CSV or JSON Lines, written by the export code (``congdoan.exports``).

The records come from ``storage.iterate``, the code that assembles them for
``congdoan export``, so a download and an export of the same items agree.
A download holds at most ``EXPORT_MAX`` items of each kind.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, Literal

from sqlalchemy.orm import Session

from congdoan.exports.csv import CsvWriter
from congdoan.exports.jsonl import JsonlWriter
from congdoan.exports.rows import Kind
from congdoan.storage.facets import Filters, iter_ids
from congdoan.storage.iterate import iter_articles, iter_documents

EXPORT_MAX = 5000
_CHUNK = 500  # ids per query: keep the IN lists short


def records(session: Session, kind: Kind, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The stored records of ``kind`` with ``ids``, in that order, as ``congdoan export``
    assembles them (``storage.iterate``: the one owner of a record's shape)."""
    iterate = iter_articles if kind == "article" else iter_documents
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        by_id = {data["id"]: data for data in iterate(session, ids=chunk)}
        yield from (by_id[i] for i in chunk if i in by_id)


def export_bytes(session: Session, filters: Filters, fmt: Literal["csv", "jsonl"]) -> bytes:
    """The items of a search as one CSV (one kind) or JSON Lines file."""
    sink = io.BytesIO()
    ids = iter_ids(session, filters, EXPORT_MAX)
    if fmt == "csv":
        assert filters.kind is not None, "CSV holds one kind"
        writer: CsvWriter | JsonlWriter = CsvWriter(sink, filters.kind)
    else:
        writer = JsonlWriter(sink)
    try:
        for kind, kind_ids in ids.items():
            for data in records(session, kind, kind_ids):
                writer.write(kind, data)
    finally:
        writer.close()
    return sink.getvalue()
