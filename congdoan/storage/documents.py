"""Storing documents: one posting per portal page, merged into one document per code.

A posting keeps what its portal displayed (``data``) and is versioned like an
article. The document row is derived: for each field, the value from the most
recently changed posting that has one. Recomputing it from the postings on
every change keeps the merge order-independent and lets a corrected code move
a posting to the right document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.file_texts import apply_cached_texts, files_text
from congdoan.storage.models import Document, DocumentPosting, DocumentRelation
from congdoan.storage.prefetch import NOT_LOOKED_UP, BatchRows
from congdoan.storage.records import (
    DOCUMENT_CONTENT_FIELDS,
    as_date,
    as_int,
    code_parts,
    content_fields,
    content_hash,
    document_identity,
    search_fold,
)
from congdoan.storage.relations import refresh_and_alert, retarget_after_delete
from congdoan.storage.repository import (
    Status,
    ensure_site,
    keep_version,
    new_attachments,
    provenance,
    refresh_attachment_files,
    resolve_references,
    seen_at,
)

# Document columns merged field by field from the postings' data.
_MERGED = ("title", "intro", "body_text", "signer", "issuer", "category")
_DATES = ("issued_on", "effective_on", "expires_on")


def upsert_document(session: Session, record: Mapping[str, Any],
                    rows: BatchRows | None = None) -> Status:
    """Insert or update the posting in ``record`` and its document; return the posting's status.

    ``rows``: the batch's stored rows, as for ``upsert_article``.
    """
    seen = seen_at(record)
    if rows is None or not rows.texts_applied:
        apply_cached_texts(session, record.get("attachments") or [])
    content = content_fields(record, DOCUMENT_CONTENT_FIELDS)
    digest = content_hash(content)
    posting = _stored_posting(session, record, rows)
    if posting is not None and posting.content_hash == digest:
        _seen_unchanged(posting, record, seen)
        _merge(session, posting.document)
        return "unchanged"

    document = _document_for(session, record, seen)
    previous: Document | None = None
    status: Status
    if posting is None:
        posting = _new_posting(session, record, document, seen)
        status = "new"
    else:
        previous = _supersede(session, posting, document, seen)
        status = "changed"
    _write_posting(session, posting, record, content, digest, seen)

    _merge(session, document)
    if previous is not None:
        _merge(session, previous)
    return status


def _stored_posting(session: Session, record: Mapping[str, Any],
                    rows: BatchRows | None) -> DocumentPosting | None:
    """The posting stored for this record's page: from the batch's rows, else looked up."""
    posting = (rows.take("document", record["site"], record["canonical_url"])
               if rows is not None else NOT_LOOKED_UP)
    if posting is not NOT_LOOKED_UP:
        return posting
    return session.scalars(
        select(DocumentPosting).where(
            DocumentPosting.site == record["site"],
            DocumentPosting.canonical_url == record["canonical_url"],
        )
    ).one_or_none()


def _seen_unchanged(posting: DocumentPosting, record: Mapping[str, Any], seen: Any) -> None:
    """A posting seen again with the same content: when, its counters and its files."""
    posting.last_seen_at = max(posting.last_seen_at, seen)
    # Counters are per visit, not content: take them when the page shows them.
    views, downloads = as_int(record.get("views")), as_int(record.get("downloads"))
    if views is not None:
        posting.views = views
    if downloads is not None:
        posting.downloads = downloads
    refresh_attachment_files(posting.attachments, record.get("attachments") or [])


def _new_posting(session: Session, record: Mapping[str, Any], document: Document,
                 seen: Any) -> DocumentPosting:
    """A posting for a page not stored before, on ``document`` (its columns written next)."""
    ensure_site(session, record["site"])
    posting = DocumentPosting(
        site=record["site"],
        canonical_url=record["canonical_url"],
        first_seen_at=seen,
        last_seen_at=seen,
        document=document,
    )
    session.add(posting)
    return posting


def _supersede(session: Session, posting: DocumentPosting, document: Document,
               seen: Any) -> Document | None:
    """Keep the changed posting's old content as a version and move it to ``document``.

    Return the document it leaves (a corrected code), which must be merged again.
    """
    keep_version(
        session,
        "posting",
        posting.id,
        posting.content_hash,
        posting.data,
        posting.changed_at,
        seen,
    )
    posting.last_seen_at = max(posting.last_seen_at, seen)
    posting.attachments.clear()
    if posting.document is document:
        return None
    previous = posting.document
    posting.document = document
    return previous


def _write_posting(session: Session, posting: DocumentPosting, record: Mapping[str, Any],
                   content: dict[str, Any], digest: str, seen: Any) -> None:
    """Set the posting's columns and attachments from ``record`` (new or changed content)."""
    posting.url = record.get("url") or record["canonical_url"]
    posting.source_id = as_int(record.get("source_id"))
    posting.title = record["title"]
    posting.data = content
    posting.views, posting.downloads = as_int(record.get("views")), as_int(record.get("downloads"))
    posting.changed_at = seen
    posting.content_hash = digest
    posting.raw_sha256, posting.fetched_at, posting.http_status = provenance(session, record)
    posting.attachments = new_attachments(record.get("attachments") or [])
    session.flush()


