"""Crawl progress: a live display on a terminal, a line every N seconds elsewhere.

Enabled by ``congdoan crawl``, which attaches a ``CrawlProgress`` to each
crawler (``crawler.congdoan_run``); under plain ``scrapy crawl`` it stays off.

- On a terminal (``mode="live"``): one rich line per site with its pages,
  items, failures, the requests still queued and an estimate of the time left
  for them; with several sites, a bar of sites done with its time remaining.
- Under cron, a pipe or a log file (``mode="lines"``): every ``interval``
  seconds one plain line for the whole run, e.g.
  ``2026-11-27 20:01 +07:00 progress: 1/3 sites done, 1,204 pages (14.2/s),
  1,100 items (900 articles, 200 documents), 3 failed, 380 queued (~27 s left
  at this rate)``.

The total of a crawl is not known in advance (listings reveal pages as they go):
the time left is for the requests queued now, so it is a lower bound.
"""

from __future__ import annotations

import sys
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, Literal

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.runtime.signals import page_failed
from congdoan.vntime import shown_time

Mode = Literal["live", "lines", "off"]
LIVE_REFRESH = 1.0  # seconds between reads of the queues for the live display


@dataclass
class SiteCounts:
    """What one site's crawl has done so far."""

    pages: int = 0
    articles: int = 0
    documents: int = 0
    failed: int = 0
    state: Literal["waiting", "crawling", "done"] = "waiting"
    started: float = 0.0
    queued: Callable[[], int | None] = field(default=lambda: None)

    @property
    def items(self) -> int:
        """Articles and documents stored."""
        return self.articles + self.documents


def queue_reader(crawler: Any) -> Callable[[], int | None]:
    """How many requests ``crawler`` still has queued or downloading (``None`` if unknown).

    Holds the crawler weakly: a finished crawler must be freed (memory, #12).
    """
    ref = weakref.ref(crawler)

    def queued() -> int | None:
        live = ref()
        engine = getattr(live, "engine", None) if live is not None else None
        scheduler = getattr(engine, "scheduler", None)
        if scheduler is None:
            return None
        try:
            return len(scheduler) + len(engine.downloader.active)  # type: ignore[union-attr]
        except (TypeError, AttributeError):
            return None

    return queued


def eta_text(queued: int | None, rate: float) -> str:
    """``~27 s`` / ``~4 min`` / ``~2.1 h`` left for ``queued`` requests at ``rate`` per second."""
    if not queued or rate <= 0:
        return ""
    seconds = queued / rate
    if seconds < 1:
        return "<1 s"
    if seconds < 90:
        return f"~{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"~{seconds / 60:.0f} min"
    return f"~{seconds / 3600:.1f} h"


