"""What is in the database, per site: the numbers behind ``congdoan stats``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.health import site_health
from congdoan.storage.models import (
    Article,
    Attachment,
    CrawlRun,
    Document,
    DocumentPosting,
    Failure,
    ItemVersion,
    RawPage,
)

# The counts of a run that ``last_run`` carries beside its status and times.
RUN_COUNTS = ("new", "changed", "unchanged", "dropped", "failed")

Sites = defaultdict[str, dict[str, Any]]


def stats(session: Session) -> dict[str, Any]:
    """Counts per site and kind, date ranges, attachments, failures and the last run.

    ``sites`` maps a site id to ``articles``, ``documents`` (its postings),
    ``attachments``, ``open_failures``, ``first_published``/``last_published``
    (articles), ``last_run`` (status, start and finish time and the run's
    counts: ``RUN_COUNTS``) and ``health`` / ``health_reasons`` (the latest
    spider-health verdict); degraded sites come first, then the others by id.
    ``totals`` and ``date_range`` cover the whole database. Documents count
    once in ``totals["documents"]`` however many portals posted them.
    """
    sites: Sites = defaultdict(_empty_site)
    _add_articles(session, sites)
    _add_postings(session, sites)
    _add_attachments(session, sites)
    _add_open_failures(session, sites)
    _add_last_runs(session, sites)
    _add_health(session, sites)
    return {
        "sites": _degraded_first(sites),
        "totals": _totals(session),
        "date_range": _date_range(session),
    }


def _empty_site() -> dict[str, Any]:
    return {
        "articles": 0,
        "documents": 0,
        "attachments": 0,
        "open_failures": 0,
        "first_published": None,
        "last_published": None,
        "last_run": None,
        "health": None,
        "health_reasons": [],
    }


def _add_articles(session: Session, sites: Sites) -> None:
    """Each site's article count and publication range."""
    rows = session.execute(
        select(
            Article.site,
            func.count(),
            func.min(Article.published_at),
            func.max(Article.published_at),
        ).group_by(Article.site)
    )
    for name, count, first, last in rows:
        sites[name].update(articles=count, first_published=first, last_published=last)


def _add_postings(session: Session, sites: Sites) -> None:
    """Each site's documents: the postings on that portal."""
    for name, count in session.execute(
        select(DocumentPosting.site, func.count()).group_by(DocumentPosting.site)
    ):
        sites[name]["documents"] = count


def _add_attachments(session: Session, sites: Sites) -> None:
    """Each site's attachments, of its articles and of its postings."""
    for name, count in session.execute(
        select(Article.site, func.count()).join(Attachment.article).group_by(Article.site)
    ):
        sites[name]["attachments"] += count
    for name, count in session.execute(
        select(DocumentPosting.site, func.count())
        .join(Attachment.posting)
        .group_by(DocumentPosting.site)
    ):
        sites[name]["attachments"] += count


def _add_open_failures(session: Session, sites: Sites) -> None:
    for name, count in session.execute(
        select(Failure.site, func.count())
        .where(Failure.resolved_at.is_(None))
        .group_by(Failure.site)
    ):
        sites[name]["open_failures"] = count


def _add_last_runs(session: Session, sites: Sites) -> None:
    """Each site's latest run: status, times and counts."""
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.site).scalar_subquery()
    for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest))):
        sites[run.site]["last_run"] = {
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            **{name: getattr(run, name) for name in RUN_COUNTS},
        }


def _add_health(session: Session, sites: Sites) -> None:
    """Each judged site's latest spider-health verdict and its reasons."""
    for entry in site_health(session, trend=1):
        latest_run = entry.latest
        if latest_run is not None:
            sites[entry.site].update(health=latest_run.verdict,
                                     health_reasons=latest_run.reasons)


def _degraded_first(sites: Sites) -> dict[str, dict[str, Any]]:
    # Degraded sites first: they are what an operator must look at.
    return dict(sorted(sites.items(), key=lambda kv: (kv[1]["health"] != "degraded", kv[0])))


def _totals(session: Session) -> dict[str, int]:
    """Row counts over the whole database (a document posted twice counts once)."""

    def count(model: Any, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "articles": count(Article),
        "documents": count(Document),
        "postings": count(DocumentPosting),
        "attachments": count(Attachment),
        "raw_pages": count(RawPage),
        "versions": count(ItemVersion),
        "open_failures": count(Failure, Failure.resolved_at.is_(None)),
    }


def _date_range(session: Session) -> dict[str, tuple[Any, Any]]:
    """First and last article publication, first and last document issue date."""
    published = session.execute(
        select(func.min(Article.published_at), func.max(Article.published_at))
    ).one()
    issued = session.execute(
        select(func.min(Document.issued_on), func.max(Document.issued_on))
    ).one()
    return {
        "articles": (published[0], published[1]),
        "documents": (issued[0], issued[1]),
    }
