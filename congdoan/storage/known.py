"""What a site's crawls already stored: the input of incremental crawling.

An incremental crawl asks storage which articles and document postings of a
site are stored (by URL, canonical URL and CMS id) and when each was last
seen, so it can skip detail pages it already has and stop walking listings
early. It asks as it goes, for the entries of each listing page in one indexed
query (``StoredItems.lookup``), never for the whole archive: a crawl's start
costs the same at 500 stored items as at 50,000. Answers are plain values: no
Scrapy here.

What the crawl sees is what was stored *before it started*: rows added since
(by this crawl's own store pipeline) lie beyond the ``horizon``, the largest
row id of each table when the crawl started, so a first crawl is not stopped
by the items it stored itself.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_, union, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from congdoan.storage.models import Article, CrawlRun, DocumentPosting, Failure

KINDS = ("article", "document")
_MODELS: dict[str, type[Article] | type[DocumentPosting]] = {
    "article": Article,
    "document": DocumentPosting,
}
# Keys a statement's IN lists at most: below every backend's parameter limit.
_CHUNK = 500


@dataclass(frozen=True)
class KnownItem:
    """One stored article or posting: where it was fetched and when it was last seen."""

    kind: str
    url: str
    canonical_url: str
    source_id: int | None
    last_seen_at: datetime


def _select(model: type[Article] | type[DocumentPosting]) -> Select[Any]:
    """The few columns a ``KnownItem`` is made of (``_item``), with the row id."""
    return select(model.id, model.url, model.canonical_url, model.source_id,
                  model.last_seen_at, model.fetched_at)


def _item(kind: str, row: Any) -> KnownItem:
    """The one builder of a ``KnownItem`` from a ``_select`` row."""
    _, url, canonical, source_id, last_seen, fetched = row
    # last_seen_at moves on every re-fetch, fetched_at only on a change: take the later
    # (every write keeps last_seen_at >= fetched_at since migration 0015; older rows too).
    seen = max(t for t in (last_seen, fetched) if t is not None)
    return KnownItem(kind, url, canonical, source_id, seen)


class StoredItems:
    """The articles and postings of one site stored before the crawl started, on demand.

    ``horizon``: per kind, the largest row id when the crawl started (``read_site_memory``);
    rows beyond it were written by this crawl and are not "known". Each call opens a
    short session of ``sessions``: nothing is held open between listing pages.
    """

    def __init__(self, sessions: sessionmaker[Session], site: str, horizon: dict[str, int],
                 count: int, newest_seen: datetime | None) -> None:
        self.sessions = sessions
        self.site = site
        self.horizon = horizon
        self.count = count
        self.newest_seen = newest_seen

    def _where(self, model: type[Article] | type[DocumentPosting], kind: str) -> Any:
        return (model.site == self.site) & (model.id <= self.horizon[kind])

    def lookup(self, kind: str, urls: Sequence[str], cms_ids: Sequence[int]) -> list[KnownItem]:
        """The stored items of ``kind`` with one of ``urls`` (fetched or canonical) or
        ``cms_ids``, in one indexed statement per 500 keys; in row id order.

        One ``UNION`` branch a name, each served by its own ``(site, name)`` index:
        written as one ``OR``, SQLite reads every row of the site instead.
        """
        model = _MODELS[kind]
        urls, cms_ids = list(dict.fromkeys(urls)), list(dict.fromkeys(cms_ids))
        found: dict[int, KnownItem] = {}
        with self.sessions() as session:
            for start in range(0, max(len(urls), len(cms_ids)), _CHUNK):
                some_urls, some_ids = urls[start:start + _CHUNK], cms_ids[start:start + _CHUNK]
                terms = []
                if some_urls:
                    terms += [model.url.in_(some_urls), model.canonical_url.in_(some_urls)]
                if some_ids:
                    terms.append(model.source_id.in_(some_ids))
                branches = [_select(model).where(self._where(model, kind), term)
                            for term in terms]
                for row in session.execute(union(*branches)):  # a row once
                    found[row[0]] = _item(kind, row)
        return [found[key] for key in sorted(found)]

    def due(self, cutoff: datetime) -> Iterator[KnownItem]:
        """Items last seen at or before ``cutoff``, least recently seen first (both kinds).

        Read a page of 500 at a time along the ``(site, last_seen_at, id)`` index, so a
        crawl that stops early reads no more than it fetched.
        """
        streams = [self._due(kind, cutoff) for kind in KINDS]
        return heapq.merge(*streams, key=lambda item: item.last_seen_at)

    def _due(self, kind: str, cutoff: datetime) -> Iterator[KnownItem]:
        model = _MODELS[kind]
        after: tuple[datetime, int] | None = None
        while True:
            stmt = (_select(model)
                    .where(self._where(model, kind), model.last_seen_at <= cutoff,
                           model.fetched_at.is_(None) | (model.fetched_at <= cutoff))
                    .order_by(model.last_seen_at, model.id).limit(_CHUNK))
            if after is not None:
                stmt = stmt.where(tuple_(model.last_seen_at, model.id) > tuple_(*after))
            with self.sessions() as session:
                rows = session.execute(stmt).all()
            for row in rows:
                yield _item(kind, row)
            if len(rows) < _CHUNK:
                return
            after = (rows[-1][4], rows[-1][0])


def _horizon(session: Session) -> dict[str, int]:
    """The largest row id of each kind's table now (its primary key's last entry)."""
    return {kind: int(session.scalar(select(func.max(model.id))) or 0)
            for kind, model in _MODELS.items()}


def _summary(session: Session, site: str) -> tuple[int, datetime | None]:
    """How many items ``site`` has stored, and when any of them was last seen."""
    count, newest = 0, None
    for model in _MODELS.values():
        count += int(session.scalar(select(func.count()).select_from(model)
                                    .where(model.site == site)) or 0)
        # Index (site, last_seen_at, id): the last entry of the site.
        seen = session.scalar(select(func.max(model.last_seen_at)).where(model.site == site))
        if seen is not None and (newest is None or seen > newest):
            newest = seen
    return count, newest


def open_failure_urls(session: Session, site: str) -> list[str]:
    """URLs of ``site`` that failed on an earlier run and are not resolved yet: retry them."""
    rows = session.scalars(
        select(Failure.url).where(Failure.site == site, Failure.resolved_at.is_(None))
        .order_by(Failure.last_seen)
    )
    return list(rows)


def last_reconciled(session: Session, site: str, *, look_back: int = 500,
                    page: int = 20) -> datetime | None:
    """When a crawl of ``site`` last compared the portal's full item lists with storage.

    Read from the run history: a reconciling crawl that finished (``ok`` or
    ``partial``) has ``"reconciled": true`` in its run stats. The newest runs are
    read ``page`` at a time (a reconciliation is weekly: the first page has it), at
    most ``look_back`` of them.
    """
    stmt = (select(CrawlRun.finished_at, CrawlRun.stats)
            .where(CrawlRun.site == site, CrawlRun.status.in_(("ok", "partial")))
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()))
    for offset in range(0, look_back, page):
        rows = session.execute(stmt.offset(offset).limit(min(page, look_back - offset))).all()
        for finished, stats in rows:
            if isinstance(stats, dict) and stats.get("reconciled") and finished is not None:
                return finished
        if len(rows) < page:
            break
    return None


@dataclass(frozen=True)
class SiteMemory:
    """Everything an incremental crawl needs to know from storage about one site."""

    items: StoredItems
    retry: list[str]  # open failures of earlier runs
    last_reconciled: datetime | None


def read_site_memory(engine: Engine, site: str) -> SiteMemory:
    """Ask the database of ``engine`` what ``site`` has; the items are read later, on demand.

    A handful of bounded statements whatever the archive's size: the horizon (two
    primary-key maxima), the site's count and newest sighting (its indexes), its
    open failures and its latest reconciliation.
    """
    from congdoan.storage.db import session_factory

    sessions = session_factory(engine)
    with sessions() as session:
        horizon = _horizon(session)
        count, newest = _summary(session, site)
        retry = open_failure_urls(session, site)
        reconciled = last_reconciled(session, site)
    return SiteMemory(StoredItems(sessions, site, horizon, count, newest), retry, reconciled)


def touch_seen(session: Session, site: str, kind: str, urls: Iterable[str], when: datetime
               ) -> int:
    """Move ``last_seen_at`` of stored items to ``when`` (a 304 answer: unchanged, still there).

    ``urls`` may be fetched or canonical URLs. Returns how many rows moved.
    """
    model = _MODELS[kind]
    wanted = list(dict.fromkeys(urls))
    moved = 0
    # Chunks keep the IN lists below every backend's parameter limit.
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
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
