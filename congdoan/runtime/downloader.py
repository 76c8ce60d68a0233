"""Scrapy's downloader with each portal's concurrency actually held (``DOWNLOADER``).

From Scrapy 2.14 on, the downloader starts each download as an asyncio task, and
the task marks its request as transferring only when it first runs. The loop
that hands queued requests to the slot (``Downloader._process_queue``) checks the
free transfer places before any of those tasks has run, so with no download
delay it hands over the whole queue at once: ``CONCURRENT_REQUESTS_PER_DOMAIN=1``
(or a registry's ``politeness.concurrency``) let 13 pages of one portal be
fetched at the same moment here, bounded only by ``CONCURRENT_REQUESTS``. A
small provincial portal should never see that from us.

``SlotBoundDownloader`` shows the parent's loop only as many queued requests as
the slot has free places, and marks the ones it started as transferring at once
(Scrapy's own task marks them again, a set, and clears them when the download
ends). With a download delay the parent starts one request per call anyway.

It also takes requests from the scheduler only while its slots' queues are short
(``needs_backout``): a request waiting in a slot's queue has left the scheduler, so
it is not in the resume folder, and a graceful stop (SIGTERM, the scheduler's
timeout) waits for every one of them to be fetched. Scrapy fills the queues up to
``CONCURRENT_REQUESTS`` (16): on a polite portal (one page at a time, seconds apart)
that stop outlasted the supervisor's grace. Now a slot holds at most as many
waiting requests as it may fetch at once; the rest wait in the scheduler.
"""

from __future__ import annotations

import inspect
from functools import cached_property
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import is_asyncio_available

# Only a coroutine ``_download`` started as a task starts late (Scrapy >= 2.14 on asyncio);
# Scrapy 2.13's Deferred-based one marks its request transferring before it returns.
_STARTS_LATE = inspect.iscoroutinefunction(Downloader._download)


class SlotBoundDownloader(Downloader):
    """Scrapy's ``Downloader`` that never starts more downloads than a slot's concurrency,
    and takes no more requests while its slots have that many waiting."""

    @cached_property
    def _starts_late(self) -> bool:
        # Asked once: Scrapy's check looks the installed reactor up on every call
        # (0.6 % of a crawl's GIL time from this loop alone).
        return _STARTS_LATE and is_asyncio_available()

    def needs_backout(self) -> bool:
        """Scrapy's limit on downloads under way, and short queues of waiting ones."""
        if super().needs_backout():
            return True
        # Waiting: in the downloader, not transferring (queued in a slot, or not yet in
        # one: Scrapy's ``fetch`` places a request in its slot only when its task runs).
        transferring = sum(len(slot.transferring) for slot in self.slots.values())
        waiting = len(self.active) - transferring
        places = sum(slot.concurrency for slot in self.slots.values())
        return waiting >= max(places, 1)

    def _process_queue(self, slot: Slot) -> None:
        free = max(slot.free_transfer_slots(), 0)
        held: list[tuple[Any, Any]] = []
        while len(slot.queue) > free:  # keep the queue's tail back, in order
            held.append(slot.queue.pop())
        visible = list(slot.queue)
        try:
            super()._process_queue(slot)
        finally:
            started = visible[: len(visible) - len(slot.queue)]
            slot.queue.extend(reversed(held))
        if self._starts_late:
            # The tasks have not run yet (they cannot before this returns to the loop):
            # count them now so the next call sees the places taken.
            for request, _ in started:
                slot.transferring.add(request)
