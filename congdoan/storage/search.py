"""Full-text search over articles and documents, the same on SQLite and PostgreSQL.

Stored text and queries are folded the same way (``records.search_fold``), so
``chỉ thị 17``, ``chi thi 17`` and ``CHỈ THỊ 17`` are one query. User input never
reaches the query syntax: each whitespace-separated word becomes a quoted
phrase of its letter/digit tokens (``17-CT/TW`` → the phrase ``17 ct tw``), and
all phrases must match. Ranking is bm25 on SQLite (FTS5) and ts_rank on
PostgreSQL, with title matches weighted up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from congdoan.kinds import Kind
from congdoan.storage.models import Article, Document, DocumentPosting
from congdoan.storage.records import as_moment, search_fold

TITLE_WEIGHT = 5.0  # bm25 weight of search_title against 1.0 for search_text


@dataclass(frozen=True)
class SearchHit:
    """One search result; ``when`` is published_at (articles) or issued_on (documents)."""

    kind: Kind
    id: int
    site: str
    title: str
    url: str
    when: datetime | date | None
    code: str | None
    score: float


def query_phrases(query: str) -> list[str]:
    """The folded phrases of a user query; empty when nothing searchable is left."""
    phrases = (search_fold(word) for word in query.split())
    return [p for p in phrases if p]


def search(
    session: Session,
    query: str,
    *,
    site: str | None = None,
    kind: Kind | None = None,
    since: datetime | date | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Best ``limit`` hits for ``query``, best first, optionally by site, kind and date."""
    phrases = query_phrases(query)
    if not phrases or limit <= 0:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    hits: list[SearchHit] = []
    if kind in (None, "article"):
        stmt = _pg_articles(phrases) if postgres else _sqlite_articles(phrases)
        hits += _article_hits(session, _filter_articles(stmt, site, since).limit(limit))
    if kind in (None, "document"):
        stmt = _pg_documents(phrases) if postgres else _sqlite_documents(phrases)
        hits += _document_hits(session, _filter_documents(stmt, site, since).limit(limit))
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return hits[:limit]


# --- SQLite: FTS5 ----------------------------------------------------------------------


def _fts_match(table: str, phrases: list[str]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    # Phrases hold letters, digits and spaces only (search_fold), so quoting is safe;
    # the expression is still passed as a bound parameter, never spliced into SQL.
    expression = " AND ".join(f'"{p}"' for p in phrases)
    fts = literal_column(table)
    rank = func.bm25(fts, TITLE_WEIGHT, 1.0)
    return fts.op("MATCH")(expression), -rank


def _sqlite_articles(phrases: list[str]) -> Select[Any]:
    match, score = _fts_match("articles_fts", phrases)
    fts = table("articles_fts", column("rowid"))
    return (
        select(Article, score.label("score"))
        .select_from(Article)
        .join(fts, fts.c.rowid == Article.id)
        .where(match)
        .order_by(score.desc(), Article.id)
    )


def _sqlite_documents(phrases: list[str]) -> Select[Any]:
    match, score = _fts_match("documents_fts", phrases)
    fts = table("documents_fts", column("rowid"))
    return (
        select(Document, score.label("score"))
        .select_from(Document)
        .join(fts, fts.c.rowid == Document.id)
        .where(match)
        .order_by(score.desc(), Document.id)
    )


# --- PostgreSQL: tsvector + GIN --------------------------------------------------------


def _tsquery(phrases: list[str]) -> ColumnElement[Any]:
    config = literal_column("'simple'::regconfig")  # a constant, not user input
    query: ColumnElement[Any] | None = None
    for phrase in phrases:
        part = func.phraseto_tsquery(config, phrase)
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return query


def _pg_select(model: type[Article] | type[Document], phrases: list[str]) -> Select[Any]:
    vector = literal_column(f"{model.__tablename__}.search_vector")
    tsquery = _tsquery(phrases)
    score = func.ts_rank(vector, tsquery)
    return (
        select(model, score.label("score"))
        .where(vector.op("@@")(tsquery))
        .order_by(score.desc(), model.id)
    )


def _pg_articles(phrases: list[str]) -> Select[Any]:
    return _pg_select(Article, phrases)


def _pg_documents(phrases: list[str]) -> Select[Any]:
    return _pg_select(Document, phrases)


# --- filters and results ---------------------------------------------------------------


def _filter_articles(
    stmt: Select[Any], site: str | None, since: datetime | date | None
) -> Select[Any]:
    if site is not None:
        stmt = stmt.where(Article.site == site)
    if since is not None:
        moment = as_moment(since)
        stmt = stmt.where(func.coalesce(Article.published_at, Article.first_seen_at) >= moment)
    return stmt


def _filter_documents(
    stmt: Select[Any], site: str | None, since: datetime | date | None
) -> Select[Any]:
    if site is not None:
        stmt = stmt.where(
            exists().where(DocumentPosting.document_id == Document.id, DocumentPosting.site == site)
        )
    if since is not None:
        moment = as_moment(since)
        stmt = stmt.where(
            or_(
                Document.issued_on >= moment.date(),
                and_(Document.issued_on.is_(None), Document.first_seen_at >= moment),
            )
        )
    return stmt


def _article_hits(session: Session, stmt: Select[Any]) -> list[SearchHit]:
    return [
        SearchHit(
            "article", a.id, a.site, a.title, a.canonical_url, a.published_at, None, float(score)
        )
        for a, score in session.execute(stmt)
    ]


def _document_hits(session: Session, stmt: Select[Any]) -> list[SearchHit]:
    hits = []
    for document, score in session.execute(stmt).all():
        # A document has one row per portal; show the one seen first.
        posting = min(document.postings, key=lambda p: p.id)
        hits.append(
            SearchHit(
                "document",
                document.id,
                posting.site,
                document.title,
                posting.canonical_url,
                document.issued_on,
                document.code,
                float(score),
            )
        )
    return hits
