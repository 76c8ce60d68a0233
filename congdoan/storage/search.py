"""Full-text search over articles and documents, the same on SQLite and PostgreSQL.

Stored text and queries are folded the same way (``records.search_fold``), so
``chỉ thị 17``, ``chi thi 17`` and ``CHỈ THỊ 17`` are one query. User input never
reaches the query syntax: each whitespace-separated word becomes a quoted
phrase of its letter/digit tokens (``17-CT/TW`` → the phrase ``17 ct tw``),
text in double quotes is one phrase (``"an toàn lao động"``: those words in that
order), and all phrases must match.

Ranking: bm25 on SQLite (FTS5) and ts_rank on PostgreSQL, with title matches
weighted up (5x on SQLite; weight A against D on PostgreSQL), divided by
``1 + age / RECENCY_DAYS`` so that, at equal relevance, the recent item comes
first (an item two years old counts half). The age is the publication (issue)
date, else when the item was first seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    and_,
    cast,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, selectinload

from congdoan.items.kinds import Kind
from congdoan.storage.models import Article, Document, DocumentPosting
from congdoan.storage.records import as_moment, search_fold
from congdoan.storage.snippet import Span, make_snippet, match_spans

TITLE_WEIGHT = 5.0  # bm25 weight of search_title against 1.0 for search_text
RECENCY_DAYS = 730.0  # at equal relevance, an item this old scores half a new one
_QUOTED_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')


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
    snippet: str = ""  # a line of the text around the first match
    snippet_spans: tuple[Span, ...] = ()  # where the matches are in ``snippet``
    title_spans: tuple[Span, ...] = ()  # where the matches are in ``title``


@dataclass(frozen=True)
class SearchResults:
    """One page of hits and how many there are in all."""

    hits: list[SearchHit]
    total: int
    offset: int


def query_phrases(query: str) -> list[str]:
    """The folded phrases of a user query; empty when nothing searchable is left.

    A word is a phrase of its tokens; text in balanced double quotes is one phrase.
    """
    phrases = (search_fold(quoted or word)
               for quoted, word in _QUOTED_OR_WORD.findall(_balanced(query)))
    return [p for p in phrases if p]


def _balanced(query: str) -> str:
    # An unmatched quote is a plain character (it folds away), not an open phrase.
    if query.count('"') % 2:
        head, _, tail = query.rpartition('"')
        return head + " " + tail
    return query


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
    return search_page(session, query, site=site, kind=kind, since=since, limit=limit).hits


def search_page(
    session: Session,
    query: str,
    *,
    site: str | None = None,
    kind: Kind | None = None,
    since: datetime | date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Hits ``offset`` to ``offset + limit`` of ``query``, best first, and the total count."""
    phrases = query_phrases(query)
    if not phrases or limit <= 0:
        return SearchResults([], 0, offset)
    postgres = session.get_bind().dialect.name == "postgresql"
    filtered = site is not None or since is not None
    # Without filters SQLite counts the matches in the FTS5 index alone (``_fts_count``).
    indexed = not postgres and not filtered
    hits: list[SearchHit] = []
    total = 0
    depth = offset + limit  # the best `depth` of each kind hold the best `depth` of both
    if kind in (None, "article"):
        stmt = _filter_articles(
            _pg_articles(phrases, filtered) if postgres else _sqlite_articles(phrases, filtered),
            site, since)
        found, ranked = _count_and_rank(session, stmt, depth, postgres,
                                        "articles_fts" if indexed else None, phrases)
        total += found
        hits += _article_hits(session, ranked, phrases)
    if kind in (None, "document"):
        stmt = _filter_documents(
            _pg_documents(phrases, filtered) if postgres else _sqlite_documents(phrases, filtered),
            site, since)
        found, ranked = _count_and_rank(session, stmt, depth, postgres,
                                        "documents_fts" if indexed else None, phrases)
        total += found
        hits += _document_hits(session, ranked, phrases)
    hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    return SearchResults(hits[offset:depth], total, offset)


def _count_and_rank(session: Session, stmt: Select[Any], depth: int, postgres: bool,
                    count_in: str | None, phrases: list[str],
                    ) -> tuple[int, list[tuple[int, float]]]:
    """How many rows ``stmt`` matches, and the best ``depth`` of them (id, score)."""
    if postgres:
        return _pg_count_and_rank(session, stmt, depth)
    found = _fts_count(session, count_in, phrases) if count_in else _count(session, stmt)
    return found, _ranked(session, stmt.limit(depth))


