"""Run crawls in this process: ``congdoan crawl`` and the demo call ``crawl_sites``.

Twisted's reactor cannot be restarted, so this runs once per process; the
scheduler starts a child process per crawl for that reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from congdoan.extensions.ledger import RunOutcome
from congdoan.extensions.progress import CrawlProgress
from congdoan.registry import Registry, load_registry
from congdoan.runtime import signals as congdoan_signals
from congdoan.runtime.locks import LockHeld
from congdoan.runtime.outcome import DATABASE_ERROR, LOCKED
from congdoan.spiders import spider_for
from congdoan.storage.check import DatabaseUnusable


@dataclass
class RunContext:
    """What extensions of one crawler share with the command that started it."""

    site: str
    progress: CrawlProgress | None = None
    output: IO[str] | None = None


@dataclass
class SiteResult:
    """What one site's crawl did: the run ledger's outcome, plus what the summary shows."""

    site: str
    articles: int = 0
    documents: int = 0
    pages: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    dropped: int = 0
    finish_reason: str = ""
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None  # spider health: "healthy", "degraded", None (not judged)
    health_reasons: list[str] = field(default_factory=list)
    error: str = ""  # one line: why the crawl was refused or could not store
    recorded: str | None = None  # the status the run ledger decided

    @property
    def status(self) -> str:
        """``ok``, ``partial``, ``failed``, ``interrupted`` or ``locked`` (refused).

        The run ledger's (``congdoan.extensions.ledger``). A crawl without one never
        ran (refused, or stopped before it started) or lost its ledger: nothing it
        did can be vouched for.
        """
        if self.finish_reason == LOCKED:
            return LOCKED
        if self.recorded is not None:
            return self.recorded
        return "interrupted" if self.finish_reason == "shutdown" else "failed"


def base_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings plus ``overrides`` at command-line priority."""
    settings = Settings()
    settings.setmodule("congdoan.settings", priority="project")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


DEFAULT_PARALLEL_SITES = 4


def crawl_sites(
    site_ids: list[str],
    *,
    registry: str | Path | None = None,
    output: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    progress: bool = True,
    parallel: int = DEFAULT_PARALLEL_SITES,
    progress_every: float = 0.0,
) -> list[SiteResult]:
    """Crawl ``site_ids``, ``parallel`` sites at a time, and return one result per site.

    Each site gets its own crawler; a finished one starts the next waiting site.
    Bounding how many run at once bounds memory (every crawler carries its own
    engine, queues, pipelines and database connections) without costing speed:
    the crawl is CPU-bound long before 4 portals' worth of polite requests are.
    ``progress`` shows a live display (a terminal); otherwise ``progress_every``
    > 0 writes a progress line to stderr every that many seconds.
    """
    if parallel < 1:
        raise ValueError("parallel must be at least 1")
    reg = load_registry(registry)
    for site_id in site_ids:
        reg.get(site_id)  # unknown ids fail before anything starts
    process = CrawlerProcess(_crawl_settings(overrides))
    display = CrawlProgress(mode="live" if progress else "lines" if progress_every > 0 else "off",
                            interval=progress_every)
    handle = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115
    queue = _SiteQueue(process, reg, registry, display, handle, site_ids)
    try:
        with display:
            for site_id in site_ids:
                display.add_site(site_id)
            for _ in range(min(parallel, len(site_ids))):
                queue.start_next()
            process.start()
    finally:
        if handle:
            handle.close()
    queue.never_started()
    return [queue.results[s] for s in site_ids]


def _crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """``base_settings`` plus the extensions a crawl run from here reports through."""
    settings = base_settings(overrides)
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.update({
        "congdoan.extensions.progress.ProgressExtension": 500,
        "congdoan.extensions.jsonl.JsonLinesExport": 510,
    })
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    return settings


