"""What a site's crawls already stored: the input of incremental crawling.

An incremental crawl asks, once at start, which articles and document postings
of a site are stored (by URL, canonical URL and CMS id) and when each was last
seen, so it can skip detail pages it already has and stop walking listings
early. Answers are plain values: no Scrapy here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from congdoan.storage.models import Article, CrawlRun, DocumentPosting, Failure

KINDS = ("article", "document")
_MODELS: dict[str, type[Article] | type[DocumentPosting]] = {
    "article": Article,
    "document": DocumentPosting,
}


@dataclass(frozen=True)
class KnownItem:
    """One stored article or posting: where it was fetched and when it was last seen."""

    kind: str
    url: str
    canonical_url: str
    source_id: int | None
    last_seen_at: datetime


def known_items(session: Session, site: str) -> list[KnownItem]:
    """Every stored article and document posting of ``site`` (a few columns each)."""
    found: list[KnownItem] = []
    for kind, model in _MODELS.items():
        rows = session.execute(
            select(model.url, model.canonical_url, model.source_id, model.last_seen_at,
                   model.fetched_at)
            .where(model.site == site)
        )
        for url, canonical, source_id, last_seen, fetched in rows:
            # last_seen_at moves on every re-fetch, fetched_at only on a change: take the later.
            seen = max(t for t in (last_seen, fetched) if t is not None)
            found.append(KnownItem(kind, url, canonical, source_id, seen))
    return found


def open_failure_urls(session: Session, site: str) -> list[str]:
    """URLs of ``site`` that failed on an earlier run and are not resolved yet: retry them."""
    rows = session.scalars(
        select(Failure.url).where(Failure.site == site, Failure.resolved_at.is_(None))
        .order_by(Failure.last_seen)
    )
    return list(rows)


def last_reconciled(session: Session, site: str, *, look_back: int = 500) -> datetime | None:
    """When a crawl of ``site`` last compared the portal's full item lists with storage.

    Read from the run history: a reconciling crawl that finished (``ok`` or
    ``partial``) has ``"reconciled": true`` in its run stats.
    """
    rows = session.execute(
        select(CrawlRun.finished_at, CrawlRun.stats)
        .where(CrawlRun.site == site, CrawlRun.status.in_(("ok", "partial")))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(look_back)
    )
    for finished, stats in rows:
        if isinstance(stats, dict) and stats.get("reconciled") and finished is not None:
            return finished
    return None


@dataclass(frozen=True)
class SiteMemory:
    """Everything an incremental crawl needs to know from storage about one site."""

    items: list[KnownItem]
    retry: list[str]  # open failures of earlier runs
    last_reconciled: datetime | None


def read_site_memory(db_url: str, site: str) -> SiteMemory:
    """Ask the database at ``db_url`` what ``site`` has (migrating an empty database first)."""
    from congdoan.storage.db import make_engine, session_factory

    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            return SiteMemory(known_items(session, site), open_failure_urls(session, site),
                              last_reconciled(session, site))
    finally:
        engine.dispose()


def touch_seen(session: Session, site: str, kind: str, urls: Iterable[str], when: datetime
               ) -> int:
    """Move ``last_seen_at`` of stored items to ``when`` (a 304 answer: unchanged, still there).

    ``urls`` may be fetched or canonical URLs. Returns how many rows moved.
    """
    model = _MODELS[kind]
    wanted = list(dict.fromkeys(urls))
    moved = 0
    # Chunks keep the IN lists below every backend's parameter limit.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        result = session.execute(
            update(model)
            .where(model.site == site,
                   (model.url.in_(chunk)) | (model.canonical_url.in_(chunk)),
                   model.last_seen_at < when)
            .values(last_seen_at=when)
            .execution_options(synchronize_session=False)
        )
        moved += result.rowcount  # type: ignore[attr-defined]
    return moved
