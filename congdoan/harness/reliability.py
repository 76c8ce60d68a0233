"""The reliability report: crawl a portal with every fault switched on and account for every item.

``check_faults`` starts a simulated portal with the faults of
``congdoan.sim.faults.every_fault_plan``, crawls it with the real engine in a
child process (``congdoan crawl``) into a fresh SQLite database, and
reconciles what the portal served with what the crawl stored and reported:

    served = stored + reported failed

An item neither stored nor in the failures ledger is *lost silently*; a
stored item whose title or text differs from what the portal serves is
*damaged* (a partial page reached the database); a stored item the portal
never served is *spurious* (an error page stored as an article). The report
passes only when all three are zero and nothing reached the off-site trap.
A second crawl with the faults switched off shows that failed pages are
retried and recovered on the next run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from congdoan.parsers.nukeviet_urls import article_id, document_id
from congdoan.sim import PortalSpec, SimServer
from congdoan.sim.faults import FAULT_KINDS, FaultInjector, TrapServer, every_fault_plan
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, DocumentPosting
from congdoan.storage.runs import open_failures

SITE = "faulty"
# Small limits keep the run quick: pages past 1 MiB and bombs are refused fast,
# a slow page waits 3 s against a 2 s timeout, retries back off from 50 ms.
MAX_SIZE = 1 << 20
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": str(MAX_SIZE),
    "CONGDOAN_RETRY_BACKOFF": "0.05",
    "CONGDOAN_RETRY_AFTER_MAX": "5",
    # Read the sitemaps and feeds too: a shifted or robots-hidden item is found there.
    "CONGDOAN_FEEDS": "always",
}


@dataclass
class Outcome:
    """What one crawl of the faulty portal left in the database."""

    returncode: int
    stored: set[tuple[str, int]] = field(default_factory=set)
    failed: set[tuple[str, int]] = field(default_factory=set)
    failed_pages: int = 0
    damaged: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    run_status: str = ""
    stderr: str = ""


@dataclass
class FaultReport:
    """The figures of one reliability check (see the module docstring)."""

    seed: int
    injected: Counter[str]
    recovered_pages: int
    served: set[tuple[str, int]]
    first: Outcome
    second: Outcome
    expected_failed: set[tuple[str, int]]
    trap_hits: int
    affected: dict[tuple[str, int], dict[str, object]] = field(default_factory=dict)

    @property
    def lost(self) -> set[tuple[str, int]]:
        """Served items neither stored nor reported failed by the faulty crawl."""
        return self.served - self.first.stored - self.first.failed

    @property
    def unexpected(self) -> set[tuple[str, int]]:
        """Items whose outcome differs from what the simulator's truth predicts."""
        should_store = self.served - self.expected_failed
        return (should_store - self.first.stored) | (self.expected_failed & self.first.stored)

    @property
    def ok(self) -> bool:
        """Nothing lost, damaged, spurious, or fetched off-site; every kind injected."""
        return (not self.lost and not self.first.damaged and not self.first.spurious
                and not self.trap_hits and not self.missing_kinds
                and self.second.stored >= self.served)

    @property
    def missing_kinds(self) -> list[str]:
        """Fault kinds the plan switched on that never fired."""
        return [kind for kind in FAULT_KINDS if not self.injected.get(kind)]


def item_key(url: str) -> tuple[str, int] | None:
    """``("article", id)`` or ``("document", id)`` of a simulated portal's item page URL."""
    doc = document_id(url)
    if doc is not None and ("detail" in url):
        return ("document", doc)
    art = article_id(url)
    return ("article", art) if art is not None else None


def _read_outcome(db_url: str, truth: dict, returncode: int, stderr: str) -> Outcome:
    """Stored items (checked against the truth), failed items and pages, the run status."""
    from congdoan.storage.models import CrawlRun

    outcome = Outcome(returncode, stderr=stderr)
    served = {("article", a["source_id"]): a for a in truth["articles"]}
    served.update({("document", d["source_id"]): d for d in truth["documents"]})
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            for article in session.scalars(select(Article).where(Article.site == SITE)):
                key = ("article", article.source_id or 0)
                expected = served.get(key)
                if expected is None:
                    outcome.spurious.append(article.canonical_url)
                    continue
                outcome.stored.add(key)
                if (article.title, article.body_text) != (expected["title"],
                                                          expected["body_text"]):
                    outcome.damaged.append(article.canonical_url)
            for posting in session.scalars(
                    select(DocumentPosting).where(DocumentPosting.site == SITE)):
                key = ("document", posting.source_id or 0)
                expected = served.get(key)
                if expected is None:
                    outcome.spurious.append(posting.canonical_url)
                    continue
                outcome.stored.add(key)
                if posting.title != expected["title"]:
                    outcome.damaged.append(posting.canonical_url)
            failures = open_failures(session, SITE)
            outcome.failed_pages = len(failures)
            for failure in failures:
                key = item_key(failure.url)
                if key is not None and key in served:
                    outcome.failed.add(key)
            last = session.scalars(select(CrawlRun).where(CrawlRun.site == SITE)
                                   .order_by(CrawlRun.id.desc())).first()
            outcome.run_status = last.status if last else "none"
    finally:
        engine.dispose()
    return outcome


