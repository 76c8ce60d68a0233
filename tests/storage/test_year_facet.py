"""The year facet: counted from the date index when nothing is filtered, by grouping
every matching row otherwise; both give the same counts, at year boundaries too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.facets import Filters, facet_counts
from congdoan.storage.models import Article
from congdoan.storage.repository import upsert_article
from congdoan.vntime import vn_day

from .conftest import article_record

# Stored in UTC, counted in Vietnam years: the third one is already 2025 in Vietnam.
PUBLISHED = [
    "2024-01-01T06:59:00+07:00",  # 2023-12-31 23:59 UTC
    "2024-01-01T07:00:00+07:00",  # 2024-01-01 00:00 UTC
    "2024-12-31T23:00:00+00:00",
    "2025-01-01T00:00:00+00:00",
    "2019-06-01T08:00:00+07:00",
    None,  # no date on the page: the day it was first seen counts
]


def _store(session: Session) -> None:
    for n, published in enumerate(PUBLISHED, start=1):
        upsert_article(session, article_record(
            source_id=n, published_at=published, published_text=None,
            canonical_url=f"https://ldld.dienbien.gov.vn/vi/news/hoat-dong/bai-{n}.html",
            url=f"https://ldld.dienbien.gov.vn/vi/news/hoat-dong/bai-{n}.html"))
    session.commit()


def _expected(session: Session) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for published, seen in session.execute(select(Article.published_at, Article.first_seen_at)):
        year = str(vn_day(published or seen).year)
        counts[year] = counts.get(year, 0) + 1
    return sorted(counts.items(), reverse=True)


def test_years_from_the_index_equal_years_from_the_rows(session: Session) -> None:
    _store(session)
    expected = _expected(session)
    assert ("2025", 2) in expected and ("2019", 1) in expected
    unfiltered = facet_counts(session, Filters(kind="article"))["year"]  # from the index
    by_rows = facet_counts(session, Filters(kind="article", site="dienbien"))["year"]  # grouped
    assert unfiltered == by_rows == expected


def test_no_articles_no_years(session: Session) -> None:
    assert facet_counts(session, Filters(kind="article"))["year"] == []
