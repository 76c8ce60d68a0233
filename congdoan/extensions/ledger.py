"""The run ledger: how one crawl went, counted in one place and written once.

Everything that decides a crawl's outcome is counted here and nowhere else:
the pages that failed (the spider's ``page_failed``, the store pipeline's "not
stored"), the pages read (an earlier failure of them is resolved), the pages
answered 304, the items scraped and dropped. When the spider closes, the
ledger decides the run's status once (``congdoan.runtime.outcome.run_status``)
and, when the crawl stores, writes the run's record in one transaction: the
``crawl_runs`` row with its counts and spider health verdict
(``congdoan.runtime.health``), the failure ledger, the pages seen again. Then
the status goes into the crawl stats (``congdoan/status``) and ``run_finished``
carries the whole outcome: ``congdoan crawl``'s summary (``jobs.runner``)
and ``scrapy crawl``'s exit code read it, never a count of their own.

The store pipeline only stores: it reports each write's outcome here. A
database that fails mid-crawl is reported too; the ledger then keeps the
failed pages in ``<data>/retry/<site>.jsonl`` (``congdoan.storage.retry_file``)
for the next crawl, which moves them into the database's ledger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from congdoan import paths
from congdoan.extensions.runtime import (
    STAT_RECONCILED,
    STAT_RESUME_DISCARDED,
    STAT_RESUMED,
    site_of,
)
from congdoan.runtime.health import STAT_VERDICT, Judgement, RunHealth, Thresholds, judge
from congdoan.runtime.incremental import page_not_modified
from congdoan.runtime.lifeline import run_origin
from congdoan.runtime.outcome import run_status
from congdoan.runtime.signals import page_failed, page_read, run_finished, run_judged
from congdoan.storage import retry_file

logger = logging.getLogger(__name__)

STAT_STATUS = "congdoan/status"  # the run's status, decided once by the ledger
STAT_DATABASE_ERROR = "congdoan/database_error"  # why the database failed mid-crawl
_CLOSE_ATTEMPTS = 5  # tries of the closing transaction while SQLite says "locked"


@dataclass
class RunOutcome:
    """What a finished crawl did, as ``run_finished`` hands it to its readers."""

    site: str
    status: str
    finish_reason: str
    failures: list[dict[str, str]] = field(default_factory=list)  # site, url, reason, kind
    dropped: int = 0
    run_id: int | None = None  # the ``crawl_runs`` row, when the crawl stores
    verdict: str | None = None  # spider health, when judged
    reasons: list[str] = field(default_factory=list)
    database_error: str | None = None


class RunLedger:
    """Counts one crawl's pages and items; decides and records its outcome at the end."""

    def __init__(self, crawler: Any, site: str) -> None:
        self.crawler = crawler
        self.site = site
        self.failures: dict[str, dict[str, str]] = {}  # URL -> its failure
        self.resolved: set[str] = set()  # URLs read or stored fine: earlier failures close
        self.not_modified: dict[str, list[str]] = {}  # kind -> URLs answered 304
        self.scraped = 0
        self.dropped = 0
        self.database_error: str | None = None
        self.row: RunRow | None = None  # the database record, when the crawl stores

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLedger:
        """For every congdoan site crawl (a spider with ``site_id``)."""
        ledger = cls(crawler, site_of(crawler))
        if crawler.settings.getbool("CONGDOAN_STORE"):
            ledger.row = RunRow(crawler, ledger.site)
        for handler, signal in ((ledger.page_failed, page_failed),
                                (ledger.page_read, page_read),
                                (ledger.page_not_modified, page_not_modified),
                                (ledger.item_scraped, signals.item_scraped),
                                (ledger.item_dropped, signals.item_dropped),
                                (ledger.spider_opened, signals.spider_opened),
                                (ledger.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=signal)
        return ledger

    # -- what the crawl reports ----------------------------------------------------------
    def page_failed(self, url: str, reason: str, kind: str = "page", **_: Any) -> None:
        """A page that gave no item (the spider's failure ledger)."""
        self.failures[url] = {"site": self.site, "url": url, "reason": reason, "kind": kind}

    def page_read(self, url: str, **_: Any) -> None:
        """A listing or feed read fine: an earlier failure of it is resolved."""
        self.resolved.add(url)

    def page_not_modified(self, url: str, kind: str, **_: Any) -> None:
        """A stored page the portal says is unchanged: seen now, written at the end."""
        self.not_modified.setdefault(kind, []).append(url)

    def item_scraped(self, **_: Any) -> None:
        """An item that left the pipelines."""
        self.scraped += 1

    def item_dropped(self, **_: Any) -> None:
        """An item an earlier pipeline refused (validation)."""
        self.dropped += 1

    # -- what the store pipeline reports --------------------------------------------------
    def stored(self, *urls: str) -> None:
        """An item was written: a page that failed before is fixed, under any of its URLs."""
        self.resolved.update(u for u in urls if u)

    def not_stored(self, url: str, reason: str, kind: str = "item") -> None:
        """An item the database refused: a failed page of this run."""
        self.failures[url] = {"site": self.site, "url": url, "reason": f"not stored: {reason}",
                              "kind": kind}

    def database_lost(self, error: str) -> None:
        """The database failed mid-crawl (first report wins): the run cannot be ``ok``."""
        if self.database_error is None:
            self.database_error = error
            self.crawler.stats.set_value(STAT_DATABASE_ERROR, error)

    # -- the run ------------------------------------------------------------------------
    def spider_opened(self, **_: Any) -> None:
        """Open the run's record (and the site's row, which stored items refer to)."""
        if self.row is not None:
            self.row.open()

    def status(self, reason: str) -> str:
        """The run's status: the one rule, over the one set of counts."""
        seen = self.scraped + sum(len(urls) for urls in self.not_modified.values())
        return run_status(seen, len(self.failures), self.dropped, reason,
                          self.crawler.stats.get_value("congdoan/pages_read", 0))

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Decide the status, write the record (when storing), tell the readers."""
        reason = reason or "finished"
        status = self.status(reason)
        outcome = RunOutcome(self.site, status, reason, list(self.failures.values()),
                             self.dropped)
        if self.row is not None and self.row.run_id is not None:
            outcome.run_id = self.row.run_id
            judgement = self.row.close(self, status, reason)
            if judgement is not None:
                outcome.verdict, outcome.reasons = judgement.verdict, list(judgement.reasons)
                self._announce(judgement)
        outcome.database_error = self.database_error
        self.crawler.stats.set_value(STAT_STATUS, status)
        self.crawler.signals.send_catch_log(run_finished, outcome=outcome)

    def counts(self, stored: dict[str, int]) -> dict[str, int]:
        """The run row's counts: items by outcome (``stored``: the store's), dropped, failed."""
        counts = {name: stored.get(name, 0) for name in ("new", "changed", "unchanged")}
        # A 304 is an item seen again unchanged, just without its body.
        counts["unchanged"] += sum(len(urls) for urls in self.not_modified.values())
        counts["dropped"] = self.dropped
        counts["failed"] = len(self.failures)
        return counts

    def _announce(self, judgement: Judgement) -> None:
        """The verdict as a stat, a warning per reason, and ``run_judged`` for listeners."""
        self.crawler.stats.set_value(STAT_VERDICT, judgement.verdict)
        for line in judgement.reasons:
            logger.warning("%s: degraded: %s", self.site, line)
        self.crawler.signals.send_catch_log(
            run_judged, site=self.site, run_id=self.row.run_id if self.row else None,
            verdict=judgement.verdict, reasons=list(judgement.reasons))


class RunRow:
    """The run's record in the database: opened when the spider opens, closed once."""

    def __init__(self, crawler: Any, site: str) -> None:
        from congdoan.storage.db import crawl_database_url

        self.crawler = crawler
        self.site = site
        self.url = crawl_database_url(crawler.settings)
        self.retry_path = paths.retry_file(paths.data_dir(crawler.settings), site)
        self.spilled: dict[str, str] = {}  # read from the retry file at start
        self.run_id: int | None = None
        self.stored: dict[str, int] = {}  # new / changed / unchanged, from the store

    def open(self) -> None:
        """The site's row, stale runs closed (under the site lock), and this run's row."""
        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.repository import upsert_site
        from congdoan.storage.runs import mark_stale_runs_aborted, start_run

        spider = self.crawler.spider
        entry = getattr(spider, "site", None)
        self.spilled = retry_file.read(self.retry_path)
        self.engine = make_engine(self.url)
        self.sessions = session_factory(self.engine)
        with self.sessions() as session, session.begin():
            upsert_site(session, self.site, getattr(entry, "name", None),
                        getattr(entry, "base_url", None))
            if self._holds_site_lock():
                # Under the site lock no other crawl of the site runs: a run still
                # "running" is one whose database went away before it could close.
                mark_stale_runs_aborted(session, site=self.site)
            self.run_id = start_run(session, self.site, run_origin())

    def _holds_site_lock(self) -> bool:
        from congdoan.extensions.runtime import CrawlRuntime

        runtime = self.crawler.get_extension(CrawlRuntime)
        return runtime is not None and runtime.lock is not None

    def close(self, ledger: RunLedger, status: str, reason: str) -> Judgement | None:
        """In one transaction: the failure ledger, the pages seen again, the run's health
        and its record; the health verdict. A database that fails here, or failed
        during the crawl, leaves the failures in the retry file (no verdict)."""
        from congdoan.storage.check import cause_of, shown_url

        failed = {url: f["reason"] for url, f in ledger.failures.items()}
        if ledger.database_error is not None:
            retry_file.append(self.retry_path, failed)  # the ledger is out of reach
            self.engine.dispose()
            return None
        # Pages kept in the retry file by a crawl whose database failed, still not fixed.
        carried = {url: why for url, why in self.spilled.items()
                   if url not in ledger.resolved and url not in failed}
        judgement: Judgement | None = None
        try:
            judgement = self._write(ledger, status, reason, {**carried, **failed})
        except SQLAlchemyError as exc:
            ledger.database_lost(f"database failed: {cause_of(exc)}")
            logger.error("%s: database %s failed at the end of the crawl: %s", self.site,
                         shown_url(self.url), cause_of(exc))
            retry_file.append(self.retry_path, {**carried, **failed})
            return None
        else:
            retry_file.remove(self.retry_path)
        finally:
            self.engine.dispose()
        logger.info("%s: run %s %s %s", self.site, self.run_id, status,
                    ledger.counts(self.stored))
        return judgement

    def _write(self, ledger: RunLedger, status: str, reason: str, failed: dict[str, str]
               ) -> Judgement | None:
        """The closing transaction, tried again when SQLite says the database is locked.

        Its first statements read: another process's write committed since (the
        scheduler's job store, a crawl of another site) makes SQLite refuse the
        first write at once, whatever the busy timeout; the remedy is a new try.
        """
        from congdoan.storage.runs import finish_run

        for attempt in range(1, _CLOSE_ATTEMPTS + 1):
            try:
                with self.sessions() as session, session.begin():
                    self._write_failures(session, ledger, failed)
                    health, judgement = self._judge(session, status, failed)
                    finish_run(session, self.run_id, status, ledger.counts(self.stored),
                               stats=self._facts(reason),
                               health=health.to_json() if health else None,
                               verdict=judgement.verdict if judgement else None,
                               reasons=list(judgement.reasons) if judgement else None)
                return judgement
            except OperationalError as exc:
                if attempt == _CLOSE_ATTEMPTS or "locked" not in str(exc):
                    raise
                logger.info("%s: database locked at the end of the crawl, try %d of %d",
                            self.site, attempt + 1, _CLOSE_ATTEMPTS)
                time.sleep(0.2 * attempt)
        return None  # not reached: the last try returns or raises

    def _write_failures(self, session: Any, ledger: RunLedger, failed: dict[str, str]) -> None:
        """Record the failed pages, resolve the fixed ones, touch the ones answered 304."""
        from congdoan.storage.known import touch_seen
        from congdoan.storage.runs import record_failure, resolve_failures

        for url, why in failed.items():
            record_failure(session, self.site, url, why)
        resolve_failures(session, self.site, ledger.resolved)
        for kind, urls in ledger.not_modified.items():
            touch_seen(session, self.site, kind, urls, datetime.now(UTC))

    def _facts(self, reason: str) -> dict[str, Any]:
        """The facts of the run kept beside its counts."""
        stats = self.crawler.stats
        facts = {"finish_reason": reason,
                 "pages": stats.get_value("response_received_count", 0),
                 "reconciled": bool(stats.get_value(STAT_RECONCILED))}
        discarded = stats.get_value(STAT_RESUME_DISCARDED)
        if discarded:
            facts["resume_discarded"] = discarded
        if stats.get_value(STAT_RESUMED):
            facts["resumed"] = True
        return facts

    def _judge(self, session: Any, status: str, failed: Mapping[str, Any] | None = None
               ) -> tuple[RunHealth | None, Judgement | None]:
        """This run's health counts and, unless it was interrupted, its verdict.

        An interrupted crawl read an arbitrary part of the site: its counts are
        kept but it is neither judged nor, later, anyone's baseline. A crawl that
        resumed a stopped one after that one had read its listings reads no listing
        (what it fetches, if anything, are the pages left): "the listings showed none"
        is not held against it; its fill rates and errors are judged as any run's. A
        resumed crawl whose pages failed is judged in full: a portal gone away shows.
        """
        from congdoan.storage.health import recent_health

        settings = self.crawler.settings
        if not settings.getbool("CONGDOAN_HEALTH"):
            return None, None
        health = RunHealth.from_stats(self.crawler.stats.get_stats())
        if status == "interrupted":
            return health, None
        resumed_past_listings = bool(self.crawler.stats.get_value(STAT_RESUMED)
                                     and not health.kind("listing").items and not failed)
        limits = Thresholds.from_settings(settings)
        history = recent_health(session, self.site, before_run=self.run_id,
                                limit=limits.history)
        return health, judge(health, history, limits, listings=not resumed_past_listings)
