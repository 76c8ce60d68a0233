"""Two machines share a country: two schedulers enqueue the same sites, two workers crawl them.

Each "machine" is a ``congdoan schedule run --queue`` process and a ``congdoan
worker --crawls`` process with a data directory of its own (so a file lock
could not keep them apart), on the real Redis and one PostgreSQL database.
Both schedulers fire for both sites at the same cron second, again and again,
while the crawls are slowed down, so jobs of one site meet on the workers.
The simulator's request log, against the run history, shows that a site was
never crawled by two crawls at once: every request of a site falls inside one
run, the runs of a site never overlap, and every item page was fetched, and
stored, once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select

from congdoan.sim.site import Request, Response
from congdoan.storage.db import make_engine, upgrade
from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST
from tests.queueing import queue_env, redis_or_fail, wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SITES = ("sim1", "sim2")
# Every 3 s; a first crawl takes longer than that (the pages are slowed, two at a time:
# ~45 pages at 0.15 s), so the next ticks' jobs meet the running crawl.
CRON = "*/3 * * * * *"
SLOW_PORTAL = ("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2")


class RequestLog:
    """Each request a portal served: when (wall clock) and which path."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.seen: list[tuple[datetime, str]] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request, response: Response) -> None:
        with self._lock:
            self.seen.append((datetime.now(UTC), request.path))
        time.sleep(self.delay)  # a slow portal: crawls last long enough to meet


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "congdoan", *args], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=180)


@pytest.mark.postgres
def test_two_machines_schedulers_never_crawl_one_site_at_once(
        pg_schemas: PgSchemas, tmp_path: Path) -> None:
    redis_or_fail()
    db = pg_schemas.new_url()
    upgrade(db)
    engine = make_engine(db)
    server, registry = serve_portals(tmp_path, sites=2, articles=24, documents=8)
    logs = {site: RequestLog(0.15) for site in SITES}
    for site in SITES:
        server.portal(site).hooks.append(logs[site])
    env = queue_env()
    sets = [part for pair in zip(FAST[::2], FAST[1::2], strict=True)
            for part in ("--set", pair[1])] + list(SLOW_PORTAL)
    schedule = ["schedule", "run", "--queue", "--db", db, "--registry", str(registry),
                "--cron", CRON, "--jitter", "0", "--kill-grace", "20", *sets]
    processes: list[subprocess.Popen[bytes]] = []
    worker_logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]

    def counts() -> tuple[int, int]:
        with engine.connect() as conn:
            return (conn.scalar(select(func.count()).select_from(Article)) or 0,
                    conn.scalar(select(func.count()).select_from(DocumentPosting)) or 0)

    def refusals() -> int:
        return sum(log.read_text(errors="replace").count(" locked (exit 4")
                   for log in worker_logs if log.exists())

    truth = {site: server.truth(site) for site in SITES}
    expected = (sum(len(t["articles"]) for t in truth.values()),
                sum(len(t["documents"]) for t in truth.values()))
    try:
        for name, worker_log in zip("ab", worker_logs, strict=True):
            machine = {**env, "CONGDOAN_DATA_DIR": str(tmp_path / f"machine-{name}")}
            processes.append(_start(["worker", "--crawls", "--threads", "2"], machine,
                                    worker_log))
            scheduler_log = tmp_path / f"scheduler-{name}.log"
            processes.append(_start(schedule, machine, scheduler_log))
            # One at a time: the second finds the first's jobs in the shared job store.
            wait_for(lambda log=scheduler_log: "scheduler running" in log.read_text(),
                     f"scheduler {name} to start")
        wait_for(lambda: counts() == expected and refusals() >= 1,
                 "every item stored and a crawl refused by the site lock", timeout=300)
    finally:
        # Schedulers first (nothing more queued), then the workers (their crawls stop cleanly).
        for process in processes[1::2] + processes[0::2]:
            _stop(process)
        server.stop()

    worker_text = "".join(log.read_text(errors="replace") for log in worker_logs)
    assert "Traceback" not in worker_text, worker_text[-3000:]
    with engine.connect() as conn:
        runs = conn.execute(select(CrawlRun.site, CrawlRun.started_at, CrawlRun.finished_at,
                                   CrawlRun.status).order_by(CrawlRun.started_at)).all()
    engine.dispose()
    assert counts() == expected  # every item stored, and only once (counted per row)
    # Every refusal is in the history too (a locked run: it fetched nothing).
    assert sum(r.status == "locked" for r in runs) == refusals()
    for site in SITES:
        site_runs = [r for r in runs if r.site == site and r.status != "locked"]
        assert site_runs and all(r.finished_at is not None for r in site_runs)
        # The runs of one site never overlap …
        for before, after in pairwise(site_runs):
            assert before.finished_at <= after.started_at, (before, after)
        # … and every request the portal saw came from inside one of them.
        for when, path in logs[site].seen:
            assert any(_aware(r.started_at) <= when <= _aware(r.finished_at)
                       for r in site_runs), (site, when, path)
        # Every item page was fetched once over all the crawls of the site.
        detail = [path for _, path in logs[site].seen if path.endswith(".html")]
        assert len(detail) == len(set(detail)) == len(truth[site]["articles"])
    assert refusals() >= 1  # the jobs did meet; the lock turned one away
    assert "not retried" in worker_text


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
