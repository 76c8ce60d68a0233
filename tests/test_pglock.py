"""The site lock in PostgreSQL (an advisory lock): seen across data directories, freed on death.

Two crawls with different data directories stand for two machines: a file
lock could not stop them, the advisory lock in the shared database does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from congdoan.runtime.locks import EXIT_LOCKED, LockHeld, SiteLock, holder_of, site_lock
from congdoan.runtime.pglock import AdvisoryLock, lock_key
from congdoan.scheduler import CrawlRunner, ScheduleConfig
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST, run_congdoan

HOLD = ("import sys\nfrom congdoan.runtime.pglock import AdvisoryLock\n"
        "lock = AdvisoryLock(sys.argv[1], sys.argv[2]).acquire()\n"
        "print('held', flush=True)\nsys.stdin.read()\n")


def _hold(url: str, site: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, url, site], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_the_key_is_stable_and_differs_per_site_and_schema() -> None:
    assert lock_key("public", "sim1") == lock_key("public", "sim1")
    assert len({lock_key("public", "sim1"), lock_key("public", "sim2"),
                lock_key("other", "sim1")}) == 3
    assert -(2 ** 63) <= lock_key("public", "sim1") < 2 ** 63


def test_the_lock_is_chosen_by_the_database_url(pg_schemas: PgSchemas, tmp_path: Path) -> None:
    assert isinstance(site_lock(tmp_path, "sim1", pg_schemas.new_url()), AdvisoryLock)
    assert isinstance(site_lock(tmp_path, "sim1", f"sqlite:///{tmp_path}/x.db"), SiteLock)
    assert isinstance(site_lock(tmp_path, "sim1", None), SiteLock)


def test_a_second_holder_is_refused_and_named(pg_schemas: PgSchemas, tmp_path: Path) -> None:
    url = pg_schemas.new_url()
    with AdvisoryLock(url, "sim1"):
        with pytest.raises(LockHeld) as refused:
            AdvisoryLock(url, "sim1").acquire()
        assert refused.value.holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in str(refused.value)
        assert holder_of(tmp_path / "elsewhere", "sim1", url).pid == os.getpid()
        with AdvisoryLock(url, "sim2"):  # other sites are independent
            pass
        with AdvisoryLock(pg_schemas.new_url(), "sim1"):  # so is another schema's database
            pass
    assert holder_of(tmp_path, "sim1", url) is None


@pytest.mark.crawl
def test_a_sigkilled_holder_frees_its_lock(pg_schemas: PgSchemas, tmp_path: Path) -> None:
    url = pg_schemas.new_url()
    holder = _hold(url, "sim1")
    assert holder_of(tmp_path, "sim1", url).pid == holder.pid
    with pytest.raises(LockHeld):
        AdvisoryLock(url, "sim1").acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    # PostgreSQL ends the session when it sees the socket closed: poll, a hang guard only.
    deadline = time.monotonic() + 60
    while holder_of(tmp_path, "sim1", url) is not None:
        assert time.monotonic() < deadline, "the killed holder's lock was never freed"
        time.sleep(0.1)
    with AdvisoryLock(url, "sim1") as lock:
        assert lock.held


@pytest.mark.crawl
def test_a_crawl_from_another_data_dir_is_refused_with_exit_4(
        pg_schemas: PgSchemas, tmp_path: Path) -> None:
    url = pg_schemas.new_url()
    server, registry = serve_portals(tmp_path, sites=1, articles=5, documents=2)
    holder = _hold(url, "sim1")
    try:
        # Its own data directory: the file lock there is free, the database's is not.
        result = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", url, *FAST,
                              cwd=tmp_path, env={"CONGDOAN_DATA_DIR": str(tmp_path / "m2")})
        assert result.returncode == EXIT_LOCKED, result.stderr
        assert f"pid {holder.pid}" in result.stderr and "Traceback" not in result.stderr
        assert server.requests("sim1") == []  # refused before any request
    finally:
        holder.communicate("", timeout=30)
        server.stop()


@pytest.mark.crawl
def test_crawl_all_and_the_scheduler_child_are_refused_by_the_database_lock(
        pg_schemas: PgSchemas, tmp_path: Path) -> None:
    url = pg_schemas.new_url()
    server, registry = serve_portals(tmp_path, sites=2, articles=5, documents=2)
    holder = _hold(url, "sim1")
    try:
        # crawl_sites() (what `crawl --all` runs): the locked site skipped, the other crawled.
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", url, *FAST,
                              cwd=tmp_path, env={"CONGDOAN_DATA_DIR": str(tmp_path / "m2")})
        assert result.returncode == EXIT_LOCKED, result.stderr
        assert f"pid {holder.pid}" in result.stdout + result.stderr
        assert server.requests("sim1") == [] and server.requests("sim2") != []
        # The scheduler's child, from a third data directory.
        config = ScheduleConfig(db_url=url, data_dir=tmp_path / "m3", registry=str(registry),
                                crawl_args=FAST)
        outcome = CrawlRunner(config).run("sim1")
        assert outcome.status == "locked" and outcome.returncode == EXIT_LOCKED
        assert server.requests("sim1") == []
    finally:
        holder.communicate("", timeout=30)
        server.stop()


@pytest.mark.crawl
def test_the_crawl_queue_needs_a_shared_postgresql_database(tmp_path: Path) -> None:
    result = run_congdoan("schedule", "run", "--queue", "--db", str(tmp_path / "x.sqlite3"),
                          cwd=tmp_path)
    assert result.returncode == 2
    assert "--queue needs a PostgreSQL database" in result.stderr
    assert "Traceback" not in result.stderr
