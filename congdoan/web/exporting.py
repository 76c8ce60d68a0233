"""Downloads of a search as CSV or JSON Lines, written by the export code (``congdoan.exports``).

The records are assembled exactly as ``storage.iterate`` assembles them for
``congdoan export``, so a download and an export of the same items agree.
A download holds at most ``EXPORT_MAX`` items of each kind.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from congdoan.exports.csv import CsvWriter
from congdoan.exports.jsonl import JsonlWriter
from congdoan.exports.rows import Kind
from congdoan.storage.facets import Filters, iter_ids
from congdoan.storage.iterate import row_dict
from congdoan.storage.models import Article, Document, DocumentPosting

EXPORT_MAX = 5000
_ATTACHMENT_DROP = frozenset({"id", "article_id", "posting_id"})


def _attachments(rows: list[Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row_dict(a).items() if k not in _ATTACHMENT_DROP} for a in rows]


def _articles(session: Session, ids: list[int]) -> Iterator[dict[str, Any]]:
    stmt = select(Article).where(Article.id.in_(ids)).options(
        selectinload(Article.attachments), selectinload(Article.references))
    by_id = {a.id: a for a in session.scalars(stmt)}
    for article in (by_id[i] for i in ids if i in by_id):
        data = row_dict(article)
        data["attachments"] = _attachments(article.attachments)
        data["references"] = [{"code": r.code, "document_id": r.document_id}
                              for r in article.references]
        yield data


def _documents(session: Session, ids: list[int]) -> Iterator[dict[str, Any]]:
    stmt = select(Document).where(Document.id.in_(ids)).options(
        selectinload(Document.postings).selectinload(DocumentPosting.attachments))
    by_id = {d.id: d for d in session.scalars(stmt)}
    for document in (by_id[i] for i in ids if i in by_id):
        data = row_dict(document)
        data["postings"] = []
        for p in document.postings:
            posted = row_dict(p)
            posted["attachments"] = _attachments(p.attachments)
            data["postings"].append(posted)
        yield data


def records(session: Session, kind: Kind, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The stored records of ``kind`` with ``ids``, in that order, shaped as exports expect."""
    for start in range(0, len(ids), 500):  # keep the IN lists short
        chunk = ids[start:start + 500]
        yield from (_articles if kind == "article" else _documents)(session, chunk)


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
