"""The one search path: what matches a query, in which order, on SQLite and PostgreSQL.

Every surface searches through here: ``congdoan search`` (``search_page``), the
web pages, ``/api/search``, the Atom feeds, exports and watches
(``storage/facets.py`` ``find``, which adds facet counts with ``filtered``).
The same query and filters give the same hits in the same order everywhere.

**What matches** (``search_query.py`` reads the query): every word of the
query, folded (``chi thi`` = ``chỉ thị`` = ``CHỈ THỊ``), anywhere in the item's
folded title or text; quoted words as a phrase. A document type leading a topic
(``kế hoạch tháng công nhân``) only ranks: items whose title holds it score
``ranking.KIND_BONUS`` times more. A document the query names as
a reference (``chỉ thị 17``, ``17-CT/TW``) matches too.

**How it ranks**, Okapi BM25 over the item's fields (title and code weigh
``ranking.TITLE_WEIGHT`` times the text; the idf makes stock sentences weigh little)
summed over:

* the query's folded syllables (they must all match);
* its adjacent syllable pairs (``chi thi``): a compound found as written scores
  far above the same syllables scattered (Vietnamese words are one to four
  syllables: a pair of adjacent syllables is the unit most words are made of);
* when the query was typed with diacritics, its exact words and pairs in the
  exact-spelling index (``thị`` above ``thi``; migration 0008).

Then a mild prior for recency: ``× (1 + ranking.RECENCY_BONUS / (1 + age in years))``,
at most +20 % for an item of today, +2 % for one ten years old: it breaks ties,
never buries a relevant old document under weak new matches. Documents the
query names as a reference come first of all.

``storage/ranking.py`` scores per database. SQLite computes BM25 in FTS5 (``bm25()``)
over one expression: the required
syllables, and the ranking-only phrases OR-ed in so that they score without
narrowing the matches. PostgreSQL has no BM25: the same sum is built from
``ts_rank`` per query unit, each weighted by its idf, estimated from the
planner's statistics of the ranking table (``pg_stats.most_common_elems``).

A query with more than ``ranking.EXACT_LIMIT`` matches of a kind has the best of its
newest ~``ranking.POOL`` matches as hits (``Ranking.ranked``), on both databases;
PostgreSQL then estimates the count and facets from a sample, SQLite counts exactly.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    column,
    exists,
    extract,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, selectinload

from congdoan.items.kinds import Kind
from congdoan.storage.models import Article, Document, DocumentPosting
from congdoan.storage.ranking import (
    Sample,
    Scored,
    fts_match,
    item_date_sql,
    model_of,
    pg_every_sample,
    pg_guess,
    pg_rank,
    pg_ranking,
    pg_sample,
    pg_tsquery,
    side_name,
    sqlite_rank,
    sqlite_ranking,
)
from congdoan.storage.search_query import Reference, SearchQuery, query_words, read_query
from congdoan.storage.search_query import query_phrases as query_phrases  # the one reader
from congdoan.storage.snippet import Span, make_snippet, match_spans
from congdoan.storage.status_filter import status_condition
from congdoan.vntime import day_bounds, day_start, vn_day

Sort = Literal["relevance", "date"]
REFERENCE_SCORE = 1.0e6  # documents named by the query rank above any text match
MAX_REFERENCES = 10
_FIRST_DAY = date(1, 1, 2)


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every field is optional (nothing set = everything, newest first).

    Days (``date_from``, ``date_to``, ``new_since``, ``year``) are Vietnam days.
    """

    q: str = ""
    site: str | None = None
    kind: Kind | None = None
    doc_type: str | None = None  # a document's type abbreviation: QĐ, CT, HD …
    issuer: str | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    new_since: date | None = None  # first seen by the crawler on or after this day
    since: datetime | None = None  # the item's date at or after this instant (CLI --since)
    sort: Sort | None = None  # default: relevance with words, date without
    status: str | None = None  # a document's status: in_force, replaced … (relations)

    @functools.cached_property
    def query(self) -> SearchQuery:
        """The query read for matching and ranking."""
        return read_query(self.q or "")

    @property
    def phrases(self) -> list[str]:
        """The folded phrases of ``q`` (empty: no text condition)."""
        return self.query.phrases

    @property
    def order(self) -> Sort:
        """The sort actually used."""
        if self.phrases and self.sort in (None, "relevance"):
            return "relevance"
        return "date"

    @property
    def documents_only(self) -> bool:
        """Document-only filters (type, issuer, status) leave articles out."""
        return bool(self.doc_type or self.issuer or self.status)

    @property
    def kinds(self) -> list[Kind]:
        """The kinds of item these filters can return."""
        if self.kind == "article":
            return [] if self.documents_only else ["article"]
        if self.kind == "document":
            return ["document"]
        return ["document"] if self.documents_only else ["article", "document"]

    def days(self) -> tuple[date | None, date | None]:
        """The first and last Vietnam day asked for (``from``/``to`` within ``year``)."""
        low, high = self.date_from, self.date_to
        if self.year:
            low = max(filter(None, (low, date(self.year, 1, 1))))
            high = min(filter(None, (high, date(self.year, 12, 31))))
        # 0001-01-01 00:00 in Hà Nội is before the first representable UTC instant.
        return (max(low, _FIRST_DAY) if low else low), (max(high, _FIRST_DAY) if high else high)


