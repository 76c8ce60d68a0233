"""``schedule run --queue`` queues one job per site at a time: a slow fleet gets no pile-up.

Found by the soak (``bench.soak``): with workers slower than the schedule,
every tick queued each site again, and the queue grew without bound (each
job a crawl started for nothing). Real processes on the real Redis: a
scheduler ticking every second with no worker, then a worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

from congdoan.files.queue import CRAWL_QUEUE
from congdoan.storage.db import upgrade
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST
from tests.queueing import REDIS_URL, queue_env, redis_or_fail, wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "congdoan", *args], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


@pytest.mark.postgres
def test_a_site_waiting_on_the_queue_is_not_queued_again(pg_schemas: PgSchemas,
                                                         tmp_path: Path) -> None:
    redis_or_fail()
    db = pg_schemas.new_url()
    upgrade(db)
    server, registry = serve_portals(tmp_path, sites=2, articles=3, documents=1)
    env = queue_env(CONGDOAN_DATA_DIR=str(tmp_path / "data"))
    messages = f"{env['CONGDOAN_QUEUE_NAMESPACE']}:{CRAWL_QUEUE}.msgs"
    redis = Redis.from_url(REDIS_URL)
    sets = [part for pair in zip(FAST[::2], FAST[1::2], strict=True)
            for part in ("--set", pair[1])]
    scheduler_log, worker_log = tmp_path / "scheduler.log", tmp_path / "worker.log"
    scheduler = _start(["schedule", "run", "--queue", "--db", db, "--registry", str(registry),
                        "--cron", "* * * * * *", "--jitter", "0", *sets], env, scheduler_log)
    worker = None
    try:
        wait_for(lambda: scheduler_log.read_text().count("previous job is still waiting") >= 4,
                 "the scheduler to tick again while both jobs wait")
        assert redis.hlen(messages) == 2  # one job per site, however many ticks
        worker = _start(["worker", "--crawls"], env, worker_log)
        # Each start clears the site's mark: the next tick queues it again.
        wait_for(lambda: worker_log.read_text().count("crawled sim1 ok") >= 2,
                 "sim1 crawled, queued again and crawled again")
    finally:
        for process in (scheduler, worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=120)
        server.stop()
        for key in redis.scan_iter(f"{env['CONGDOAN_QUEUE_NAMESPACE']}*"):
            redis.delete(key)
