"""The nation benchmark at its smallest: the copies hold what the base holds, and it measures.

No timings are asserted; the test proves the replication makes a consistent
database (every copy a full country under its own URLs, ids and portals) that
search and the web interface read like a crawled one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench import country_db, nation
from bench import search as search_bench
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.search import search_page
from tests.conftest import PgSchemas


@pytest.mark.crawl  # a benchmark: a store build, a copy to PostgreSQL, replication, pages
def test_small_nation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      pg_schemas: PgSchemas) -> None:
    monkeypatch.setattr(country_db, "CACHE", tmp_path)
    monkeypatch.setattr(nation, "PREFIX", f"congdoan_test_nation_{tmp_path.name[-8:]}_")
    try:
        report = nation.run(base_size=0.005, copies=4, checkpoints=(1, 4), repeats=2,
                            web_repeats=1)
        first, last = report["checkpoints"]
        assert last["articles"] == 4 * first["articles"]
        assert last["documents"] == 4 * first["documents"]
        for label, _query in search_bench.QUERIES:
            assert last["search"][label]["matches"] == 4 * first["search"][label]["matches"]
        assert report["night_nation"]["failed"] == 0
        assert report["portals"] == country_db.PORTALS * nation.GROUPS
        url, _offsets = nation.prepare(0.005)
        engine = make_engine(url, migrate=False)
        try:
            with engine.connect() as conn:
                sites = conn.scalar(text("SELECT count(DISTINCT site) FROM articles"))
                side = conn.scalar(text("SELECT count(*) FROM articles_search"))
                articles = conn.scalar(text("SELECT count(*) FROM articles"))
            assert sites == country_db.PORTALS * nation.GROUPS
            assert side == articles  # the copies were indexed by the triggers
            with session_factory(engine)() as session:
                hits = search_page(session, "công đoàn", limit=50).hits
                assert len({hit.site for hit in hits}) > 1
        finally:
            engine.dispose()
    finally:
        admin = create_engine(search_bench.PG_URL)
        with admin.begin() as conn:
            for schema in conn.execute(text(
                    "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, :p)"),
                    {"p": nation.PREFIX}).scalars().all():
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
