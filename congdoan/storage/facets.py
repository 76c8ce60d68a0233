"""Filtered, faceted, paginated search: what the web interface, its API and feeds ask.

The match, the filters and the order are ``storage/search.py``'s (the one search
path: ``congdoan search`` gives the same hits in the same order); this module
turns a page of them into result rows and counts the facets of the whole
result set, filtered with the same match (``search.filtered``).

Dates: an article's date is ``published_at`` (else when it was first seen), a
document's is ``issued_on`` (else first seen). Days and years are Vietnam's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from congdoan.items.kinds import Kind
from congdoan.storage.models import Article, Document, DocumentPosting
from congdoan.storage.ranking import Sample
from congdoan.storage.search import (
    Filters,
    Ranked,
    filtered,
    item_date_sql,
    merged,
    page_rows,
    suggested_spelling,
    text_sample,
)
from congdoan.storage.snippet import make_snippet
from congdoan.vntime import VN_TZ_NAME, day_start, vn_day

__all__ = ["FACET_SIZE", "MAX_PER_PAGE", "Filters", "Hit", "Page", "facet_counts", "find",
           "iter_ids"]

MAX_PER_PAGE = 100
FACET_SIZE = 30  # values shown per facet, most frequent first
VN_OFFSET = "+7 hours"  # SQLite: Vietnam has kept UTC+7 since 1975


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
    reference: bool = False  # the document the query names as a reference
    snippet: str = ""  # a line of the text around the first match (none without words)
    type_name: str | None = None  # a document's type: Chỉ thị, Quyết định …


@dataclass
class Page:
    """One page of results with the total and the facet counts of the whole result set."""

    filters: Filters
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # A query with very many matches (``ranking.pg_rank``, ``ranking.sqlite_rank``):
    # ``ranked`` > 0, the best of the newest ``ranked`` matches are shown; ``exact`` False,
    # ``total`` is an estimate (PostgreSQL).
    exact: bool = True
    ranked: int = 0
    facets_sampled: bool = False  # the facet counts are estimates from a sample

    @property
    def pages(self) -> int:
        """How many pages the results fill (at least 1): those ranked, when not all were."""
        shown = min(self.total, self.ranked) if self.ranked else self.total
        return max(1, -(-shown // self.per_page))

    @property
    def reference(self) -> str | None:
        """The code of the document the query names (``chi thi 17`` → ``17-CT/TW``), when
        it is among the hits (first)."""
        named = next((h for h in self.hits if h.reference), None)
        if named is None:
            return None
        reference = self.filters.query.reference
        return named.code or (reference.label() if reference else None)

    @property
    def suggestion(self) -> str | None:
        """The query spelt with diacritics as the hits spell it, when typed without any."""
        texts = [t for h in self.hits for t in (h.type_name, h.title, h.summary, h.snippet)]
        return suggested_spelling(self.filters.query, texts)


def article_day() -> ColumnElement[Any]:
    """An article's date as a SQL expression (a timestamp; compared with moments)."""
    return item_date_sql("article")


def document_day() -> ColumnElement[Any]:
    """A document's date: issued, else when it was first seen (both sort as one type)."""
    return item_date_sql("document")


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
    # Taken once: the facets count them, and the ranking estimates from them.
    samples = _samples(session, filters) if facets else {}
    found = merged(session, filters, needed, samples)
    result = Page(filters, _rows(session, found.order[needed - per_page:needed],
                                 filters.query.highlighted),
                  found.total, page, per_page, exact=found.exact, ranked=found.ranked)
    if facets:
        result.facets = facet_counts(session, filters, samples)
        result.facets_sampled = any(samples.values())
    return result


def iter_ids(session: Session, filters: Filters, limit: int) -> dict[Kind, list[int]]:
    """The ids of at most ``limit`` matching items per kind, in the chosen order."""
    from congdoan.storage.search import rank

    return {kind: [r.id for r in rank(session, kind, filters, limit).order]
            for kind in filters.kinds}


def _rows(session: Session, ranked: list[Ranked], phrases: list[str]) -> list[Hit]:
    articles, documents = page_rows(session, ranked)
    return [_article_hit(articles[r.id], r, phrases) if r.kind == "article"
            else _document_hit(documents[r.id], r, phrases) for r in ranked]


def _as_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return vn_day(value)
    return value


def _snippet(text: str | None, phrases: list[str]) -> str:
    return make_snippet(text, phrases).text if phrases else ""


def _article_hit(a: Article, r: Ranked, phrases: list[str]) -> Hit:
    return Hit("article", a.id, a.site, a.title, a.canonical_url,
               _as_day(a.published_at or a.first_seen_at), None, a.summary, a.changed_at,
               r.score, r.reference, _snippet(a.body_text or a.summary, phrases))


def _document_hit(d: Document, r: Ranked, phrases: list[str]) -> Hit:
    # A document has one row per portal; the one seen first stands for it.
    posting = min(d.postings, key=lambda p: p.id)
    return Hit("document", d.id, posting.site, d.title, posting.canonical_url,
               d.issued_on or _as_day(d.first_seen_at), d.code, d.intro,
               max(p.changed_at for p in d.postings), r.score, r.reference,
               _snippet(d.body_text or d.intro, phrases), d.type_name)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _kinds(f: Filters) -> list[Kind]:
    return f.kinds


Samples = dict[Kind, Sample | None]


