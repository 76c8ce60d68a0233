"""Stats: what is stored, per site and in total."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.repository import upsert_article
from congdoan.storage.runs import finish_run, record_failure, start_run
from congdoan.storage.stats import stats

from .conftest import article_record, document_record, utc

LAMDONG_URL = "https://ldld.lamdong.gov.vn/vi/laws/detail/chi-thi-17-203/"


def test_an_empty_database(session: Session) -> None:
    result = stats(session)
    assert result["sites"] == {}
    assert set(result["totals"].values()) == {0}
    assert result["date_range"] == {"articles": (None, None), "documents": (None, None)}


def test_counts_per_site_and_kind(session: Session) -> None:
    upsert_article(session, article_record(raw_body=b"page"))
    upsert_article(
        session,
        article_record(
            canonical_url="https://ldld.dienbien.gov.vn/vi/news/b-2.html",
            published_at="2022-01-03T10:00:00+07:00",
            attachments=[],
        ),
    )
    upsert_document(session, document_record())
    upsert_document(session, document_record(site="lamdong", canonical_url=LAMDONG_URL))
    record_failure(session, "lamdong", "https://ldld.lamdong.gov.vn/x", "HTTP 500")
    run = start_run(session, "dienbien")
    finish_run(session, run, "ok", {"new": 3})
    session.commit()

    result = stats(session)
    dienbien, lamdong = result["sites"]["dienbien"], result["sites"]["lamdong"]
    assert (dienbien["articles"], dienbien["documents"], dienbien["attachments"]) == (2, 1, 2)
    assert (dienbien["first_published"], dienbien["last_published"]) == (
        utc(2022, 1, 3, 3),
        utc(2024, 5, 1, 2, 15),
    )
    assert dienbien["last_run"]["status"] == "ok"
    # The latest run's counts travel with it (finish_run leaves the others at 0).
    assert {k: dienbien["last_run"][k] for k in ("new", "changed", "failed")} == {
        "new": 3, "changed": 0, "failed": 0}
    assert (lamdong["articles"], lamdong["documents"], lamdong["open_failures"]) == (0, 1, 1)
    assert lamdong["last_run"] is None
    assert result["totals"] == {
        "articles": 2,
        "documents": 1,
        "postings": 2,
        "attachments": 3,
        "raw_pages": 1,
        "versions": 0,
        "open_failures": 1,
    }
    assert result["date_range"]["documents"] == (date(2023, 7, 20), date(2023, 7, 20))
