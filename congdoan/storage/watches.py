"""Watchlists: saved searches, matched against every item the moment it is stored.

``queue_alerts`` runs inside the transaction (and savepoint) that stores an
item: for each watch the new or changed item matches, it adds one row per
channel to the ``deliveries`` outbox. Either the item and its deliveries are
committed together or neither is, so a crash between storing and sending
loses nothing; the outbox's unique key (watch, channel, item, content hash)
makes storing the same version again add nothing.

Matching is the search's, in Python: every folded phrase of the query must
appear, on word boundaries, in the item's folded title and text (the columns
the search index is built from).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from congdoan.storage.models import (
    Article,
    Delivery,
    Document,
    DocumentPosting,
    DocumentStatus,
    Watch,
)
from congdoan.storage.records import search_fold

# From the reader itself, not ``search`` (which re-exports it): a crawl stores watches
# but never searches, and need not import search, ranking and their dialects.
from congdoan.storage.search_query import query_phrases
from congdoan.vntime import item_day

CHANNELS = ("email", "webhook")


@dataclass(frozen=True)
class Candidate:
    """What matching needs of a stored item."""

    kind: str
    id: int
    site: str
    sites: frozenset[str]
    title: str
    url: str
    when: str | None  # the item's day, ISO: Vietnam's day of an article's publication
    text: str  # folded title and text
    codes: frozenset[str]  # its own code (documents) or the codes it cites (articles)
    issuer: str  # folded
    content_hash: str


def new_secret() -> str:
    """A fresh webhook signing secret."""
    return secrets.token_hex(32)


def shown_day(value: datetime | date | str | None) -> str | None:
    """The day an alert gives an item (``2024-01-30``): its date, or the Vietnam day of its
    instant; ``None`` when it has none. Outbox rows written before days were Vietnam's hold
    an instant: they are read the same way."""
    day = item_day(value)
    return day.isoformat() if day else None


def matches(watch: Watch, item: Candidate) -> bool:
    """Whether ``item`` satisfies every condition of ``watch``."""
    if watch.kind and watch.kind != item.kind:
        return False
    if watch.site and watch.site not in item.sites:
        return False
    if watch.code and watch.code.strip().upper() not in {c.upper() for c in item.codes}:
        return False
    if watch.issuer and search_fold(watch.issuer) not in item.issuer:
        return False
    padded = f" {item.text} "
    return all(f" {phrase} " in padded for phrase in query_phrases(watch.query or ""))


def article_candidate(article: Article) -> Candidate:
    """An article as matching sees it."""
    when = shown_day(article.published_at)
    return Candidate("article", article.id, article.site, frozenset({article.site}),
                     article.title, article.canonical_url, when,
                     f"{article.search_title} {article.search_text}",
                     frozenset(r.code for r in article.references), "", article.content_hash)


def posting_candidate(posting: DocumentPosting) -> Candidate:
    """A document, through the posting just stored, as matching sees it."""
    document: Document = posting.document
    when = shown_day(document.issued_on)
    codes = {c for c in (document.code, document.code_normalized) if c}
    return Candidate("document", document.id, posting.site,
                     frozenset(p.site for p in document.postings), document.title,
                     posting.canonical_url, when,
                     f"{document.search_title} {document.search_text}", frozenset(codes),
                     search_fold(document.issuer), posting.content_hash)


def stored_candidate(session: Session, kind: str, record: Mapping[str, Any]) -> Candidate | None:
    """The stored item of a pipeline ``record`` (just upserted in this session)."""
    site, url = record.get("site"), record.get("canonical_url")
    if kind == "article":
        article = session.scalars(select(Article).where(
            Article.site == site, Article.canonical_url == url)).one_or_none()
        return article_candidate(article) if article else None
    posting = session.scalars(select(DocumentPosting).where(
        DocumentPosting.site == site, DocumentPosting.canonical_url == url)).one_or_none()
    return posting_candidate(posting) if posting else None


def channels(watch: Watch) -> list[str]:
    """The channels a watch sends on."""
    return [c for c, target in (("email", watch.email), ("webhook", watch.webhook_url))
            if target]


def queue_alerts(session: Session, kind: str, record: Mapping[str, Any], change: str,
                 watches: list[Watch] | None = None) -> int:
    """Add outbox rows for every watch the stored ``record`` now matches; returns how many."""
    if watches is None:
        watches = list(session.scalars(select(Watch)))
    if not watches:
        return 0
    item = stored_candidate(session, kind, record)
    if item is None:
        return 0
    return _queue(session, item, change, watches)


def _queue(session: Session, item: Candidate, change: str, watches: list[Watch]) -> int:
    """One outbox row per channel of every watch ``item`` matches, once per item version."""
    added = 0
    now = datetime.now(UTC)
    for watch in watches:
        if not matches(watch, item):
            continue
        for channel in channels(watch):
            exists = session.scalar(select(Delivery.id).where(
                Delivery.watch_id == watch.id, Delivery.channel == channel,
                Delivery.kind == item.kind, Delivery.item_id == item.id,
                Delivery.content_hash == item.content_hash))
            if exists is not None:
                continue
            session.add(Delivery(
                watch_id=watch.id, channel=channel, kind=item.kind, item_id=item.id,
                content_hash=item.content_hash, change=change, site=item.site,
                title=item.title, url=item.url, item_date=item.when, created_at=now,
                status="pending", attempts=0))
            added += 1
    if added:
        session.flush()
    return added


def recent_matches(session: Session, watch: Watch, limit: int = 10) -> list[Candidate]:
    """The newest stored items ``watch`` matches (for ``watch test``)."""
    from congdoan.storage.facets import Filters, find

    filters = Filters(q=watch.query or "", site=watch.site,
                      kind=watch.kind,  # type: ignore[arg-type]
                      sort="date")
    found: list[Candidate] = []
    for page in range(1, 11):
        result = find(session, filters, page=page, per_page=100, facets=False)
        for hit in result.hits:
            item = _candidate_by_id(session, hit.kind, hit.id)
            if item is not None and matches(watch, item):
                found.append(item)
                if len(found) >= limit:
                    return found
        if page >= result.pages:
            break
    return found


def _candidate_by_id(session: Session, kind: str, item_id: int) -> Candidate | None:
    if kind == "article":
        article = session.get(Article, item_id)
        return article_candidate(article) if article else None
    document = session.get(Document, item_id)
    if document is None or not document.postings:
        return None
    return posting_candidate(min(document.postings, key=lambda p: p.id))


def queue_status_alerts(session: Session, document_id: int) -> int:
    """Outbox rows for every watch on a document whose status just changed; returns how many.

    The version key is the status itself (``status:replaced:42``), so the same
    change is sent once, and a later change again.
    """
    watches = list(session.scalars(select(Watch)))
    document = session.get(Document, document_id)
    state = session.get(DocumentStatus, document_id)
    if not watches or document is None or state is None or not document.postings:
        return 0
    posting = min(document.postings, key=lambda p: p.id)
    version = f"status:{state.status}:{state.by_document_id or ''}"
    # The version key is the status, not the content: each change is news once.
    item = dataclasses.replace(posting_candidate(posting),
                               content_hash=hashlib.sha256(version.encode()).hexdigest())
    return _queue(session, item, "status", watches)
