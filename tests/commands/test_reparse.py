"""``congdoan reparse``: every stored item re-extracted from the raw archive, on both backends.

The read-only checks run on the shared ``crawled`` database. The tests that
damage records (an old parser's wrong title, a lost raw page) get a database
of their own, crawled from the same simulated portals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.iterate import iter_articles, iter_documents
from congdoan.storage.models import Article, Attachment, DocumentPosting, ItemVersion
from congdoan.storage.records import (
    DOCUMENT_CONTENT_FIELDS,
    content_fields,
    content_hash,
    search_fold,
)
from congdoan.storage.repository import article_content
from tests.conftest import CrawledPortals
from tests.crawling import FAST, run_congdoan

EXIT_PARTIAL = 3


def reparse(db: str, *args: str, cwd: Path, registry: Path | None = None
            ) -> tuple[int, dict[str, Any], str]:
    """Run ``congdoan reparse --json`` with the registry the sites were crawled with
    (``cwd/sites.toml`` unless given): exit code, the JSON report, stderr."""
    registry = registry or cwd / "sites.toml"
    result = run_congdoan("reparse", "--db", db, "--registry", str(registry), "--json", *args,
                          cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def snapshot(db: str) -> dict[str, Any]:
    """Everything a user reads back: articles, documents with postings, stored versions."""
    engine = make_engine(db)
    try:
        with session_factory(engine)() as session:
            return {
                "articles": list(iter_articles(session)),
                "documents": list(iter_documents(session)),
                "versions": session.scalar(select(func.count()).select_from(ItemVersion)),
            }
    finally:
        engine.dispose()


@pytest.fixture
def session_of() -> Iterator[Any]:
    """Open sessions on any database URL; every engine is disposed at the end."""
    engines = []

    def open_session(db: str) -> Session:
        engine = make_engine(db)
        engines.append(engine)
        return session_factory(engine)()

    yield open_session
    for engine in engines:
        engine.dispose()


@pytest.fixture(scope="module")
def own_db(crawled: CrawledPortals, tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> str:
    """A database of our own (same backend as ``crawled``), crawled from the same portals."""
    workdir = tmp_path_factory.mktemp("reparse")
    if crawled.db_url.startswith("sqlite"):
        url = f"sqlite:///{workdir / 'own.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_schemas").new_url()
    result = run_congdoan("crawl", "--all", "--registry", str(crawled.registry), "--db", url,
                          *FAST, cwd=workdir)
    assert result.returncode == 0, result.stderr[-2000:]
    return url


def served_by_url(crawled: CrawledPortals, kind: str) -> dict[str, dict[str, Any]]:
    key = "articles" if kind == "article" else "documents"
    return {item["canonical_url"]: item for truth in crawled.truth.values()
            for item in truth[key]}


@pytest.mark.crawl
def test_reparse_of_a_fresh_crawl_changes_nothing(crawled: CrawledPortals) -> None:
    before = snapshot(crawled.db_url)

    code, report, _ = reparse(crawled.db_url, cwd=crawled.workdir)

    served = crawled.served("article") + crawled.served("document")
    assert code == 0
    assert report["unchanged"] == report["total"] == served
    assert report["changed"] == report["new"] == report["failed"] == 0
    assert snapshot(crawled.db_url) == before


@pytest.mark.crawl
def test_site_and_kind_narrow_the_reparse(crawled: CrawledPortals) -> None:
    site = sorted(crawled.truth)[0]
    code, report, _ = reparse(crawled.db_url, "--site", site, "--kind", "document",
                              cwd=crawled.workdir)
    assert code == 0
    assert report["unchanged"] == report["total"] == len(crawled.truth[site]["documents"])


@pytest.mark.crawl
def test_a_title_from_an_old_parser_is_restored_and_kept_as_a_version(
        crawled: CrawledPortals, own_db: str, session_of: Any) -> None:
    # Simulate records stored by an older, buggy parser: wrong title, and the hash
    # and search text that parser would have computed from it.
    with session_of(own_db) as session, session.begin():
        article = session.scalars(
            select(Article).join(Attachment.article).order_by(Article.id).limit(1)).one()
        article_id, article_url = article.id, article.canonical_url
        files_before = [(a.url, a.name, a.stored_path, a.sha256, a.size, a.media_type, a.text)
                        for a in article.attachments]
        provenance_before = (article.url, article.fetched_at, article.http_status,
                             article.raw_sha256, article.first_seen_at)
        article.title = "Tiêu đề lỗi " + article.title
        article.search_title = search_fold(article.title)
        article.content_hash = content_hash(article_content(article))

        posting = session.scalars(select(DocumentPosting).order_by(DocumentPosting.id)
                                  .limit(1)).one()
        posting_id, posting_url = posting.id, posting.canonical_url
        views_before = posting.views
        data = dict(posting.data)
        data["title"] = "Văn bản lỗi"
        posting.title = data["title"]
        posting.data = content_fields(data, DOCUMENT_CONTENT_FIELDS)
        posting.content_hash = content_hash(posting.data)

    code, report, _ = reparse(own_db, cwd=crawled.workdir)

    assert code == 0
    assert report["changed"] == 2
    assert report["unchanged"] == report["total"] - 2
    with session_of(own_db) as session:
        article = session.get(Article, article_id)
        assert article.title == served_by_url(crawled, "article")[article_url]["title"]
        assert [(a.url, a.name, a.stored_path, a.sha256, a.size, a.media_type, a.text)
                for a in article.attachments] == files_before
        assert all(path for _, _, path, *_ in files_before)  # the files were downloaded
        assert (article.url, article.fetched_at, article.http_status, article.raw_sha256,
                article.first_seen_at) == provenance_before
        posting = session.get(DocumentPosting, posting_id)
        truth_title = served_by_url(crawled, "document")[posting_url]["title"]
        assert posting.title == posting.data["title"] == truth_title
        assert posting.document.title == truth_title
        assert posting.views == views_before
        versions = session.scalars(select(ItemVersion).order_by(ItemVersion.id)).all()
        kept = {(v.kind, v.item_id): v.data["title"] for v in versions}
        assert kept[("article", article_id)].startswith("Tiêu đề lỗi ")
        assert kept[("posting", posting_id)] == "Văn bản lỗi"

    # Once repaired, a second pass finds nothing to do.
    code, report, _ = reparse(own_db, cwd=crawled.workdir)
    assert (code, report["changed"], report["unchanged"]) == (0, 0, report["total"])


@pytest.mark.crawl
def test_a_missing_raw_page_is_listed_and_the_rest_goes_on(
        crawled: CrawledPortals, own_db: str, session_of: Any) -> None:
    with session_of(own_db) as session, session.begin():
        lost, misfiled = session.scalars(select(Article).order_by(Article.id).limit(2)).all()
        posting = session.scalars(select(DocumentPosting).limit(1)).one()
        saved = {lost.id: lost.raw_sha256, misfiled.id: misfiled.raw_sha256}
        lost_url, misfiled_url = lost.url, misfiled.url
        lost.raw_sha256 = "0" * 64  # never archived
        misfiled.raw_sha256 = posting.raw_sha256  # a document page: no longer an article
    before = snapshot(own_db)["articles"]
    try:
        code, report, _ = reparse(own_db, cwd=crawled.workdir)

        assert code == EXIT_PARTIAL
        assert report["failed"] == 2
        assert report["unchanged"] == report["total"] - 2
        reasons = {f["url"]: f["reason"] for f in report["failures"]}
        assert "missing from the archive" in reasons[lost_url]
        assert "no longer parses as an article" in reasons[misfiled_url]
        assert snapshot(own_db)["articles"] == before  # failed items are left as they were

        # the people-facing output lists them too, one line each
        table = run_congdoan("reparse", "--db", own_db, "--registry", str(crawled.registry),
                             cwd=crawled.workdir)
        assert table.returncode == EXIT_PARTIAL
        assert "Traceback" not in table.stderr
        lines = [line for line in table.stderr.splitlines() if line.strip()]
        assert any(lost_url in line and "missing from the archive" in line for line in lines)
        assert any(misfiled_url in line for line in lines)
    finally:
        with session_of(own_db) as session, session.begin():
            for article_id, sha in saved.items():
                session.get(Article, article_id).raw_sha256 = sha


@pytest.mark.crawl
def test_a_section_heading_title_is_refused_as_the_crawl_refuses_it(
        crawled: CrawledPortals, own_db: str, session_of: Any) -> None:
    # The archived page of one article, re-templated so that its headline reads
    # "Nội dung": the crawl's validate pipeline drops such an item; reparse must too.
    from congdoan.storage.archive import archive_raw, load_raw

    with session_of(own_db) as session, session.begin():
        article = session.scalars(select(Article).order_by(Article.id).limit(1)).one()
        article_id, url, title, saved_sha = (article.id, article.url, article.title,
                                             article.raw_sha256)
        page = load_raw(session, saved_sha).decode("utf-8")
        headline = 'itemprop="headline">'
        start = page.index(headline) + len(headline)
        broken = page[:start] + "Nội dung" + page[page.index("</h1>", start):]
        article.raw_sha256 = archive_raw(session, broken.encode("utf-8"), "text/html")
    try:
        code, report, _ = reparse(own_db, "--kind", "article", cwd=crawled.workdir)

        assert code == EXIT_PARTIAL
        assert report["failed"] == 1 and report["changed"] == 0
        assert report["failures"][0]["url"] == url
        assert "title" in report["failures"][0]["reason"]
        with session_of(own_db) as session:
            assert session.get(Article, article_id).title == title
    finally:
        with session_of(own_db) as session, session.begin():
            session.get(Article, article_id).raw_sha256 = saved_sha


def test_the_crawl_and_reparse_share_one_acceptance_rule() -> None:
    from congdoan.items import validation
    from congdoan.jobs import reparse as reparse_module
    from congdoan.pipelines import validate

    assert validate.missing_fields is validation.missing_fields
    assert reparse_module.missing_fields is validation.missing_fields
    record = {"kind": "document", "site": "s", "url": "u", "canonical_url": "u",
              "title": "Nội dung:"}
    assert validation.missing_fields(record) == ["title"]
