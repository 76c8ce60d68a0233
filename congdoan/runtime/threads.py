"""Named thread pools of a crawl process, started on first use, and work handed to them.

A crawl keeps the reactor thread for Scrapy's own work: page parsing
(``spiders.site``) and attached files (``pipelines.attachments``) each run in a
small pool of their own, shared by every crawler of the process. One class
owns how such a pool starts (once, under a lock, on first use) and how a
coroutine hands it work (in place when no asyncio loop runs: a test, a
``reparse``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

_T = TypeVar("_T")


class NamedPool:
    """A thread pool of ``workers`` threads named ``congdoan-<name>``, started on first use."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self.workers = workers
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def executor(self) -> ThreadPoolExecutor:
        """The pool's executor (started now if it was not)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.workers,
                                                    thread_name_prefix=f"congdoan-{self.name}")
            return self._executor

    async def run(self, fn: Callable[..., _T], *args: Any) -> _T:
        """``fn(*args)`` in one of the pool's threads; in place when no asyncio loop runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args)
        return await loop.run_in_executor(self.executor(), fn, *args)
