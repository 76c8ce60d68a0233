"""A portal never sees more pages fetched at once than its concurrency allows.

Scrapy >= 2.14 on asyncio started a slot's whole queue at once when there was no
download delay (congdoan/runtime/downloader.py): 13 pages of one portal were in
flight with ``CONCURRENT_REQUESTS_PER_DOMAIN=1``. Counted here at the portal.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from congdoan.sim.site import Request, Response
from tests.conftest import serve_portals
from tests.crawling import run_congdoan

NO_DELAY = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0")


class InFlight:
    """A portal hook that holds each article or document page and counts them at once."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.now = 0
        self.most = 0
        self.pages = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request, response: Response) -> Response | None:
        if not (".html" in request.path or "/detail/" in request.path):
            return None
        with self._lock:
            self.now += 1
            self.pages += 1
            self.most = max(self.most, self.now)
        time.sleep(self.hold)
        with self._lock:
            self.now -= 1
        return None


def _crawl_counted(tmp_path: Path, *extra: str, politeness: str = "") -> InFlight:
    server, registry = serve_portals(tmp_path, sites=1, articles=12, documents=4)
    if politeness:
        registry.write_text(registry.read_text(encoding="utf-8") + "\n" + politeness,
                            encoding="utf-8")
    counter = InFlight(hold=0.15)
    server.portal("sim1").hooks.append(counter)
    try:
        result = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db",
                              f"sqlite:///{tmp_path / 'c.sqlite3'}", *NO_DELAY, *extra,
                              cwd=tmp_path)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    assert counter.pages >= 16  # 12 articles and 4 documents at least
    return counter


@pytest.mark.crawl
def test_one_page_at_a_time_when_the_setting_says_one(tmp_path: Path) -> None:
    counter = _crawl_counted(tmp_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert counter.most == 1


@pytest.mark.crawl
def test_the_registry_politeness_concurrency_is_held_and_used(tmp_path: Path) -> None:
    counter = _crawl_counted(
        tmp_path, politeness="[site.politeness]\ndownload_delay = 0\nconcurrency = 3\n")
    assert counter.most == 3  # never more, and the places are used
