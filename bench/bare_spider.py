"""Child process: a bare Scrapy spider that downloads a list of URLs and does nothing else.

``python -m bench.bare_spider URLS_FILE [--set K=V ...]`` fetches every URL
(one per line) with Scrapy's default downloader stack (our concurrency fix) and the same
concurrency and delay settings as the full crawl, follows no redirect and
parses nothing, then prints one ``BENCH-RESULT`` line: pages and the crawl's
seconds from spider open to spider close (``bench.span``). It is the floor our crawl is
compared with: everything above it is what congdoan adds.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from bench.children import FAST_SETTINGS, emit_result
from bench.span import SpanExtension


class BareSpider(scrapy.Spider):
    """Request each URL once; count responses; keep nothing."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.pages = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Every URL, as given, never filtered as a duplicate."""
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True,
                                 meta={"dont_redirect": True, "handle_httpstatus_all": True})

    def parse(self, response: Response) -> None:
        """Count the page and drop it."""
        self.pages += 1


def main() -> None:
    """Parse the arguments, crawl, print the result line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls_file", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    urls = [u for u in args.urls_file.read_text(encoding="utf-8").splitlines() if u]
    settings: dict[str, Any] = {
        **FAST_SETTINGS,
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": False,  # robots.txt is in the URL list when our crawl fetched it
        "COOKIES_ENABLED": False,  # as in congdoan.settings
        "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # The same concurrency really held as in our crawl: Scrapy's own downloader starts
        # the whole queue at once without a delay (congdoan/runtime/downloader.py).
        "DOWNLOADER": "congdoan.runtime.downloader.SlotBoundDownloader",
    }
    for pair in args.set:
        key, _, value = pair.partition("=")
        settings[key] = value
    settings["EXTENSIONS"] = {"bench.span.SpanExtension": 900}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    spider = crawler.spider
    emit_result({"pages": spider.pages if spider else 0, "urls": len(urls),
                 "crawl_s": SpanExtension.seconds(), "cpu_s": SpanExtension.cpu_seconds()})


if __name__ == "__main__":
    main()