def _samples(session: Session, f: Filters) -> Samples:
    """Per kind, the sample its facets are counted from (``None``: every match)."""
    return {kind: text_sample(session, kind, f) for kind in ("article", "document")}


def _matching(session: Session, kind: Kind, f: Filters, samples: Samples) -> Select[Any]:
    return filtered(session, kind, f, samples.get(kind))


def _scaled(n: int, kind: Kind, samples: Samples) -> int:
    sample = samples.get(kind)
    return round(n * sample.scale) if sample else n


# --- facets ----------------------------------------------------------------------------


def facet_counts(session: Session, f: Filters,
                 samples: Samples | None = None) -> dict[str, list[tuple[str, int]]]:
    """For each filter, its values and how many items each would leave.

    Each facet is counted with every *other* filter applied (the usual drill-down:
    choosing a site does not hide the other sites' counts). A kind with very many text
    matches on PostgreSQL is counted in a sample and scaled (``search.text_sample``).
    """
    samples = _samples(session, f) if samples is None else samples
    return {
        "kind": _kind_facet(session, replace(f, kind=None), samples),
        "site": _site_facet(session, replace(f, site=None), samples),
        "doc_type": _document_facet(session, replace(f, doc_type=None), Document.type_abbr,
                                    samples),
        "issuer": _document_facet(session, replace(f, issuer=None), Document.issuer, samples),
        "year": _year_facet(session, replace(f, year=None), samples),
    }


def _count(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _kind_facet(session: Session, f: Filters, samples: Samples) -> list[tuple[str, int]]:
    out = []
    for kind in _kinds(f):
        count = _scaled(_count(session, _matching(session, kind, f, samples)), kind, samples)
        if count:
            out.append((kind, count))
    return out


def _grouped(session: Session, stmt: Select[Any], key: ColumnElement[Any]
             ) -> dict[str, int]:
    rows = session.execute(stmt.with_only_columns(key, func.count()).group_by(key))
    return {str(k): int(n) for k, n in rows if k is not None and str(k) != ""}


def _top(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]


def _site_facet(session: Session, f: Filters, samples: Samples) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for kind in _kinds(f):
        stmt = _matching(session, kind, f, samples)
        if kind == "article":
            found = _grouped(session, stmt, Article.site)
        else:
            ids = stmt.with_only_columns(Document.id).order_by(None).subquery()
            found = {k: int(n) for k, n in session.execute(
                select(DocumentPosting.site, func.count(func.distinct(DocumentPosting.document_id)))
                .where(DocumentPosting.document_id.in_(select(ids.c.id)))
                .group_by(DocumentPosting.site))}
        for k, n in found.items():
            counts[k] = counts.get(k, 0) + _scaled(n, kind, samples)
    return _top(counts)


def _document_facet(session: Session, f: Filters, key: Any,
                    samples: Samples) -> list[tuple[str, int]]:
    if "document" not in _kinds(f):
        return []
    found = _grouped(session, _matching(session, "document", f, samples), key)
    return _top({k: _scaled(n, "document", samples) for k, n in found.items()})


def _year_facet(session: Session, f: Filters, samples: Samples) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for kind in _kinds(f):
        if kind == "article" and _unfiltered(f) and not _postgres(session):
            found = _article_years_from_index(session)
        else:
            stmt = _matching(session, kind, f, samples)
            key = _vn_year(session, kind)
            found = {str(int(float(k))): _scaled(n, kind, samples)
                     for k, n in _grouped(session, stmt, key).items()}
        for year, n in found.items():
            counts[year] = counts.get(year, 0) + n
    return sorted(counts.items(), key=lambda kv: kv[0], reverse=True)[:FACET_SIZE]


def _vn_year(session: Session, kind: Kind) -> ColumnElement[Any]:
    """The Vietnam year of the item's date (an issue date is a calendar day already)."""
    def of_instant(moment: Any) -> ColumnElement[Any]:
        if _postgres(session):
            return func.extract("year", func.timezone(VN_TZ_NAME, moment))
        return func.strftime("%Y", moment, VN_OFFSET)

    if kind == "article":
        return of_instant(article_day())
    issued = (func.extract("year", Document.issued_on) if _postgres(session)
              else func.strftime("%Y", Document.issued_on))
    return func.coalesce(issued, of_instant(Document.first_seen_at))


MAX_INDEXED_YEARS = 200  # a wider span means garbage dates: group every row instead


def _unfiltered(f: Filters) -> bool:
    """No condition but the kind: every article counts (the browse page's front)."""
    return not (f.phrases or f.site or f.date_from or f.date_to or f.year or f.new_since
                or f.since)


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
    # A year's bounds are Vietnam's; the first and last instants' UTC years are at most one
    # off (an instant of 31/12 after 17:00 UTC is the next year in Vietnam).
    low, high = _year_of(first), _year_of(last) + 1
    if high - low > MAX_INDEXED_YEARS:
        key = _vn_year(session, "article")
        return {str(int(float(k))): n for k, n in _grouped(session, select(Article), key).items()}
    counts = {}
    for year in range(low, high + 1):
        n = session.scalar(select(func.count()).select_from(Article).where(
            day >= day_start(date(year, 1, 1)), day < day_start(date(year + 1, 1, 1)))
        ) or 0
        if n:
            counts[str(year)] = n
    return counts


def _year_of(value: Any) -> int:
    # SQLite hands the coalesced timestamp back as its stored text.
    return value.year if isinstance(value, (date, datetime)) else int(str(value)[:4])