class _SiteQueue:
    """The sites waiting for a crawler: each finished crawl starts the next one."""

    def __init__(self, process: CrawlerProcess, reg: Registry, registry: str | Path | None,
                 display: CrawlProgress, output: IO[str] | None, site_ids: list[str]) -> None:
        self.process = process
        self.reg = reg
        self.registry = str(registry) if registry else None
        self.display = display
        self.output = output
        self.results = {site_id: SiteResult(site_id) for site_id in site_ids}
        self.waiting = list(site_ids)
        self.stopping = False

    def start_next(self, passed: Any = None) -> Any:
        """Start the next waiting site, unless the run is being stopped; pass ``passed`` on.

        Added to each crawl's deferred, so it receives (and must return) its result.
        """
        if any(r.finish_reason == "shutdown" for r in self.results.values()):
            self.stopping = True  # Ctrl-C or SIGTERM: start nothing new
        if self.stopping or not self.waiting:
            return passed
        site_id = self.waiting.pop(0)
        result = self.results[site_id]
        crawler = self.process.create_crawler(spider_for(self.reg.get(site_id).cms))
        # Live objects ride on the crawler: settings are deep-copied per crawler.
        crawler.congdoan_run = RunContext(site_id, self.display, self.output)
        self.display.watch(site_id, crawler)  # its queue, for the time left
        self.display.start_site(site_id)
        _collect(crawler, result, self.display, time.monotonic())
        done = self.process.crawl(crawler, site=site_id, registry=self.registry)
        done.addErrback(_refused, result, self.display)
        done.addBoth(self.start_next)
        return passed

    def never_started(self) -> None:
        """Sites still waiting when the process ended: the run was stopped first."""
        for site_id in self.waiting:
            self.results[site_id].finish_reason = "shutdown"


def _refused(failure: Failure, result: SiteResult, display: CrawlProgress) -> None:
    """A crawl that could not start (lock held, database unusable, bad setting): say why.

    Without this the failure would only reach Twisted's "Unhandled error in
    Deferred" and the site would look crawled.
    """
    if failure.check(LockHeld):
        result.finish_reason = LOCKED
    elif failure.check(DatabaseUnusable):
        result.finish_reason = DATABASE_ERROR
    else:
        result.finish_reason = "error"
    message = failure.getErrorMessage()
    result.error = message if failure.check(LockHeld) else f"{result.site}: {message}"
    display.finish(result.site, result.status)


def _collect(crawler: Any, result: SiteResult, display: CrawlProgress, started: float) -> None:
    """Count what a crawler does into ``result``."""

    def item_scraped(item: Any, **_: Any) -> None:
        if item.get("kind") == "article":
            result.articles += 1
        else:
            result.documents += 1

    def response_received(**_: Any) -> None:
        result.pages += 1

    def run_finished(outcome: RunOutcome, **_: Any) -> None:
        # The run ledger's outcome, decided and recorded once: read, never recounted.
        result.recorded = outcome.status
        result.finish_reason = outcome.finish_reason
        result.failures = outcome.failures
        result.dropped = outcome.dropped
        result.verdict, result.health_reasons = outcome.verdict, outcome.reasons
        result.seconds = time.monotonic() - started
        if outcome.database_error:
            result.error = f"{result.site}: {outcome.database_error}"
        display.finish(result.site, f"{result.status} ({outcome.finish_reason})")

    def spider_closed(spider: Any, reason: str) -> None:
        result.finish_reason = result.finish_reason or reason
        result.seconds = time.monotonic() - started
        result.stats = dict(spider.crawler.stats.get_stats())

    # weak=False: nothing else holds these closures. PyDispatcher keeps strong
    # receivers in a module-level table until their sender dies, so they must
    # never reference the crawler (its sender): each finished crawler, with its
    # engine, pipelines and database engine, would then live until exit.
    handlers = (
        (item_scraped, signals.item_scraped),
        (response_received, signals.response_received),
        (run_finished, congdoan_signals.run_finished),
        (spider_closed, signals.spider_closed),
    )
    for handler, signal in handlers:
        crawler.signals.connect(handler, signal=signal, weak=False)
