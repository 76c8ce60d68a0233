"""What a crawl process imports: nothing it never uses (start-up CPU and resident memory).

Scrapy imports every component listed in its ``*_BASE`` settings, enabled or not:
its remote control brought aiohttp, its cookies middleware tldextract and requests.
They are now imported only when their setting turns them on
(``congdoan/runtime/lazy.py``); rich only for the live progress on a terminal. A
crawl stores watches but never searches, and on SQLite never needs PostgreSQL's
dialect module for its statements.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# A fresh Python child: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

_PROBE = """
import sys
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.extension import ExtensionManager
from scrapy.utils.test import get_crawler
from congdoan import settings as project
from congdoan.spiders.nukeviet import NukeVietSpider
import congdoan.jobs.runner, congdoan.pipelines.store, congdoan.storage.watches
from congdoan.extensions.progress import CrawlProgress
display = CrawlProgress(mode="lines")
display.add_site("a"); display.add_site("b"); display.bump("a", "pages")
from sqlalchemy.orm import Session
from congdoan.storage.db import make_engine
from congdoan.storage.dialect import insert_ignore
from congdoan.storage.models import Site

def names(**overrides):
    declared = {k: v for k, v in vars(project).items() if k.isupper() and k != "TWISTED_REACTOR"}
    crawler = get_crawler(NukeVietSpider, settings_dict={**declared, **overrides})
    built = [*ExtensionManager.from_crawler(crawler).middlewares,
             *DownloaderMiddlewareManager.from_crawler(crawler).middlewares]
    return {f"{type(c).__module__}.{type(c).__name__}" for c in built}

with Session(make_engine("sqlite://")) as session:
    insert_ignore(session, Site.__table__, {"id": "s"})
    insert_ignore(session, Site.__table__, {"id": "s"})
    print(session.get(Site, "s").id)
off = names()
print(sorted(m for m in ("aiohttp", "scrapy.extensions.remote_control", "scrapy.extensions.telnet",
                         "tldextract", "requests", "scrapy.downloadermiddlewares.cookies", "rich",
                         "congdoan.storage.search", "congdoan.storage.ranking")
             if m in sys.modules))
print("scrapy.extensions.corestats.CoreStats" in off,
      "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware" in off,
      any("Cookies" in n or "RemoteControl" in n or "Telnet" in n for n in off))
on = names(COOKIES_ENABLED=True)
print("scrapy.downloadermiddlewares.cookies.CookiesMiddleware" in on, "tldextract" in sys.modules)
"""


def test_a_crawl_process_leaves_out_what_it_never_uses() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "s"  # the insert statements still build and run
    assert lines[1] == "[]"  # none of those modules imported
    assert lines[2] == "True True False"  # Scrapy's other components still there
    assert lines[3] == "True True"  # turned on, the real middleware is built
