"""The generic spider against the generic portal simulator, over real HTTP into real databases.

The portal (``congdoan.sim.generic``) has a custom layout: ``/bai-viet/<slug>/``
articles, a paginated listing without ``rel=next``, an RSS feed found through
the home page, a sitemap index from robots.txt with a news sitemap, articles
linked only from the sitemap, a documents table and fault pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from congdoan.runtime.locks import EXIT_LOCKED, SiteLock
from congdoan.sim.generic import GenericPortal, GenericSimServer
from congdoan.storage.models import Article, DocumentPosting, Failure
from tests.crawling import FAST, run_congdoan, run_scrapy

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

FAULTS = {"404": 1, "500": 1, "truncated": 1, "soft404": 1}


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path / 'congdoan.sqlite3'}"


def _crawl(server: GenericSimServer, registry: Path, db: str, cwd: Path, *extra: str) -> str:
    result = run_congdoan("crawl", server.portal.site_id, "--registry", str(registry),
                          "--db", db, *FAST, *extra, cwd=cwd)
    # 3: partial, when the portal serves fault pages; a portal without them is crawled ok
    faults = any(a.fault for a in server.portal.articles)
    assert result.returncode == (3 if faults else 0), result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return result.stdout


def _stored(db: str) -> tuple[dict[str, SimpleNamespace], dict[str, SimpleNamespace]]:
    """Stored articles and document postings by URL, with their attachments' URLs."""
    engine = create_engine(db)
    with Session(engine) as session:
        articles = {a.url: SimpleNamespace(
            title=a.title, published_text=a.published_text, published_at=a.published_at,
            author=a.author, source=a.source, body_text=a.body_text, category=a.category,
            attachments=[f.url for f in a.attachments]) for a in session.scalars(select(Article))}
        documents = {p.url: SimpleNamespace(
            code=p.document.code, title=p.document.title, issuer=p.document.issuer,
            issued_on=p.document.issued_on, attachments=[f.url for f in p.attachments])
            for p in session.scalars(select(DocumentPosting))}
    engine.dispose()
    return articles, documents


def _open_failures(db: str) -> set[str]:
    engine = create_engine(db)
    with engine.connect() as conn:
        urls = set(conn.scalars(select(Failure.url).where(Failure.resolved_at.is_(None))))
    engine.dispose()
    return urls


def _serve(tmp: Path, **build: object) -> tuple[GenericSimServer, Path]:
    server = GenericSimServer(GenericPortal.build(**build)).start()  # type: ignore[arg-type]
    registry = tmp / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    return server, registry


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GenericSimServer, str]]:
    """The portal with a 404, a 500 and a truncated article, crawled once into SQLite."""
    tmp = tmp_path_factory.mktemp("generic-faulty")
    server, registry = _serve(tmp, faults=FAULTS)
    db = _sqlite(tmp)
    try:
        _crawl(server, registry, db, tmp)
        yield server, db
    finally:
        server.stop()


def _assert_matches_truth(truth: dict, db: str) -> None:
    articles, documents = _stored(db)
    assert set(articles) == set(truth["articles"])  # every served article, nothing else
    for url, want in truth["articles"].items():
        got = articles[url]
        assert got.title == want["title"]
        assert got.published_text == want["published_text"]
        day, clock = want["published_text"].split()
        local = datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M")
        assert got.published_at.replace(tzinfo=None) == local - timedelta(hours=7)  # UTC
        # every author ("Minh Anh, Thu Hà"), the section of article:section and the trail
        assert got.author == want["author"] and got.source == want["source"]
        assert got.category == want["category"]
        assert got.body_text.startswith(want["first_paragraph"])
        assert "Tác giả" not in got.body_text and "Ngày đăng" not in got.body_text
        assert got.attachments == want["attachments"]
    assert set(documents) == set(truth["documents"])
    for url, want in truth["documents"].items():
        got = documents[url]
        assert (got.code, got.title, got.issuer) == (want["code"], want["title"], want["issuer"])
        assert got.issued_on.strftime("%d/%m/%Y") == want["issued_text"]
        assert got.attachments == want["attachments"]


def test_every_served_item_is_stored_with_its_fields_and_nothing_else(
        faulty: tuple[GenericSimServer, str]) -> None:
    server, db = faulty
    truth = server.truth()
    assert sum(not a["listed"] for a in truth["articles"].values()) == 4  # sitemap-only ones
    _assert_matches_truth(truth, db)
    # the static pages of the sitemap were never taken for articles
    assert not any(r.path in ("/gioi-thieu", "/lien-he") for r in server.requests())


