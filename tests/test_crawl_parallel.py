"""``crawl --all --parallel N`` crawls at most N sites at once (memory is per running crawler)."""

from __future__ import annotations

import sqlite3
from itertools import pairwise
from pathlib import Path

from tests.conftest import CrawledPortals, serve_portals


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