@dataclass(frozen=True)
class Ranked:
    """One matching item in the order of a search."""

    kind: Kind
    id: int
    score: float
    reference: bool = False  # named by the query as a reference


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
    reference: bool = False  # the document the query names (``chi thi 17`` → 17-CT/TW)


@dataclass(frozen=True)
class SearchResults:
    """One page of hits and how many there are in all (``Ranking`` says how exactly)."""

    hits: list[SearchHit]
    total: int
    offset: int
    exact: bool = True  # False: ``total`` is an estimate
    ranked: int = 0  # > 0: the hits are the best of the newest ``ranked`` matches


@dataclass
class Ranking:
    """How many items match a search, and the first of them in its order.

    A query with very many matches (``ranking.pg_rank``, ``ranking.sqlite_rank``):
    ``ranked`` > 0, ``order`` is the best of the newest ``ranked`` matches; ``exact``
    False: ``total`` is an estimate (PostgreSQL; SQLite counts exactly).
    """

    total: int
    order: list[Ranked]
    exact: bool = True
    ranked: int = 0


# --- the entry points ------------------------------------------------------------------


def search(session: Session, query: str, *, site: str | None = None, kind: Kind | None = None,
           since: datetime | date | None = None, limit: int = 20) -> list[SearchHit]:
    """Best ``limit`` hits for ``query``, best first, optionally by site, kind and date."""
    return search_page(session, query, site=site, kind=kind, since=since, limit=limit).hits


def search_page(session: Session, query: str, *, site: str | None = None,
                kind: Kind | None = None, since: datetime | date | None = None,
                limit: int = 20, offset: int = 0) -> SearchResults:
    """Hits ``offset`` to ``offset + limit`` of ``query``, best first, and the total count.

    ``since`` is an instant, or a Vietnam day (its first instant).
    """
    moment = day_start(since) if isinstance(since, date) and not isinstance(
        since, datetime) else since
    filters = Filters(q=query, site=site, kind=kind, since=moment, sort="relevance")
    if not filters.phrases or limit <= 0:
        return SearchResults([], 0, offset)
    found = merged(session, filters, offset + limit)
    return SearchResults(hits(session, found.order[offset:offset + limit], filters.query),
                         found.total, offset, found.exact, found.ranked)


def merged(session: Session, f: Filters, depth: int,
           samples: dict[Kind, Sample | None] | None = None) -> Ranking:
    """How many items match ``f``, and the first ``depth`` of them in its order, every
    kind merged: best first (references first of all), or newest first.

    ``samples``: per kind, ``text_sample`` already taken (the web page's facets take it).
    """
    out = Ranking(0, [])
    partly = False  # some kind's best were chosen among its newest matches only
    for kind in f.kinds:
        found = rank(session, kind, f, depth, (samples or {}).get(kind))
        out.total += found.total
        out.order += found.order
        out.exact = out.exact and found.exact
        partly = partly or found.ranked > 0
        out.ranked += found.ranked or found.total
    if f.order == "relevance":
        out.order.sort(key=lambda r: (-r.score, r.kind, -r.id))
        out.order = out.order[:depth]
    else:
        out.order = _by_date(session, out.order, depth)
    if not partly:
        out.ranked = 0
    return out


