"""Relations between stored documents and the status they give each one.

``refresh_relations(session, document)`` runs whenever a document is merged
from its postings (a crawl, ``reparse``) and when its attached files' text
arrives: it re-reads what the document's texts say of other documents
(``normalize/relations.py``) when those texts (or the rules) changed, points
every relation at the stored document its code names, on any portal, and
recomputes the status of each document touched: in force, replaced by X,
repealed by Y or amended by Z, with the sentence that says so and where it
was read. A status that changes queues an alert for the watches on that
document (``storage/watches.py``), in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from congdoan.normalize.relations import RULES_VERSION, find_effective, find_relations
from congdoan.storage.models import (
    Attachment,
    Document,
    DocumentPosting,
    DocumentRelation,
    DocumentStatus,
)

# The order texts are read in: the first effective statement found wins.
_FIELDS = (("title", "title"), ("intro", "intro"), ("body", "body_text"))
_ACTS = ("replaces", "repeals", "amends")
STATUS_LABELS = {
    "in_force": "in force",
    "replaced": "replaced by",
    "repealed": "repealed by",
    "amended": "amended by",
}


@dataclass(frozen=True)
class StatusChange:
    """A document whose status changed: from what, to what."""

    document_id: int
    before: str | None
    after: str


def document_texts(session: Session, document: Document) -> list[tuple[str, str]]:
    """(source, text) of every text a document's relations are read from, in reading order."""
    texts = [(source, value) for source, column in _FIELDS
             if (value := getattr(document, column))]
    rows = session.execute(
        select(Attachment.name, Attachment.url, Attachment.sha256, Attachment.text)
        .join(DocumentPosting, Attachment.posting_id == DocumentPosting.id)
        .where(DocumentPosting.document_id == document.id, Attachment.text.is_not(None))
        .order_by(Attachment.id)
    )
    seen: set[str] = set()
    for name, url, sha256, text in rows:
        key = sha256 or url
        if text and key not in seen:
            seen.add(key)
            texts.append((f"file:{name or url.rsplit('/', 1)[-1]}", text))
    return texts


