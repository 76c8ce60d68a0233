"""A crawl worker's life: no Redis means exit 2 at once; a SIGKILLed worker's crawl stops itself.

Real processes throughout: ``congdoan worker --crawls`` on the real Redis, a
crawl child of a simulated portal held mid-crawl, and ``congdoan.runtime.lifeline``
in a child whose supervisor is SIGKILLed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from bench import processes
from congdoan.storage.db import make_engine
from congdoan.storage.models import CrawlRun
from tests.crawling import FAST
from tests.queueing import enqueue_crawl, gated_site, queue_env, redis_or_fail, wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_a_worker_without_redis_exits_2_with_one_line(tmp_path: Path) -> None:
    env = queue_env(CONGDOAN_REDIS_URL="redis://127.0.0.1:1/0", CONGDOAN_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "congdoan", "worker", "--crawls"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Redis not usable at "
                                                    "redis://127.0.0.1:1/0"), done.stderr
    assert "worker ready" not in done.stdout


def _crawl_children(worker: int) -> list[processes.Proc]:
    return [p for p in processes.tagged(os.environ[processes.TAG_ENV])
            if p.ppid == worker and " crawl sim1" in p.command]


def test_a_sigkilled_workers_crawl_stops_itself_and_records_interrupted(tmp_path: Path) -> None:
    redis_or_fail()
    site = gated_site(tmp_path)
    server, registry, gate, db, data, env = (site.server, site.registry, site.gate, site.db,
                                             site.data, site.env)
    worker = subprocess.Popen([sys.executable, "-m", "congdoan", "worker", "--crawls"], env=env,
                              stdout=(tmp_path / "worker.log").open("wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        enqueue_crawl(env, "sim1", db, data, registry, *FAST, kill_grace=30)
        wait_for(gate.reached.is_set, "the worker's crawl to reach the portal")
        [child] = _crawl_children(worker.pid)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        gate.open.set()  # the stopping crawl may finish its requests in flight
        wait_for(lambda: processes.in_session(child.pid) == [],
                 "the orphaned crawl to stop", timeout=30)
    finally:
        gate.open.set()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        server.stop()
    log = (data / "logs" / "sim1.log").read_text(errors="replace")
    assert f"supervisor pid {worker.pid} is gone: stopping this crawl" in log, log[-2000:]
    engine = make_engine(db)
    with engine.connect() as conn:
        runs = conn.execute(select(CrawlRun.status, CrawlRun.host, CrawlRun.worker)
                            .where(CrawlRun.site == "sim1")).all()
    engine.dispose()
    # Recorded by the crawl itself, naming the worker that started it.
    assert [tuple(r) for r in runs] == [("interrupted", socket.gethostname(),
                                         f"worker {worker.pid}")]


FOLLOWER = textwrap.dedent("""
    import os, signal, sys, time
    from congdoan.runtime.lifeline import follow_supervisor
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a crawl that does not stop when asked
    follow_supervisor()
    print("following", flush=True)
    time.sleep(120)
""")

SUPERVISOR = textwrap.dedent("""
    import os, subprocess, sys
    from congdoan.runtime.lifeline import supervised_env
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]],
                             env={**os.environ, **supervised_env(1.5, "scheduler")},
                             stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"following\\n"
    print(child.pid, flush=True)
    child.wait()
""")


def test_a_crawl_that_ignores_sigterm_is_killed_after_the_supervisors_grace() -> None:
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, FOLLOWER],
                                  stdout=subprocess.PIPE, text=True)
    try:
        child = int(supervisor.stdout.readline())  # type: ignore[union-attr]
        supervisor.kill()
        supervisor.wait(timeout=10)
        wait_for(lambda: not os.path.exists(f"/proc/{child}") or _zombie(child),
                 "the follower to be killed after its grace", timeout=15)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True
