"""A graceful stop fetches only what is under way; the rest waits in the resume folder.

Scrapy takes requests from the scheduler until ``CONCURRENT_REQUESTS`` (16) are in
its downloader, most of them waiting in the portal's slot for their turn; a SIGTERM
(or the scheduler's timeout) then waits for every one of them to be fetched. On a
polite portal (one page at a time, slow answers) that outlasted the supervisor's
grace and the crawl was killed. ``SlotBoundDownloader.needs_backout`` keeps at most
a slot's concurrency of requests waiting; the others stay in the scheduler, and the
resumed crawl fetches them.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from congdoan.sim.server import SimServer
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

pytestmark = pytest.mark.crawl

SLOW_S = 0.3


def _slow_pages(request: object, response: object) -> None:
    if ".html" in getattr(request, "path", ""):
        time.sleep(SLOW_S)


def _pages(server: SimServer, after: float = 0.0) -> int:
    """Pages served (after ``after``): not the files of items already read."""
    return sum(".html" in r.path and "download=" not in r.path and r.time > after
               for r in server.requests("sim1"))


def test_sigterm_fetches_only_the_pages_under_way_and_the_resume_fetches_the_rest(
        tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=40, documents=0, seed=3)
    database = tmp_path / "db.sqlite3"
    try:
        server.portal("sim1").hooks.append(_slow_pages)
        child = subprocess.Popen(
            [sys.executable, "-m", "congdoan", "crawl", "sim1", "--registry", str(registry),
             "--db", f"sqlite:///{database}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _pages(server) < 4:
            assert time.monotonic() < deadline and child.poll() is None, "the crawl did not start"
            time.sleep(0.05)
        signalled = time.time()
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=60)
        after = _pages(server, signalled)
        with sqlite3.connect(database) as conn:
            status = conn.execute("select status from crawl_runs").fetchone()[0]
            stored = conn.execute("select count(*) from articles").fetchone()[0]
        # The page being fetched and the one waiting its turn: not fifteen queued ones.
        assert after <= 3, f"{after} pages fetched after SIGTERM; {stderr[-1500:]}"
        assert status == "interrupted"
        articles = len(server.truth("sim1")["articles"])
        assert stored < articles  # really cut short

        resumed = run_congdoan("crawl", "sim1", "--registry", str(registry),
                               "--db", f"sqlite:///{database}", *FAST, cwd=tmp_path)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        with sqlite3.connect(database) as conn:
            assert conn.execute("select count(*) from articles").fetchone()[0] == articles
    finally:
        server.stop()
