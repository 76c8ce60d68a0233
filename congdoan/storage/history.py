"""Reading and amending the crawl run history for the scheduler and ``schedule history``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.models import CrawlRun


@dataclass(frozen=True)
class RunRow:
    """One crawl run as the history shows it."""

    id: int
    site: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    new: int
    changed: int
    unchanged: int
    dropped: int
    failed: int
    stats: dict[str, Any] | None
    verdict: str | None = None  # spider health: healthy, degraded, None (not judged)
    health_reasons: tuple[str, ...] = ()
    host: str | None = None  # where it ran (None: recorded before the history kept it)
    worker: str | None = None  # what started it: "worker 4242", "scheduler 4242", "by hand"

    @property
    def seconds(self) -> float | None:
        """Duration, or ``None`` while running."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def recent_runs(session: Session, site: str | None = None, limit: int = 20) -> list[RunRow]:
    """The latest runs, newest first, of one site or of all."""
    stmt = select(CrawlRun)
    if site is not None:
        stmt = stmt.where(CrawlRun.site == site)
    rows = session.scalars(stmt.order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
                           .limit(limit))
    return [RunRow(r.id, r.site, r.status, r.started_at, r.finished_at, r.new, r.changed,
                   r.unchanged, r.dropped, r.failed, r.stats, r.verdict,
                   tuple(r.health_reasons or ()), r.host, r.worker) for r in rows]


COMPLETED = ("ok", "partial")  # a crawl that walked its site to the end


def last_completed_run(session: Session, site: str) -> tuple[int, datetime] | None:
    """The id and end of the latest run of ``site`` that completed, or ``None``."""
    row = session.execute(
        select(CrawlRun.id, CrawlRun.finished_at)
        .where(CrawlRun.site == site, CrawlRun.status.in_(COMPLETED),
               CrawlRun.finished_at.is_not(None))
        .order_by(CrawlRun.finished_at.desc()).limit(1)
    ).first()
    return (row.id, row.finished_at) if row is not None else None


def latest_run(session: Session, site: str, started_after: datetime) -> CrawlRun | None:
    """The latest run of ``site`` started at or after ``started_after`` (a child's own)."""
    return session.scalars(
        select(CrawlRun)
        .where(CrawlRun.site == site, CrawlRun.started_at >= started_after)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    ).one_or_none()


def mark_latest_run(session: Session, site: str, started_after: datetime, status: str,
                    note: str, only_if: tuple[str, ...] = ("running", "interrupted")
                    ) -> int | None:
    """Give the latest run of ``site`` started after ``started_after`` a final ``status``.

    The scheduler calls this for a crawl it had to stop (``timeout``): the child
    may have recorded ``interrupted`` itself, or nothing if it had to be killed.
    Only a run whose status is in ``only_if`` changes: a crawl that finished
    just before it was stopped keeps its own verdict. Returns the run id, or
    ``None`` when no run changed.
    """
    run = latest_run(session, site, started_after)
    if run is None or run.status not in only_if:
        return None
    run.status = status
    run.finished_at = run.finished_at or datetime.now(UTC)
    run.stats = {**(run.stats or {}), "note": note}
    session.flush()
    return run.id


def record_unstarted(session: Session, site: str, started_at: datetime, status: str,
                     note: str, origin: tuple[str, str] | None = None) -> int:
    """Record a crawl that ended before it could record itself, with the reason in ``note``.

    The scheduler calls this for a child that exited 2 (``failed``: its database
    was unusable) or 4 (``locked``: another crawl of the site held its lock):
    the run appears in the history with its one-line reason instead of not at all.
    It stored nothing, so every count is 0. ``origin``: (host, what started it).
    """
    host, worker = origin or (None, None)
    run = CrawlRun(site=site, started_at=started_at, finished_at=datetime.now(UTC),
                   status=status, new=0, changed=0, unchanged=0, dropped=0, failed=0,
                   stats={"note": note}, host=host, worker=worker)
    session.add(run)
    session.flush()
    return run.id

