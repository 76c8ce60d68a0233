"""What is in the database, per site: the numbers behind ``congdoan stats``."""

from __future__ import annotations

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


def stats(session: Session) -> dict[str, Any]:
    """Counts per site and kind, date ranges, attachments, failures and the last run.

    ``sites`` maps a site id to ``articles``, ``documents`` (its postings),
    ``attachments``, ``open_failures``, ``first_published``/``last_published``
    (articles), ``last_run`` (status and finish time) and ``health`` /
    ``health_reasons`` (the latest spider-health verdict); degraded sites come
    first, then the others by id. ``totals`` and
    ``date_range`` cover the whole database. Documents count once in
    ``totals["documents"]`` however many portals posted them.
    """
    sites: dict[str, dict[str, Any]] = {}

    def site(name: str) -> dict[str, Any]:
        return sites.setdefault(
            name,
            {
                "articles": 0,
                "documents": 0,
                "attachments": 0,
                "open_failures": 0,
                "first_published": None,
                "last_published": None,
                "last_run": None,
                "health": None,
                "health_reasons": [],
            },
        )

    article_rows = session.execute(
        select(
            Article.site,
            func.count(),
            func.min(Article.published_at),
            func.max(Article.published_at),
        ).group_by(Article.site)
    )
    for name, count, first, last in article_rows:
        entry = site(name)
        entry.update(articles=count, first_published=first, last_published=last)
    for name, count in session.execute(
        select(DocumentPosting.site, func.count()).group_by(DocumentPosting.site)
    ):
        site(name)["documents"] = count
    for name, count in session.execute(
        select(Article.site, func.count()).join(Attachment.article).group_by(Article.site)
    ):
        site(name)["attachments"] += count
    for name, count in session.execute(
        select(DocumentPosting.site, func.count())
        .join(Attachment.posting)
        .group_by(DocumentPosting.site)
    ):
        site(name)["attachments"] += count
    for name, count in session.execute(
        select(Failure.site, func.count())
        .where(Failure.resolved_at.is_(None))
        .group_by(Failure.site)
    ):
        site(name)["open_failures"] = count
    latest = select(CrawlRun.site, func.max(CrawlRun.id).label("id")).group_by(CrawlRun.site)
    latest_ids = latest.subquery()
    for run in session.scalars(select(CrawlRun).join(latest_ids, latest_ids.c.id == CrawlRun.id)):
        site(run.site)["last_run"] = {
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
        }

    for entry in site_health(session, trend=1):
        latest_run = entry.latest
        if latest_run is not None:
            site(entry.site).update(health=latest_run.verdict,
                                    health_reasons=latest_run.reasons)

    def count(model: Any, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    published = session.execute(
        select(func.min(Article.published_at), func.max(Article.published_at))
    ).one()
    issued = session.execute(
        select(func.min(Document.issued_on), func.max(Document.issued_on))
    ).one()
    return {
        # Degraded sites first: they are what an operator must look at.
        "sites": dict(sorted(sites.items(),
                             key=lambda kv: (kv[1]["health"] != "degraded", kv[0]))),
        "totals": {
            "articles": count(Article),
            "documents": count(Document),
            "postings": count(DocumentPosting),
            "attachments": count(Attachment),
            "raw_pages": count(RawPage),
            "versions": count(ItemVersion),
            "open_failures": count(Failure, Failure.resolved_at.is_(None)),
        },
        "date_range": {
            "articles": (published[0], published[1]),
            "documents": (issued[0], issued[1]),
        },
    }
