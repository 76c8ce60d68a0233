"""Filtered, faceted, paginated search: what the web interface, its API and feeds ask.

``storage/search.py`` answers "the best hits for these words"; this module adds
what browsing needs on top of the same index and the same query folding
(``search.query_phrases``): an optional query (no words = browse everything),
filters (site, kind, document type, issuer, year, date range, first seen
since), sorting by date or relevance, pages, and facet counts for every filter.

Dates: an article's date is ``published_at`` (else when it was first seen), a
document's is ``issued_on`` (else first seen). Years are counted in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, selectinload

from congdoan.items.kinds import Kind
from congdoan.storage.models import Article, Document, DocumentPosting
from congdoan.storage.search import TITLE_WEIGHT, pg_tsquery, query_phrases, ranking_score

Sort = Literal["relevance", "date"]
MAX_PER_PAGE = 100
FACET_SIZE = 30  # values shown per facet, most frequent first


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every field is optional (nothing set = everything, newest first)."""

    q: str = ""
    site: str | None = None
    kind: Kind | None = None
    doc_type: str | None = None  # a document's type abbreviation: QĐ, CT, HD …
    issuer: str | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    new_since: date | None = None  # first seen by the crawler on or after this day
    sort: Sort | None = None  # default: relevance with words, date without
    status: str | None = None  # a document's status: in_force, replaced … (relations)

    @property
    def phrases(self) -> list[str]:
        """The folded phrases of ``q`` (empty: no text condition)."""
        return query_phrases(self.q or "")

    @property
    def order(self) -> Sort:
        """The sort actually used."""
        if self.sort == "relevance" and self.phrases:
            return "relevance"
        if self.sort is None and self.phrases:
            return "relevance"
        return "date"

    @property
    def documents_only(self) -> bool:
        """Document-only filters (type, issuer, status) leave articles out."""
        return bool(self.doc_type or self.issuer or self.status)


@dataclass(frozen=True)
class Hit:
    """One result row; ``when`` is the item's date (see the module doc)."""

    kind: Kind
    id: int
    site: str
    title: str
    url: str
    when: date | None
    code: str | None
    summary: str | None
    updated: datetime  # when the current content was first seen
    score: float


