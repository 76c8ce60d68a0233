"""What one page of the web interface shows, read from the database as plain dicts.

The HTML pages and the JSON API render the same dicts, so they never disagree.
Nothing here writes; nothing here renders HTML (bodies are sanitised in
``sanitize.py`` at rendering time).
"""

from __future__ import annotations

import difflib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from congdoan.storage.history import recent_runs
from congdoan.storage.iterate import row_dict
from congdoan.storage.models import (
    Article,
    ArticleReference,
    Attachment,
    Document,
    DocumentPosting,
    Failure,
    ItemVersion,
    RawPage,
    Site,
)
from congdoan.storage.records import jsonable
from congdoan.storage.relations import relations_of
from congdoan.storage.repository import article_content
from congdoan.storage.stats import stats
from congdoan.storage.stories import also_posted
from congdoan.web.charts import monthly_counts
from congdoan.web.relation_graph import layout

_HIDDEN = frozenset({"search_title", "search_text", "identity_key"})
_ATTACHMENT_KEYS = ("id", "url", "name", "media_type", "size", "sha256", "stored_path")


def _public(obj: object) -> dict[str, Any]:
    return {k: v for k, v in row_dict(obj).items() if k not in _HIDDEN}


def _attachment(a: Attachment, with_text: bool = False) -> dict[str, Any]:
    data = {k: getattr(a, k) for k in _ATTACHMENT_KEYS}
    data["stored"] = bool(a.stored_path)
    if with_text:
        data["text"] = a.text
    return data


def _raw(session: Session, sha: str | None) -> dict[str, Any] | None:
    if not sha:
        return None
    row = session.execute(
        select(RawPage.size, RawPage.content_type, RawPage.stored_at).where(RawPage.sha256 == sha)
    ).first()
    if row is None:
        return {"sha256": sha, "archived": False}
    return {"sha256": sha, "archived": True, "size": row.size, "content_type": row.content_type,
            "stored_at": row.stored_at}


# --- versions --------------------------------------------------------------------------


def _lines(content: dict[str, Any]) -> list[str]:
    """A content dict as diffable lines: one per field, long text one per sentence-line."""
    out = []
    for key in sorted(content):
        value = content[key]
        if isinstance(value, str) and "\n" in value:
            out.append(f"{key}:")
            out += [f"  {line}" for line in value.splitlines()]
        else:
            out.append(f"{key}: {json.dumps(jsonable(value), ensure_ascii=False)}")
    return out


def versions(session: Session, kind: str, item_id: int, current: dict[str, Any],
             current_from: datetime) -> list[dict[str, Any]]:
    """Every stored version, oldest first, each with the diff from the one before it."""
    rows = session.scalars(
        select(ItemVersion).where(ItemVersion.kind == kind, ItemVersion.item_id == item_id)
        .order_by(ItemVersion.valid_from, ItemVersion.id)
    ).all()
    chain = [(r.data, r.valid_from, r.valid_to, r.content_hash) for r in rows]
    chain.append((current, current_from, None, None))
    out: list[dict[str, Any]] = []
    previous: list[str] | None = None
    for number, (data, valid_from, valid_to, digest) in enumerate(chain, start=1):
        lines = _lines(data)
        diff = None
        if previous is not None:
            diff = "\n".join(difflib.unified_diff(
                previous, lines, f"phiên bản {number - 1}", f"phiên bản {number}", lineterm=""))
        out.append({"number": number, "valid_from": valid_from, "valid_to": valid_to,
                    "content_hash": digest, "current": valid_to is None, "diff": diff})
        previous = lines
    return out


# --- articles --------------------------------------------------------------------------


def article_view(session: Session, article_id: int) -> dict[str, Any] | None:
    """An article with attachments, resolved citations, provenance and versions."""
    article = session.scalars(
        select(Article).where(Article.id == article_id)
        .options(selectinload(Article.attachments), selectinload(Article.references))
    ).one_or_none()
    if article is None:
        return None
    data = _public(article)
    data["attachments"] = [_attachment(a) for a in article.attachments]
    data["references"] = [
        {"code": r.code, "document_id": r.document_id or _document_for(session, r.code)}
        for r in article.references
    ]
    data["site_name"] = session.scalar(select(Site.name).where(Site.id == article.site))
    data["raw"] = _raw(session, article.raw_sha256)
    data["versions"] = versions(session, "article", article.id, article_content(article),
                                article.changed_at)
    data["story"] = also_posted(session, article.id)
    return data


def _document_for(session: Session, code: str) -> int | None:
    ids = session.scalars(select(Document.id).where(Document.code_normalized == code).limit(2))
    found = ids.all()
    return found[0] if len(found) == 1 else None


# --- documents -------------------------------------------------------------------------


