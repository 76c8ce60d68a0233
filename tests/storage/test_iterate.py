"""Streaming records out for exports and re-parsing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.iterate import iter_articles, iter_documents
from congdoan.storage.repository import upsert_article
from congdoan.web.exporting import records

from .conftest import article_record, document_record

LAMDONG_URL = "https://ldld.lamdong.gov.vn/vi/laws/detail/chi-thi-17-203/"


def test_articles_come_out_with_attachments_and_references(session: Session) -> None:
    upsert_article(session, article_record())
    upsert_article(
        session,
        article_record(
            site="lamdong",
            fetched_at="2024-06-01T00:00:00Z",
            references=[],
        ),
    )
    session.commit()

    rows = list(iter_articles(session))
    assert [r["site"] for r in rows] == ["dienbien", "lamdong"]
    first = rows[0]
    assert first["title"] == article_record()["title"]
    assert first["attachments"][0]["name"] == "ct17.pdf"
    assert first["references"] == [{"code": "17-CT/TW", "document_id": None}]
    assert [r["site"] for r in iter_articles(session, site="lamdong")] == ["lamdong"]
    assert [r["site"] for r in iter_articles(session, since=date(2024, 5, 15))] == ["lamdong"]


def test_documents_come_out_with_their_postings(session: Session) -> None:
    upsert_document(session, document_record())
    upsert_document(
        session,
        document_record(
            site="lamdong",
            canonical_url=LAMDONG_URL,
            fetched_at="2024-06-01T00:00:00Z",
        ),
    )
    session.commit()

    (document,) = iter_documents(session)
    assert document["code_normalized"] == "17-CT/TW"
    assert [p["site"] for p in document["postings"]] == ["dienbien", "lamdong"]
    assert document["postings"][0]["attachments"][0]["name"] == "17ct.pdf"
    assert len(list(iter_documents(session, site="lamdong"))) == 1
    assert len(list(iter_documents(session, site="angiang"))) == 0
    assert len(list(iter_documents(session, since=date(2024, 5, 15)))) == 1
    assert len(list(iter_documents(session, since=date(2024, 7, 1)))) == 0


def test_a_web_download_holds_the_records_an_export_holds_in_the_hits_order(
        session: Session) -> None:
    # The web's downloads assembled records with a copy of this code: now both are one.
    for site in ("dienbien", "lamdong", "angiang"):
        upsert_article(session, article_record(site=site, url=f"https://{site}.vn/a-1.html",
                                               canonical_url=f"https://{site}.vn/a-1.html"))
    upsert_document(session, document_record())
    session.commit()
    exported = {r["id"]: r for r in iter_articles(session)}
    hits = sorted(exported, reverse=True)[:2]  # a search's order, not the ids'
    assert list(records(session, "article", hits)) == [exported[i] for i in hits]
    (document,) = iter_documents(session)
    assert list(records(session, "document", [document["id"], 999_999])) == [document]
    assert list(iter_articles(session, ids=[])) == []