def test_served_is_stored_plus_reported_failed(faulty: tuple[GenericSimServer, str]) -> None:
    server, db = faulty
    truth = server.truth()
    articles, _ = _stored(db)
    failed = _open_failures(db)
    assert failed == set(truth["faults"])  # 404, 500, truncated, soft 404: each in the ledger
    served = set(truth["articles"]) | set(truth["faults"])
    assert served == set(articles) | failed and not set(articles) & failed


def test_a_failed_page_is_fetched_again_and_its_failure_closed_once_it_answers(
        tmp_path: Path) -> None:
    server, registry = _serve(tmp_path, articles=10, documents=2, faults={"500": 1})
    db = _sqlite(tmp_path)
    try:
        _crawl(server, registry, db, tmp_path)
        broken = next(a for a in server.portal.articles if a.fault)
        assert _open_failures(db) == {server.base_url + broken.path}
        broken.fault = ""  # the portal is repaired
        server.clear_requests()
        _crawl(server, registry, db, tmp_path)
        assert [r.path for r in server.requests() if r.path.startswith("/bai-viet/")] == [
            broken.path]  # the ledger's URL, nothing stored
        assert _open_failures(db) == set()
        _assert_matches_truth(server.truth(), db)
    finally:
        server.stop()


def test_incremental_reruns_cost_a_handful_of_requests(tmp_path: Path) -> None:
    server, registry = _serve(tmp_path)
    db = _sqlite(tmp_path)
    try:
        _crawl(server, registry, db, tmp_path)
        first = len(server.requests())
        _assert_matches_truth(server.truth(), db)

        server.clear_requests()
        _crawl(server, registry, db, tmp_path)
        rerun = sorted(r.path for r in server.requests())
        # robots.txt (Scrapy's and ours, for the Sitemap line), the home page (feed link),
        # the feed, the sitemap index, page 1 of the listing and of the documents
        assert rerun == ["/", "/robots.txt", "/robots.txt", "/rss.xml", "/sitemap.xml",
                         "/tin-tuc", "/van-ban"], rerun
        assert first > 50

        # An edited article (new <lastmod>) and a new one: both fetched, nothing else.
        changed = server.portal.articles[10]
        server.portal.modify(changed.slug, "Tiêu đề đã sửa", datetime.now(UTC)
                             + timedelta(minutes=5))
        server.portal.articles.insert(0, GenericPortal.build(articles=1, sitemap_only=0,
                                                             seed=3).articles[0])
        new = server.portal.articles[0]
        new.slug, new.title = "bai-moi-nhat-cua-lien-doan", "Bài mới nhất của Liên đoàn"
        new.published = datetime.now(UTC) - timedelta(hours=1)
        server.clear_requests()
        _crawl(server, registry, db, tmp_path)
        fetched = sorted(r.path for r in server.requests() if r.path.startswith("/bai-viet/"))
        assert fetched == sorted([new.path, changed.path])
        # the 7 above, the two item sitemaps (the index's <lastmod> moved), the changed
        # article's file, and listing page 2 (page 1 held a new item)
        others = sorted(r.path for r in server.requests() if not r.path.startswith("/bai-viet/"))
        assert others == ["/", f"/files/{changed.attachment}", "/robots.txt", "/robots.txt",
                          "/rss.xml", "/sitemap-bai-viet.xml", "/sitemap-tin-moi.xml",
                          "/sitemap.xml", "/tin-tuc", "/tin-tuc?trang=2", "/van-ban"], others
        _assert_matches_truth(server.truth(), db)
    finally:
        server.stop()


def test_a_reconciling_crawl_fetches_what_storage_lacks_from_the_sitemaps(
        tmp_path: Path) -> None:
    server, registry = _serve(tmp_path)
    db = _sqlite(tmp_path)
    try:
        _crawl(server, registry, db, tmp_path)
        # Lost once (the oldest, far down the listing, and a sitemap-only one).
        hidden = next(a.path for a in server.portal.articles if not a.listed)
        lost = [hidden, server.portal.articles[-1].path]
        engine = create_engine(db)
        with Session(engine) as session, session.begin():
            # through the ORM: its cascade removes their attachments too (SQLite does not
            # enforce ON DELETE CASCADE on a plain connection)
            for article in session.scalars(select(Article).where(Article.url.in_(
                    [server.base_url + p for p in lost]))):
                session.delete(article)
        engine.dispose()
        server.clear_requests()
        _crawl(server, registry, db, tmp_path)
        assert not any(r.path in lost for r in server.requests())  # incremental: not found
        _crawl(server, registry, db, tmp_path, "--reconcile")
        fetched = [r.path for r in server.requests() if r.path.startswith("/bai-viet/")]
        assert sorted(fetched) == sorted(lost)  # only the missing ones
        _assert_matches_truth(server.truth(), db)
    finally:
        server.stop()


