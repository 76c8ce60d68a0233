"""Every way of starting a crawl takes the same site lock (issue #10, item 2).

A real ``scrapy crawl nukeviet`` and a real ``congdoan crawl`` of the same
simulated portal at once: the second is refused with exit 4 before it sends a
request or touches the resume folder, and the first stores every item.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from congdoan.runtime.locks import EXIT_LOCKED, holder_of
from congdoan.sim import SimServer
from congdoan.sim.site import Request, Response
from congdoan.storage.models import Article, DocumentPosting
from tests.conftest import PgSchemas, serve_portals
from tests.crawling import FAST, run_congdoan, run_scrapy

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl



class Gate:
    """A portal hook holding every detail page until ``open()``: the first crawl still
    holds the lock when the second starts, however slow the machine, and then ends at
    full speed (a download delay made each of these tests take ~10 s)."""

    def __init__(self) -> None:
        self._open = threading.Event()

    def __call__(self, request: Request, response: Response) -> None:
        if ".html" in request.path or "detail" in request.path:
            self._open.wait(120)  # bounded: a test that never opens it still ends
        return None

    def open(self) -> None:
        """Let the held pages and every later one through."""
        self._open.set()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    schemas: PgSchemas = request.getfixturevalue("pg_schemas")
    return schemas.new_url()


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[SimServer, Path]]:
    server, registry = serve_portals(tmp_path, sites=1, articles=40, documents=12)
    yield server, registry
    server.stop()


@pytest.fixture
def gate(portal: tuple[SimServer, Path]) -> Gate:
    held = Gate()
    portal[0].portal("sim1").hooks.append(held)
    return held


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = (conn.scalar(select(func.count()).select_from(Article)) or 0,
                 conn.scalar(select(func.count()).select_from(DocumentPosting)) or 0)
    engine.dispose()
    return found


def _start(cmd: list[str], cwd: Path, data: Path, database: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "SCRAPY_SETTINGS_MODULE":
                                               "congdoan.settings"})
    # Wait until it holds the lock (or has died): then the other crawl starts.
    while process.poll() is None:
        holder = holder_of(data, "sim1", database)  # the file, or PostgreSQL's advisory lock
        if holder is not None and holder.pid == process.pid:
            return process
        time.sleep(0.02)
    raise AssertionError(f"the first crawl ended early: {process.communicate()}")


def test_congdoan_crawl_is_refused_while_scrapy_crawl_runs(
        portal: tuple[SimServer, Path], gate: Gate, tmp_path: Path, database: str) -> None:
    server, registry = portal
    first = _start([sys.executable, "-m", "scrapy", "crawl", "nukeviet", "-a", "site=sim1",
                    "-a", f"registry={registry}", "-s", f"CONGDOAN_DATABASE_URL={database}",
                    "-s", "LOG_LEVEL=ERROR", *FAST], tmp_path, tmp_path / "data", database)
    second = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", database,
                          *FAST, cwd=tmp_path)
    gate.open()
    _, err = first.communicate(timeout=300)
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
    assert first.returncode == 0, err
    truth = server.truth("sim1")
    assert _counts(database) == (len(truth["articles"]), len(truth["documents"]))
    # one crawl's worth of requests: every detail page was fetched once
    detail = [r.path for r in server.requests("sim1") if r.path.endswith(".html")]
    assert len(detail) == len(set(detail)) == len(truth["articles"])


def test_scrapy_crawl_is_refused_with_exit_4_while_congdoan_crawl_runs(
        portal: tuple[SimServer, Path], gate: Gate, tmp_path: Path, database: str) -> None:
    server, registry = portal
    first = _start([sys.executable, "-m", "congdoan", "crawl", "sim1", "--registry",
                    str(registry), "--db", database, "--quiet", *FAST],
                   tmp_path, tmp_path / "data", database)
    second = run_scrapy("crawl", "nukeviet", "-a", "site=sim1", "-a", f"registry={registry}",
                        "-s", f"CONGDOAN_DATABASE_URL={database}", "-s", "LOG_LEVEL=ERROR",
                        *FAST, cwd=tmp_path)
    gate.open()
    out, err = first.communicate(timeout=300)
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr and "Unhandled error" not in second.stderr
    assert first.returncode == 0, err
    assert "sim1" in out and " ok " in out
    truth = server.truth("sim1")
    assert _counts(database) == (len(truth["articles"]), len(truth["documents"]))
    detail = [r.path for r in server.requests("sim1") if r.path.endswith(".html")]
    assert len(detail) == len(set(detail)) == len(truth["articles"])


def test_scrapy_crawl_takes_the_lock_and_the_resume_folder_under_the_data_dir(
        portal: tuple[SimServer, Path], tmp_path: Path) -> None:
    _, registry = portal
    data = tmp_path / "elsewhere"
    result = run_scrapy("crawl", "nukeviet", "-a", "site=sim1", "-a", f"registry={registry}",
                        "-s", f"CONGDOAN_DATA_DIR={data}", "-s", "LOG_LEVEL=ERROR", *FAST,
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (data / "locks" / "sim1.lock").exists()
    assert (data / "jobs" / "sim1" / "congdoan-job.json").exists()
    assert holder_of(data, "sim1") is None  # released at the end