def _crawl(registry: Path, db_url: str, workdir: Path, timeout: float) -> tuple[int, str]:
    args = [sys.executable, "-m", "congdoan", "crawl", SITE, "--registry", str(registry),
            "--db", db_url, "--quiet", "--log-level", "INFO"]
    for key, value in CRAWL_SETTINGS.items():
        args += ["-s", f"{key}={value}"]
    env = {**os.environ, "CONGDOAN_DATA_DIR": str(workdir / "data")}
    done = subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    with open(workdir / "crawl.log", "a", encoding="utf-8") as log:
        log.write(done.stdout + done.stderr)
    return done.returncode, done.stderr


def check_faults(workdir: Path, *, seed: int = 1, articles: int = 40, documents: int = 12,
                 timeout: float = 240.0, port: int | None = None) -> FaultReport:
    """Serve a portal with every fault kind, crawl it twice (faulty, then clean), reconcile.

    The portal listens on ``port`` (a free one when ``None``); ``OSError`` if it is taken.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{workdir / 'faults.sqlite3'}"
    spec = PortalSpec(SITE, seed=seed, articles=articles, documents=documents,
                      news_per_page=3, laws_per_page=4)
    with TrapServer() as trap, SimServer([spec], base_port=port or 0) as sim:
        portal = sim.portal(SITE)
        injector = FaultInjector(portal, every_fault_plan(portal, seed), seed,
                                 max_size=MAX_SIZE, offsite_base=trap.base_url).install()
        registry = workdir / "sites.toml"
        registry.write_text(sim.registry_toml(), encoding="utf-8")
        code, stderr = _crawl(registry, db_url, workdir, timeout)
        truth = sim.truth(SITE)  # after the crawl: includes what was published meanwhile
        first = _read_outcome(db_url, truth, code, stderr)
        affected = injector.affected_items()
        injector.enabled = False
        code, stderr = _crawl(registry, db_url, workdir, timeout)
        second = _read_outcome(db_url, truth, code, stderr)
        served = {("article", a["source_id"]) for a in truth["articles"]}
        served |= {("document", d["source_id"]) for d in truth["documents"]}
        return FaultReport(
            seed=seed,
            injected=injector.injected(),
            recovered_pages=len(injector.recovered_paths()),
            served=served,
            first=first,
            second=second,
            expected_failed={key for key, info in affected.items()
                             if info["expect"] == "failed"},
            trap_hits=len(trap.hits),
            affected=affected,
        )


def render(report: FaultReport) -> list[tuple[str, str]]:
    """The report's rows, ``(figure, value)``, in reading order."""
    first, second = report.first, report.second
    rows = [(f"fault injected: {kind}", str(report.injected.get(kind, 0))) for kind in FAULT_KINDS]
    rows += [
        ("pages recovered by retry", str(report.recovered_pages)),
        ("pages recorded as failed", str(first.failed_pages)),
        ("items served", str(len(report.served))),
        ("items stored", str(len(first.stored))),
        ("items reported failed", str(len(first.failed - first.stored))),
        ("items lost silently", str(len(report.lost))),
        ("items stored damaged", str(len(first.damaged))),
        ("spurious items stored", str(len(first.spurious))),
        ("items not as the truth predicts", str(len(report.unexpected))),
        ("requests that left the site", str(report.trap_hits)),
        ("run status (faulty crawl)", first.run_status),
        ("re-run without faults: items stored", f"{len(second.stored)} of {len(report.served)}"),
        ("re-run without faults: open failures", str(second.failed_pages)),
        ("run status (re-run)", second.run_status),
    ]
    return rows
