"""``crawl --all --parallel N`` crawls at most N sites at once (memory is per running crawler)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import CrawledPortals, serve_portals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_parallel_one_crawls_the_sites_one_after_another(tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=3, articles=12, documents=4, seed=9)
    try:
        db = tmp_path / "congdoan.sqlite3"
        run = CrawledPortals(f"sqlite:///{db}", server, registry, tmp_path).crawl(
            "--parallel", "1")
        assert run.returncode == 0, run.stderr[-1500:]
        windows = []
        for site in server.site_ids():
            times = [r.time for r in server.requests(site)]
            windows.append((min(times), max(times)))
        windows.sort()
        # each site's first request comes after the previous site's last one
        assert all(prev[1] <= nxt[0] for prev, nxt in pairwise(windows))
        truth = {site: server.truth(site) for site in server.site_ids()}
        with sqlite3.connect(db) as conn:
            stored = dict(conn.execute("select site, count(*) from articles group by site"))
            runs = conn.execute("select site, status from crawl_runs order by site").fetchall()
        assert stored == {site: len(t["articles"]) for site, t in truth.items()}
        assert runs == [(site, "ok") for site in sorted(truth)]
    finally:
        server.stop()


FREED_CHECK = """
import gc, json, sys
from scrapy.crawler import Crawler
from congdoan.jobs.runner import crawl_sites
sites = sys.argv[3:]
crawl_sites(sites, registry=sys.argv[1], progress=False, parallel=1, overrides={
    "CONGDOAN_DATABASE_URL": "sqlite:///" + sys.argv[2], "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR"})
gc.collect()
print(json.dumps({"alive": sum(isinstance(o, Crawler) for o in gc.get_objects())}))
"""


def test_finished_crawlers_are_freed(tmp_path: Path) -> None:
    """A long ``crawl --all`` must not keep every finished site's crawler (engine, pipelines,
    database engine) alive to the end: PyDispatcher held them through our signal closures."""
    server, registry = serve_portals(tmp_path, sites=3, articles=6, documents=2, seed=4)
    try:
        done = subprocess.run(
            [sys.executable, "-c", FREED_CHECK, str(registry), str(tmp_path / "db.sqlite3"),
             *server.site_ids()],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-1500:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"alive": 0}
