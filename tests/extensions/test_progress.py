"""Crawl progress where nobody watches a terminal, and on one (issue #10 item 5).

Real crawls of the simulator in a child process: stderr is a pipe (cron, a log
file) or a pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from congdoan.extensions.progress import CrawlProgress, eta_text
from congdoan.sim import SimServer
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d \+07:00 progress: (\d+)/2 sites done, ([\d,]+) pages "
    r"\(\d+\.\d/s\), ([\d,]+) items \([\d,]+ articles, [\d,]+ documents\), (\d+) failed"
    r"(, [\d,]+ queued( \(~?<?[\d.]+ (s|min|h) left at this rate\))?)?$")


@pytest.fixture(scope="module")
def portals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimServer, Path]]:
    server, registry = serve_portals(tmp_path_factory.mktemp("progress"), sites=2,
                                     articles=60, documents=20, seed=3)
    yield server, registry
    server.stop()


@pytest.mark.crawl
def test_lines_every_n_seconds_when_stderr_is_not_a_terminal(
        tmp_path: Path, portals: tuple[SimServer, Path]) -> None:
    _, registry = portals
    result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db",
                          str(tmp_path / "db.sqlite3"), *FAST, "--progress-every", "0.2",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if " progress: " in line]
    assert len(lines) >= 2, result.stderr
    for line in lines:
        assert LINE.match(line), line
    pages = [int(LINE.match(line).group(2).replace(",", "")) for line in lines]  # type: ignore[union-attr]
    assert pages == sorted(pages) and pages[-1] > 0  # counts only grow
    assert any("queued" in line for line in lines)


@pytest.mark.crawl
def test_no_lines_with_quiet_or_zero(tmp_path: Path, portals: tuple[SimServer, Path]) -> None:
    _, registry = portals
    for extra in (["--quiet", "--progress-every", "0.2"], ["--progress-every", "0"]):
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db",
                              str(tmp_path / "db.sqlite3"), *FAST, "--full", *extra,
                              cwd=tmp_path)
        assert result.returncode == 0
        assert " progress: " not in result.stderr


@pytest.mark.crawl
def test_live_display_on_a_terminal(tmp_path: Path, portals: tuple[SimServer, Path]) -> None:
    _, registry = portals
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "crawl", "--all", "--registry", str(registry),
         "--db", str(tmp_path / "db.sqlite3"), *FAST],
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert child.wait(timeout=120) == 0
    screen = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace")
    assert "all sites" in screen and "sites done" in screen
    assert "queued" in screen
    assert " progress: " not in screen  # the plain lines are for non-terminals


def test_the_time_left_reads_like_a_person_would_say_it() -> None:
    assert eta_text(None, 5.0) == "" and eta_text(100, 0.0) == ""
    assert eta_text(3, 10.0) == "<1 s"
    assert eta_text(270, 10.0) == "~27 s"
    assert eta_text(2400, 10.0) == "~4 min"
    assert eta_text(75600, 10.0) == "~2.1 h"


def test_a_line_without_a_terminal() -> None:
    now = [100.0]
    display = CrawlProgress(mode="lines", interval=30, clock=lambda: now[0])
    display.add_site("sim1")
    display.add_site("sim2")
    display.start_site("sim1")
    for _ in range(30):
        display.bump("sim1", "pages")
    display.bump("sim1", "articles")
    display.bump("sim1", "failed")
    now[0] += 10
    line = display.line()
    assert LINE.match(line), line
    assert "0/2 sites done, 30 pages (3.0/s), 1 items (1 articles, 0 documents), 1 failed" \
        in line
