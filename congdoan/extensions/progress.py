"""Live crawl progress on the terminal (rich), one line per site.

Enabled by ``congdoan crawl``, which attaches a ``CrawlProgress`` to each
crawler (``crawler.congdoan_run``); under plain ``scrapy crawl`` it stays off.
"""

from __future__ import annotations

from typing import Any

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.signals import page_failed


class CrawlProgress:
    """A rich progress display shared by every crawler of one ``congdoan crawl``."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[site]:<12}"),
            TextColumn("{task.fields[pages]:>6} pages"),
            TextColumn("{task.fields[articles]:>6} articles"),
            TextColumn("{task.fields[documents]:>5} documents"),
            TextColumn("[red]{task.fields[failed]:>4} failed"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> CrawlProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def add_site(self, site: str) -> None:
        """Show a line for ``site``, waiting for its turn."""
        self._tasks[site] = self.progress.add_task(
            "waiting", total=None, site=site, pages=0, articles=0, documents=0, failed=0,
            start=False,
        )

    def start_site(self, site: str) -> None:
        """``site``'s crawl has started."""
        task_id = self._tasks.get(site)
        if task_id is not None:
            self.progress.start_task(task_id)
            self.progress.update(task_id, description="crawling")

    def bump(self, site: str, field: str) -> None:
        """Add one to a counter of ``site``."""
        task_id = self._tasks.get(site)
        if task_id is None:
            return
        task = self.progress.tasks[task_id]
        self.progress.update(task_id, **{field: task.fields[field] + 1})

    def finish(self, site: str, description: str) -> None:
        """Mark ``site`` as done with a short status."""
        task_id = self._tasks.get(site)
        if task_id is not None:
            self.progress.update(task_id, description=description, total=1, completed=1)


class ProgressExtension:
    """Feeds ``CrawlProgress`` from Scrapy signals."""

    def __init__(self, display: CrawlProgress, site: str) -> None:
        self.display = display
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        """Wire the extension when ``congdoan crawl`` attached a progress display."""
        run = getattr(crawler, "congdoan_run", None)
        if run is None or run.progress is None:
            raise NotConfigured
        ext = cls(run.progress, run.site)
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
