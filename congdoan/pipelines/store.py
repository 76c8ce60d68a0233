"""Last pipeline: write items to the database in batches and keep the run record.

Every crawl is a row in ``crawl_runs`` (started, finished, status, counts, and
its spider health: per-kind fill rates and the verdict, see ``congdoan.health``);
every page that gave no item is a row in ``failures`` until a later crawl
stores it. Items are written ``CONGDOAN_STORE_BATCH`` at a time, one
transaction per batch: a killed crawl loses at most the open batch.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.health import Judgement, RunHealth, Thresholds, judge
from congdoan.incremental import page_not_modified
from congdoan.outcome import run_status
from congdoan.signals import page_failed, page_read, run_judged
from congdoan.storage.db import database_url, make_engine, session_factory
from congdoan.storage.health import recent_health
from congdoan.storage.known import touch_seen
from congdoan.storage.repository import upsert_site
from congdoan.storage.runs import finish_run, record_failure, resolve_failures, start_run
from congdoan.storage.store import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts items, records failures, opens and closes the crawl run."""

    def __init__(self, crawler: Any, url: str, batch_size: int,
                 batch_bytes: int = 2 << 20) -> None:
        self.crawler = crawler
        self.url = url
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self._pending_bytes = 0
        self.failures: dict[str, str] = {}
        self.resolved_urls: set[str] = set()
        self._fetched_url: dict[str, str] = {}  # canonical URL -> URL as fetched
        self.dropped = 0
        self.not_modified: dict[str, list[str]] = {}  # kind -> URLs answered 304

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        """Off with ``CONGDOAN_STORE = False`` (``congdoan crawl --no-db``)."""
        if not crawler.settings.getbool("CONGDOAN_STORE", True):
            raise NotConfigured
        url = database_url(crawler.settings.get("CONGDOAN_DATABASE_URL") or None)
        pipeline = cls(crawler, url, crawler.settings.getint("CONGDOAN_STORE_BATCH", 100),
                       crawler.settings.getint("CONGDOAN_STORE_BATCH_BYTES", 2 << 20))
        crawler.signals.connect(pipeline.page_failed, signal=page_failed)
        crawler.signals.connect(pipeline.page_read, signal=page_read)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_not_modified, signal=page_not_modified)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Connect (migrating the schema on first use) and open the run record."""
        spider = self.crawler.spider
        self.site = spider.site
        self.engine = make_engine(self.url)
        self.sessions = session_factory(self.engine)
        with self.sessions() as session, session.begin():
            upsert_site(session, self.site.id, self.site.name, self.site.base_url)
            self.run_id = start_run(session, self.site.id)
        self.store = Store(self.sessions, self.batch_size)

    def page_failed(self, site: str, url: str, reason: str, **_: Any) -> None:
        """Remember a failed page; written to the ledger at the end of the run."""
        self.failures[url] = reason

    def page_read(self, url: str, **_: Any) -> None:
        """A listing or feed read fine: an earlier failure of it is resolved."""
        self.resolved_urls.add(url)

    def page_not_modified(self, url: str, kind: str, **_: Any) -> None:
        """A stored page the portal says is unchanged: seen now, written at the end."""
        self.not_modified.setdefault(kind, []).append(url)

    def item_dropped(self, **_: Any) -> None:
        """Count items an earlier pipeline refused."""
        self.dropped += 1

    def process_item(self, item: Any) -> Any:
        """Queue the item; a full batch is written in one transaction."""
        record = dict(item)
        self._fetched_url[record["canonical_url"]] = record["url"]
        self._pending_bytes += len(record.get("raw_body") or b"")
        outcomes = self.store.add(record["kind"], record)
        # A batch also ends at CONGDOAN_STORE_BATCH_BYTES of raw pages: with many
        # crawlers in one process, 100 buffered pages each add up.
        if not outcomes and self._pending_bytes >= self.batch_bytes:
            outcomes = self.store.flush()
        if outcomes:
            self._pending_bytes = 0
        for outcome in outcomes:
            self._after_write(outcome)
        item.pop("raw_body", None)  # archived; keep it out of exports and memory
        return item

    def _after_write(self, outcome: Any) -> None:
        if outcome.error is None and outcome.url:
            # a page that failed before is fixed now, under either of its URLs
            self.resolved_urls.add(outcome.url)
            self.resolved_urls.add(self._fetched_url.get(outcome.url, outcome.url))
        elif outcome.error is not None:
            self.failures[outcome.url or "?"] = f"not stored: {outcome.error}"

    def close_spider(self) -> None:
        """Write the open batch; the run record waits for ``spider_closed`` and its reason."""
        for outcome in self.store.close():
            self._after_write(outcome)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Write the failure ledger and close the run record with the crawl's status.

        Pipelines are closed before Scrapy tells why the spider closed (and
        before the ``finish_reason`` stat exists): only here can a crawl stopped
        by SIGTERM (``shutdown``) be recorded as ``interrupted``.
        """
        if not hasattr(self, "run_id"):
            return  # the spider never opened (no run to close)
        reason = reason or "finished"
        counts = {name: self.store.counts.get(name, 0)
                  for name in ("new", "changed", "unchanged")}
        # A 304 is an item seen again unchanged, just without its body.
        counts["unchanged"] += sum(len(urls) for urls in self.not_modified.values())
        counts["dropped"] = self.dropped
        counts["failed"] = len(self.failures)
        stored = counts["new"] + counts["changed"] + counts["unchanged"]
        pages_read = self.crawler.stats.get_value("congdoan/pages_read", 0)
        status = run_status(stored, len(self.failures), self.dropped, reason, pages_read)
        with self.sessions() as session, session.begin():
            for url, why in self.failures.items():
                record_failure(session, self.site.id, url, why)
            resolve_failures(session, self.site.id, self.resolved_urls)
            for kind, urls in self.not_modified.items():
                touch_seen(session, self.site.id, kind, urls, datetime.now(UTC))
            health, judgement = self._judge(session, status)
            finish_run(session, self.run_id, status, counts,
                       stats={"finish_reason": reason, "pages":
                              self.crawler.stats.get_value("response_received_count", 0)},
                       health=health.to_json() if health else None,
                       verdict=judgement.verdict if judgement else None,
                       reasons=list(judgement.reasons) if judgement else None)
        self.engine.dispose()
        logger.info("%s: run %s %s %s", self.site.id, self.run_id, status, counts)
        if judgement is not None:
            for line in judgement.reasons:
                logger.warning("%s: degraded: %s", self.site.id, line)
            self.crawler.signals.send_catch_log(
                run_judged, site=self.site.id, run_id=self.run_id, verdict=judgement.verdict,
                reasons=list(judgement.reasons))

    def _judge(self, session: Any, status: str) -> tuple[RunHealth | None, Judgement | None]:
        """This run's health counts and, unless it was interrupted, its verdict.

        An interrupted crawl read an arbitrary part of the site: its counts are
        kept but it is neither judged nor, later, anyone's baseline.
        """
        settings = self.crawler.settings
        if not settings.getbool("CONGDOAN_HEALTH", True):
            return None, None
        health = RunHealth.from_stats(self.crawler.stats.get_stats())
        if status == "interrupted":
            return health, None
        limits = Thresholds.from_settings(settings)
        history = recent_health(session, self.site.id, before_run=self.run_id,
                                limit=limits.history)
        return health, judge(health, history, limits)
