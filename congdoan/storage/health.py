"""Spider health as stored with the runs: a site's recent history, every site's latest verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.runtime.health import RunHealth
from congdoan.storage.models import CrawlRun

# Runs that ended on their own; an interrupted or aborted crawl read an arbitrary
# part of the site and is no baseline.
COMPARABLE_STATUSES = ("ok", "partial", "failed")


def recent_health(session: Session, site: str, *, before_run: int | None = None,
                  limit: int = 10) -> list[RunHealth]:
    """Health counts of the last ``limit`` finished runs of ``site`` before ``before_run``.

    Newest first; runs without health counts (crawled before 0002) are left out.
    """
    stmt = (select(CrawlRun.health).where(CrawlRun.site == site,
                                          CrawlRun.status.in_(COMPARABLE_STATUSES),
                                          CrawlRun.health.is_not(None))
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit))
    if before_run is not None:
        stmt = stmt.where(CrawlRun.id != before_run, CrawlRun.id < before_run)
    return [RunHealth.from_json(data) for data in session.scalars(stmt)]


@dataclass
class RunSummary:
    """One judged run, as ``congdoan health`` shows it in a trend."""

    run_id: int
    started_at: datetime
    status: str
    verdict: str | None
    reasons: list[str]
    health: RunHealth

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (times in UTC ISO 8601)."""
        return {"run_id": self.run_id, "started_at": self.started_at.isoformat(),
                "status": self.status, "verdict": self.verdict, "reasons": self.reasons,
                "kinds": self.health.to_json()}


@dataclass
class SiteHealth:
    """A site's latest verdict and its recent runs, newest first."""

    site: str
    runs: list[RunSummary] = field(default_factory=list)

    @property
    def latest(self) -> RunSummary | None:
        """The newest judged run."""
        return self.runs[0] if self.runs else None

    @property
    def verdict(self) -> str | None:
        """The newest judged run's verdict (``None``: never judged)."""
        return self.latest.verdict if self.latest else None


def site_health(session: Session, site: str | None = None, trend: int = 5) -> list[SiteHealth]:
    """Every site's (or one site's) last ``trend`` judged runs; degraded sites first, then by id."""
    stmt = select(CrawlRun).where(CrawlRun.verdict.is_not(None))
    if site is not None:
        stmt = stmt.where(CrawlRun.site == site)
    by_site: dict[str, SiteHealth] = {}
    for run in session.scalars(stmt.order_by(CrawlRun.site, CrawlRun.started_at.desc(),
                                             CrawlRun.id.desc())):
        entry = by_site.setdefault(run.site, SiteHealth(run.site))
        if len(entry.runs) < trend:
            entry.runs.append(RunSummary(run.id, run.started_at, run.status, run.verdict,
                                         list(run.health_reasons or []),
                                         RunHealth.from_json(run.health)))
    return sorted(by_site.values(), key=lambda s: (s.verdict != "degraded", s.site))
