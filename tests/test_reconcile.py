"""An item missed once is not missed forever (issue #10, item 3).

Stored items are deleted behind the crawler's back, deep in their listings
where an incremental crawl never looks. A plain incremental crawl does not
bring them back; a reconciling one (``--reconcile``, or by default once the
last reconciliation is a week old) compares the portal's sitemaps and its whole
laws list with storage and fetches exactly the missing items. Real simulator,
real SQLite and real PostgreSQL; the request counts come from the simulator's log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from congdoan.registry import load_registry
from congdoan.sim import SimServer
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

ARTICLES, DOCUMENTS = 150, 45  # 30 articles a section: three listing pages


@dataclass
class Crawled:
    server: SimServer
    registry: Path
    db: str
    workdir: Path

    def crawl(self, *extra: str) -> list[str]:
        """Crawl sim1 again; the paths it requested (the simulator's log)."""
        self.server.clear_requests()
        result = run_congdoan("crawl", "sim1", "--registry", str(self.registry), "--db",
                              self.db, *FAST, *extra, cwd=self.workdir)
        assert result.returncode == 0, result.stderr
        return [r.path for r in self.server.requests("sim1")]

    def stored_ids(self) -> tuple[set[int], set[int]]:
        engine = make_engine(self.db)
        with engine.connect() as conn:
            articles = set(conn.scalars(select(Article.source_id)))
            documents = set(conn.scalars(select(DocumentPosting.source_id)))
        engine.dispose()
        return articles, documents

    def delete(self, articles: list[int], documents: list[int]) -> None:
        """Remove stored items as a careless admin or a lost write would: behind the crawler."""
        engine = make_engine(self.db)
        with session_factory(engine)() as session, session.begin():
            for model, ids in ((Article, articles), (DocumentPosting, documents)):
                for row in session.scalars(select(model).where(model.source_id.in_(ids))):
                    session.delete(row)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Crawled]:
    if request.param == "sqlite":
        db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    else:
        schemas: PgSchemas = request.getfixturevalue("pg_schemas")
        db = schemas.new_url()
    server, registry = serve_portals(tmp_path, sites=1, articles=ARTICLES, documents=DOCUMENTS)
    try:
        portal = Crawled(server, registry, db, tmp_path)
        portal.crawl()
        assert portal.stored_ids() == _served(server)
        yield portal
    finally:
        server.stop()


def _served(server: SimServer) -> tuple[set[int], set[int]]:
    content = server.portal("sim1").content
    return set(content.article_ids()), set(content.document_ids())


def _deep_items(server: SimServer) -> tuple[list[int], list[int]]:
    """The three oldest articles and documents: last in their listings, in no RSS feed."""
    content = server.portal("sim1").content
    articles = sorted(content.article_ids(), key=lambda i: content.article(i).published)[:3]
    documents = content.document_ids()[-3:]  # the laws list's last page
    return articles, documents


def _split(paths: list[str]) -> tuple[Counter[str], list[str]]:
    """(pages, attachment downloads) of a crawl's requests."""
    files = [p for p in paths if "download=1" in p or p.startswith("/uploads/")]
    return Counter(p for p in paths if p not in files), files


def _expected_reconcile_pages(server: SimServer, registry: Path, missing_pages: list[str]
                              ) -> Counter[str]:
    portal = server.portal("sim1")
    urls = portal.urls
    laws_pages = -(-len(portal.content.document_ids()) // portal.spec.laws_per_page)
    sections = load_registry(registry).get("sim1").news_sections
    expected = Counter(["/robots.txt", urls.news_rss(), urls.laws_rss(),
                        urls.sitemap_index(), urls.sitemap(urls.news_nv),
                        urls.sitemap(urls.laws_nv)])
    expected.update(urls.news_cat(alias) for alias in sections)  # page 1: all stored, stop
    expected.update(urls.laws_list(n) for n in range(1, laws_pages + 1))  # the whole list
    expected.update([urls.laws_list(1)])  # read once more after the walk (the recheck)
    expected.update(missing_pages)
    return expected


def _detail_paths(server: SimServer, articles: list[int], documents: list[int]) -> list[str]:
    portal = server.portal("sim1")
    return ([portal.article_url(portal.content.article(i)) for i in articles]
            + [portal.urls.law_detail(portal.content.document(i).alias) for i in documents])


def test_reconcile_restores_items_deleted_behind_the_crawlers_back(crawled: Crawled) -> None:
    server = crawled.server
    articles, documents = _deep_items(server)
    crawled.delete(articles, documents)

    # A plain incremental crawl: a page of stored items per section, the deep ones stay lost.
    plain = crawled.crawl()
    assert crawled.stored_ids() != _served(server)
    assert not any("sitemap" in p.lower() for p in plain)

    paths = crawled.crawl("--reconcile")
    assert crawled.stored_ids() == _served(server)
    pages, files = _split(paths)
    missing = _detail_paths(server, articles, documents)
    assert pages == _expected_reconcile_pages(server, crawled.registry, missing)
    # Attachments: only those of the restored items.
    details = _detail_paths(server, articles, documents)
    assert all(any(f.startswith(d) for d in details) or f.startswith("/uploads/")
               for f in files), files
    print(f"\nreconcile: {len(plain)} requests for the plain crawl, {len(paths)} for the "
          f"reconciling one ({sum(pages.values())} pages, {len(files)} attachments) to "
          f"restore {len(articles)} articles and {len(documents)} documents of "
          f"{ARTICLES} + {DOCUMENTS}")


def test_a_week_after_the_last_reconciliation_a_plain_crawl_reconciles(
        crawled: Crawled) -> None:
    server = crawled.server
    articles, documents = _deep_items(server)
    crawled.delete(articles, documents)
    # The last reconciliation (the first crawl) is made eight days old.
    engine = make_engine(crawled.db)
    with session_factory(engine)() as session, session.begin():
        session.execute(update(CrawlRun).values(
            finished_at=datetime.now(UTC) - timedelta(days=8),
            started_at=datetime.now(UTC) - timedelta(days=8)))
    engine.dispose()

    paths = crawled.crawl()
    assert crawled.stored_ids() == _served(server)
    pages, _ = _split(paths)
    missing = _detail_paths(server, articles, documents)
    assert pages == _expected_reconcile_pages(server, crawled.registry, missing)
    # ... and that crawl counts as the last reconciliation: the next one is plain again.
    again = crawled.crawl()
    assert not any("sitemap" in p.lower() for p in again)