def test_crawl_into_postgresql(tmp_path: Path, pg_schemas: object) -> None:
    server, registry = _serve(tmp_path, faults=FAULTS)
    db = pg_schemas.new_url()  # type: ignore[attr-defined]
    try:
        _crawl(server, registry, db, tmp_path)
        truth = server.truth()
        _assert_matches_truth(truth, db)
        assert _open_failures(db) == set(truth["faults"])
    finally:
        server.stop()


def test_scrapy_crawl_generic_works_and_both_routes_respect_the_site_lock(
        tmp_path: Path) -> None:
    server, registry = _serve(tmp_path, articles=12, documents=4)
    db = _sqlite(tmp_path)
    try:
        with SiteLock(tmp_path / "data", "generic1"):
            held = run_scrapy("crawl", "generic", "-a", "site=generic1", "-a",
                              f"registry={registry}", "-s", f"CONGDOAN_DATABASE_URL={db}",
                              *FAST, cwd=tmp_path)
            refused = run_congdoan("crawl", "generic1", "--registry", str(registry),
                                   "--db", db, *FAST, cwd=tmp_path)
        assert held.returncode == EXIT_LOCKED, held.stderr[-2000:]
        assert refused.returncode == EXIT_LOCKED, refused.stderr[-2000:]
        assert f"pid {os.getpid()}" in refused.stderr
        assert server.requests() == []  # refused before any request
        result = run_scrapy("crawl", "generic", "-a", "site=generic1", "-a",
                            f"registry={registry}", "-s", f"CONGDOAN_DATABASE_URL={db}",
                            "-s", "LOG_LEVEL=ERROR", *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        _assert_matches_truth(server.truth(), db)
    finally:
        server.stop()


def test_detect_write_then_crawl(tmp_path: Path) -> None:
    """`sites detect --write` on the unknown CMS gives a generic entry `crawl` takes as it is."""
    server = GenericSimServer(GenericPortal.build(articles=20, documents=3)).start()
    registry = tmp_path / "mine.toml"
    db = _sqlite(tmp_path)
    try:
        detected = run_congdoan("sites", "detect", server.base_url, "--id", "danang",
                                "--write", str(registry), cwd=tmp_path)
        assert detected.returncode == 0, detected.stdout + detected.stderr
        text = registry.read_text(encoding="utf-8")
        assert 'cms = "generic"' in text and "enabled = true" in text, text
        assert "[site.generic]" in text and "article_pattern" in text, text
        result = run_congdoan("crawl", "danang", "--registry", str(registry), "--db", db,
                              *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        articles, documents = _stored(db)
        # every article (the sitemap lists them all); documents need a declared page
        assert set(articles) == set(server.truth()["articles"])
        assert documents == {}
    finally:
        server.stop()


def test_a_site_of_a_cms_without_spider_is_refused_in_one_line(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text('[[site]]\nid = "wp"\nprovince = "X"\nname = "X"\n'
                        'base_url = "http://127.0.0.1:9"\ncms = "custom"\nenabled = false\n',
                        encoding="utf-8")
    result = run_congdoan("crawl", "wp", "--registry", str(registry), cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "no spider crawls cms 'custom'" in result.stderr + result.stdout


def test_table_rows_without_a_page_of_their_own_are_each_stored(tmp_path: Path) -> None:
    """Small portals list documents as rows with only a file link. Each row is a document:
    named by the table page and a fragment of its own, stored once, kept on a rerun."""
    server, registry = _serve(tmp_path, articles=4, sitemap_only=0, documents=8,
                              unlinked_documents=3)  # over two pages of the table
    db = _sqlite(tmp_path)
    try:
        unlinked = server.truth()["unlinked_documents"]
        assert len(unlinked) == 3
        _crawl(server, registry, db, tmp_path)
        _crawl(server, registry, db, tmp_path)  # a rerun adds nothing, loses nothing
    finally:
        server.stop()
    _, documents = _stored(db)
    by_code = {d.code: (url, d) for url, d in documents.items()}
    assert len(documents) == 8 and set(unlinked) <= set(by_code)
    for code, want in unlinked.items():
        url, got = by_code[code]
        # named by the table (its first page), wherever the row stands in it
        assert "#" in url and url.split("#")[0].endswith("/van-ban")
        assert (got.title, got.issuer, got.attachments) == (want["title"], want["issuer"],
                                                            want["attachments"])
    engine = create_engine(db)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(DocumentPosting)) == 8
    engine.dispose()
