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

import json
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


def _last_run_facts(conn: sqlite3.Connection) -> dict:
    row = conn.execute("select stats from crawl_runs order by id desc limit 1").fetchone()
    return json.loads(row[0])


def _crawl_args(registry: Path, database: Path) -> list[str]:
    return ["crawl", "sim1", "--registry", str(registry), "--db", f"sqlite:///{database}", *FAST]


def _stop_with_sigterm(server: SimServer, registry: Path, database: Path) -> tuple[int, str]:
    """Start a slow one-page-at-a-time crawl, SIGTERM it after 4 pages.

    Returns the pages fetched after the signal and the crawl's stderr.
    """
    server.portal("sim1").hooks.append(_slow_pages)
    child = subprocess.Popen(
        [sys.executable, "-m", "congdoan", *_crawl_args(registry, database),
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
        cwd=database.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while _pages(server) < 4:
        assert time.monotonic() < deadline and child.poll() is None, "the crawl did not start"
        time.sleep(0.05)
    signalled = time.time()
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    server.portal("sim1").hooks.remove(_slow_pages)
    return _pages(server, signalled), stderr


def test_sigterm_fetches_only_the_pages_under_way_and_the_resume_fetches_the_rest(
        tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=40, documents=0, seed=3)
    database = tmp_path / "db.sqlite3"
    try:
        after, stderr = _stop_with_sigterm(server, registry, database)
        with sqlite3.connect(database) as conn:
            status = conn.execute("select status from crawl_runs").fetchone()[0]
            stored = conn.execute("select count(*) from articles").fetchone()[0]
        # The page being fetched and the one waiting its turn: not fifteen queued ones.
        assert after <= 3, f"{after} pages fetched after SIGTERM; {stderr[-1500:]}"
        assert status == "interrupted"
        articles = len(server.truth("sim1")["articles"])
        assert stored < articles  # really cut short

        resumed = run_congdoan(*_crawl_args(registry, database), cwd=tmp_path)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        with sqlite3.connect(database) as conn:
            assert conn.execute("select count(*) from articles").fetchone()[0] == articles
            assert _last_run_facts(conn).get("resumed") is True
    finally:
        server.stop()


def test_a_crawl_killed_with_its_queue_half_written_is_crawled_again_in_full(
        tmp_path: Path) -> None:
    """SIGKILL leaves Scrapy's queue files as Python's buffers had them: empty or cut.

    Made deterministic: a real stopped crawl's folder, then what a kill leaves of
    it: queue files never flushed (empty) and no record of how the crawl ended.
    Scrapy could not read such a queue back (``unpack requires a buffer of 4 bytes``)
    and the pages queued in it were never fetched.
    """
    server, registry = serve_portals(tmp_path, sites=1, articles=40, documents=0, seed=3)
    database = tmp_path / "db.sqlite3"
    try:
        _stop_with_sigterm(server, registry, database)
        jobdir = tmp_path / "data" / "jobs" / "sim1"
        queues = [f for f in (jobdir / "requests.queue").rglob("*")
                  if f.is_file() and f.name not in ("active.json", "info.json")]
        assert queues, sorted(str(p) for p in jobdir.rglob("*"))
        for queue in queues:
            queue.write_bytes(b"")
        marker = jobdir / "congdoan-job.json"
        state = json.loads(marker.read_text(encoding="utf-8"))
        del state["reason"]
        marker.write_text(json.dumps(state), encoding="utf-8")

        again = run_congdoan(*_crawl_args(registry, database), cwd=tmp_path)
        assert again.returncode == 0, again.stderr[-2000:]
        with sqlite3.connect(database) as conn:
            stored = conn.execute("select count(*) from articles").fetchone()[0]
            assert "resumed" not in _last_run_facts(conn)  # started again
        assert stored == len(server.truth("sim1")["articles"])
    finally:
        server.stop()
