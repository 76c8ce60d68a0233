"""The search benchmark: its country database matches a crawl, and its small mode runs.

No timings are asserted (speed belongs in the benchmark's report); these tests
prove the benchmark measures the right database and produces its figures.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from bench import country_db
from bench import search as search_bench
from bench.__main__ import main as bench_main
from bench.__main__ import render
from congdoan.sim import default_portals
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, Document
from congdoan.storage.store import write_batch
from tests.conftest import CrawledPortals, serve_portals

STORED = ("title", "search_title", "search_text", "published_at", "category", "author")
SITES, ARTICLES, DOCUMENTS, SEED = 2, 20, 8, 17


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledPortals]:
    """Portals of this module's own, crawled once by ``congdoan crawl`` into SQLite (the
    session's shared portals are altered by other tests)."""
    workdir = tmp_path_factory.mktemp("bench-crawled")
    server, registry = serve_portals(workdir, sites=SITES, articles=ARTICLES,
                                     documents=DOCUMENTS, seed=SEED)
    try:
        portals = CrawledPortals(f"sqlite:///{workdir / 'crawled.sqlite3'}", server, registry,
                                 workdir).crawl()
        assert portals.returncode == 0, portals.stderr[-2000:]
        yield portals
    finally:
        server.stop()


def _articles(url: str) -> dict[tuple[str, int | None], tuple[Any, ...]]:
    engine = make_engine(url, migrate=False)
    try:
        with session_factory(engine)() as session:
            return {(a.site, a.source_id): tuple(getattr(a, f) for f in STORED)
                    for a in session.scalars(select(Article))}
    finally:
        engine.dispose()


def _documents(url: str) -> dict[str | None, tuple[Any, ...]]:
    engine = make_engine(url, migrate=False)
    try:
        with session_factory(engine)() as session:
            return {d.code_normalized: (d.title, d.search_title, d.search_text, d.issued_on,
                                        sorted(p.site for p in d.postings))
                    for d in session.scalars(select(Document))}
    finally:
        engine.dispose()


@pytest.mark.crawl
def test_country_records_store_what_a_crawl_stores(crawled: CrawledPortals,
                                                   tmp_path: Path) -> None:
    """The benchmark's direct write gives the searchable text a real crawl of the same portals
    gives (same title, folded text, date, documents merged across portals)."""
    specs = default_portals(SITES, ARTICLES, DOCUMENTS, seed=SEED)  # as ``crawled`` serves
    url = f"sqlite:///{tmp_path / 'built.sqlite3'}"
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with sessions() as session, session.begin():
            for spec in specs:
                records = list(country_db.portal_records(
                    spec, crawled.server.base_url(spec.site_id)))
                outcomes = write_batch(session, records)
                assert all(o.status == "new" for o in outcomes)
    finally:
        engine.dispose()
    built, crawl = _articles(url), _articles(crawled.db_url)
    assert len(built) == crawled.served("article") == len(crawl)
    assert set(built) == set(crawl)
    # A crawl also indexes the text of the attached files it read; the benchmark
    # writes no files, so its folded text is the crawl's without that tail.
    text = STORED.index("search_text")
    for key, row in built.items():
        crawled_row = crawl[key]
        assert row[:text] + row[text + 1:] == crawled_row[:text] + crawled_row[text + 1:], key
        assert crawled_row[text].startswith(row[text]), key
    built_docs, crawl_docs = _documents(url), _documents(crawled.db_url)
    assert set(built_docs) == set(crawl_docs)
    for code, (title, search_title, search_text, issued, sites) in built_docs.items():
        c_title, c_search_title, c_search_text, c_issued, c_sites = crawl_docs[code]
        assert (title, search_title, issued, sites) == (c_title, c_search_title, c_issued,
                                                        c_sites), code
        assert c_search_text.startswith(search_text), code


@pytest.mark.crawl
def test_small_search_bench_produces_every_figure(pg_schemas: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m bench --only search`` at a tiny size: both databases, every query and page,
    the JSON file and the markdown report."""
    del pg_schemas  # requested for its verdict: PostgreSQL is reachable (or skip; fail in CI)
    monkeypatch.setattr(country_db, "CACHE", tmp_path / "cache")
    prefix = f"congdoan_test_{uuid.uuid4().hex[:8]}_"
    monkeypatch.setattr(search_bench, "PG_CACHE_PREFIX", prefix)
    output = tmp_path / "latest.json"
    try:
        bench_main(["--quick", "--only", "search", "--search-size", "0.002",
                    "--output", str(output)])
        # The PostgreSQL country is kept too, and found again by the next run.
        _, again = search_bench.cached_postgresql(country_db.country_specs(0.002), 0.002)
        assert again["cached"] and again["articles"] == 34 * 6
    finally:
        _drop_schemas(prefix)
    report = json.loads(output.read_text(encoding="utf-8"))
    figures = report["search"]
    assert figures["records"] == 34 * (6 + 2)
    for backend in ("sqlite", "postgresql"):
        measured = figures[backend]
        assert measured["database"]["records"] == figures["records"]
        assert measured["database"]["failed"] == 0
        assert set(measured["queries"]) == {label for label, _ in search_bench.QUERIES}
        for q in measured["queries"].values():
            assert {"matches", "like_matches", "p50_ms", "p95_ms", "like_p50_ms",
                    "like_p95_ms", "round_p95_ms", "speedup_p50"} <= set(q)
            assert len(q["round_p95_ms"]) == figures["rounds"]
        assert set(measured["pages"]) == {"search page", "search page, no words (browse)",
                                          "article page", "document page"}
    # The common word is everywhere: the full-text search finds it in every record.
    assert figures["sqlite"]["queries"]["very common word"]["matches"] > 0
    assert list((tmp_path / "cache").glob("*.sqlite3"))  # the SQLite country is cached
    assert "| search: database, query |" in render(report)


def _drop_schemas(prefix: str) -> None:
    engine = create_engine(search_bench.PG_URL)
    try:
        with engine.begin() as conn:
            for name in conn.execute(text("SELECT nspname FROM pg_namespace "
                                          "WHERE starts_with(nspname, :p)"), {"p": prefix}
                                     ).scalars().all():
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    finally:
        engine.dispose()
