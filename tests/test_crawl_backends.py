"""The real crawl stores into SQLite and into PostgreSQL alike, and a re-crawl changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from congdoan.storage.models import Article, CrawlRun, Document, DocumentPosting
from tests.conftest import CrawledPortals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_crawl_stores_every_served_item(crawled: CrawledPortals) -> None:
    engine = create_engine(crawled.db_url)
    with engine.connect() as conn:
        articles = conn.scalar(select(func.count()).select_from(Article))
        postings = conn.scalar(select(func.count()).select_from(DocumentPosting))
        documents = conn.scalar(select(func.count()).select_from(Document))
        runs = conn.execute(select(CrawlRun.site, CrawlRun.status, CrawlRun.new)).all()
    engine.dispose()
    assert articles == crawled.served("article")
    assert postings == crawled.served("document")
    assert 0 < documents <= postings  # the same code + issuer on two portals is one document
    assert sorted(status for _, status, _ in runs) == ["ok", "ok"]
    assert sum(new for _, _, new in runs) == articles + postings


def test_recrawl_is_idempotent(crawled: CrawledPortals) -> None:
    again = crawled.crawl("--full")  # incremental (the default) would fetch nothing again
    assert again.returncode == 0, again.stderr[-2000:]
    engine = create_engine(crawled.db_url)
    with engine.connect() as conn:
        articles = conn.scalar(select(func.count()).select_from(Article))
        last = conn.execute(
            select(CrawlRun.new, CrawlRun.changed, CrawlRun.unchanged)
            .order_by(CrawlRun.id.desc()).limit(2)
        ).all()
    engine.dispose()
    assert articles == crawled.served("article")
    assert all(new == 0 and changed == 0 for new, changed, _ in last)
    assert sum(unchanged for _, _, unchanged in last) == \
        crawled.served("article") + crawled.served("document")