def _fingerprint(document: Document, texts: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(f"{RULES_VERSION}\0{document.code_normalized}".encode())
    for source, text in texts:
        digest.update(f"\0{source}\0{text}".encode())
    return digest.hexdigest()


def resolve_target(session: Session, code: str, on: date | None,
                   exclude: int | None = None) -> int | None:
    """The one stored document with normalised ``code`` (and issue date ``on`` when given).

    None when none is stored or several are and the date does not tell them apart:
    local codes (``12/QĐ-LĐLĐ``) repeat from province to province.
    """
    rows = session.execute(
        select(Document.id, Document.issued_on).where(Document.code_normalized == code)
    ).all()
    rows = [r for r in rows if r.id != exclude]
    if on is not None:
        rows = [r for r in rows if r.issued_on in (None, on)]
    return rows[0].id if len(rows) == 1 else None


def refresh_relations(session: Session, document: Document, *, new: bool = False
                      ) -> list[StatusChange]:
    """Bring ``document``'s relations and every touched status up to date; the changes.

    ``new``: the document was inserted in this transaction, so it has no relations and
    no status yet, and neither is asked for (three statements of ~20 a new document).
    """
    touched: set[int] = {document.id}
    texts = document_texts(session, document)
    fingerprint = _fingerprint(document, texts)
    state = None if new else session.get(DocumentStatus, document.id)
    if state is None or state.input_hash != fingerprint:
        touched |= _reread(session, document, texts, fingerprint, state, new=new)
    touched |= _resolve_incoming(session, document)
    return [change for doc_id in sorted(touched)
            if (change := update_status(session, doc_id)) is not None]


def _reread(session: Session, document: Document, texts: list[tuple[str, str]],
            fingerprint: str, state: DocumentStatus | None, *, new: bool = False) -> set[int]:
    """Read the document's own relations and effect again; the ids whose status may change."""
    old: list[int | None] = []
    if not new:
        old = list(session.scalars(select(DocumentRelation.target_document_id).where(
            DocumentRelation.document_id == document.id)))
        session.execute(delete(DocumentRelation).where(
            DocumentRelation.document_id == document.id))
    seen: set[tuple[str, str]] = set()
    effective = None
    targets: set[int] = set()
    for source, text in texts:
        for rel in find_relations(text, own_code=document.code_normalized):
            if (rel.type, rel.target_code) in seen:
                continue
            seen.add((rel.type, rel.target_code))
            on = date.fromisoformat(rel.target_date) if rel.target_date else None
            target = resolve_target(session, rel.target_code, on, exclude=document.id)
            session.add(DocumentRelation(
                document_id=document.id, type=rel.type, target_code=rel.target_code,
                target_kind=rel.target_kind, target_date=on, scope=rel.scope,
                sentence=rel.sentence, source=source, target_document_id=target))
            if target is not None:
                targets.add(target)
        effective = effective or find_effective(text)
    if state is None:
        state = DocumentStatus(document_id=document.id, status="in_force",
                               changed_at=datetime.now(UTC))
        session.add(state)
    state.input_hash = fingerprint
    state.effective_kind = effective.kind if effective else None
    state.effective_date = date.fromisoformat(effective.date) if effective and effective.date \
        else None
    state.effective_days = effective.days if effective else None
    state.effective_sentence = effective.sentence if effective else None
    session.flush()
    return {i for i in old if i is not None} | targets


def _resolve_incoming(session: Session, document: Document) -> set[int]:
    """Point the relations naming this document's code (or pointing at it) at the right one."""
    conditions = [DocumentRelation.target_document_id == document.id]
    if document.code_normalized:
        conditions.append(DocumentRelation.target_code == document.code_normalized)
    touched: set[int] = set()
    for rel in session.scalars(select(DocumentRelation).where(or_(*conditions))):
        target = resolve_target(session, rel.target_code, rel.target_date,
                                exclude=rel.document_id)
        if target != rel.target_document_id:
            touched |= {i for i in (target, rel.target_document_id) if i is not None}
            rel.target_document_id = target
    session.flush()
    return touched


def retarget_after_delete(session: Session, code: str | None, target_ids: set[int]) -> None:
    """After a document is deleted: re-resolve its code and recompute its targets' status."""
    touched = set(target_ids)
    if code:
        for rel in session.scalars(select(DocumentRelation).where(
                DocumentRelation.target_code == code)):
            target = resolve_target(session, code, rel.target_date, exclude=rel.document_id)
            if target != rel.target_document_id:
                touched |= {i for i in (target, rel.target_document_id) if i is not None}
                rel.target_document_id = target
        session.flush()
    for doc_id in sorted(touched):
        change = update_status(session, doc_id)
        if change is not None and change.before is not None:
            _alert(session, change)


def update_status(session: Session, document_id: int) -> StatusChange | None:
    """Recompute one document's status from the relations that target it; the change, if any.

    A whole replacement or repeal by the latest-issued document wins; a partial one
    (a clause, an annex) or an amendment makes it ``amended``.
    """
    if session.get(Document, document_id) is None:
        return None
    rows = session.execute(
        select(DocumentRelation, Document.issued_on, Document.code_normalized, Document.id)
        .join(Document, Document.id == DocumentRelation.document_id)
        .where(DocumentRelation.target_document_id == document_id,
               DocumentRelation.document_id != document_id,
               DocumentRelation.type.in_(_ACTS))
    ).all()

    def strength(row) -> tuple:
        rel = row[0]
        whole = rel.type in ("replaces", "repeals") and rel.scope == "whole"
        return (whole, row.issued_on or date.min, row.id)

    state = session.get(DocumentStatus, document_id)
    before = state.status if state is not None else None
    if state is None:
        state = DocumentStatus(document_id=document_id, status="in_force", input_hash="",
                               changed_at=datetime.now(UTC))
        session.add(state)
    if rows:
        best = max(rows, key=strength)
        rel = best[0]
        whole = rel.type in ("replaces", "repeals") and rel.scope == "whole"
        status = ("replaced" if rel.type == "replaces" else "repealed") if whole else "amended"
        values = (status, best.id, best.code_normalized, rel.sentence, rel.source)
    else:
        values = ("in_force", None, None, None, None)
    old = (state.status, state.by_document_id, state.by_code, state.sentence, state.source)
    if old == values:
        return None
    state.status, state.by_document_id, state.by_code, state.sentence, state.source = values
    state.changed_at = datetime.now(UTC)
    session.flush()
    return StatusChange(document_id, before, values[0]) if before != values[0] or \
        old[1] != values[1] else None


def _alert(session: Session, change: StatusChange) -> None:
    from congdoan.storage.watches import queue_status_alerts

    queue_status_alerts(session, change.document_id)


def refresh_and_alert(session: Session, document: Document, *, new: bool = False
                      ) -> list[StatusChange]:
    """``refresh_relations``, then alerts for every status that changed (not a first status)."""
    changes = refresh_relations(session, document, new=new)
    for change in changes:
        if change.before is not None:  # a document's first status is no news
            _alert(session, change)
    return changes


def relations_of(session: Session, document_id: int) -> dict[str, object]:
    """A document's status and its relations both ways, for its page, the API and exports.

    ``outgoing``: what this document does to others; ``incoming``: what others do
    to it. Each row names the other document's code and, when stored, its id and title.
    """
    state = session.get(DocumentStatus, document_id)
    by = session.get(Document, state.by_document_id) if state and state.by_document_id else None
    out_rows = session.execute(
        select(DocumentRelation, Document.title)
        .outerjoin(Document, Document.id == DocumentRelation.target_document_id)
        .where(DocumentRelation.document_id == document_id).order_by(DocumentRelation.id)
    ).all()
    in_rows = session.execute(
        select(DocumentRelation, Document.title, Document.code_normalized)
        .join(Document, Document.id == DocumentRelation.document_id)
        .where(DocumentRelation.target_document_id == document_id,
               DocumentRelation.document_id != document_id)
        .order_by(Document.issued_on, DocumentRelation.id)
    ).all()
    return {
        "status": None if state is None else {
            "status": state.status, "label": STATUS_LABELS[state.status],
            "by_document_id": state.by_document_id, "by_code": state.by_code,
            "by_title": by.title if by else None, "sentence": state.sentence,
            "source": state.source,
            "effective": None if state.effective_kind is None else {
                "kind": state.effective_kind, "date": state.effective_date,
                "days": state.effective_days, "sentence": state.effective_sentence},
        },
        "outgoing": [_row(rel, rel.target_code, rel.target_document_id, title)
                     for rel, title in out_rows],
        "incoming": [_row(rel, code, rel.document_id, title) for rel, title, code in in_rows],
    }


def _row(rel: DocumentRelation, code: str | None, other_id: int | None,
         title: str | None) -> dict[str, object]:
    return {"type": rel.type, "code": code, "document_id": other_id, "title": title,
            "kind": rel.target_kind, "date": rel.target_date, "scope": rel.scope,
            "sentence": rel.sentence, "source": rel.source}
