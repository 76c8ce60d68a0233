"""Storing documents: one posting per portal page, merged into one document per code.

A posting keeps what its portal displayed (``data``) and is versioned like an
article. The document row is derived: for each field, the value from the most
recently changed posting that has one. Recomputing it from the postings on
every change keeps the merge order-independent and lets a corrected code move
a posting to the right document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from congdoan.storage.file_texts import StoredTexts
from congdoan.storage.models import Attachment, Document, DocumentPosting, DocumentRelation
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
    attachment_rows,
    batch_texts,
    ensure_site,
    keep_version,
    provenance,
    refresh_attachment_files,
    resolve_references,
    seen_at,
)
from congdoan.storage.search_text import fields_search_text

# Document columns merged field by field from the postings' data.
_MERGED = ("title", "intro", "body_text", "signer", "issuer", "category")
_DATES = ("issued_on", "effective_on", "expires_on")


def upsert_document(session: Session, record: Mapping[str, Any],
                    rows: BatchRows | None = None) -> Status:
    """Insert or update the posting in ``record`` and its document; return the posting's status.

    ``rows``: the batch's stored rows, as for ``upsert_article``.
    """
    seen = seen_at(record)
    texts = batch_texts(session, record, rows)
    content = content_fields(record, DOCUMENT_CONTENT_FIELDS)
    digest = content_hash(content)
    posting = _stored_posting(session, record, rows)
    if posting is not None and posting.content_hash == digest:
        _seen_unchanged(posting, record, seen, texts)
        _merge(session, posting.document)  # its search text follows a file's new text
        return "unchanged"

    if posting is None and _insert_new(session, record, content, digest, seen, texts):
        return "new"
    document = _document_for(session, record, seen)
    previous: Document | None = None
    status: Status
    if posting is None:
        posting = _new_posting(session, record, document, seen)
        status = "new"
    else:
        previous = _supersede(session, posting, document, seen)
        status = "changed"
    _write_posting(session, posting, record, content, digest, seen, texts)

    _merge(session, document)
    if previous is not None:
        _merge(session, previous)
    return status


# Built once, values passed as parameters (see ``repository._INSERT_ARTICLE``).
_INSERT_DOCUMENT = insert(Document.__table__)  # type: ignore[arg-type]
_INSERT_POSTING = insert(DocumentPosting.__table__)  # type: ignore[arg-type]
_INSERT_ATTACHMENT = insert(Attachment.__table__)  # type: ignore[arg-type]
_DOCUMENT_BY_KEY = select(Document.id).where(Document.identity_key == bindparam("key"))


def _insert_new(session: Session, record: Mapping[str, Any], content: dict[str, Any],
                digest: str, seen: datetime, texts: StoredTexts) -> bool:
    """A new posting of a document not stored yet, as Core INSERTs; False if the document is.

    The commonest case of a first crawl. The ORM path (create the document, flush,
    add the posting, flush, select its postings back, merge, flush) costs several
    statements and a unit of work per item, for rows this session never reads again;
    here the merged columns come from the same rule (``merged_columns``) applied to
    the one posting, and the rows are those the ORM path would write.
    """
    key = document_identity(record)
    if session.scalar(_DOCUMENT_BY_KEY, {"key": key}) is not None:
        return False
    ensure_site(session, record["site"])
    raw_sha256, fetched_at, http_status = provenance(session, record)
    attachments = attachment_rows(record.get("attachments") or [], texts)
    posting: dict[str, Any] = {
        "site": record["site"], "canonical_url": record["canonical_url"],
        "url": record.get("url") or record["canonical_url"],
        "source_id": as_int(record.get("source_id")), "title": record["title"], "data": content,
        "views": as_int(record.get("views")), "downloads": as_int(record.get("downloads")),
        "first_seen_at": seen, "last_seen_at": seen, "changed_at": seen,
        "content_hash": digest, "raw_sha256": raw_sha256, "fetched_at": fetched_at,
        "http_status": http_status}
    columns = merged_columns([SimpleNamespace(**posting, attachments=attachments)])
    connection = session.connection()
    document_id = connection.execute(_INSERT_DOCUMENT, {"identity_key": key, **columns}
                                     ).inserted_primary_key[0]  # type: ignore[index]
    posting_id = connection.execute(_INSERT_POSTING, {"document_id": document_id, **posting}
                                    ).inserted_primary_key[0]  # type: ignore[index]
    if attachments:
        connection.execute(_INSERT_ATTACHMENT, [{**row, "posting_id": posting_id}
                                                for row in attachments])
    if columns["code_normalized"]:
        # Articles stored earlier may cite this code: they now point at this document.
        resolve_references(session, columns["code_normalized"])
    # What its texts say of other documents, and what the others say of it: as _merge does.
    refresh_and_alert(session, session.get_one(Document, document_id), new=True)
    return True


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


def _seen_unchanged(posting: DocumentPosting, record: Mapping[str, Any], seen: Any,
                    texts: StoredTexts) -> None:
    """A posting seen again with the same content: when, its counters and its files."""
    posting.last_seen_at = max(posting.last_seen_at, seen)
    # Counters are per visit, not content: take them when the page shows them.
    views, downloads = as_int(record.get("views")), as_int(record.get("downloads"))
    if views is not None:
        posting.views = views
    if downloads is not None:
        posting.downloads = downloads
    refresh_attachment_files(posting.attachments, record.get("attachments") or [], texts)


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
                   content: dict[str, Any], digest: str, seen: Any,
                   texts: StoredTexts) -> None:
    """Set the posting's columns and attachments from ``record`` (new or changed content)."""
    posting.url = record.get("url") or record["canonical_url"]
    posting.source_id = as_int(record.get("source_id"))
    posting.title = record["title"]
    posting.data = content
    posting.views, posting.downloads = as_int(record.get("views")), as_int(record.get("downloads"))
    posting.changed_at = seen
    posting.content_hash = digest
    posting.raw_sha256, posting.fetched_at, posting.http_status = provenance(session, record)
    posting.attachments = [Attachment(**row) for row in
                           attachment_rows(record.get("attachments") or [], texts)]
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
    for name, value in merged_columns(postings).items():
        setattr(document, name, value)
    session.flush()
    if old_code != document.code_normalized:
        for code in (old_code, document.code_normalized):
            if code:
                resolve_references(session, code)
        if old_code:
            retarget_after_delete(session, old_code, set())  # its old code names another now
    # What its texts say of other documents, and what the others say of it.
    refresh_and_alert(session, document)


