"""A stopped crawl's resume folder is not resumed once another crawl completed the site.

Two "machines" (data directories of their own) share one database. Machine A's
crawl is stopped mid-walk (SIGTERM: its queue of detail pages stays in its
resume folder); machine B then crawls the site to the end. When A crawls the
site again, resuming would fetch every page A had queued although B stored
them all: A's folder is discarded instead, and its log and run say why.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from congdoan import paths
from congdoan.sim.site import Request, Response
from congdoan.storage.db import make_engine
from congdoan.storage.models import CrawlRun
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan
from tests.queueing import wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


class DetailLog:
    """Item pages the portal served; holds them while ``held`` is set (the crawl is stopped)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.reached, self.released = threading.Event(), threading.Event()
        self.released.set()

    def __call__(self, request: Request, response: Response) -> None:
        if request.path.split("?")[0].endswith(".html"):
            self.paths.append(request.path)
            self.reached.set()
            self.released.wait(timeout=120)


def _crawl_args(registry: Path, db: str) -> list[str]:
    return ["crawl", "sim1", "--registry", str(registry), "--db", db, "--quiet", *FAST,
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def test_a_resume_folder_older_than_a_completed_run_is_discarded(tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=20, documents=4)
    details = DetailLog()
    server.portal("sim1").hooks.append(details)
    db = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    machine_a, machine_b = tmp_path / "a", tmp_path / "b"
    try:
        # A: stopped while its first item page is held (the rest still queued).
        details.released.clear()
        stopped = subprocess.Popen([sys.executable, "-m", "congdoan", *_crawl_args(registry, db)],
                                   env={**os.environ, "CONGDOAN_DATA_DIR": str(machine_a)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(details.reached.is_set, "machine A's crawl to reach an item page")
        stopped.send_signal(signal.SIGTERM)
        details.released.set()
        stopped.wait(timeout=120)
        marker = json.loads((paths.jobs_dir(machine_a, "sim1") / "congdoan-job.json")
                            .read_text())
        assert marker["status"] == "running"  # left to resume
        # B: the whole site, to the end.
        done = run_congdoan(*_crawl_args(registry, db), cwd=tmp_path,
                            env={"CONGDOAN_DATA_DIR": str(machine_b)})
        assert done.returncode == 0, done.stderr[-2000:]
        fetched_before = len(details.paths)
        # A again: nothing left to fetch, and nothing fetched.
        again = run_congdoan(*_crawl_args(registry, db), cwd=tmp_path,
                             env={"CONGDOAN_DATA_DIR": str(machine_a)})
        assert again.returncode == 0, again.stderr[-2000:]
    finally:
        details.released.set()
        server.stop()
    assert details.paths[fetched_before:] == []
    assert "sim1: not resuming the crawl stopped after starting at " in again.stderr
    engine = make_engine(db)
    with engine.connect() as conn:
        runs = conn.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.stats)
                            .order_by(CrawlRun.id)).all()
    engine.dispose()
    assert [r.status for r in runs] == ["interrupted", "ok", "ok"]
    assert f"run {runs[1].id} completed the site since" in runs[2].stats["resume_discarded"]
