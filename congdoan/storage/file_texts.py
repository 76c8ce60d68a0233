"""The text of attached files: one reading per content hash, one rule for ``attachments.text``.

A file is read once (``FileText`` + its ``FilePage`` rows), however many
portals and items attach it: every attachment row with that sha256 takes the
text, and the owning articles and documents are re-indexed so a phrase from
inside the file finds them.

``attachments.text`` has one writer, ``settle_text``, and one rule: a file's
text is its stored reading when there is one (the fuller one: the backlog's
reads scans by OCR), else what the crawl read, and a later empty value never
erases a known text. Every path that writes attachment rows goes through it:
new, changed and unchanged articles and postings (Core and ORM), and a reading
saved later (``save_reading``). ``tests/storage/test_text_owner.py`` keeps it so.

Where readings come from: the crawl reads each downloaded file without OCR
(``pipelines.attachments.describe_file``). When that reading is *final*
(``FileReading.final``: nothing was left for OCR, a reading again would give the
same) the store records it as the file's reading (``record_crawl_readings``),
pages and all: the backlog then has nothing to do for the file, and its pages
answer ``file_matches`` at once. A reading that is not final (a scan, an image,
a partial or failed read) is not recorded: the file stays *pending*
(``pending_files``: stored, no reading) until the backlog reads it, OCR on; its
crawl text serves meanwhile, and the backlog's reading replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from congdoan.files.reading import READING_KEY, FileReading
from congdoan.storage.dialect import insert_new_rows
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
    """Stored files (one row per content hash) that have no reading, oldest first.

    A file the crawl read in full has one (``record_crawl_readings``); a scan the
    crawl could not read without OCR has none, and is the backlog's to read.
    """
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


# --- the one writer of attachments.text -----------------------------------------------


def settle_text(target: Attachment | MutableMapping[str, Any], crawled: str | None,
                stored: str | None) -> bool:
    """Give one attachment row its text by the rule; True when the text changed.

    The only code that writes ``attachments.text``. ``target`` is an ``Attachment``
    or the values of one about to be inserted (a dict, given its ``text`` key
    always, as an executemany wants). The rule: the stored reading's text
    (``stored``) when there is one, else the crawl's reading (``crawled``), else
    what the row had: a later empty value never erases a known text.
    """
    mapping = isinstance(target, MutableMapping)
    current = target.get("text") if mapping else target.text  # type: ignore[union-attr]
    text = stored or crawled or current or None
    changed = text != current
    if mapping:
        target["text"] = text  # type: ignore[index]
    elif changed:
        target.text = text  # type: ignore[union-attr]
    return changed


@dataclass(frozen=True)
class StoredTexts:
    """The stored readings' texts of a set of files, by sha256, looked up together."""

    by_sha256: Mapping[str, str] = field(default_factory=dict)

    def of(self, sha256: str | None) -> str | None:
        """The stored text of the file with ``sha256``; ``None`` if none (or empty)."""
        return self.by_sha256.get(sha256 or "") or None

    def settle(self, target: Attachment | MutableMapping[str, Any],
               item: Mapping[str, Any]) -> bool:
        """``settle_text`` for the row of the crawl's attachment dict ``item``."""
        return settle_text(target, item.get("text"), self.of(item.get("sha256")))


def learn_texts(session: Session, attachments: Sequence[Mapping[str, Any]]) -> StoredTexts:
    """Record the crawl's final readings of ``attachments``, then look up their files' texts.

    One SELECT for all of them: a batch calls this once (``prefetch.BatchRows``).
    """
    record_crawl_readings(session, attachments)
    digests = {a["sha256"] for a in attachments if a.get("sha256")}
    if not digests:
        return StoredTexts()
    return StoredTexts({sha256: text for sha256, text in session.execute(
        select(FileText.sha256, FileText.text).where(FileText.sha256.in_(digests)))})


_INSERT_PAGES = insert(FilePage.__table__)  # type: ignore[arg-type]


def record_crawl_readings(session: Session, attachments: Iterable[Mapping[str, Any]]) -> None:
    """Store each final reading the crawl made (``READING_KEY``) as its file's reading.

    Never over a stored one: that may be the backlog's (OCR) or another crawl's
    (the same bytes read the same way). Race-free: of two crawls storing one
    file at once, one inserts, the other finds it; in the order of the hashes, so
    two PostgreSQL transactions storing the same files never wait on each other
    in a circle (a deadlock).
    """
    found: dict[str, Mapping[str, Any]] = {}
    for attachment in attachments:
        sha256, data = attachment.get("sha256"), attachment.get(READING_KEY)
        if sha256 and data:
            found.setdefault(sha256, data)
    readings = {sha256: FileReading.from_data(data) for sha256, data in sorted(found.items())}
    # Two statements for the batch's files, not two per file: the readings (those
    # inserted come back), then the pages of the inserted ones.
    inserted = insert_new_rows(session, FileText.__table__,  # type: ignore[arg-type]
                               [_file_text_values(sha256, reading)
                                for sha256, reading in readings.items()])
    pages = [row for sha256, reading in readings.items() if (sha256,) in inserted
             for row in _page_values(sha256, reading)]
    if pages:
        session.connection().execute(_INSERT_PAGES, pages)


def save_reading(session: Session, sha256: str, reading: FileReading) -> None:
    """Store ``reading`` as the text of every file with ``sha256``; re-index their owners.

    Idempotent: a second save of the same file replaces the first, whole.
    """
    session.execute(delete(FilePage).where(FilePage.sha256 == sha256))
    session.execute(delete(FileText).where(FileText.sha256 == sha256))
    session.add(FileText(**_file_text_values(sha256, reading)))
    session.flush()
    if reading.pages:
        session.execute(_INSERT_PAGES, _page_values(sha256, reading))
    rows = session.scalars(select(Attachment).where(Attachment.sha256 == sha256)).all()
    changed = [row for row in rows if settle_text(row, None, reading.text)]
    session.flush()
    reindex_owners(session, changed)


def _file_text_values(sha256: str, reading: FileReading) -> dict[str, Any]:
    return {"sha256": sha256, "media_type": reading.media_type, "status": reading.status,
            "reason": reading.reason, "page_count": reading.page_count,
            "ocr_pages": sum(1 for p in reading.pages if p.method == "ocr"),
            "text": reading.text, "read_at": datetime.now(UTC)}


def _page_values(sha256: str, reading: FileReading) -> list[dict[str, Any]]:
    return [{"sha256": sha256, "seq": seq, "number": p.number, "member": p.member,
             "method": p.method, "engine": p.engine, "confidence": p.confidence,
             "text": p.text} for seq, p in enumerate(reading.pages)]


def reindex_owners(session: Session, rows: Iterable[Attachment]) -> None:
    """Recompute the search text of the articles and documents that own ``rows``."""
    from congdoan.storage.relations import refresh_and_alert

    article_ids = {r.article_id for r in rows if r.article_id is not None}
    posting_ids = {r.posting_id for r in rows if r.posting_id is not None}
    if not article_ids and not posting_ids:
        return
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