def _pg_count_and_rank(session: Session, stmt: Select[Any],
                       depth: int) -> tuple[int, list[tuple[int, float]]]:
    """One pass over the matches for both the count and the ranking: the matches' ids
    and scores are kept (``MATERIALIZED``), counted, and the best taken from them. Two
    queries read every matching row twice (1.4x slower for 'phuc loi' on the bench)."""
    matches = stmt.order_by(None).cte("matches").prefix_with("MATERIALIZED")
    counted = select(func.count()).select_from(matches).scalar_subquery()
    rows = session.execute(
        select(matches.c.id, matches.c.score, counted)
        .order_by(matches.c.score.desc(), matches.c.id).limit(depth)).all()
    if not rows:
        return 0, []
    return int(rows[0][2]), [(row_id, float(score)) for row_id, score, _ in rows]


def _fts_count(session: Session, fts: str, phrases: list[str]) -> int:
    """Matches counted in the FTS5 table alone: every row has exactly one index row (the
    triggers keep them so), and not reading the large rows is 10-40x faster on the bench's
    country (docs/benchmarks.md)."""
    match, _ = _fts_match(fts, phrases)
    return int(session.scalar(select(func.count()).select_from(table(fts)).where(match)) or 0)


def _count(session: Session, stmt: Select[Any]) -> int:
    counted = stmt.order_by(None).with_only_columns(
        literal_column("1"), maintain_column_froms=True).subquery()
    return int(session.scalar(select(func.count()).select_from(counted)) or 0)


def _age_days(moment: ColumnElement[Any], postgres: bool) -> ColumnElement[Any]:
    """Days from ``moment`` to now, never negative (a future date is new, not newer)."""
    if postgres:
        # date_part gives a double; extract() a numeric, whose arithmetic over every
        # match cost a quarter of the ranking query (15 of 55 ms for 'phuc loi').
        seconds = func.date_part("epoch", func.now() - moment)
        return func.greatest(func.coalesce(seconds / 86400.0, 0.0), 0.0)
    return func.max(func.coalesce(func.julianday("now") - func.julianday(moment), 0.0), 0.0)


def _recent(relevance: ColumnElement[Any], moment: ColumnElement[Any],
            postgres: bool) -> ColumnElement[Any]:
    return relevance / (1.0 + _age_days(moment, postgres) / RECENCY_DAYS)


def ranking_score(relevance: ColumnElement[Any], kind: Kind,
                  postgres: bool) -> ColumnElement[Any]:
    """The score hits are ranked by, from the item's row: ``relevance`` divided by
    ``1 + age / RECENCY_DAYS`` (the module doc). Whoever ranks by relevance uses it, so
    the web interface and ``congdoan search`` give one order."""
    moment = _article_moment() if kind == "article" else _document_moment(postgres)
    return _recent(relevance, moment, postgres)


def _article_moment() -> ColumnElement[Any]:
    return func.coalesce(Article.published_at, Article.first_seen_at)


def _document_moment(postgres: bool) -> ColumnElement[Any]:
    issued: ColumnElement[Any] = (cast(Document.issued_on, DateTime(timezone=True)) if postgres
                                  else Document.issued_on)
    return func.coalesce(issued, Document.first_seen_at)


# --- SQLite: FTS5 ----------------------------------------------------------------------


