"""The text of attached files, stored once per content hash, and joined to the search index.

A file is read once (``FileText`` + its ``FilePage`` rows), however many
portals and items attach it: every attachment row with that sha256 takes the
text, and the owning articles and documents are re-indexed so a phrase from
inside the file finds them.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from congdoan.files.reading import FileReading
from congdoan.storage.models import (
    Article,
    Attachment,
    Document,
    DocumentPosting,
    FilePage,
    FileText,
)
from congdoan.storage.search_text import article_search_text, document_search_text


@dataclass(frozen=True)
class PendingFile:
    """A stored file no reading exists for yet: where it is and what a portal called it."""

    sha256: str
    stored_path: str
    name: str | None


def pending_files(session: Session, limit: int | None = None) -> list[PendingFile]:
    """Stored files (one row per content hash) that have not been read, oldest first."""
    first = (
        select(func.min(Attachment.id).label("id"))
        .where(Attachment.stored_path.is_not(None), Attachment.sha256.is_not(None))
        .where(~select(FileText.sha256).where(FileText.sha256 == Attachment.sha256).exists())
        .group_by(Attachment.sha256)
        .subquery()
    )
    stmt = (
        select(Attachment.sha256, Attachment.stored_path, Attachment.name)
        .join(first, first.c.id == Attachment.id)
        .order_by(Attachment.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [PendingFile(*row) for row in session.execute(stmt)]


def save_reading(session: Session, sha256: str, reading: FileReading) -> None:
    """Store ``reading`` as the text of every file with ``sha256``; re-index their owners.

    Idempotent: a second save of the same file replaces the first, whole.
    """
    session.execute(delete(FilePage).where(FilePage.sha256 == sha256))
    session.execute(delete(FileText).where(FileText.sha256 == sha256))
    text = reading.text
    session.add(FileText(
        sha256=sha256, media_type=reading.media_type, status=reading.status,
        reason=reading.reason, page_count=reading.page_count,
        ocr_pages=sum(1 for p in reading.pages if p.method == "ocr"), text=text,
        read_at=datetime.now(UTC),
    ))
    session.flush()
    session.add_all(
        FilePage(sha256=sha256, seq=seq, number=p.number, member=p.member, method=p.method,
                 engine=p.engine, confidence=p.confidence, text=p.text)
        for seq, p in enumerate(reading.pages)
    )
    rows = session.scalars(select(Attachment).where(Attachment.sha256 == sha256)).all()
    for row in rows:
        row.text = text or None
    session.flush()
    reindex_owners(session, rows)


def apply_cached_texts(session: Session, attachments: Sequence[MutableMapping[str, Any]]) -> None:
    """Give attachment dicts whose file was read already that reading's text (no re-read)."""
    digests = {a["sha256"] for a in attachments if a.get("sha256")}
    if not digests:
        return
    known = {sha256: text for sha256, text in session.execute(
        select(FileText.sha256, FileText.text).where(FileText.sha256.in_(digests)))}
    for attachment in attachments:
        text = known.get(attachment.get("sha256") or "")
        if text:
            attachment["text"] = text


def reindex_owners(session: Session, rows: Iterable[Attachment]) -> None:
    """Recompute the search text of the articles and documents that own ``rows``."""
    from congdoan.storage.relations import refresh_and_alert

    article_ids = {r.article_id for r in rows if r.article_id is not None}
    posting_ids = {r.posting_id for r in rows if r.posting_id is not None}
    for article in session.scalars(select(Article).where(Article.id.in_(article_ids))):
        article.search_text = article_search_text(
            article.title, article.summary, article.body_text,
            [r.code for r in article.references], article.attachments)
    documents = select(Document).where(Document.id.in_(
        select(DocumentPosting.document_id).where(DocumentPosting.id.in_(posting_ids))))
    for document in session.scalars(documents):
        document.search_text = document_search_text(document)
        refresh_and_alert(session, document)  # a file's text may state relations
    session.flush()


def reading_counts(session: Session) -> dict[str, int]:
    """Files by reading status, plus ``pending`` (stored, not read yet) and ``ocr_pages``."""
    counts: dict[str, int] = {status: n for status, n in session.execute(
        select(FileText.status, func.count()).group_by(FileText.status))}
    counts["pending"] = session.scalar(
        select(func.count(func.distinct(Attachment.sha256)))
        .where(Attachment.stored_path.is_not(None), Attachment.sha256.is_not(None))
        .where(~select(FileText.sha256).where(FileText.sha256 == Attachment.sha256).exists())
    ) or 0
    counts["ocr_pages"] = session.scalar(select(func.coalesce(func.sum(FileText.ocr_pages), 0)))
    return counts
