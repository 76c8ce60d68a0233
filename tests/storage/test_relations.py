"""Relations stored with documents: resolved across portals, statuses, re-read, watched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.pipelines.normalize import document_code
from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Delivery, Document, DocumentRelation, DocumentStatus, Watch
from congdoan.storage.relations import STATUS_LABELS

from .conftest import document_record


def _doc(code: str, site: str, number: int, body: str | None = None,
         issued: str = "2022-01-03", **extra: Any) -> dict[str, Any]:
    url = f"https://{site}.example/vi/laws/detail/{number}/"
    fields = {"issuer": "Ban Thường vụ LĐLĐ", **extra}
    record = document_record(site=site, url=url, canonical_url=url, source_id=number, code=code,
                             title=f"Quyết định {code}", intro=None, body_text=body,
                             issued_on=issued, issued_text=issued, attachments=[], **fields)
    document_code(record)
    return record


def _status(session: Session, code: str) -> DocumentStatus:
    document = session.scalars(select(Document).where(Document.code_normalized == code)).one()
    state = session.get(DocumentStatus, document.id)
    assert state is not None
    return state


def test_a_replaced_document_names_its_successor(session: Session) -> None:
    upsert_document(session, _doc("12/QĐ-LĐLĐ", "dienbien", 12))
    assert _status(session, "12/QĐ-LĐLĐ").status == "in_force"
    # The successor is posted on another portal, with its closing article.
    upsert_document(session, _doc(
        "20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
        body="Căn cứ Điều lệ Công đoàn Việt Nam;\nĐiều 3. Quyết định này có hiệu lực kể từ "
             "ngày ký và thay thế Quyết định số 12 /qđ-lđlđ ngày 3/1/2022."))
    old, new = _status(session, "12/QĐ-LĐLĐ"), _status(session, "20/QĐ-LĐLĐ")
    successor = session.scalars(select(Document).where(
        Document.code_normalized == "20/QĐ-LĐLĐ")).one()
    assert (old.status, old.by_document_id, old.by_code) == ("replaced", successor.id,
                                                              "20/QĐ-LĐLĐ")
    assert "thay thế Quyết định số 12" in old.sentence and old.source == "body"
    assert (new.status, new.effective_kind) == ("in_force", "on_signing")
    (rel,) = session.scalars(select(DocumentRelation)).all()
    assert (rel.type, rel.target_code, rel.scope, rel.target_document_id) == (
        "replaces", "12/QĐ-LĐLĐ", "whole", old.document_id)
    assert STATUS_LABELS[old.status] == "replaced by"


def test_a_target_stored_later_is_resolved_then(session: Session) -> None:
    upsert_document(session, _doc("30/QĐ-LĐLĐ", "dienbien", 30, issued="2024-02-01",
                                  body="Bãi bỏ khoản 2 Điều 5 Quyết định số 7/QĐ-LĐLĐ."))
    (rel,) = session.scalars(select(DocumentRelation)).all()
    assert rel.target_document_id is None
    upsert_document(session, _doc("07/QĐ-LĐLĐ", "dienbien", 7))
    session.refresh(rel)
    assert rel.target_document_id is not None
    assert _status(session, "07/QĐ-LĐLĐ").status == "amended"  # a clause repealed only


def test_an_ambiguous_code_resolves_by_date_or_not_at_all(session: Session) -> None:
    upsert_document(session, _doc("05/QĐ-LĐLĐ", "dienbien", 5, issued="2021-01-04"))
    upsert_document(session, _doc("05/QĐ-LĐLĐ", "laichau", 5, issued="2022-06-01",
                                  issuer="Ban Thường vụ LĐLĐ Lai Châu"))
    upsert_document(session, _doc("40/QĐ-LĐLĐ", "laichau", 40, issued="2024-01-01",
                                  body="Thay thế Quyết định số 05/QĐ-LĐLĐ ngày 01/6/2022."))
    replaced = session.scalars(select(Document).where(
        Document.code_normalized == "05/QĐ-LĐLĐ", Document.issued_on.is_not(None))).all()
    by_date = {d.issued_on.isoformat(): session.get(DocumentStatus, d.id).status
               for d in replaced}
    assert by_date == {"2021-01-04": "in_force", "2022-06-01": "replaced"}


def test_a_watch_hears_of_a_status_change(session: Session) -> None:
    from datetime import UTC, datetime

    session.add(Watch(name="qd12", query="", kind="document", code="12/QĐ-LĐLĐ",
                      webhook_url="http://127.0.0.1:9/hook", created_at=datetime.now(UTC)))
    session.flush()
    upsert_document(session, _doc("12/QĐ-LĐLĐ", "dienbien", 12))
    session.query(Delivery).delete()  # the new document's own alert
    upsert_document(session, _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                                  body="Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ."))
    deliveries = session.scalars(select(Delivery)).all()
    assert [(d.change, d.title) for d in deliveries] == [("status", "Quyết định 12/QĐ-LĐLĐ")]
    # The same change stored again is no news.
    upsert_document(session, _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                                  body="Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ. "))
    assert len(session.scalars(select(Delivery)).all()) == 1


def test_the_successor_deleted_puts_the_target_back_in_force(session: Session) -> None:
    upsert_document(session, _doc("12/QĐ-LĐLĐ", "dienbien", 12))
    upsert_document(session, _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                                  body="Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ."))
    assert _status(session, "12/QĐ-LĐLĐ").status == "replaced"
    # A corrected page: the successor no longer says it replaces anything.
    upsert_document(session, _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                                  body="Quyết định này có hiệu lực kể từ ngày ký."))
    assert _status(session, "12/QĐ-LĐLĐ").status == "in_force"
    assert session.scalars(select(DocumentRelation)).all() == []


def test_an_unchanged_document_stored_again_gets_its_relations(session: Session) -> None:
    """What ``reparse`` does for a database filled before relations were read (0011): the
    unchanged posting is merged again, and its relations and statuses are read then."""
    from sqlalchemy import delete

    upsert_document(session, _doc("12/QĐ-LĐLĐ", "dienbien", 12))
    successor = _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                     body="Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ.")
    upsert_document(session, successor)
    session.execute(delete(DocumentRelation))
    session.execute(delete(DocumentStatus))
    assert upsert_document(session, successor) == "unchanged"
    assert _status(session, "12/QĐ-LĐLĐ").status == "replaced"
    assert len(session.scalars(select(DocumentRelation)).all()) == 1


def test_a_new_document_does_not_ask_for_relations_or_a_status_it_cannot_have(
        session: Session) -> None:
    """A document inserted in this transaction has no relations and no status (both go
    with a deleted document, ON DELETE CASCADE): reading and deleting them was three
    statements of the ~20 a new document cost the store."""
    from tests.statements import recorded

    upsert_document(session, _doc("12/QĐ-LĐLĐ", "dienbien", 12))
    with recorded(session.get_bind()) as statements:
        upsert_document(session, _doc("20/QĐ-LĐLĐ", "laichau", 20, issued="2024-05-02",
                                      body="Quyết định này thay thế Quyết định số 12/QĐ-LĐLĐ."))
    own_relations = [s for s in statements
                     if "document_relations.document_id = " in s.replace("\n", " ")]
    assert own_relations == []
    assert not any(s.startswith("DELETE FROM document_relations") for s in statements)
    # Its status is inserted, never asked for first (its predecessor's is read after).
    inserted = next(i for i, s in enumerate(statements)
                    if s.startswith("INSERT INTO document_status"))
    assert not any(s.startswith("SELECT document_status") for s in statements[:inserted])
    assert _status(session, "12/QĐ-LĐLĐ").status == "replaced"
    assert _status(session, "20/QĐ-LĐLĐ").status == "in_force"