def _live_display() -> Any:
    """rich's live progress lines, one per site (imported here: only a terminal needs it)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[site]:<12}"),
        TextColumn("{task.fields[pages]:>6} pages"),
        TextColumn("{task.fields[articles]:>6} articles"),
        TextColumn("{task.fields[documents]:>5} documents"),
        TextColumn("[red]{task.fields[failed]:>4} failed"),
        TextColumn("{task.fields[queued]:>6} queued {task.fields[eta]:<8}"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        transient=False,
    )


class CrawlProgress:
    """The progress of every crawler of one ``congdoan crawl`` (see the module)."""

    def __init__(self, *, mode: Mode = "live", interval: float = 30.0,
                 stream: IO[str] | None = None, clock: Callable[[], float] = time.monotonic,
                 enabled: bool | None = None) -> None:
        if enabled is not None:  # the older switch: on means live
            mode = "live" if enabled else "off"
        self.mode: Mode = mode
        self.interval = interval
        self.stream = stream or sys.stderr
        self.clock = clock
        self.sites: dict[str, SiteCounts] = {}
        self._started = clock()
        self._last = (self._started, 0)  # (when, pages) of the last line
        self._loop: Any = None
        # The live display only: rich is imported for it (55 modules), and off it every
        # page and item would still update its tasks under a lock, on the reactor thread.
        self.progress: Any = _live_display() if mode == "live" else None
        self._tasks: dict[str, Any] = {}
        self._overall: Any = None

    @property
    def enabled(self) -> bool:
        """Whether anything is shown at all."""
        return self.mode != "off"

    def __enter__(self) -> CrawlProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.progress is not None:
            self.progress.stop()

    def start_ticking(self) -> None:
        """Start the periodic refresh (lines or live queues), once, on the running reactor.

        Called by the first crawler's extension: importing Twisted's reactor any
        earlier would install the wrong one before Scrapy installs asyncio's.
        """
        every = self.interval if self.mode == "lines" else LIVE_REFRESH
        if self._loop is not None or self.mode == "off" or every <= 0:
            return
        from twisted.internet.task import LoopingCall

        self._loop = LoopingCall(self.tick)
        self._loop.start(every, now=False)

    # -- what the crawl reports
    def add_site(self, site: str) -> None:
        """Show a line for ``site``, waiting for its turn."""
        self.sites[site] = SiteCounts()
        if self.progress is None:
            return  # no live display: the counts alone
        if len(self.sites) == 2:
            # Several sites: a first line sums them up (sites done, time left).
            self._overall = self.progress.add_task(
                "", total=None, site="all sites", pages=0, articles=0, documents=0, failed=0,
                queued="", eta="")
        self._tasks[site] = self.progress.add_task(
            "waiting", total=None, site=site, pages=0, articles=0, documents=0, failed=0,
            queued="", eta="", start=False,
        )

    def watch(self, site: str, crawler: Any) -> None:
        """Read ``site``'s queue from ``crawler`` (weakly) for the time left."""
        if site in self.sites:
            self.sites[site].queued = queue_reader(crawler)

    def start_site(self, site: str) -> None:
        """``site``'s crawl has started."""
        counts = self.sites.setdefault(site, SiteCounts())
        counts.state, counts.started = "crawling", self.clock()
        task_id = self._tasks.get(site)
        if task_id is not None:
            self.progress.start_task(task_id)
            self.progress.update(task_id, description="crawling")

    def bump(self, site: str, name: str) -> None:
        """Add one to a counter of ``site`` (pages, articles, documents, failed)."""
        counts = self.sites.get(site)
        if counts is None:
            return
        setattr(counts, name, getattr(counts, name) + 1)
        task_id = self._tasks.get(site)
        if task_id is not None:
            self.progress.update(task_id, **{name: getattr(counts, name)})

    def finish(self, site: str, description: str) -> None:
        """Mark ``site`` as done with a short status."""
        counts = self.sites.setdefault(site, SiteCounts())
        counts.state = "done"
        counts.queued = lambda: None  # drop the crawler reference
        task_id = self._tasks.get(site)
        if task_id is not None:
            self.progress.update(task_id, description=description, total=1, completed=1,
                                 queued="", eta="")

    # -- what is shown
    def tick(self) -> None:
        """Refresh the live display, or write one progress line."""
        if self.mode == "live":
            self._refresh_live()
        elif self.mode == "lines":
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def _refresh_live(self) -> None:
        now = self.clock()
        total_queued, total_rate = 0, 0.0
        for site, counts in self.sites.items():
            task_id = self._tasks.get(site)
            if task_id is None or counts.state != "crawling":
                continue
            queued = counts.queued()
            rate = counts.pages / max(now - counts.started, 1e-9)
            total_queued += queued or 0
            total_rate += rate
            self.progress.update(task_id, queued="" if queued is None else queued,
                                 eta=eta_text(queued, rate))
        if self._overall is not None:
            values = self.sites.values()
            done = sum(c.state == "done" for c in values)
            self.progress.update(
                self._overall, description=f"{done}/{len(self.sites)} sites done",
                pages=sum(c.pages for c in values), articles=sum(c.articles for c in values),
                documents=sum(c.documents for c in values),
                failed=sum(c.failed for c in values), queued=total_queued or "",
                eta=eta_text(total_queued, total_rate))

    def line(self) -> str:
        """One plain progress line for the whole run (see the module)."""
        now = self.clock()
        pages = sum(c.pages for c in self.sites.values())
        since, pages_then = self._last
        rate = (pages - pages_then) / max(now - since, 1e-9)
        self._last = (now, pages)
        articles = sum(c.articles for c in self.sites.values())
        documents = sum(c.documents for c in self.sites.values())
        failed = sum(c.failed for c in self.sites.values())
        done = sum(c.state == "done" for c in self.sites.values())
        readings = [c.queued() for c in self.sites.values() if c.state == "crawling"]
        known = [q for q in readings if q is not None]
        parts = [f"{done}/{len(self.sites)} sites done" if len(self.sites) > 1 else
                 next(iter(self.sites), "crawl"),
                 f"{pages:,} pages ({rate:.1f}/s)",
                 f"{articles + documents:,} items ({articles:,} articles, "
                 f"{documents:,} documents)",
                 f"{failed:,} failed"]
        if known:
            queued = sum(known)
            eta = eta_text(queued, rate)
            parts.append(f"{queued:,} queued" + (f" ({eta} left at this rate)" if eta else ""))
        stamp = shown_time(datetime.now(UTC))
        return f"{stamp} progress: " + ", ".join(parts)


class ProgressExtension:
    """Feeds ``CrawlProgress`` from Scrapy signals."""

    def __init__(self, display: CrawlProgress, site: str) -> None:
        self.display = display
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        """Wire the extension when ``congdoan crawl`` attached a progress display."""
        run = getattr(crawler, "congdoan_run", None)
        if run is None or run.progress is None or not run.progress.enabled:
            raise NotConfigured
        ext = cls(run.progress, run.site)
        run.progress.start_ticking()
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.page_failed, signal=page_failed)
        return ext

    def response_received(self, **_: Any) -> None:
        """One page fetched."""
        self.display.bump(self.site, "pages")

    def item_scraped(self, item: Any, **_: Any) -> None:
        """One item through every pipeline."""
        self.display.bump(self.site, "articles" if item.get("kind") == "article" else "documents")

    def page_failed(self, **_: Any) -> None:
        """One page that gave no item."""
        self.display.bump(self.site, "failed")