def rank(session: Session, kind: Kind, f: Filters, depth: int,
         sample: Sample | None = None) -> Ranking:
    """How many items of ``kind`` match ``f`` and the first ``depth`` in its order
    (``sample``: ``text_sample(session, kind, f)``, when taken already)."""
    if f.order == "date" and _postgres(session) and not _row_filtered(f, kind):
        return _pg_newest(session, kind, f, depth, sample)
    if f.order == "date":
        stmt = filtered(session, kind, f)
        model: Any = model_of(kind)
        day = item_date_sql(kind)
        count = _count(session, stmt)
        ids = session.scalars(stmt.with_only_columns(model.id, maintain_column_froms=True)
                              .order_by(day.desc(), model.id.desc()).limit(depth)).all()
        return Ranking(count, [Ranked(kind, i, 0.0) for i in ids])
    references = _references(session, kind, f)
    scored = _rank_text(session, kind, f, depth, sample)
    count = scored.count
    named = set(references)
    if named:
        count += len(named - _text_matches(session, kind, f.query, named))
    ranked = [Ranked(kind, i, REFERENCE_SCORE - n, True) for n, i in enumerate(references)]
    ranked += [Ranked(kind, i, s) for i, s in scored.rows if i not in named]
    return Ranking(count, ranked[:depth], scored.exact,
                   scored.ranked + len(named) if scored.ranked else 0)


def _pg_newest(session: Session, kind: Kind, f: Filters, depth: int,
               sample: Sample | None) -> Ranking:
    """Newest first on PostgreSQL, no filter but the words: read in the ranking table's day
    index (0014), so the browse page and a broad query sorted by date do not sort every
    item; a query with very many matches is counted from its sample (``pg_sample``)."""
    name = side_name(kind)
    side = table(name, column("id"), column("day"))
    model: Any = model_of(kind)
    if not f.phrases:
        # ``day`` is never null (first seen, at worst): the index is read backwards.
        count = int(session.scalar(select(func.count()).select_from(model)) or 0)
        ids = session.scalars(select(side.c.id).where(side.c.day.is_not(None)).order_by(
            side.c.day.desc(), side.c.id.desc()).limit(depth)).all()
        return Ranking(count, [Ranked(kind, i, 0.0) for i in ids])
    matches = functools.partial(pg_ranking, session, kind, f.query)
    sample = sample or pg_sample(session, kind, matches, f.query)
    if sample is None:  # few matches: with references, as every other order counts them
        stmt = filtered(session, kind, f)
        ids = session.scalars(stmt.with_only_columns(model.id, maintain_column_froms=True)
                              .order_by(item_date_sql(kind).desc(), model.id.desc())
                              .limit(depth)).all()
        return Ranking(_count(session, stmt), [Ranked(kind, i, 0.0) for i in ids])
    stmt = matches(not pg_guess(session, kind, f.query).wide)
    day = literal_column(f"{name}.day")
    ids = session.scalars(stmt.with_only_columns(stmt.selected_columns.id)
                          .where(day.is_not(None))
                          .order_by(day.desc(), stmt.selected_columns.id.desc())
                          .limit(depth)).all()
    # The order is exact (every match, newest first), the count an estimate.
    return Ranking(sample.estimate, [Ranked(kind, i, 0.0) for i in ids], exact=False)


def _by_date(session: Session, ranked: list[Ranked], depth: int) -> list[Ranked]:
    # Each kind came newest first; merge them by the item's date.
    when: dict[tuple[str, int], Any] = {}
    for kind in {r.kind for r in ranked}:
        model: Any = model_of(kind)
        ids = [r.id for r in ranked if r.kind == kind]
        for row_id, day in session.execute(select(model.id, item_date_sql(kind)).where(
                model.id.in_(ids))):
            when[(kind, row_id)] = _sortable(day)
    ranked.sort(key=lambda r: (when.get((r.kind, r.id)) or "", r.kind == "document", r.id),
                reverse=True)
    return ranked[:depth]


def _sortable(value: Any) -> str:
    # SQLite hands a coalesced date back as text, PostgreSQL as a date or timestamp.
    if isinstance(value, datetime):
        return value.isoformat()[:19].replace("T", " ")
    return str(value)[:19].replace("T", " ") if value is not None else ""


# --- the match, on the item rows (facets, date order, counts) ---------------------------


def filtered(session: Session, kind: Kind, f: Filters,
             sample: Sample | None = None) -> Select[Any]:
    """``select(model)`` of the items of ``kind`` matching ``f``: the text (the same match
    as the ranking) and every filter. Facets group it; date order sorts it.

    With ``sample`` (PostgreSQL, very many matches: ``text_sample``) only the text
    matches in the sample, read through the ranking table's indexes.
    """
    model: Any = model_of(kind)
    stmt = select(model)
    if sample is not None:  # one array parameter: a list of 1,000 cost 20-70 ms to bind
        ids = bindparam("sample_ids", list(sample.ids), type_=ARRAY(Integer))
        return _filter(stmt.where(model.id == any_(ids)), kind, f)
    if f.phrases:
        condition = text_condition(session, kind, f.query)
        names = _references(session, kind, f)
        if names:
            condition = or_(condition, model.id.in_(names))
        stmt = stmt.where(condition)
    return _filter(stmt, kind, f)