def document_view(session: Session, document_id: int) -> dict[str, Any] | None:
    """A document: parsed code, dates, every posting as displayed, files, citing articles,
    the rollout across the stored sites, and its status and relations to other documents."""
    document = session.scalars(
        select(Document).where(Document.id == document_id)
        .options(selectinload(Document.postings).selectinload(DocumentPosting.attachments))
    ).one_or_none()
    if document is None:
        return None
    data = _public(document)
    data["postings"] = []
    for p in document.postings:
        posting = _public(p)
        posting["as_displayed"] = posting.pop("data")
        posting["attachments"] = [_attachment(a, with_text=True) for a in p.attachments]
        posting["raw"] = _raw(session, p.raw_sha256)
        posting["site_name"] = session.scalar(select(Site.name).where(Site.id == p.site))
        posting["versions"] = versions(session, "posting", p.id, p.data or {}, p.changed_at)
        data["postings"].append(posting)
    data["citing"] = citing_articles(session, document)
    data["rollout"] = rollout(session, document, data["citing"])
    data["relations"] = relations_of(session, document.id)
    data["relation_graph"] = layout(document.code_normalized or document.code, data["relations"])
    return data


def citing_articles(session: Session, document: Document) -> list[dict[str, Any]]:
    """Articles that cite ``document``, oldest first."""
    condition = ArticleReference.document_id == document.id
    if document.code_normalized:
        condition = or_(condition, ArticleReference.code == document.code_normalized)
    when = func.coalesce(Article.published_at, Article.first_seen_at)
    rows = session.execute(
        select(Article.id, Article.site, Article.title, Article.canonical_url, when.label("when"))
        .join(ArticleReference, ArticleReference.article_id == Article.id)
        .where(condition).distinct().order_by(when, Article.id)
    ).all()
    return [{"id": r.id, "site": r.site, "title": r.title, "url": r.canonical_url,
             "when": r.when} for r in rows]


def rollout(session: Session, document: Document, citing: list[dict[str, Any]]
            ) -> list[dict[str, Any]]:
    """For every stored site: when it first posted the document, first cited it, or neither.

    Posting time is when the crawler first saw the posting (portals show no
    posting date for documents); citing time is the citing article's date.
    Sites that did either come first, earliest first; the rest follow by id.
    """
    posted: dict[str, datetime] = {}
    for p in document.postings:
        if p.site not in posted or p.first_seen_at < posted[p.site]:
            posted[p.site] = p.first_seen_at
    cited: dict[str, Any] = {}
    for article in citing:
        site, when = article["site"], article["when"]
        if site not in cited or when < cited[site]["when"]:
            cited[site] = article
    rows = []
    for site_id, name in session.execute(select(Site.id, Site.name).order_by(Site.id)):
        first_cited = cited.get(site_id)
        moments = [m for m in (posted.get(site_id), first_cited and first_cited["when"]) if m]
        rows.append({
            "site": site_id, "name": name, "posted_at": posted.get(site_id),
            "cited_at": first_cited["when"] if first_cited else None,
            "cited_by": first_cited["id"] if first_cited else None,
            "first": min(moments) if moments else None,
        })
    reached = sorted((r for r in rows if r["first"]), key=lambda r: (r["first"], r["site"]))
    return reached + [r for r in rows if not r["first"]]


# --- sites -----------------------------------------------------------------------------


def sites_view(session: Session) -> list[dict[str, Any]]:
    """Every stored site with its counts and last run."""
    per_site = stats(session)["sites"]
    out = []
    for site in session.scalars(select(Site).order_by(Site.id)):
        out.append({"id": site.id, "name": site.name, "base_url": site.base_url,
                    **per_site.get(site.id, {})})
    return out


def site_view(session: Session, site_id: str) -> dict[str, Any] | None:
    """A site: counts, date range, its latest runs and its open failures."""
    site = session.get(Site, site_id)
    if site is None:
        return None
    counts = stats(session)["sites"].get(site_id, {})
    runs = [
        {"id": r.id, "status": r.status, "started_at": r.started_at,
         "finished_at": r.finished_at, "seconds": r.seconds, "new": r.new,
         "changed": r.changed, "unchanged": r.unchanged, "failed": r.failed}
        for r in recent_runs(session, site_id, limit=20)
    ]
    failures = [
        {"url": f.url, "reason": f.reason, "count": f.count, "first_seen": f.first_seen,
         "last_seen": f.last_seen}
        for f in session.scalars(
            select(Failure).where(Failure.site == site_id, Failure.resolved_at.is_(None))
            .order_by(Failure.last_seen.desc()).limit(100))
    ]
    months, series = site_monthly(session, site_id)
    return {"id": site.id, "name": site.name, "base_url": site.base_url, **counts,
            "runs": runs, "failures": failures,
            "monthly": [{"month": m, **{k: v[i] for k, v in series.items()}}
                        for i, m in enumerate(months)]}


MONTHLY_SERIES = ("Tin bài", "Văn bản")


def site_monthly(session: Session, site_id: str) -> tuple[list[str], dict[str, list[int]]]:
    """Items a portal posted per month: articles by publication (else first seen), documents
    by issue date (else when its posting was first seen)."""
    articles = session.scalars(select(func.coalesce(Article.published_at, Article.first_seen_at))
                               .where(Article.site == site_id))
    documents = session.execute(
        select(Document.issued_on, DocumentPosting.first_seen_at)
        .join(DocumentPosting, DocumentPosting.document_id == Document.id)
        .where(DocumentPosting.site == site_id))
    return monthly_counts({MONTHLY_SERIES[0]: list(articles),
                           MONTHLY_SERIES[1]: [issued or seen for issued, seen in documents]})


def attachment_file(session: Session, attachment_id: int) -> Attachment | None:
    """The attachment row behind ``/files/ID``."""
    return session.get(Attachment, attachment_id)

