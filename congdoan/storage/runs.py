"""Crawl run history and the failure ledger."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from congdoan.storage.models import RUN_STATUSES, RUN_VERDICTS, CrawlRun, Failure

COUNTS = ("new", "changed", "unchanged", "dropped", "failed")


def _now() -> datetime:
    return datetime.now(UTC)


def start_run(session: Session, site: str, origin: tuple[str, str] | None = None) -> int:
    """Record that a crawl of ``site`` started; return the run id.

    ``origin``: (host, what started it), kept on the run for ``schedule history``.
    """
    host, worker = origin or (None, None)
    run = CrawlRun(site=site, started_at=_now(), status="running", host=host, worker=worker,
                   **dict.fromkeys(COUNTS, 0))
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    counts: Mapping[str, int] | None = None,
    stats: Mapping[str, Any] | None = None,
    health: Mapping[str, Any] | None = None,
    verdict: str | None = None,
    reasons: list[str] | None = None,
) -> None:
    """Close run ``run_id`` with ``status`` and its counts (keys from ``COUNTS``).

    ``health`` (``RunHealth.to_json``), ``verdict`` and ``reasons``: the run's spider health.
    """
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"not a final run status: {status!r}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise KeyError(run_id)
    run.status = status
    run.finished_at = _now()
    for name, value in (counts or {}).items():
        if name not in COUNTS:
            raise ValueError(f"unknown run count: {name!r}")
        setattr(run, name, int(value))
    if stats is not None:
        run.stats = dict(stats)
    if health is not None:
        run.health = dict(health)
    if verdict is not None:
        if verdict not in RUN_VERDICTS:
            raise ValueError(f"not a run verdict: {verdict!r}")
        run.verdict = verdict
        run.health_reasons = list(reasons or [])
    session.flush()


def mark_stale_runs_aborted(
    session: Session, *, site: str | None = None, started_before: datetime | None = None
) -> int:
    """Mark runs still ``running`` (a crashed or killed crawl) as ``aborted``; return how many.

    Call it when no crawl can be running, e.g. at start-up of a single-process
    scheduler; with several workers pass ``site`` or ``started_before``.
    """
    stmt = update(CrawlRun).where(CrawlRun.status == "running")  # ix_crawl_runs_status_site
    if site is not None:
        stmt = stmt.where(CrawlRun.site == site)
    if started_before is not None:
        stmt = stmt.where(CrawlRun.started_at < started_before)
    result = session.execute(
        stmt.values(status="aborted", finished_at=_now()).execution_options(
            synchronize_session="fetch"
        )
    )
    return result.rowcount  # type: ignore[attr-defined]


def record_failure(session: Session, site: str, url: str, reason: str) -> Failure:
    """Count a failure of ``url``; a resolved failure that happens again is reopened."""
    now = _now()
    failure = session.scalars(
        select(Failure).where(Failure.site == site, Failure.url == url)
    ).one_or_none()
    if failure is None:
        failure = Failure(site=site, url=url, reason=reason, first_seen=now, last_seen=now, count=1)
        session.add(failure)
    else:
        failure.reason = reason
        failure.last_seen = now
        failure.count += 1
        failure.resolved_at = None
    session.flush()
    return failure


def resolve_failures(session: Session, site: str, urls: Iterable[str]) -> int:
    """Mark resolved the open failures of ``site`` among ``urls``; how many were open.

    One query for the site's open failures, not one per URL: a crawl resolves
    every page it stored, thousands, and only a handful ever failed.
    """
    wanted = set(urls)
    if not wanted:
        return 0
    now = _now()
    resolved = 0
    for failure in session.scalars(
        select(Failure).where(Failure.site == site, Failure.resolved_at.is_(None))
    ):
        if failure.url in wanted:
            failure.resolved_at = now
            resolved += 1
    session.flush()
    return resolved


def open_failures(session: Session, site: str | None = None) -> list[Failure]:
    """Unresolved failures, most recent first."""
    stmt = select(Failure).where(Failure.resolved_at.is_(None))
    if site is not None:
        stmt = stmt.where(Failure.site == site)
    return list(session.scalars(stmt.order_by(Failure.last_seen.desc(), Failure.id)))
