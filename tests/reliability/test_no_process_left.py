"""A SIGKILLed crawl leaves no process behind: its file readers, forkserver and tracker die too.

The crawl reads the text of the files it stored in a process pool
(``congdoan.files.backlog``) after the crawl. Killed there with SIGKILL, it
used to leave multiprocessing's forkserver, resource tracker and the pool
workers alive for good (about 50 MB each for the workers).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench import processes
from congdoan.sim import SimServer
from congdoan.sim.spec import PortalSpec
from tests.crawling import FAST
from tests.queueing import wait_for

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_a_crawl_killed_while_reading_its_files_leaves_no_process(tmp_path: Path) -> None:
    # Scans only: each takes seconds of OCR, so the crawl is killed with its readers busy.
    server = SimServer([PortalSpec("sim1", seed=3, articles=2, documents=4,
                                   scanned_every=1)]).start()
    registry = tmp_path / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    crawl = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "crawl", "sim1", "--registry", str(registry),
         "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}", "--quiet", *FAST],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)  # its session: everything it starts, orphans included

    def readers() -> list[processes.Proc]:
        # The pool workers are the forkserver's children: the crawl's grandchildren.
        family = processes.in_session(crawl.pid)
        children = {p.pid for p in family if p.ppid == crawl.pid}
        return [p for p in family if p.ppid in children]

    try:
        wait_for(lambda: bool(readers()) or crawl.poll() is not None,
                 "the crawl to start reading its files", timeout=180)
        assert crawl.poll() is None, "the crawl ended before its files were being read"
        assert any("forkserver" in p.command for p in processes.in_session(crawl.pid))
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=10)
        wait_for(lambda: not processes.in_session(crawl.pid),
                 "every process of the killed crawl to end", timeout=10)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        server.stop()
    assert processes.in_session(crawl.pid) == []
