"""Streaming stored records out (exports, re-parsing) without loading a whole table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from congdoan.storage.models import Article, Attachment, Document, DocumentPosting, StoryMember
from congdoan.storage.records import as_moment

BATCH = 500

# A bound for "new or changed since": one moment for every site, or one per site
# ("since each site's last crawl"; a site not in the mapping contributes nothing).
Since = datetime | date | Mapping[str, datetime]


def changed_since(site_col: Any, changed_col: Any, since: Since) -> ColumnElement[bool]:
    """The SQL condition "``changed_col`` at or after ``since``" (per site for a mapping)."""
    if not isinstance(since, Mapping):
        return changed_col >= as_moment(since)
    if not since:
        return false()
    return or_(*(and_(site_col == site, changed_col >= as_moment(moment))
                 for site, moment in since.items()))


def row_dict(obj: object) -> dict[str, Any]:
    """The column values of an ORM object (no relationships), by attribute name."""
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def _attachments(rows: list[Attachment]) -> list[dict[str, Any]]:
    drop = {"id", "article_id", "posting_id"}
    return [{k: v for k, v in row_dict(a).items() if k not in drop} for a in rows]


def _reposted() -> ColumnElement[bool]:
    """An article whose story another article posted earlier (by date, then id): a duplicate."""
    other, member = aliased(Article), aliased(StoryMember)
    mine = func.coalesce(Article.published_at, Article.first_seen_at)
    theirs = func.coalesce(other.published_at, other.first_seen_at)
    return exists().where(
        member.story_id == StoryMember.story_id, other.id == member.article_id,
        other.id != Article.id,
        or_(theirs < mine, and_(theirs == mine, other.id < Article.id)))


def iter_articles(
    session: Session, site: str | None = None, since: Since | None = None, *,
    first_postings: bool = False, ids: Sequence[int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every article as a dict with ``attachments``, ``references`` and ``story_id``, oldest
    id first.

    ``since`` keeps articles whose current content appeared at or after it
    (``changed_at``), which is what an incremental export wants. ``first_postings``
    drops reposts: of each story only its first posting is kept; ``ids`` keeps only
    those (a search's hits: ``congdoan.web.exporting``).
    """
    stmt = select(Article, StoryMember.story_id).outerjoin(
        StoryMember, StoryMember.article_id == Article.id).options(
        selectinload(Article.attachments), selectinload(Article.references)
    )
    if first_postings:
        stmt = stmt.where(~_reposted())
    if ids is not None:
        stmt = stmt.where(Article.id.in_(ids))
    if site is not None:
        stmt = stmt.where(Article.site == site)
    if since is not None:
        stmt = stmt.where(changed_since(Article.site, Article.changed_at, since))
    rows = session.execute(stmt.order_by(Article.id).execution_options(yield_per=BATCH))
    for article, story_id in rows:
        data = row_dict(article)
        data["story_id"] = story_id
        data["attachments"] = _attachments(article.attachments)
        data["references"] = [
            {"code": r.code, "document_id": r.document_id} for r in article.references
        ]
        yield data


def iter_documents(
    session: Session, site: str | None = None, since: Since | None = None, *,
    ids: Sequence[int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every document as a dict with its ``postings`` (each with ``attachments``).

    ``site`` keeps documents posted on that site; ``since`` those with a posting
    whose content appeared at or after it; ``ids`` only those documents.
    """
    stmt = select(Document).options(
        selectinload(Document.postings).selectinload(DocumentPosting.attachments)
    )
    if ids is not None:
        stmt = stmt.where(Document.id.in_(ids))
    if site is not None or since is not None:
        posting = exists().where(DocumentPosting.document_id == Document.id)
        if site is not None:
            posting = posting.where(DocumentPosting.site == site)
        if since is not None:
            posting = posting.where(
                changed_since(DocumentPosting.site, DocumentPosting.changed_at, since))
        stmt = stmt.where(posting)
    for document in session.scalars(stmt.order_by(Document.id).execution_options(yield_per=BATCH)):
        data = row_dict(document)
        data["postings"] = []
        for p in document.postings:
            posted = row_dict(p)
            posted["attachments"] = _attachments(p.attachments)
            data["postings"].append(posted)
        yield data
