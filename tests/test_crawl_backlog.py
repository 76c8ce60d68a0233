"""A crawl holds a bounded backlog of downloaded, not yet parsed pages (memory, #24).

Parsing threads are shared by every crawler of a process; when they fall behind the
downloads, Scrapy's default lets each crawler hold 5 MB of pages waiting for them.
The project setting ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bounds that backlog: here parsing
is slowed so that pages pile up, and the largest backlog seen must stay within the
budget plus the downloads already under way when it was reached.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import serve_portals

pytestmark = pytest.mark.crawl

# The child records the scraper's active size after every page it takes in, and
# slows the NukeViet parser (the downloads outrun it, as on a loaded machine).
SLOWED_CRAWL = """
import json, sys, time
from scrapy.core import scraper
from congdoan.spiders import nukeviet, site
from congdoan.jobs.runner import base_settings, crawl_sites

seen = {"max_active": 0, "largest_page": 0, "total": 0}
add = scraper.Slot.add_response_request

def recording(self, result, request):
    out = add(self, result, request)
    seen["max_active"] = max(seen["max_active"], self.active_size)
    body = getattr(result, "body", b"")
    seen["largest_page"] = max(seen["largest_page"], len(body))
    seen["total"] += len(body)
    return out

scraper.Slot.add_response_request = recording
parse_and_hash = site.parse_and_hash

def slow(parse, body, url):
    time.sleep(0.03)
    return parse_and_hash(parse, body, url)

nukeviet.parse_and_hash = slow
settings = base_settings()
crawl_sites(sys.argv[3:], registry=sys.argv[1], progress=False, overrides={
    "CONGDOAN_DATABASE_URL": "sqlite:///" + sys.argv[2], "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR"})
seen["budget"] = settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE")
seen["in_flight"] = settings.getint("CONCURRENT_REQUESTS")
print(json.dumps(seen))
"""


def test_pages_waiting_for_the_parser_stay_within_the_budget(tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=150, documents=0, seed=21)
    database = tmp_path / "db.sqlite3"
    try:
        done = subprocess.run(
            [sys.executable, "-c", SLOWED_CRAWL, str(registry), str(database),
             *server.site_ids()],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        truth = server.truth(server.site_ids()[0])
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-1500:]
    seen = json.loads(done.stdout.splitlines()[-1])
    # The pages would all pile up behind the slowed parser: the crawl holds a small part.
    assert seen["max_active"] <= seen["budget"] + seen["in_flight"] * seen["largest_page"]
    assert seen["max_active"] < seen["total"] / 3
    # ... and the backlog's bound costs nothing of what is stored.
    with sqlite3.connect(database) as conn:
        stored = conn.execute("select count(*) from articles").fetchone()[0]
    assert stored == len(truth["articles"])
