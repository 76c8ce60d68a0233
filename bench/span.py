"""A Scrapy extension that records when spiders open and close, for the crawl children.

Both sides of the crawl-overhead comparison time the same span, first spider
opened to last spider closed, so that process start-up, imports and crawler
construction (which differ between them) stay out of the pages/s figures. The
process's CPU time over the same span (every thread) is recorded too: what a page
costs, whether or not something else (the simulator, the load) limits pages/s.
"""

from __future__ import annotations

import os
import time
from typing import Any

from scrapy import signals

# ``bench.crawl_profile --callgrind`` sets this to a tiny library whose one function is
# callgrind's CALLGRIND_DUMP_STATS: the span's instructions are then counted apart from
# start-up and imports (which the pages/s figures leave out too).
MARK_ENV = "BENCH_CALLGRIND_MARK"


def _mark() -> None:
    """Under callgrind with ``MARK_ENV`` set: dump the counts so far (a new part starts)."""
    library = os.environ.get(MARK_ENV)
    if library:
        import ctypes  # here: the pages/s children never load it

        ctypes.CDLL(library).congdoan_bench_dump()


class SpanExtension:
    """Adds each spider's open and close times (``perf_counter``) to ``SpanExtension.times``."""

    times: dict[str, list[float]] = {"open": [], "close": []}  # noqa: RUF012 - one crawl per process
    cpu: dict[str, float] = {}  # noqa: RUF012 - process CPU seconds at the first open, last close

    @classmethod
    def from_crawler(cls, crawler: Any) -> SpanExtension:
        """Connect to the crawler's spider_opened and spider_closed signals."""
        ext = cls()
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, **_: Any) -> None:
        """Record an opening."""
        if not self.times["open"]:
            _mark()
            self.cpu["open"] = time.process_time()
        self.times["open"].append(time.perf_counter())

    def closed(self, **_: Any) -> None:
        """Record a closing."""
        self.times["close"].append(time.perf_counter())
        if len(self.times["close"]) == len(self.times["open"]):
            self.cpu["close"] = time.process_time()
            _mark()

    @classmethod
    def seconds(cls) -> float:
        """First open to last close, 0.0 when nothing ran."""
        if not cls.times["open"] or not cls.times["close"]:
            return 0.0
        return max(cls.times["close"]) - min(cls.times["open"])

    @classmethod
    def cpu_seconds(cls) -> float:
        """CPU time of the whole process (all threads) from the first open to the last
        close, 0.0 when nothing ran."""
        if "open" not in cls.cpu or "close" not in cls.cpu:
            return 0.0
        return cls.cpu["close"] - cls.cpu["open"]
