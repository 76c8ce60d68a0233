"""Documents: one posting per portal page, one document per code + issuer (+ year)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Document, DocumentPosting, ItemVersion

from .conftest import document_record, utc

LAMDONG_URL = "https://ldld.lamdong.gov.vn/vi/laws/detail/chi-thi-so-17-ct-tw-203/"


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_document_gets_one_posting(session: Session) -> None:
    assert upsert_document(session, document_record()) == "new"
    session.commit()

    document = session.scalars(select(Document)).one()
    assert document.code == "17-CT/TW"
    assert (document.code_normalized, document.code_number, document.code_year) == (
        "17-CT/TW",
        17,
        None,
    )
    assert (document.type_abbr, document.type_name, document.issuer_abbr) == ("CT", "Chỉ thị", "TW")
    assert document.issued_on.isoformat() == "2023-07-20"
    assert document.expires_on is None
    assert (document.signer, document.issuer, document.field) == (
        "Trương Thị Mai",
        "Ban Bí thư",
        ["Công đoàn"],
    )
    assert (document.views, document.downloads) == (10, 2)
    posting = document.postings[0]
    assert (posting.site, posting.source_id, posting.title) == ("dienbien", 55, document.title)
    assert [a.name for a in posting.attachments] == ["17ct.pdf"]


def test_the_same_code_and_issuer_on_two_portals_is_one_document(session: Session) -> None:
    upsert_document(session, document_record())
    other = document_record(
        site="lamdong",
        url=LAMDONG_URL,
        canonical_url=LAMDONG_URL,
        source_id=203,
        code="17 - CT/TW",  # displayed differently, same normalised code
        title="Chỉ thị số 17-CT/TW",
        signer=None,  # not shown on this portal
        views=7,
        downloads=None,
        fetched_at="2024-05-03T00:00:00Z",
    )
    assert upsert_document(session, other) == "new"
    session.commit()

    document = session.scalars(select(Document)).one()
    assert sorted(p.site for p in document.postings) == ["dienbien", "lamdong"]
    assert _count(session, DocumentPosting) == 2
    # The latest posting leads, gaps are filled from the others, counters add up.
    assert document.title == "Chỉ thị số 17-CT/TW"
    assert document.code == "17 - CT/TW"
    assert document.signer == "Trương Thị Mai"
    assert (document.views, document.downloads) == (17, 2)
    assert (document.first_seen_at, document.last_seen_at) == (
        utc(2024, 5, 2, 3),
        utc(2024, 5, 3),
    )


def test_same_code_from_another_issuer_is_another_document(session: Session) -> None:
    upsert_document(
        session,
        document_record(
            code="92/CT-UBND",
            issuer="UBND tỉnh Điện Biên",
            code_parsed={"number": 92, "normalized": "92/CT-UBND", "issuer_abbr": "UBND"},
        ),
    )
    upsert_document(
        session,
        document_record(
            site="lamdong",
            canonical_url=LAMDONG_URL,
            code="92/CT-UBND",
            issuer="UBND tỉnh Lâm Đồng",
            code_parsed={"number": 92, "normalized": "92/CT-UBND", "issuer_abbr": "UBND"},
        ),
    )
    session.commit()
    assert _count(session, Document) == 2


def test_documents_without_a_parsed_code_are_one_per_posting(session: Session) -> None:
    upsert_document(session, document_record(code=None, code_parsed=None))
    upsert_document(
        session,
        document_record(
            site="lamdong",
            canonical_url=LAMDONG_URL,
            code="không số",
            code_parsed=None,
        ),
    )
    session.commit()
    assert _count(session, Document) == 2
    assert set(session.scalars(select(Document.code_normalized))) == {None}


def test_unchanged_posting_only_moves_last_seen_and_counters(session: Session) -> None:
    upsert_document(session, document_record())
    session.commit()
    hash_before = session.scalars(select(DocumentPosting.content_hash)).one()

    again = document_record(fetched_at="2024-06-01T00:00:00Z", views=99)
    assert upsert_document(session, again) == "unchanged"
    session.commit()

    posting = session.scalars(select(DocumentPosting)).one()
    assert posting.content_hash == hash_before
    assert posting.last_seen_at == utc(2024, 6, 1)
    assert posting.changed_at == utc(2024, 5, 2, 3)
    assert posting.document.views == 99
    assert posting.document.last_seen_at == utc(2024, 6, 1)
    assert _count(session, ItemVersion) == 0


def test_changed_posting_keeps_its_previous_version(session: Session) -> None:
    upsert_document(session, document_record())
    session.commit()
    edited = document_record(expires_on="2030-12-31", fetched_at="2024-06-01T00:00:00Z")
    assert upsert_document(session, edited) == "changed"
    session.commit()

    document = session.scalars(select(Document)).one()
    assert document.expires_on.isoformat() == "2030-12-31"
    version = session.scalars(select(ItemVersion)).one()
    assert version.kind == "posting"
    assert version.data["expires_on"] is None
    assert (version.valid_from, version.valid_to) == (utc(2024, 5, 2, 3), utc(2024, 6, 1))


def test_a_corrected_code_moves_the_posting_to_its_document(session: Session) -> None:
    upsert_document(
        session,
        document_record(
            site="lamdong",
            canonical_url=LAMDONG_URL,
            code="71-CT/TW",
            code_parsed={"number": 71, "normalized": "71-CT/TW"},
        ),
    )
    upsert_document(session, document_record())
    session.commit()
    assert _count(session, Document) == 2

    fixed = document_record(site="lamdong", canonical_url=LAMDONG_URL)
    assert upsert_document(session, fixed) == "changed"
    session.commit()

    document = session.scalars(select(Document)).one()
    assert document.code_normalized == "17-CT/TW"
    assert len(document.postings) == 2


def test_a_new_document_is_stored_as_its_merge_would_write_it(session: Session) -> None:
    """A new posting of a new document takes the Core INSERT path (no unit of work);
    merging the stored document again from its postings changes none of its columns,
    and an article citing the code earlier now points at it, as on the ORM path."""
    from congdoan.storage.documents import _merge
    from congdoan.storage.models import ArticleReference
    from congdoan.storage.repository import upsert_article

    from .conftest import article_record

    upsert_article(session, article_record(references=["17-CT/TW"]))
    record = document_record(attachments=[{
        "url": "https://ldld.dienbien.gov.vn/uploads/ct17.pdf", "name": "ct17.pdf",
        "sha256": "a" * 64, "size": 1234, "stored_path": "aa/a.pdf",
        "media_type": "application/pdf", "text": "Chỉ thị số mười bảy"}])
    assert upsert_document(session, record) == "new"
    session.commit()
    document = session.scalars(select(Document)).one()
    stored = {c.key: getattr(document, c.key) for c in Document.__table__.columns}
    assert "muoi bay" in stored["search_text"]
    assert document.postings[0].attachments[0].text == "Chỉ thị số mười bảy"
    _merge(session, document)
    assert {c.key: getattr(document, c.key) for c in Document.__table__.columns} == stored
    assert session.scalars(select(ArticleReference.document_id)).one() == document.id