def text_sample(session: Session, kind: Kind, f: Filters) -> Sample | None:
    """The sample to count ``f``'s text matches of ``kind`` from, ``None`` to count them
    all (SQLite, or at most ``ranking.EXACT_LIMIT`` matches; without words, at most
    ``ranking.BROWSE_EXACT`` items)."""
    if not _postgres(session):
        return None
    if not f.phrases:
        return pg_every_sample(session, kind)
    return pg_sample(session, kind, functools.partial(pg_ranking, session, kind, f.query),
                     f.query)


def text_condition(session: Session, kind: Kind, query: SearchQuery) -> ColumnElement[bool]:
    """The rows whose folded text matches ``query`` (every phrase), as a condition."""
    model: Any = model_of(kind)
    if _postgres(session):
        # The row's own folded vector: the same lexemes as the ranking table's A and D.
        return literal_column(f"{model.__tablename__}.search_vector").op("@@")(
            pg_tsquery(query.phrases))
    fts = table(f"{model.__tablename__}_fts", column("rowid"))
    return model.id.in_(select(fts.c.rowid).where(fts_match(kind, query.phrases)))


def _text_matches(session: Session, kind: Kind, query: SearchQuery, ids: set[int]) -> set[int]:
    model: Any = model_of(kind)
    return set(session.scalars(select(model.id).where(
        model.id.in_(ids), text_condition(session, kind, query))))


def _filter(stmt: Select[Any], kind: Kind, f: Filters) -> Select[Any]:
    """``stmt`` (which reads the item's row) with the filters of ``f``; Vietnam days."""
    low, high = f.days()
    start, end = day_bounds(low, high)
    if kind == "article":
        day = item_date_sql("article")
        if f.site:
            stmt = stmt.where(Article.site == f.site)
        if start:
            stmt = stmt.where(day >= start)
        if end:
            stmt = stmt.where(day < end)
        if f.since:
            stmt = stmt.where(day >= f.since)
        if f.new_since:
            stmt = stmt.where(Article.first_seen_at >= day_start(max(f.new_since, _FIRST_DAY)))
        return stmt
    if f.site:
        stmt = stmt.where(exists().where(DocumentPosting.document_id == Document.id,
                                         DocumentPosting.site == f.site))
    if f.doc_type:
        stmt = stmt.where(Document.type_abbr == f.doc_type)
    if f.issuer:
        stmt = stmt.where(Document.issuer == f.issuer)
    if f.status:
        stmt = stmt.where(status_condition(f.status))
    # A document's issue date is a calendar day already; without one, the instant it was
    # first seen counts, in Vietnam days.
    issued, seen = Document.issued_on, Document.first_seen_at
    if low:
        stmt = stmt.where(or_(issued >= low, and_(issued.is_(None), seen >= start)))
    if high:
        stmt = stmt.where(or_(issued <= high, and_(issued.is_(None), seen < end)))
    if f.since:
        stmt = stmt.where(or_(issued >= vn_day(f.since),
                              and_(issued.is_(None), seen >= f.since)))
    if f.new_since:
        stmt = stmt.where(seen >= day_start(max(f.new_since, _FIRST_DAY)))
    return stmt


def _row_filtered(f: Filters, kind: Kind) -> bool:
    """Whether a filter needs the item's row (ranking reads the narrow tables otherwise)."""
    del kind
    return bool(f.site or f.doc_type or f.issuer or f.year or f.date_from or f.date_to
                or f.new_since or f.since or f.status)


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0)


# --- references: documents the query names ---------------------------------------------


def _references(session: Session, kind: Kind, f: Filters) -> list[int]:
    """Documents the query names (``chỉ thị 17``), best guess first, within the filters."""
    reference = f.query.reference
    if kind != "document" or reference is None:
        return []
    return list(_reference_ids(session, reference, f))


def _reference_ids(session: Session, ref: Reference, f: Filters) -> list[int]:
    conditions: list[ColumnElement[bool]] = []
    if ref.code:
        conditions.append(Document.code_normalized == ref.code)
    else:
        if ref.type_abbr:
            conditions.append(Document.type_abbr == ref.type_abbr)
        if ref.number is not None:
            conditions.append(Document.code_number == ref.number)
        if ref.year is not None:
            conditions.append(or_(Document.code_year == ref.year,
                                  extract("year", Document.issued_on) == ref.year))
        if ref.number is None:
            # A law by its year ("luật công đoàn 2024"): laws carry no type abbreviation
            # (and often no type name), so the words, "luật" among them, must match too.
            conditions.append(text_condition(session, "document", f.query))
    stmt = _filter(select(Document).where(*conditions), "document", f)
    newest = func.coalesce(Document.issued_on, Document.first_seen_at)
    return list(session.scalars(stmt.with_only_columns(Document.id)
                                .order_by(newest.desc(), Document.id.desc())
                                .limit(MAX_REFERENCES)))


