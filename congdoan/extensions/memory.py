"""Hand freed heap memory back to the operating system while a long crawl runs.

Every page read builds lxml trees, strings and ORM objects that are freed a
moment later. glibc's allocator keeps most freed chunks for reuse instead of
returning them, so a crawl's resident size creeps up with the pages it has
read even though the memory it really uses does not (34 simulated portals,
12,920 items: 190 -> 255 MB without trimming, flat around 200-235 MB with
it; docs/benchmarks.md). ``malloc_trim(0)`` gives back every free page,
also those in the middle of the heap, in under a millisecond here.

One timer per process, however many crawlers run: the first crawler to open
starts it, the last to close stops it. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def _load_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # absent from musl
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_MALLOC_TRIM = _load_malloc_trim()


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS; ``False`` where the C library cannot."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


class MemoryTrim:
    """Calls ``release_free_memory`` every ``CONGDOAN_MEMORY_TRIM_INTERVAL`` seconds (0: off)."""

    _open_crawlers = 0
    _timer: task.LoopingCall | None = None

    def __init__(self, interval: float) -> None:
        self.interval = interval

    @classmethod
    def from_crawler(cls, crawler: Any) -> MemoryTrim:
        """Off when the interval is 0 or the C library has no ``malloc_trim``."""
        interval = crawler.settings.getfloat("CONGDOAN_MEMORY_TRIM_INTERVAL")
        if interval <= 0 or _MALLOC_TRIM is None:
            raise NotConfigured
        ext = cls(interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, **_: Any) -> None:
        """Start the process's timer with the first crawler."""
        cls = type(self)
        cls._open_crawlers += 1
        if cls._timer is None:
            cls._timer = task.LoopingCall(release_free_memory)
            cls._timer.start(self.interval, now=False)

    def spider_closed(self, **_: Any) -> None:
        """A finished crawler's pages are all freed now: trim; the last one stops the timer."""
        cls = type(self)
        cls._open_crawlers = max(0, cls._open_crawlers - 1)
        release_free_memory()
        if cls._open_crawlers == 0 and cls._timer is not None:
            if cls._timer.running:
                cls._timer.stop()
            cls._timer = None