@dataclass
class Page:
    """One page of results with the total and the facet counts of the whole result set."""

    filters: Filters
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the results fill (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def _moment(day: date) -> datetime:
    day = min(day, date.max.replace(day=30))  # the day after stays representable
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _next_day(day: date) -> date:
    return date.fromordinal(min(day.toordinal() + 1, date.max.toordinal()))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- the item date and the text condition, per kind ----------------------------------


def article_day() -> ColumnElement[Any]:
    """An article's date as a SQL expression (a timestamp; compared with moments)."""
    return func.coalesce(Article.published_at, Article.first_seen_at)


def _article_text(session: Session, phrases: list[str]) -> tuple[Select[Any], ColumnElement[Any]]:
    """Articles matching ``phrases`` (all of them) with their relevance score."""
    if _postgres(session):
        return _pg_text(Article, phrases)
    fts = table("articles_fts", column("rowid"))
    match, relevance = _fts(literal_column("articles_fts"), phrases)
    return (select(Article).join(fts, fts.c.rowid == Article.id).where(match),
            ranking_score(relevance, "article", postgres=False))


def _document_text(session: Session, phrases: list[str]) -> tuple[Select[Any], ColumnElement[Any]]:
    """Documents matching ``phrases`` (all of them) with their relevance score."""
    if _postgres(session):
        return _pg_text(Document, phrases)
    fts = table("documents_fts", column("rowid"))
    match, relevance = _fts(literal_column("documents_fts"), phrases)
    return (select(Document).join(fts, fts.c.rowid == Document.id).where(match),
            ranking_score(relevance, "document", postgres=False))


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _fts(fts: ColumnElement[Any], phrases: list[str]) -> tuple[Any, ColumnElement[Any]]:
    # Phrases hold letters, digits and spaces only (search_fold), so quoting them is
    # safe; the whole expression still travels as a bound parameter.
    expression = " AND ".join(f'"{p}"' for p in phrases)
    return fts.op("MATCH")(expression), -func.bm25(fts, TITLE_WEIGHT, 1.0)


def _pg_text(model: Any, phrases: list[str]) -> tuple[Select[Any], ColumnElement[Any]]:
    vector = literal_column(f"{model.__tablename__}.search_vector")
    query = pg_tsquery(phrases)  # the same tsquery as congdoan search, computed once
    kind: Kind = "article" if model is Article else "document"
    return (select(model).where(vector.op("@@")(query)),
            ranking_score(func.ts_rank(vector, query), kind, postgres=True))


# --- filtered selects ------------------------------------------------------------------


def _articles(session: Session, f: Filters) -> tuple[Select[Any], ColumnElement[Any]]:
    if f.phrases:
        stmt, score = _article_text(session, f.phrases)
    else:
        stmt, score = select(Article), literal(0.0)
    day = article_day()
    if f.site:
        stmt = stmt.where(Article.site == f.site)
    low, high = f.date_from, f.date_to
    if f.year:
        y_low, y_high = _year_bounds(f.year)
        low, high = max(filter(None, (low, y_low))), min(filter(None, (high, y_high)))
    if low:
        stmt = stmt.where(day >= _moment(low))
    if high:
        stmt = stmt.where(day < _moment(_next_day(high)))
    if f.new_since:
        stmt = stmt.where(Article.first_seen_at >= _moment(f.new_since))
    return stmt, score


def document_day() -> ColumnElement[Any]:
    """A document's date: issued, else when it was first seen (both sort as one type)."""
    return func.coalesce(Document.issued_on, Document.first_seen_at)


def _documents(session: Session, f: Filters) -> tuple[Select[Any], ColumnElement[Any]]:
    if f.phrases:
        stmt, score = _document_text(session, f.phrases)
    else:
        stmt, score = select(Document), literal(0.0)
    if f.site:
        stmt = stmt.where(exists().where(DocumentPosting.document_id == Document.id,
                                         DocumentPosting.site == f.site))
    if f.doc_type:
        stmt = stmt.where(Document.type_abbr == f.doc_type)
    if f.issuer:
        stmt = stmt.where(Document.issuer == f.issuer)
    if f.status:
        stmt = stmt.where(status_condition(f.status))
    low, high = f.date_from, f.date_to
    if f.year:
        y_low, y_high = _year_bounds(f.year)
        low, high = max(filter(None, (low, y_low))), min(filter(None, (high, y_high)))
    when = Document.issued_on
    seen = Document.first_seen_at
    if low:
        stmt = stmt.where(or_(when >= low, and_(when.is_(None), seen >= _moment(low))))
    if high:
        after = _moment(_next_day(high))
        stmt = stmt.where(or_(when <= high, and_(when.is_(None), seen < after)))
    if f.new_since:
        stmt = stmt.where(Document.first_seen_at >= _moment(f.new_since))
    return stmt, score


# --- the status filter (relations, migration 0009) -------------------------------------


def status_condition(status: str) -> ColumnElement[bool]:
    """Documents of ``status``; one not yet read for relations counts as in force."""
    from congdoan.storage.models import DocumentStatus

    stated = exists().where(DocumentStatus.document_id == Document.id,
                            DocumentStatus.status == status)
    if status != "in_force":
        return stated
    unread = ~exists().where(DocumentStatus.document_id == Document.id)
    return or_(stated, unread)


def _kinds(f: Filters) -> list[Kind]:
    if f.kind == "article":
        return [] if f.documents_only else ["article"]
    if f.kind == "document":
        return ["document"]
    return ["document"] if f.documents_only else ["article", "document"]


# --- the public entry points -----------------------------------------------------------


def find(session: Session, filters: Filters, *, page: int = 1, per_page: int = 20,
         facets: bool = True) -> Page:
    """One page of the items matching ``filters``, with the total and (optionally) facets.

    Articles and documents are merged by the chosen order; page ``n`` is found by
    taking the first ``n * per_page`` of each kind, so deep pages cost more.
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    needed = page * per_page
    hits: list[Hit] = []
    total = 0
    for kind in _kinds(filters):
        stmt, score = (_articles if kind == "article" else _documents)(session, filters)
        total += session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        hits += _hits(session, kind, stmt, score, filters.order, needed)
    if filters.order == "relevance":
        hits.sort(key=lambda h: (-h.score, h.kind, h.id))
    else:
        hits.sort(key=lambda h: (h.when or date.min, h.kind == "document", h.id), reverse=True)
    result = Page(filters, hits[needed - per_page:needed], total, page, per_page)
    if facets:
        result.facets = facet_counts(session, filters)
    return result


def iter_ids(session: Session, filters: Filters, limit: int) -> dict[Kind, list[int]]:
    """The ids of at most ``limit`` matching items per kind, in the chosen order."""
    out: dict[Kind, list[int]] = {}
    for kind in _kinds(filters):
        stmt, score = (_articles if kind == "article" else _documents)(session, filters)
        out[kind] = [h.id for h in _hits(session, kind, stmt, score, filters.order, limit)]
    return out


def _hits(session: Session, kind: Kind, stmt: Select[Any], score: ColumnElement[Any],
          order: Sort, limit: int) -> list[Hit]:
    model: Any = Article if kind == "article" else Document
    day = article_day() if kind == "article" else document_day()
    ordering = ((score.desc(), model.id.desc()) if order == "relevance"
                else (day.desc(), model.id.desc()))
    # Ids and scores are ranked, then the page's rows loaded: no match's body goes
    # through the sort (as in storage/search.py).
    ranked = session.execute(
        stmt.with_only_columns(model.id, score.label("score"), maintain_column_froms=True)
        .order_by(*ordering).limit(limit)).all()
    ids = [row_id for row_id, _ in ranked]
    if kind == "article":
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
        return [_article_hit(articles[i], s) for i, s in ranked]
    documents = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_(ids)).options(selectinload(Document.postings)))}
    return [_document_hit(documents[i], s) for i, s in ranked]


def _as_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _article_hit(a: Article, score: Any) -> Hit:
    return Hit("article", a.id, a.site, a.title, a.canonical_url,
               _as_day(a.published_at or a.first_seen_at), None, a.summary, a.changed_at,
               float(score or 0))


def _document_hit(d: Document, score: Any) -> Hit:
    # A document has one row per portal; the one seen first stands for it.
    posting = min(d.postings, key=lambda p: p.id)
    return Hit("document", d.id, posting.site, d.title, posting.canonical_url,
               d.issued_on or _as_day(d.first_seen_at), d.code, d.intro,
               max(p.changed_at for p in d.postings), float(score or 0))


# --- facets ----------------------------------------------------------------------------


def facet_counts(session: Session, f: Filters) -> dict[str, list[tuple[str, int]]]:
    """For each filter, its values and how many items each would leave.

    Each facet is counted with every *other* filter applied (the usual drill-down:
    choosing a site does not hide the other sites' counts).
    """
    return {
        "kind": _kind_facet(session, replace(f, kind=None)),
        "site": _site_facet(session, replace(f, site=None)),
        "doc_type": _document_facet(session, replace(f, doc_type=None), Document.type_abbr),
        "issuer": _document_facet(session, replace(f, issuer=None), Document.issuer),
        "year": _year_facet(session, replace(f, year=None)),
    }


def _count(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _kind_facet(session: Session, f: Filters) -> list[tuple[str, int]]:
    out = []
    for kind in _kinds(f):
        stmt, _ = (_articles if kind == "article" else _documents)(session, f)
        count = _count(session, stmt)
        if count:
            out.append((kind, count))
    return out


def _grouped(session: Session, stmt: Select[Any], key: ColumnElement[Any]
             ) -> dict[str, int]:
    rows = session.execute(stmt.with_only_columns(key, func.count()).group_by(key))
    return {str(k): int(n) for k, n in rows if k is not None and str(k) != ""}


def _top(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]


def _site_facet(session: Session, f: Filters) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for kind in _kinds(f):
        if kind == "article":
            stmt, _ = _articles(session, f)
            for k, n in _grouped(session, stmt, Article.site).items():
                counts[k] = counts.get(k, 0) + n
        else:
            stmt, _ = _documents(session, f)
            ids = stmt.with_only_columns(Document.id).order_by(None).subquery()
            rows = session.execute(
                select(DocumentPosting.site, func.count(func.distinct(DocumentPosting.document_id)))
                .where(DocumentPosting.document_id.in_(select(ids.c.id)))
                .group_by(DocumentPosting.site)
            )
            for k, n in rows:
                counts[k] = counts.get(k, 0) + int(n)
    return _top(counts)


def _document_facet(session: Session, f: Filters, key: Any) -> list[tuple[str, int]]:
    if "document" not in _kinds(f):
        return []
    stmt, _ = _documents(session, f)
    return _top(_grouped(session, stmt, key))


def _year_facet(session: Session, f: Filters) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for kind in _kinds(f):
        if kind == "article" and _unfiltered(f) and not _postgres(session):
            found = _article_years_from_index(session)
        else:
            stmt, _ = (_articles if kind == "article" else _documents)(session, f)
            key = func.extract("year", article_day() if kind == "article" else document_day())
            found = {str(int(float(k))): n for k, n in _grouped(session, stmt, key).items()}
        for year, n in found.items():
            counts[year] = counts.get(year, 0) + n
    return sorted(counts.items(), key=lambda kv: kv[0], reverse=True)[:FACET_SIZE]


MAX_INDEXED_YEARS = 200  # a wider span means garbage dates: group every row instead


def _unfiltered(f: Filters) -> bool:
    """No condition but the kind: every article counts (the browse page's front)."""
    return not (f.phrases or f.site or f.date_from or f.date_to or f.year or f.new_since)


def _article_years_from_index(session: Session) -> dict[str, int]:
    """Articles per year, counted in ``ix_articles_by_day`` one year's range at a time.

    Grouping by the year of every row read all 102,000 articles of the bench's country
    (180 of the browse page's 260 ms on SQLite); a range of the indexed date reads only
    index entries (38 ms). SQLite only: PostgreSQL cannot answer from an index on an
    expression alone (it visits every row of the range), so it groups as before.
    """
    day = article_day()
    first = session.scalar(select(day).where(day.is_not(None)).order_by(day).limit(1))
    last = session.scalar(select(day).where(day.is_not(None)).order_by(day.desc()).limit(1))
    if first is None or last is None:
        return {}
    low, high = _year_of(first), _year_of(last)
    if high - low > MAX_INDEXED_YEARS:
        key = func.extract("year", day)
        return {str(int(float(k))): n for k, n in _grouped(session, select(Article), key).items()}
    counts = {}
    for year in range(low, high + 1):
        n = session.scalar(select(func.count()).select_from(Article).where(
            day >= literal(date(year, 1, 1), Date), day < literal(date(year + 1, 1, 1), Date))
        ) or 0
        if n:
            counts[str(year)] = n
    return counts


def _year_of(value: Any) -> int:
    # SQLite hands the coalesced timestamp back as its stored text.
    return value.year if isinstance(value, (date, datetime)) else int(str(value)[:4])