# --- ranking -----------------------------------------------------------------------------


def _rank_text(session: Session, kind: Kind, f: Filters, depth: int,
               sample: Sample | None = None) -> Scored:
    """How many items of ``kind`` match the text and filters, and the best ``depth``
    (id, score), ranked in the narrow index tables (the row is read only to filter)."""
    model: Any = model_of(kind)

    def filtered_ranking(stmt: Select[Any]) -> Select[Any]:
        if not _row_filtered(f, kind):
            return stmt
        return _filter(stmt.join(model, model.id == stmt.selected_columns.id), kind, f)

    if _postgres(session):
        def matches(indexed: bool) -> Select[Any]:
            return filtered_ranking(pg_ranking(session, kind, f.query, indexed))

        # The text's sample serves only when no filter narrows the rows.
        return pg_rank(session, kind, matches, depth, f.query,
                       None if _row_filtered(f, kind) else sample)
    stmt = filtered_ranking(sqlite_ranking(kind, f.query))
    if _row_filtered(f, kind):
        count = _count(session, stmt)
    else:  # every row has exactly one index row (triggers): count in the index alone
        fts = table(f"{model.__tablename__}_fts")
        count = int(session.scalar(select(func.count()).select_from(fts).where(
            fts_match(kind, f.phrases))) or 0)
    return sqlite_rank(session, kind, stmt, count, depth)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# --- hits for people: the rows of a page, with snippets ---------------------------------


def suggested_spelling(query: SearchQuery, texts: Iterable[str | None]) -> str | None:
    """For a query typed without diacritics, its most frequent spelling with diacritics in
    ``texts`` (the hits' titles, types, summaries, snippets): ``chi thi`` → ``chỉ thị``. The
    whole query as written together first, else word by word (a word not found stays as
    typed); ``None`` when the commonest spelling is the one typed, or the query carries
    diacritics already."""
    words = query.words
    if query.has_diacritics or not words or query.reference is not None:
        return None
    shown = [t for t in texts if t]
    best = _commonest(shown, " ".join(words))
    if best is None:
        best = " ".join(_commonest(shown, word) or word for word in words)
    return best if best != " ".join(words) else None


def _commonest(texts: list[str], phrase: str) -> str | None:
    """The commonest spelling of the folded ``phrase`` in ``texts`` (the plain one counts:
    where ``thi`` is spelt so most often, ``thi`` is offered nothing)."""
    counts: Counter[str] = Counter()
    for text_ in texts:
        for start, end in match_spans(text_, [phrase]):
            counts[" ".join(query_words(text_[start:end]))] += 1
    return counts.most_common(1)[0][0] if counts else None


def page_rows(session: Session, ranked: list[Ranked]
              ) -> tuple[dict[int, Article], dict[int, Document]]:
    """The rows of a page's items by id (documents with their postings), read at once."""
    articles = {a.id: a for a in session.scalars(select(Article).where(
        Article.id.in_([r.id for r in ranked if r.kind == "article"])))}
    documents = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_([r.id for r in ranked if r.kind == "document"]))
        .options(selectinload(Document.postings)))}
    return articles, documents


def hits(session: Session, ranked: list[Ranked], query: SearchQuery) -> list[SearchHit]:
    """The page's items as hits, in ``ranked`` order, with where they matched."""
    phrases = query.highlighted
    articles, documents = page_rows(session, ranked)
    out = []
    for r in ranked:
        if r.kind == "article":
            a = articles[r.id]
            snippet = make_snippet(a.body_text or a.summary, phrases)
            out.append(SearchHit("article", a.id, a.site, a.title, a.canonical_url,
                                 a.published_at, None, r.score, snippet.text, snippet.spans,
                                 tuple(match_spans(a.title, phrases)), r.reference))
            continue
        d = documents[r.id]
        posting = min(d.postings, key=lambda p: p.id)  # one row per portal: the first seen
        snippet = make_snippet(d.body_text or d.intro, phrases)
        out.append(SearchHit("document", d.id, posting.site, d.title, posting.canonical_url,
                             d.issued_on, d.code, r.score, snippet.text, snippet.spans,
                             tuple(match_spans(d.title, phrases)), r.reference))
    return out