def merged_columns(postings: Sequence[Any]) -> dict[str, Any]:
    """The document columns derived from its ``postings``, most recently changed first.

    The one merge rule: each field from the first posting that has it. A posting
    is a ``DocumentPosting`` or any object with its attributes (``data``, ``title``,
    counters, seen times, ``content_hash``, ``attachments`` as rows or dicts).
    """
    def first(name: str) -> Any:
        return next((p.data.get(name) for p in postings if p.data.get(name)), None)

    # Code and its parse travel together, from the same posting.
    coded = next((p.data for p in postings if p.data.get("code")), {})
    columns: dict[str, Any] = {"code": coded.get("code"), **code_parts(coded)}
    for name in _MERGED:
        columns[name] = first(name)
    columns["title"] = columns["title"] or postings[0].title
    for name in _DATES:
        columns[name] = as_date(first(name))
    columns.update(
        field=list(first("field") or []),
        views=_total(p.views for p in postings),
        downloads=_total(p.downloads for p in postings),
        first_seen_at=min(p.first_seen_at for p in postings),
        last_seen_at=max(p.last_seen_at for p in postings),
        content_hash=content_hash({"postings": sorted(p.content_hash for p in postings)}),
        search_title=search_fold(columns["code"], columns["title"]),
        search_text=fields_search_text(columns, [a for p in postings for a in p.attachments]),
    )
    return columns


def _total(values: Any) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
