"""What a crawl process imports: nothing it never uses (start-up CPU and resident memory).

Scrapy imports every extension listed in ``EXTENSIONS_BASE``, enabled or not; its
remote-control extension alone brought aiohttp (~80 ms, several MB). A crawl stores
watches but never searches, and on SQLite never needs PostgreSQL's dialect module
for its statements.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# A fresh Python child: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

_PROBE = """
import sys
from scrapy.extension import ExtensionManager
from scrapy.utils.test import get_crawler
from congdoan import settings as project
from congdoan.spiders.nukeviet import NukeVietSpider
import congdoan.jobs.runner, congdoan.pipelines.store, congdoan.storage.watches
from sqlalchemy.orm import Session
from congdoan.storage.db import make_engine
from congdoan.storage.dialect import insert_ignore
from congdoan.storage.models import Site

declared = {k: v for k, v in vars(project).items() if k.isupper() and k != "TWISTED_REACTOR"}
crawler = get_crawler(NukeVietSpider, settings_dict=declared)
names = [type(e).__name__ for e in ExtensionManager.from_crawler(crawler).middlewares]
with Session(make_engine("sqlite://")) as session:
    insert_ignore(session, Site.__table__, {"id": "s"})
    insert_ignore(session, Site.__table__, {"id": "s"})
    print(session.get(Site, "s").id)
for module in ("aiohttp", "scrapy.extensions.remote_control", "scrapy.extensions.telnet",
               "congdoan.storage.search", "congdoan.storage.ranking"):
    print(module, module in sys.modules)
print("RemoteControl" in names, "TelnetConsole" in names, "CoreStats" in names)
"""


def test_a_crawl_process_leaves_out_what_it_never_uses() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "s"  # the insert statements still build and run
    assert lines[1:6] == [f"{m} False" for m in (
        "aiohttp", "scrapy.extensions.remote_control", "scrapy.extensions.telnet",
        "congdoan.storage.search", "congdoan.storage.ranking")]
    assert lines[6] == "False False True"  # Scrapy's other extensions still load
