"""The crawl runtime: what every crawl of a site shares, owned by one Scrapy extension.

Whichever way a crawl starts (``congdoan crawl``, ``crawl_sites()``, the
scheduler's child, ``scrapy crawl nukeviet -a site=X``), Scrapy builds this
extension right after the spider and before anything else runs. In order:

1. **The site lock** (``congdoan.runtime.locks.site_lock``): a second crawl of the
   site is refused with ``LockHeld`` before any request, database access or
   JOBDIR. On PostgreSQL it is an advisory lock in the database (crawls on
   other machines see it), else a file lock in the data directory;
   ``CONGDOAN_SITE_LOCK = "file"`` forces the file lock.
2. **The database check** (``congdoan.storage.check``): a database that cannot
   be used stops the crawl with ``DatabaseUnusable`` (one line), before any
   request.
3. **The resume folder**: ``JOBDIR`` = ``<data>/jobs/<site>``, resumed only
   after an unfinished crawl of the same mode. Taken under the lock, so two
   crawls never share it.
4. **What storage holds** (``congdoan.storage.known``), the pages to retry
   (the failure ledger and ``<data>/retry/<site>.jsonl``), the HTTP
   validators, and whether this crawl **reconciles**: handed to the spider
   as ``spider.policy``, ``spider.known``, ``spider.validators``.

When the crawl ends the validators are saved, the JOBDIR is marked finished
(or left to resume) and the lock is released. A spider opts in by having a
``site_id`` attribute (the registry id); what it must do with the rest is in
``docs/crawl-runtime.md``.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan import paths
from congdoan.runtime import incremental
from congdoan.runtime.locks import Lock, site_lock
from congdoan.storage import retry_file
from congdoan.vntime import utc_aware

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

# Crawl stats this extension sets; the store pipeline copies the first into the run record.
STAT_RECONCILED = "congdoan/reconciled"
STAT_KNOWN = "congdoan/known_before"
# Why a stopped crawl's resume folder was not resumed (a crawl completed the site since).
STAT_RESUME_DISCARDED = "congdoan/resume_discarded"
# Set when this crawl resumes a stopped one: it reads only what that one left.
STAT_RESUMED = "congdoan/resumed"


def site_of(crawler: Any) -> str:
    """The registry id of the crawl's site; ``NotConfigured`` when it is no congdoan site crawl.

    Every congdoan extension of a site crawl (this one, the run ledger) opts in this way.
    """
    site = getattr(crawler.spider, "site_id", None)
    if not site:
        raise NotConfigured("the spider has no site_id: not a congdoan site crawl")
    return site


class CrawlRuntime:
    """Site lock, database check, JOBDIR and incremental state for one crawler."""

    def __init__(self, crawler: Any, site: str) -> None:
        self.crawler = crawler
        self.site = site
        self.data = paths.data_dir(crawler.settings)
        self.lock: Lock | None = None
        self.jobdir: Path | None = None
        self.validators: incremental.ValidatorStore | None = None
        self.engine: Engine | None = None  # where ``spider.known`` looks stored items up

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlRuntime:
        """Take the lock and prepare the crawl; raises ``LockHeld`` or ``DatabaseUnusable``."""
        site = site_of(crawler)
        runtime = cls(crawler, site)
        runtime.lock = site_lock(runtime.data, site, runtime.lock_database()).acquire()
        try:
            runtime._prepare()
        except BaseException:
            runtime.release()
            raise
        crawler.signals.connect(runtime.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(runtime.engine_stopped, signal=signals.engine_stopped)
        return runtime

    def lock_database(self) -> str | None:
        """The database URL whose lock applies (``site_lock`` decides), or None: the file."""
        settings = self.crawler.settings
        if not settings.getbool("CONGDOAN_STORE") or settings["CONGDOAN_SITE_LOCK"] == "file":
            return None
        from congdoan.storage.db import crawl_database_url

        return crawl_database_url(settings)

    def _prepare(self) -> None:
        settings, spider = self.crawler.settings, self.crawler.spider
        policy = incremental.CrawlPolicy.from_settings(settings)
        known: incremental.KnownSet | None = None
        if settings.getbool("CONGDOAN_STORE"):
            from congdoan.storage.check import check_database
            from congdoan.storage.db import crawl_database_url

            url = crawl_database_url(settings)
            check_database(url)
            self._prepare_jobdir(policy, url)
            known, policy = self._read_storage(url, policy)
            if policy.conditional and not policy.full:
                self.validators = incremental.ValidatorStore(
                    paths.validators_file(self.data, self.site))
        if policy.full or known is None or policy.reconcile:
            # A crawl that reads everything compares everything with storage.
            policy = replace(policy, reconcile=True)
            self.crawler.stats.set_value(STAT_RECONCILED, 1)
        spider.policy, spider.known, spider.validators = policy, known, self.validators

    def _prepare_jobdir(self, policy: incremental.CrawlPolicy, url: str) -> None:
        settings = self.crawler.settings
        if not settings.getbool("CONGDOAN_RESUME") or settings.get("JOBDIR"):
            return
        # Scrapy keeps the pending queue and the seen requests here: a killed crawl
        # resumes where it stopped. Prepared under the site lock: never shared.
        jobdir = paths.jobs_dir(self.data, self.site)
        mode = "full" if policy.full else "incremental"
        if jobdir.exists():
            self._discard_if_superseded(jobdir, mode, url)
        if incremental.prepare_jobdir(jobdir, mode):
            logger.info("%s: resuming the stopped crawl in %s", self.site, jobdir)
            self.crawler.stats.set_value(STAT_RESUMED, 1)
        settings.set("JOBDIR", str(jobdir), priority="spider")
        self.jobdir = jobdir

    def _discard_if_superseded(self, jobdir: Path, mode: str, url: str) -> None:
        """Drop a stopped crawl's folder if a crawl of the site completed since (elsewhere)."""
        from congdoan.storage.db import make_engine, session_factory
        from congdoan.storage.history import last_completed_run

        engine = make_engine(url)
        try:
            with session_factory(engine)() as session:
                completed = last_completed_run(session, self.site)
        finally:
            engine.dispose()
        started = incremental.discard_superseded_jobdir(
            jobdir, mode, completed[1] if completed else None)
        if started is None or completed is None:
            return
        note = (f"{self.site}: not resuming the crawl stopped after starting at "
                f"{started.isoformat(timespec='seconds')}: run {completed[0]} completed the "
                f"site since, at {utc_aware(completed[1]).isoformat(timespec='seconds')}")
        self.crawler.stats.set_value(STAT_RESUME_DISCARDED, note)
        # To stderr as well as the log: a scheduled crawl logs errors only, and this is
        # what its site log must tell (the run's stats keep it too).
        logger.warning("%s", note)
        print(note, file=sys.stderr, flush=True)

    def _read_storage(self, url: str, policy: incremental.CrawlPolicy
                      ) -> tuple[incremental.KnownSet | None, incremental.CrawlPolicy]:
        """The known set (None for a full crawl) and the policy with ``reconcile`` decided."""
        if policy.full:
            return None, policy
        from congdoan.storage.db import shared_engine
        from congdoan.storage.known import read_site_memory

        # Stored items are looked up as the listings show them (a page at a time), through
        # the process's engine, until the crawl ends (``release``).
        self.engine = shared_engine(url)
        memory = read_site_memory(self.engine, self.site)
        retry = list(dict.fromkeys([*memory.retry,
                                    *retry_file.read(paths.retry_file(self.data, self.site))]))
        known = incremental.KnownSet(memory.items, datetime.now(UTC), policy.refresh_days, retry)
        reconcile = incremental.reconcile_due(self.crawler.settings, memory.last_reconciled)
        self.crawler.stats.set_value(STAT_KNOWN, len(known))
        logger.info("%s: %d items stored before this crawl%s", self.site, len(known),
                    "; reconciling with the portal's item lists" if reconcile else "")
        return known, replace(policy, reconcile=reconcile)

    def spider_closed(self, reason: str, **_: Any) -> None:
        """Keep the validators learnt; mark the JOBDIR finished (nothing left to resume)."""
        if self.validators is not None:
            self.validators.save()
        if self.jobdir is not None:
            incremental.finish_jobdir(self.jobdir, reason)
        # A spider closed before the engine started sends no engine_stopped. The
        # release waits for the other spider_closed handlers (the run record).
        from twisted.internet import reactor

        reactor.callLater(0, self.release)  # type: ignore[attr-defined]

    def engine_stopped(self, **_: Any) -> None:
        """The crawl is over (its run record written at ``spider_closed``): free the site."""
        self.release()

    def release(self) -> None:
        """Drop the site lock and the engine of the stored items' lookups (idempotent)."""
        if self.engine is not None:
            from congdoan.storage.db import release_engine

            release_engine(self.engine)
            self.engine = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None
