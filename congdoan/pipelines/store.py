"""Last pipeline: write items to the database in batches and keep the run record.

Every crawl is a row in ``crawl_runs`` (started, finished, status, counts, and
its spider health: per-kind fill rates and the verdict, see ``congdoan.runtime.health``);
every page that gave no item is a row in ``failures`` until a later crawl
stores it. Items are written ``CONGDOAN_STORE_BATCH`` at a time, one
transaction per batch: a killed crawl loses at most the open batch.

A database that fails in the middle of a crawl stops it (finish reason
``database_error``, so the run is ``partial`` or ``failed``, never ``ok``):
the pages read but not stored and the failed pages go to
``<data>/retry/<site>.jsonl`` (``congdoan.storage.retry_file``), which the next
crawl fetches again and, once it reaches the database, moves into the ledger.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from congdoan import paths
from congdoan.extensions.runtime import STAT_RECONCILED
from congdoan.runtime.health import STAT_VERDICT, Judgement, RunHealth, Thresholds, judge
from congdoan.runtime.incremental import page_not_modified
from congdoan.runtime.outcome import DATABASE_ERROR, run_status
from congdoan.runtime.signals import page_failed, page_read, run_judged
from congdoan.storage import retry_file
from congdoan.storage.archive import PACKED_KEY, pack
from congdoan.storage.check import cause_of, shown_url
from congdoan.storage.db import database_url, make_engine, session_factory
from congdoan.storage.health import recent_health
from congdoan.storage.known import touch_seen
from congdoan.storage.repository import upsert_site
from congdoan.storage.runs import (
    finish_run,
    mark_stale_runs_aborted,
    record_failure,
    resolve_failures,
    start_run,
)
from congdoan.storage.store import Store

STAT_DATABASE_ERROR = "congdoan/database_error"

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
        self.database_error: str | None = None  # set once the database failed mid-crawl
        self.spilled: dict[str, str] = {}  # read from the retry file at start
        # Raw pages are hashed and compressed here, off the reactor thread, while the
        # crawl goes on; the batch write only inserts the result (1.9 ms a page saved).
        self._packer: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        """Off with ``CONGDOAN_STORE = False`` (``congdoan crawl --no-db``)."""
        if not crawler.settings.getbool("CONGDOAN_STORE", True):
            raise NotConfigured
        url = database_url(crawler.settings.get("CONGDOAN_DATABASE_URL") or None,
                           paths.data_dir(crawler.settings))
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
        # Every congdoan spider names its registry id; a registry entry, when the spider
        # has one, also fills in the site's name and address.
        self.site_id: str = spider.site_id
        entry = getattr(spider, "site", None)
        self.engine = make_engine(self.url)
        self.sessions = session_factory(self.engine)
        self.retry_path = paths.retry_file(paths.data_dir(self.crawler.settings), self.site_id)
        self.spilled = retry_file.read(self.retry_path)
        with self.sessions() as session, session.begin():
            upsert_site(session, self.site_id, getattr(entry, "name", None),
                        getattr(entry, "base_url", None))
            if self._holds_site_lock():
                # Under the site lock no other crawl of the site runs: a run still
                # "running" is one whose database went away before it could close.
                mark_stale_runs_aborted(session, site=self.site_id)
            self.run_id = start_run(session, self.site_id)
        self.store = Store(self.sessions, self.batch_size)
        self._packer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="congdoan-pack")

    def _holds_site_lock(self) -> bool:
        from congdoan.extensions.runtime import CrawlRuntime

        runtime = self.crawler.get_extension(CrawlRuntime)
        return runtime is not None and runtime.lock is not None

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
        item.pop("raw_body", None)  # archived; keep it out of exports and memory
        if self.database_error is not None:
            self._spill({record["url"]: f"not stored: {self.database_error}"})
            return item
        self._fetched_url[record["canonical_url"]] = record["url"]
        raw = record.get("raw_body")
        if raw is not None and self._packer is not None:
            # The spider hashed these bytes already (``body_sha256``): not hashed again.
            record[PACKED_KEY] = self._packer.submit(pack, raw, record.get("body_sha256"))
        self._pending_bytes += len(raw or b"")
        try:
            outcomes = self.store.add(record["kind"], record)
            # A batch also ends at CONGDOAN_STORE_BATCH_BYTES of raw pages: with many
            # crawlers in one process, 100 buffered pages each add up.
            if not outcomes and self._pending_bytes >= self.batch_bytes:
                outcomes = self.store.flush()
        except SQLAlchemyError as exc:
            self._database_lost(exc)
            return item
        if outcomes:
            self._pending_bytes = 0
        for outcome in outcomes:
            self._after_write(outcome)
        return item

    def _database_lost(self, exc: BaseException | None = None) -> None:
        """Keep what cannot be stored in the retry file and stop the crawl: it is not ok."""
        first = self.database_error is None
        if exc is not None:
            self.database_error = f"database failed: {cause_of(exc)}"
        unstored = {str(record.get("url")): f"not stored: {self.database_error}"
                    for _, record in self.store.drain()}
        self._spill(unstored)
        if not first or exc is None:
            return
        logger.error("%s: database %s failed, stopping the crawl (read pages kept in %s): %s",
                     self.site_id, shown_url(self.url), self.retry_path, cause_of(exc))
        self.crawler.stats.set_value(STAT_DATABASE_ERROR, self.database_error)
        # Fetching on would only spill more: pending requests stay in the JOBDIR.
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=DATABASE_ERROR))

    def _spill(self, entries: dict[str, str]) -> None:
        retry_file.append(self.retry_path, entries)

    def _after_write(self, outcome: Any) -> None:
        if outcome.error is None and outcome.url:
            # a page that failed before is fixed now, under either of its URLs
            self.resolved_urls.add(outcome.url)
            self.resolved_urls.add(self._fetched_url.get(outcome.url, outcome.url))
        elif outcome.error is not None:
            self.failures[outcome.url or "?"] = f"not stored: {outcome.error}"

    def close_spider(self) -> None:
        """Write the open batch; the run record waits for ``spider_closed`` and its reason."""
        if self.database_error is not None:
            self._database_lost()
            return
        try:
            outcomes = self.store.close()
        except SQLAlchemyError as exc:
            self._database_lost(exc)
            return
        for outcome in outcomes:
            self._after_write(outcome)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Write the failure ledger and close the run record with the crawl's status.

        Pipelines are closed before Scrapy tells why the spider closed (and
        before the ``finish_reason`` stat exists): only here can a crawl stopped
        by SIGTERM (``shutdown``) be recorded as ``interrupted``.
        """
        if not hasattr(self, "run_id"):
            return  # the spider never opened (no run to close)
        if self._packer is not None:
            self._packer.shutdown(wait=False, cancel_futures=True)  # every batch is written
        if self.database_error is not None:
            self._spill(self.failures)  # the ledger is out of reach
            self.engine.dispose()
            return
        reason = reason or "finished"
        counts = self._run_counts()
        stored = counts["new"] + counts["changed"] + counts["unchanged"]
        pages_read = self.crawler.stats.get_value("congdoan/pages_read", 0)
        status = run_status(stored, len(self.failures), self.dropped, reason, pages_read)
        ledger = {**self._carried_failures(), **self.failures}
        judgement = self._close_run(status, counts, self._run_stats(reason), ledger)
        logger.info("%s: run %s %s %s", self.site_id, self.run_id, status, counts)
        if judgement is not None:
            self._announce(judgement)

    def _run_counts(self) -> dict[str, int]:
        """The run's items by outcome (new, changed, unchanged, dropped) and failed pages."""
        counts = {name: self.store.counts.get(name, 0)
                  for name in ("new", "changed", "unchanged")}
        # A 304 is an item seen again unchanged, just without its body.
        counts["unchanged"] += sum(len(urls) for urls in self.not_modified.values())
        counts["dropped"] = self.dropped
        counts["failed"] = len(self.failures)
        return counts

    def _carried_failures(self) -> dict[str, str]:
        """Pages kept in the retry file by a crawl whose database failed, still not fixed.

        Those this crawl neither stored nor failed again move into the ledger.
        """
        return {url: why for url, why in self.spilled.items()
                if url not in self.resolved_urls and url not in self.failures}

    def _run_stats(self, reason: str) -> dict[str, Any]:
        """The facts of the run kept beside its counts."""
        stats = self.crawler.stats
        return {"finish_reason": reason,
                "pages": stats.get_value("response_received_count", 0),
                "reconciled": bool(stats.get_value(STAT_RECONCILED))}

    def _close_run(self, status: str, counts: dict[str, int], run_stats: dict[str, Any],
                   ledger: dict[str, str]) -> Judgement | None:
        """In one transaction: the failure ledger, the pages seen again, the run's health
        and its record; return the health verdict.

        A database that fails here spills the ledger to the retry file (no verdict).
        """
        judgement: Judgement | None = None
        try:
            with self.sessions() as session, session.begin():
                self._write_ledger(session, ledger)
                health, judgement = self._judge(session, status)
                finish_run(session, self.run_id, status, counts, stats=run_stats,
                           health=health.to_json() if health else None,
                           verdict=judgement.verdict if judgement else None,
                           reasons=list(judgement.reasons) if judgement else None)
        except SQLAlchemyError as exc:
            self.database_error = f"database failed: {cause_of(exc)}"
            self.crawler.stats.set_value(STAT_DATABASE_ERROR, self.database_error)
            logger.error("%s: database %s failed at the end of the crawl: %s", self.site_id,
                         shown_url(self.url), cause_of(exc))
            self._spill(ledger)
            return None
        else:
            retry_file.remove(self.retry_path)
        finally:
            self.engine.dispose()
        return judgement

    def _write_ledger(self, session: Any, ledger: dict[str, str]) -> None:
        """Record the failed pages, resolve the fixed ones, touch the ones answered 304."""
        for url, why in ledger.items():
            record_failure(session, self.site_id, url, why)
        resolve_failures(session, self.site_id, self.resolved_urls)
        for kind, urls in self.not_modified.items():
            touch_seen(session, self.site_id, kind, urls, datetime.now(UTC))

    def _announce(self, judgement: Judgement) -> None:
        """The verdict as a stat, a warning per reason, and ``run_judged`` for listeners."""
        self.crawler.stats.set_value(STAT_VERDICT, judgement.verdict)
        for line in judgement.reasons:
            logger.warning("%s: degraded: %s", self.site_id, line)
        self.crawler.signals.send_catch_log(
            run_judged, site=self.site_id, run_id=self.run_id, verdict=judgement.verdict,
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
        history = recent_health(session, self.site_id, before_run=self.run_id,
                                limit=limits.history)
        return health, judge(health, history, limits)