def _fts_match(table: str, phrases: list[str]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    # Phrases hold letters, digits and spaces only (search_fold), so quoting is safe;
    # the expression is still passed as a bound parameter, never spliced into SQL.
    expression = " AND ".join(f'"{p}"' for p in phrases)
    fts = literal_column(table)
    rank = func.bm25(fts, TITLE_WEIGHT, 1.0)
    return fts.op("MATCH")(expression), -rank


def _sqlite_ranking(model: type[Article] | type[Document],
                    phrases: list[str]) -> Select[Any]:
    """Ids and scores of the matches, best first, from the FTS index and the narrow date
    table beside it (``{table}_fts_day``, migration 0005): no match's row is read."""
    name = model.__tablename__
    match, relevance = _fts_match(f"{name}_fts", phrases)
    fts = table(f"{name}_fts", column("rowid"))
    day = table(f"{name}_fts_day", column("id"), column("day"))
    age = func.max(func.coalesce(func.julianday("now") - day.c.day, 0.0), 0.0)
    score = relevance / (1.0 + age / RECENCY_DAYS)
    return (
        select(day.c.id, score.label("score"))
        .select_from(fts)
        .join(day, day.c.id == fts.c.rowid)
        .where(match)
        .order_by(score.desc(), day.c.id)
    )


def _sqlite_articles(phrases: list[str], filtered: bool) -> Select[Any]:
    stmt = _sqlite_ranking(Article, phrases)
    # A filter on the site or the date needs the row; only then is it read.
    return stmt.join(Article, Article.id == stmt.selected_columns.id) if filtered else stmt


def _sqlite_documents(phrases: list[str], filtered: bool) -> Select[Any]:
    stmt = _sqlite_ranking(Document, phrases)
    return stmt.join(Document, Document.id == stmt.selected_columns.id) if filtered else stmt


# --- PostgreSQL: tsvector + GIN --------------------------------------------------------


def pg_tsquery(phrases: list[str]) -> ColumnElement[Any]:
    """The tsquery of ``phrases`` (all must match), computed once per execution.

    A scalar subquery, so PostgreSQL evaluates it once (an InitPlan): psycopg prepares
    a statement run five times, and the generic plan of a prepared statement parsed
    the bound phrases again for every match, in ``ts_rank`` (``phuc loi``: 74 -> 42 ms).
    """
    config = literal_column("'simple'::regconfig")  # a constant, not user input
    query: ColumnElement[Any] | None = None
    for phrase in phrases:
        part = func.phraseto_tsquery(config, phrase)
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return select(query).scalar_subquery()


def _pg_search_table(model: type[Article] | type[Document]) -> Any:
    """The narrow table PostgreSQL matches and ranks in (migration 0007): id, the date
    search ranks by, and the tsvector."""
    name = model.__tablename__
    return table(f"{name}_search", column("id"), column("day"), column("search_vector"))


def _pg_match_and_score(model: type[Article] | type[Document], phrases: list[str]
                       ) -> tuple[Any, ColumnElement[Any], ColumnElement[Any]]:
    """The item's search table, the match condition and the ranking score on it: the
    same ``ranking_score`` (relevance over age) as the row, read from the narrow table."""
    side = _pg_search_table(model)
    tsquery = pg_tsquery(phrases)
    score = _recent(func.ts_rank(side.c.search_vector, tsquery), side.c.day, postgres=True)
    return side, side.c.search_vector.op("@@")(tsquery), score


def _pg_select(model: type[Article] | type[Document], phrases: list[str],
               filtered: bool) -> Select[Any]:
    side, match, score = _pg_match_and_score(model, phrases)
    stmt = select(side.c.id, score.label("score")).where(match).order_by(score.desc(), side.c.id)
    # A filter on the site or the date needs the row; only then is it read.
    return stmt.join(model, model.id == side.c.id) if filtered else stmt


def _pg_articles(phrases: list[str], filtered: bool) -> Select[Any]:
    return _pg_select(Article, phrases, filtered)


def _pg_documents(phrases: list[str], filtered: bool) -> Select[Any]:
    return _pg_select(Document, phrases, filtered)


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


def _ranked(session: Session, stmt: Select[Any]) -> list[tuple[int, float]]:
    # Ranking selects ids and scores only, so no match's whole row (bodies and all) goes
    # through the sort; the rows of the page alone are loaded afterwards.
    return [(row_id, float(score)) for row_id, score in session.execute(stmt)]


def _article_hits(session: Session, ranked: list[tuple[int, float]],
                  phrases: list[str]) -> list[SearchHit]:
    rows = {a.id: a for a in session.scalars(
        select(Article).where(Article.id.in_([row_id for row_id, _ in ranked])))}
    hits = []
    for row_id, score in ranked:
        a = rows[row_id]
        snippet = make_snippet(a.body_text or a.summary, phrases)
        hits.append(SearchHit(
            "article", a.id, a.site, a.title, a.canonical_url, a.published_at, None,
            score, snippet.text, snippet.spans, tuple(match_spans(a.title, phrases)),
        ))
    return hits


def _document_hits(session: Session, ranked: list[tuple[int, float]],
                   phrases: list[str]) -> list[SearchHit]:
    rows = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_([row_id for row_id, _ in ranked]))
        .options(selectinload(Document.postings)))}
    hits = []
    for row_id, score in ranked:
        document = rows[row_id]
        # A document has one row per portal; show the one seen first.
        posting = min(document.postings, key=lambda p: p.id)
        snippet = make_snippet(document.body_text or document.intro, phrases)
        hits.append(
            SearchHit(
                "document",
                document.id,
                posting.site,
                document.title,
                posting.canonical_url,
                document.issued_on,
                document.code,
                score,
                snippet.text,
                snippet.spans,
                tuple(match_spans(document.title, phrases)),
            )
        )
    return hits
