"""Crawl jobs on the shared queue, so N machines share a country (Dramatiq on Redis).

``congdoan schedule run --queue`` puts one message per due site on the queue
``congdoan-crawls`` (``QueueRunner``) instead of crawling itself; ``congdoan
worker --crawls`` on any number of machines takes them. Each job runs the
crawl as the scheduler would (``scheduler.CrawlRunner``: a ``python -m congdoan
crawl SITE`` child, since Twisted's reactor cannot restart in one process; its
timeout; its log under the worker's data directory; the run history in the
shared database).

Two machines' schedulers enqueue the same site at the same time, so two jobs
of one site can run at once on two machines: the crawl's site lock, an
advisory lock in the shared PostgreSQL database (``congdoan.runtime.pglock``), lets
one through; the other child exits 4 and the job ends as ``locked``, without
a retry (the next scheduled run will come), recorded in the run history (status
``locked``, with who held the site) like any other crawl that did not happen.
Messages are acknowledged after the job returns (late acks): a worker that
dies mid-crawl has its job put back on the queue when its heartbeat stops, and
the crawl that runs again is incremental and resumable, so nothing is lost or
stored twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from congdoan import paths
from congdoan.files.queue import CRAWL_QUEUE, broker, redis_url
from congdoan.scheduler import CrawlRunner, JobOutcome, ScheduleConfig

logger = logging.getLogger(__name__)
# Beyond the crawl's own timeout and kill grace: the job is stopped only if the runner hangs.
TIME_LIMIT_MARGIN_S = 600

_running: list[CrawlRunner] = []  # a list: CrawlRunner is an unhashable dataclass
_running_lock = threading.Lock()


@lru_cache(maxsize=1)
def crawl_site_actor() -> Any:
    """The Dramatiq actor that crawls one site, bound to the Redis broker (made once)."""
    import dramatiq

    # No retries: a crawl that failed is in the run history and the next schedule runs
    # it again; a job refused by the site lock must not come back in a loop.
    return dramatiq.actor(_crawl_site_job, actor_name="crawl_site", queue_name=CRAWL_QUEUE,
                          broker=broker(), max_retries=0)


def enqueue_crawl(config: ScheduleConfig, site_id: str) -> bool:
    """Put one crawl job for ``site_id`` on the queue, carrying what the worker needs.

    Not when a job of the site is still waiting on the queue (False): workers
    slower than the schedule would otherwise pile up jobs of one site, each a
    crawl to start for nothing, as ``coalesce`` prevents without a queue. The
    mark is cleared when a worker starts the job, and expires with the job's
    time limit (a queue flushed by hand does not block the site for ever).
    """
    limit_s = config.job_timeout + config.kill_grace + TIME_LIMIT_MARGIN_S
    if not broker().client.set(_waiting_key(site_id), "1", nx=True, ex=int(limit_s)):
        return False
    crawl_site_actor().send_with_options(
        args=(site_id, config.db_url, config.registry, list(config.crawl_args),
              config.job_timeout, config.kill_grace),
        time_limit=int(limit_s * 1000))
    return True


def _waiting_key(site_id: str) -> str:
    """The Redis key marking a queued, not yet started, crawl job of ``site_id``."""
    return f"{broker().namespace}:waiting-crawl:{site_id}"


def _crawl_site_job(site_id: str, db_url: str, registry: str | None, crawl_args: list[str],
                    job_timeout: float, kill_grace: float) -> None:
    """Crawl ``site_id`` in a child under this worker's data directory; log how it ended."""
    broker().client.delete(_waiting_key(site_id))  # started: the next one may be queued
    # The data directory (logs, resume folder, files) is this machine's own.
    config = ScheduleConfig(db_url=db_url, data_dir=paths.data_dir(), registry=registry,
                            crawl_args=tuple(crawl_args), job_timeout=job_timeout,
                            kill_grace=kill_grace, role="worker")
    runner = CrawlRunner(config)
    with _running_lock:
        _running.append(runner)
    print(f"{_now()} crawling {site_id}", flush=True)  # what an operator tails
    try:
        outcome = runner.run(site_id)
    finally:
        with _running_lock:
            _running.remove(runner)
    print(f"{_now()} {_describe(outcome, config)}", flush=True)


def _describe(outcome: JobOutcome, config: ScheduleConfig) -> str:
    line = (f"crawled {outcome.site} {outcome.status} (exit {outcome.returncode}, "
            f"{outcome.seconds:.1f} s)")
    if outcome.status == "locked":
        from congdoan.runtime.locks import holder_of

        holder = holder_of(config.data_dir, outcome.site, config.db_url)
        line += (f": being crawled by {holder.describe()}, not retried" if holder is not None
                 else ": its crawl elsewhere has ended meanwhile, not retried")
    if outcome.run_id is not None:
        line += f" (run {outcome.run_id} in the history)"
    return line


def stop_crawls() -> int:
    """Ask the crawls of this worker to stop (SIGTERM: each records ``interrupted``)."""
    with _running_lock:
        runners = list(_running)
    return sum(runner.stop_all() for runner in runners)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class QueueRunner:
    """Stands in for ``CrawlRunner`` in ``schedule run --queue``: enqueues, never crawls."""

    def __init__(self, config: ScheduleConfig) -> None:
        self.config = config

    def run(self, site_id: str) -> JobOutcome:
        """Queue one crawl of ``site_id`` for the workers (``failed``: Redis did not take it)."""
        from redis.exceptions import RedisError

        try:
            queued = enqueue_crawl(self.config, site_id)
        except RedisError as exc:
            logger.error("%s: crawl not queued, Redis at %s failed: %s", site_id, redis_url(),
                         exc)
            return JobOutcome(site_id, "failed", None, 0.0)
        if not queued:
            logger.info("%s: not queued, its previous job is still waiting for a worker",
                        site_id)
            return JobOutcome(site_id, "skipped", None, 0.0)
        logger.info("%s: crawl queued on %s", site_id, CRAWL_QUEUE)
        return JobOutcome(site_id, "queued", None, 0.0)

    def stop_all(self) -> int:
        """Nothing runs here: the workers' crawls go on when the scheduler stops."""
        return 0

    def running(self) -> list[str]:
        """No crawl runs in this process."""
        return []

