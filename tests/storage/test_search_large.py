"""A search with very many matches: the newest ranked; on PostgreSQL an estimated count.

At national scale a two-word query matches hundreds of thousands of items; counting and
ranking them all reads every match's row (``ranking.pg_rank``); SQLite counts them from
its index but scores only the newest (``ranking.sqlite_rank``). Here the limits are
lowered so a few hundred items behave as those do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from congdoan.storage import ranking
from congdoan.storage.db import make_engine, session_factory, upgrade
from congdoan.storage.facets import Filters, find
from congdoan.storage.ranking import sqlite_ranking
from congdoan.storage.repository import upsert_article
from congdoan.storage.search import Filters as SearchFilters
from congdoan.storage.search import search_page
from tests.conftest import PgSchemas

from .conftest import article_record

FIRST = datetime(2016, 1, 1, 1, tzinfo=UTC)
FILLER = " ".join(f"câu chữ số {n} trong bài viết dài về hoạt động công đoàn" for n in range(12))


def _write_archive(url: str) -> None:
    """600 articles over ten years, every other one about "an toàn lao động"."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            for n in range(600):
                topic = ("tuyên truyền an toàn lao động" if n % 2 == 0
                         else "giải bóng đá công nhân")
                upsert_article(session, article_record(
                    canonical_url=f"https://ldld.example.vn/vi/news/tin/bai-{n}.html",
                    title=f"Tin số {n}: {topic}", summary=None, references=[], source_id=n,
                    attachments=[], images=[], tags=[],
                    body_text=f"{topic}. {FILLER}",
                    published_at=(FIRST + timedelta(days=6 * n)).isoformat()))
            session.commit()
            if engine.dialect.name == "postgresql":
                # Statistics as autovacuum keeps them (the estimates read them).
                session.execute(text("ANALYZE articles_search"))
                session.execute(text("ANALYZE documents_search"))
                session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def archive_url(pg_schemas: PgSchemas) -> str:
    """The archive, written once for the module (the tests only read) into a schema of
    its own: its statistics (ANALYZE) would change other tests' idf in the shared one
    (TRUNCATE keeps them)."""
    url = pg_schemas.new_url()
    _write_archive(url)
    return url


@pytest.fixture
def archive(archive_url: str) -> Iterator[Session]:
    """A session on the module's archive, with the statistics read afresh."""
    ranking._STATS.clear()  # search reuses them for 5 minutes
    engine = make_engine(archive_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_below_the_limit_every_match_is_counted_and_ranked(archive: Session) -> None:
    page = search_page(archive, "an toàn lao động", limit=10)
    assert (page.total, page.exact) == (300, True)


@pytest.mark.postgres
def test_above_the_limit_the_count_is_estimated_and_the_newest_are_ranked(
    archive: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 40)
    monkeypatch.setattr(ranking, "POOL", 30)
    page = search_page(archive, "an toàn lao động", limit=10)
    assert not page.exact
    assert 150 <= page.total <= 600  # about 300: rows of every date lie all over the table
    assert 30 <= page.ranked < 300  # the pool, not every match
    assert len(page.hits) == 10
    newest_first = sorted(range(0, 600, 2), reverse=True)[:page.ranked]
    assert {int(h.title.split()[2].rstrip(":")) for h in page.hits} <= set(newest_first)
    # Unchanged below the limits: the same query with them raised counts exactly.
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 1000)
    assert search_page(archive, "an toàn lao động", limit=10).total == 300


@pytest.mark.postgres
def test_the_web_page_says_about_and_pages_only_through_what_was_ranked(
    archive: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 40)
    monkeypatch.setattr(ranking, "POOL", 30)
    page = find(archive, Filters(q="an toan lao dong"), per_page=10)
    assert not page.exact and page.pages == -(-min(page.total, page.ranked) // 10)
    last = find(archive, Filters(q="an toan lao dong"), page=page.pages, per_page=10)
    assert last.hits  # the last page offered has hits


@pytest.mark.postgres
def test_facets_of_a_large_result_are_estimated_from_its_sample(
    archive: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    exact = find(archive, Filters(q="an toan lao dong"), per_page=10)
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 40)
    monkeypatch.setattr(ranking, "SAMPLE", 60)
    sampled = find(archive, Filters(q="an toan lao dong"), per_page=10)
    assert not exact.facets_sampled and sampled.facets_sampled
    years = dict(exact.facets["year"])  # 300 matches over ten years, ~30 a year
    assert sum(years.values()) == 300
    estimated = dict(sampled.facets["year"])
    assert set(estimated) <= set(years)
    assert 150 <= sum(estimated.values()) <= 600
    assert len(estimated) >= 8  # hashed ids: a sample of every year
    total = dict(sampled.facets["kind"])["article"]  # each count scaled and rounded
    assert abs(total - sum(estimated.values())) <= len(estimated)
    assert dict(sampled.facets["site"]) == {"dienbien": total}


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The archive in SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('large') / 'archive.sqlite3'}"
    _write_archive(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def test_on_sqlite_above_the_limit_the_count_is_exact_and_the_best_of_the_newest_win(
    sqlite_archive: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    query = "an toàn lao động"
    # Every match's score and date, from the ranking statement itself, with no limit.
    stmt = sqlite_ranking("article", SearchFilters(q=query).query)
    scores = {i: s for i, s in sqlite_archive.execute(stmt)}
    days = {i: d for i, d in sqlite_archive.execute(text("SELECT id, day FROM articles_fts_day"))}
    assert len(scores) == 300
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 40)
    monkeypatch.setattr(ranking, "POOL", 30)
    page = search_page(sqlite_archive, query, limit=10)
    assert (page.total, page.exact) == (300, True)  # counted, not estimated
    assert 30 <= page.ranked < 300
    # The hits: the best of exactly the ``ranked`` newest matches, in score order.
    window = sorted(scores, key=lambda i: days[i], reverse=True)[:page.ranked]
    assert min(days[i] for i in window) > max(days[i] for i in scores if i not in window)
    best = sorted(window, key=lambda i: (-scores[i], -i))[:10]
    assert [h.id for h in page.hits] == best
    assert [h.score for h in page.hits] == pytest.approx([scores[i] for i in best])
    # A filter narrowing the matches widens the window until it holds enough of them.
    narrow = search_page(sqlite_archive, query, since=FIRST + timedelta(days=6 * 590),
                         limit=10)
    assert narrow.total == 5 and narrow.ranked == 0
    monkeypatch.setattr(ranking, "EXACT_LIMIT", 1000)  # below the limit: every match
    assert search_page(sqlite_archive, query, limit=10).ranked == 0
