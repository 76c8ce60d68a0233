"""A queued crawl that the site lock refuses is in the run history, not only in a log.

Two real crawls of one simulated portal: ``congdoan crawl sim1`` holds the site
(the portal keeps its first request waiting), then a job for the same site is
queued on the real Redis and taken by a real ``congdoan worker --crawls`` with
the same data directory. Its crawl child exits 4; the worker records the
refusal as a ``locked`` run, naming the crawl that held the site.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from congdoan.storage.db import make_engine
from congdoan.storage.models import CrawlRun
from tests.crawling import FAST, run_congdoan
from tests.queueing import enqueue_crawl, gated_site, redis_or_fail, wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _popen(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)


def _runs(db: str) -> list[Any]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.stats,
                                            CrawlRun.verdict, CrawlRun.new)
                                     .where(CrawlRun.site == "sim1").order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def test_a_queued_crawl_refused_by_the_site_lock_is_recorded_as_locked(tmp_path: Path) -> None:
    redis_or_fail()
    site = gated_site(tmp_path)
    server, registry, gate, db, data, env = (site.server, site.registry, site.gate, site.db,
                                             site.data, site.env)
    worker_log = tmp_path / "worker.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        holder = _popen(["-m", "congdoan", "crawl", "sim1", "--registry", str(registry),
                         "--db", db, *FAST], env, tmp_path / "holder.log")
        processes.append(holder)
        wait_for(gate.reached.is_set, "the first crawl to hold the site")
        processes.append(_popen(["-m", "congdoan", "worker", "--crawls"], env, worker_log))
        enqueue_crawl(env, "sim1", db, data, registry, *FAST)
        wait_for(lambda: " locked (exit 4" in worker_log.read_text(errors="replace"),
                 "the queued crawl to be refused by the site lock")
        gate.open.set()
        assert holder.wait(timeout=240) == 0, (tmp_path / "holder.log").read_text()[-3000:]
    finally:
        gate.open.set()
        for process in reversed(processes):
            _stop(process)
        server.stop()

    worker_text = worker_log.read_text(errors="replace")
    assert "Traceback" not in worker_text, worker_text[-3000:]
    runs = _runs(db)
    assert [r.status for r in runs] == ["ok", "locked"], runs
    crawled, refused = runs
    assert crawled.new == 8 + 3  # articles and documents
    # The refusal names the crawl that held the site, and is no health sample.
    assert f"being crawled by pid {holder.pid}" in refused.stats["note"], refused.stats
    assert (refused.new, refused.verdict) == (0, None)
    assert f"(run {refused.id} in the history)" in worker_text

    # Operators see it where they see every other run.
    history = run_congdoan("schedule", "history", "sim1", "--db", db, "--json", cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    assert [r["status"] for r in json.loads(history.stdout)] == ["locked", "ok"]
    health = run_congdoan("health", "sim1", "--db", db, "--json", cwd=tmp_path)
    assert health.returncode == 0, health.stderr
    assert [r["status"] for r in json.loads(health.stdout)[0]["runs"]] == ["ok"]
