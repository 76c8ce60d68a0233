"""A page that failed is retried by the next (incremental) crawl, and its failure resolved."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from congdoan.sim.faults import FaultInjector, FaultRule
from tests.conftest import CrawledPortals, serve_portals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_failed_detail_page_is_fetched_again_by_the_next_incremental_crawl(
    tmp_path: Path,
) -> None:
    # 80 articles in 5 categories, 10 per page: the oldest of the biggest category sits on
    # a later listing
    # page that an incremental crawl does not reach (page 1 is all stored), and the
    # RSS feed holds only the newest: only the failure ledger can bring it back.
    server, registry = serve_portals(tmp_path, sites=1, articles=80, documents=4, seed=5)
    try:
        articles = server.truth("sim1")["articles"]
        biggest = Counter(a["category"] for a in articles).most_common(1)[0][0]
        victim = min((a for a in articles if a["category"] == biggest),
                     key=lambda a: a["published_at"])
        parts = urlsplit(victim["url"])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        injector = FaultInjector(server.portal("sim1"),
                                 [FaultRule("http_404", pattern=re.escape(path) + "$")]).install()
        db = tmp_path / "congdoan.sqlite3"
        portals = CrawledPortals(f"sqlite:///{db}", server, registry, tmp_path)

        first = portals.crawl()
        assert first.returncode == 3, first.stderr[-1500:]  # partial: one page failed
        with sqlite3.connect(db) as conn:
            open_failures = [u for (u,) in conn.execute(
                "select url from failures where resolved_at is null")]
            status = conn.execute("select status from crawl_runs order by id desc").fetchone()
        assert open_failures == [victim["url"]]
        assert status == ("partial",)

        injector.enabled = False  # the portal is fixed
        second = portals.crawl()  # a plain incremental crawl: no --full
        assert second.returncode == 0, second.stderr[-1500:]
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*) from articles where source_id = ?",
                                  (victim["source_id"],)).fetchone()[0]
            still_open = conn.execute(
                "select count(*) from failures where resolved_at is null").fetchone()[0]
            status = conn.execute("select status from crawl_runs order by id desc").fetchone()
        assert stored == 1
        assert still_open == 0
        assert status == ("ok",)
    finally:
        server.stop()
