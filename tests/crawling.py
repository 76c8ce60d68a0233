"""Run a real ``congdoan crawl`` in a child process (Twisted's reactor cannot restart)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import forked

# Local portals answer at once: no politeness delays in tests. 16 pages at once, as
# many as CONCURRENT_REQUESTS allows (the simulator's pages of a slow or faulty portal
# wait in parallel; before the downloader held a portal's concurrency, 8 meant 16).
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")


@dataclass
class CrawlRun:
    returncode: int
    stdout: str
    stderr: str
    items: list[dict[str, Any]]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [item for item in self.items if item["kind"] == kind]


def run_congdoan(*args: str, cwd: Path, env: dict[str, str] | None = None,
                 timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``congdoan ARGS`` with the test's environment, in a child forked with its imports done.

    Exit code, standard output and error as ``python -m congdoan`` gives them
    (``tests/forked.py`` says what differs: nothing a command's result shows).
    """
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    if os.environ.get("CONGDOAN_TESTS_FORK", "1") == "0":  # to compare, or to rule it out
        return subprocess.run([sys.executable, "-m", "congdoan", *args], cwd=cwd, env=full_env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    return forked.run(args, cwd=cwd, env=full_env, timeout=timeout)


def crawl(site: str, registry: Path, tmp_path: Path, *extra: str,
          env: dict[str, str] | None = None) -> CrawlRun:
    """Crawl ``site`` to a JSON Lines file and read it back."""
    output = tmp_path / f"{site}.jsonl"
    result = run_congdoan("crawl", site, "--registry", str(registry), "--output", str(output),
                          *FAST, *extra, cwd=tmp_path, env=env)
    items = []
    if output.exists():
        items = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return CrawlRun(result.returncode, result.stdout, result.stderr, items)


def run_scrapy(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS`` (the project's settings) with the test's environment."""
    full_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "congdoan.settings", **(env or {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)