def _document_for(session: Session, record: Mapping[str, Any], seen: Any) -> Document:
    """The document this record belongs to, created (empty, merged later) if new."""
    key = document_identity(record)
    document = session.scalars(select(Document).where(Document.identity_key == key)).one_or_none()
    if document is None:
        document = Document(
            identity_key=key,
            title=record["title"],
            field=[],
            first_seen_at=seen,
            last_seen_at=seen,
            content_hash="",
            search_title="",
            search_text="",
        )
        session.add(document)
        session.flush()
    return document


def _merge(session: Session, document: Document) -> None:
    """Recompute ``document`` from its postings; delete it when it has none left."""
    session.flush()
    postings = sorted(
        session.scalars(select(DocumentPosting).where(DocumentPosting.document_id == document.id)),
        key=lambda p: (p.changed_at, p.id),
        reverse=True,
    )
    old_code = document.code_normalized
    if not postings:
        targets = set(session.scalars(select(DocumentRelation.target_document_id).where(
            DocumentRelation.document_id == document.id,
            DocumentRelation.target_document_id.is_not(None))))
        session.delete(document)
        session.flush()
        if old_code:
            resolve_references(session, old_code)
        retarget_after_delete(session, old_code, targets)
        return

    def first(name: str) -> Any:
        return next((p.data.get(name) for p in postings if p.data.get(name)), None)

    # Code and its parse travel together, from the same posting.
    coded = next((p.data for p in postings if p.data.get("code")), {})
    document.code = coded.get("code")
    for column, value in code_parts(coded).items():
        setattr(document, column, value)
    for name in _MERGED:
        setattr(document, name, first(name))
    document.title = document.title or postings[0].title
    for name in _DATES:
        setattr(document, name, as_date(first(name)))
    document.field = list(first("field") or [])
    document.views = _total(p.views for p in postings)
    document.downloads = _total(p.downloads for p in postings)
    document.first_seen_at = min(p.first_seen_at for p in postings)
    document.last_seen_at = max(p.last_seen_at for p in postings)
    document.content_hash = content_hash({"postings": sorted(p.content_hash for p in postings)})
    document.search_title = search_fold(document.code, document.title)
    document.search_text = document_search_text(document, postings)
    session.flush()
    if old_code != document.code_normalized:
        for code in (old_code, document.code_normalized):
            if code:
                resolve_references(session, code)
        if old_code:
            retarget_after_delete(session, old_code, set())  # its old code names another now
    # What its texts say of other documents, and what the others say of it.
    refresh_and_alert(session, document)


def document_search_text(document: Document,
                         postings: list[DocumentPosting] | None = None) -> str:
    """The folded text a document is found by: its fields and its postings' attached files."""
    files = [a for p in (postings if postings is not None else document.postings)
             for a in p.attachments]
    return search_fold(
        document.code,
        document.title,
        document.intro,
        document.body_text,
        document.issuer,
        document.signer,
        document.category,
        *files_text(files),
    )


def _total(values: Any) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
