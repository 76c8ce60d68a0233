"""How each database scores a query: BM25 in SQLite's FTS5, its counterpart on PostgreSQL.

``storage/search.py`` (the one search path; its module doc says what ranks how)
asks here for the select of the matching ids and their scores, read from the
index tables alone: SQLite's ``{table}_fts`` and ``{table}_fts_day`` (0005,
0008), PostgreSQL's ``{table}_search`` (0007, 0008).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from congdoan.items.kinds import Kind
from congdoan.storage.models import Article, Document
from congdoan.storage.search_query import SearchQuery

TITLE_WEIGHT = 5.0  # a title (and a document's code and type) weighs this many times the text
# Weights of the ranking-only units against the folded syllables (which count twice in
# SQLite's expression, see fts_expression).
PAIR_WEIGHT = 3  # adjacent syllables (the compound found as written): a phrase repeated
EXACT_WEIGHT = 2  # the spelling typed: the exact columns' weight
KIND_WEIGHT = 2  # a leading document type (rank only, search_query.py): like a syllable
# An item whose title (a document's holds its type, migration 0008) holds the leading type
# is of the kind asked for: "quyết định hỗ trợ đoàn viên" wants the decision above an
# article on the same topic (which, shorter and newer, outscores it on the words alone).
KIND_BONUS = 1.5
RECENCY_BONUS = 0.2  # the most recency adds: +20 % today, +10 % a year old, +2 % at ten


def model_of(kind: Kind) -> Any:
    """The model class of ``kind``."""
    return Article if kind == "article" else Document


def item_date_sql(kind: Kind) -> ColumnElement[Any]:
    """The item's date as a SQL expression: an article's publication, a document's issue,
    else when it was first seen (for ordering and facets; not ``vntime.item_day``, which
    turns one value into the Vietnam day a person reads). Written as the expression
    indexes of migration 0005 are (``ix_{table}_by_day``), so ordering by it reads them."""
    if kind == "article":
        return func.coalesce(Article.published_at, Article.first_seen_at)
    return func.coalesce(Document.issued_on, Document.first_seen_at)


def recency(relevance: ColumnElement[Any], age_days: ColumnElement[Any]) -> ColumnElement[Any]:
    """``relevance`` with the mild recency prior (``storage/search.py``)."""
    return relevance * (1.0 + RECENCY_BONUS / (1.0 + age_days / 365.25))


# --- SQLite: FTS5 ------------------------------------------------------------------------

_FOLDED = "{search_title search_text}"
_EXACT = "{exact_title exact_text}"


def _quoted(phrases: list[str]) -> list[str]:
    # Phrases hold letters, digits and spaces only (search_fold, query_words), so quoting
    # is safe; the expression still travels as a bound parameter, never spliced into SQL.
    return [f'"{p}"' for p in phrases]


def fts_match(kind: Kind, phrases: list[str]) -> ColumnElement[bool]:
    """The FTS5 condition: every folded phrase, in the folded columns."""
    model: Any = model_of(kind)
    expression = f"{_FOLDED} : ({' AND '.join(_quoted(phrases))})"
    return literal_column(f"{model.__tablename__}_fts").op("MATCH")(expression)


def fts_expression(query: SearchQuery) -> str:
    """The FTS5 expression matching ``query`` and scoring its ranking-only phrases.

    ``M AND (R OR M)`` matches what ``M`` matches (every folded phrase) while ``bm25``
    sums over every phrase in it, so the pairs and exact words ``R`` add to the score of
    the rows holding them (``M`` counts twice for every row: ``EXACT_WEIGHT`` and the
    pairs are weighed against that).
    """
    required = f"{_FOLDED} : ({' AND '.join(_quoted(query.phrases))})"
    optional = []
    # bm25() has no weight per phrase: a phrase written n times counts n times.
    if query.bigrams or query.kind_words:
        pairs = _quoted(query.bigrams) * PAIR_WEIGHT + _quoted(query.kind_words) * KIND_WEIGHT
        optional.append(f"{_FOLDED} : ({' OR '.join(pairs)})")
    if query.exact:  # weighed by the exact columns' weights (only exact phrases hit them)
        optional.append(f"{_EXACT} : ({' OR '.join(_quoted(query.exact))})")
    if not optional:
        return required
    return f"{required} AND ({' OR '.join(optional)} OR {required})"


def sqlite_ranking(kind: Kind, query: SearchQuery) -> Select[Any]:
    """Ids and scores of the matches from the FTS index and the narrow date table beside it
    (``{table}_fts_day``, migration 0005): no match's row is read."""
    name = model_of(kind).__tablename__
    fts = table(f"{name}_fts", column("rowid"))
    day = table(f"{name}_fts_day", column("id"), column("day"))
    index = literal_column(f"{name}_fts")
    match = index.op("MATCH")(fts_expression(query))
    # Repeating the exact phrases instead cost twice the time for the same order.
    relevance = -func.bm25(index, TITLE_WEIGHT, 1.0, TITLE_WEIGHT * EXACT_WEIGHT, EXACT_WEIGHT)
    if query.kind_words:
        titled = select(fts.c.rowid).where(index.op("MATCH")(
            f"search_title : ({' OR '.join(_quoted(query.kind_words))})"))
        relevance = relevance * case((fts.c.rowid.in_(titled), KIND_BONUS), else_=1.0)
    # From the start of today: the same scores all day, so every surface (and a page
    # asked again) orders near-ties alike.
    age = func.max(func.coalesce(func.julianday("now", "start of day") - day.c.day, 0.0), 0.0)
    return (select(day.c.id, recency(relevance, age).label("score"))
            .select_from(fts).join(day, day.c.id == fts.c.rowid).where(match))


# --- PostgreSQL: tsvector + GIN ----------------------------------------------------------

# ts_rank's weights, in its order {D, C, B, A}: D folded text, C exact text, B exact
# title, A folded title (migration 0008).
_PG_WEIGHTS = f"{{{1 / TITLE_WEIGHT}, {1 / TITLE_WEIGHT}, 1.0, 1.0}}"  # at most 1 each
PAIR_IDF_BONUS = math.log(4.0)  # a pair is rarer than its rarer syllable: idf estimate
PG_SATURATION = 0.15  # ts_rank of one title occurrence is ~0.6, of one in the text ~0.12
STATS_SECONDS = 300.0  # how long the planner's term frequencies are reused


def pg_tsquery(phrases: list[str]) -> ColumnElement[Any]:
    """The tsquery of ``phrases`` (all must match), computed once per execution.

    A scalar subquery, so PostgreSQL evaluates it once (an InitPlan): psycopg prepares
    a statement run five times, and the generic plan of a prepared statement parsed
    the bound phrases again for every match (``phuc loi``: 74 -> 42 ms).
    """
    config = literal_column("'simple'::regconfig")  # a constant, not user input
    query: ColumnElement[Any] | None = None
    for phrase in phrases:
        part = func.phraseto_tsquery(config, phrase)
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return select(query).scalar_subquery()


def _lexemes(words: str, weights: str) -> str:
    """tsquery text: the words of a unit, adjacent, each restricted to ``weights``."""
    return " <-> ".join(f"'{w}':{weights}" for w in words.split())


def _units(query: SearchQuery) -> list[tuple[str, str, bool, float]]:
    """(words, weights, is a phrase, weight) for each ranking unit of ``query``: the
    weights SQLite's expression gives (fts_expression), where syllables count twice."""
    units = [(s, "AD", False, 2.0) for s in dict.fromkeys(query.syllables)]
    units += [(b, "AD", True, float(PAIR_WEIGHT)) for b in query.bigrams]
    units += [(k, "AD", " " in k, float(KIND_WEIGHT)) for k in query.kind_words]
    units += [(e, "BC", " " in e, float(EXACT_WEIGHT)) for e in query.exact]
    return units


def pg_ranking(session: Session, kind: Kind, query: SearchQuery,
               indexed: bool = True) -> Select[Any]:
    """Ids and scores of the matches in the narrow ranking table (migrations 0007, 0008):
    the sum over query units of idf × ``ts_rank`` (a pair only where adjacent).

    ``indexed`` False: the match is written so that the vector's index cannot serve it,
    for a query most rows match, read through another index (``pg_rank``)."""
    name = model_of(kind).__tablename__
    side = table(f"{name}_search", column("id"), column("day"), column("search_vector"))
    vector = side.c.search_vector
    frequencies = _pg_frequencies(session, f"{name}_search")
    weights = literal_column(f"'{_PG_WEIGHTS}'::float4[]")
    relevance: ColumnElement[Any] | None = None
    for words, where, pair, weight in _units(query):
        unit = select(cast(literal(_lexemes(words, where)), TSQUERY)).scalar_subquery()
        # BM25's saturation, x / (x + K) written with x once (each ts_rank reads the vector):
        # a title match does not count 5x a match in the text.
        part = 1.0 - PG_SATURATION / (func.ts_rank(weights, vector, unit) + PG_SATURATION)
        if pair:  # ts_rank reads a phrase as its words: count it only where they are adjacent
            part = case((vector.op("@@")(unit), part), else_=0.0)
        idf = _idf(frequencies, words) * weight
        relevance = part * idf if relevance is None else relevance + part * idf
    assert relevance is not None
    if query.kind_words:  # KIND_BONUS: the type in the title (weight A)
        titled = " | ".join(f"({_lexemes(k, 'A')})" for k in query.kind_words)
        unit = select(cast(literal(titled), TSQUERY)).scalar_subquery()
        relevance = relevance * case((vector.op("@@")(unit), KIND_BONUS), else_=1.0)
    age = func.greatest(func.coalesce(
        func.date_part("epoch", func.date_trunc("day", func.now()) - side.c.day) / 86400.0,
        0.0), 0.0)
    # Building the GIN bitmap of a word in 10 % of the rows costs more than reading the
    # few thousand rows of a sample or a window and testing each (coalesce hides the index).
    matched = vector if indexed else func.coalesce(vector, literal_column("''::tsvector"))
    return (select(side.c.id, recency(relevance, age).label("score"))
            .where(matched.op("@@")(pg_tsquery(query.phrases))))


def _idf(frequencies: dict[str, float], words: str) -> float:
    """BM25's idf of a unit from the fraction of items holding each word (a pair: its
    rarer word's, plus ``PAIR_IDF_BONUS``)."""
    floor = frequencies.get("", 0.0005)  # below the least common listed word
    values = [math.log(1.0 + (1.0 - f) / f) for f in
              (min(frequencies.get(w, floor), 0.999) for w in words.split())]
    return max(values) + (PAIR_IDF_BONUS if len(values) > 1 else 0.0)


_STATS: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def _pg_frequencies(session: Session, table_name: str) -> dict[str, float]:
    """The fraction of items holding each common lexeme, from ``pg_stats`` (ANALYZE keeps
    it); ``""`` holds half the least listed one (a word not listed is rarer than that).
    Reused for ``STATS_SECONDS``: reading it costs a catalogue query."""
    key = (str(session.get_bind().url), table_name)
    cached = _STATS.get(key)
    if cached and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1]
    row = session.execute(text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = :t AND attname = 'search_vector'"),
        {"t": table_name}).first()
    frequencies: dict[str, float] = {}
    if row and row[0] and row[1]:
        elems, freqs = list(row[0]), list(row[1])
        frequencies = {e: float(f) for e, f in zip(elems, freqs, strict=False)}
        least = float(freqs[len(elems)]) if len(freqs) > len(elems) else min(freqs)
        frequencies[""] = max(least / 2.0, 1e-6)
    _STATS[key] = (time.monotonic(), frequencies)
    return frequencies


# --- large results ----------------------------------------------------------------------

# Up to about this many matches (of one kind) are counted and ranked exactly. Above it,
# PostgreSQL would read every match's row (its ~2 kB vector): at 1.3 million items a
# two-word query has 300,000 matches and took seconds (docs/benchmarks.md, "Ten years of a
# nation"); the index cannot help with that many (the GIN bitmap of 121,000 matches alone
# takes 50 ms). SQLite's bm25() reads every match's position lists (~2 µs a match: 66 of
# the 95 ms of 'phuc loi' at 129,000 items), while FTS5 counts them from its doclists
# without scoring (15 ms): the count stays exact there, only the ranking is bounded.
EXACT_LIMIT = 2000
POOL = 500  # above EXACT_LIMIT, the newest ~POOL matches are ranked
SAMPLE = 500  # ... and the count and facets estimated from ~SAMPLE matches
MIN_SAMPLE = 100  # fewer sampled matches (a guess too high): a four times larger sample
BUCKETS = 1024  # migration 0014's ``hashint4(id) & 1023``: a sample is the first m buckets
_TRIES = 3  # widen a sample or a window at most this many times (4x each)


@dataclass(frozen=True)
class Scored:
    """The best matches of one kind and how many match in all.

    ``exact``: ``count`` is exact (else an estimate, PostgreSQL above ``EXACT_LIMIT``).
    ``ranked``: 0 when every match was ranked; else the best were chosen among this
    many, the newest (``pg_rank``, ``sqlite_rank``).
    """

    count: int
    rows: list[tuple[int, float]]
    exact: bool = True
    ranked: int = 0


@dataclass(frozen=True)
class Sample:
    """The matches whose id hashes to a bucket below ``buckets`` (of ``BUCKETS``):
    ``scale`` times as many match. Hashed, so a bucket holds rows of every portal and
    date, in a small database as in a large one."""

    buckets: int
    ids: tuple[int, ...] = ()  # the sampled matches

    @property
    def scale(self) -> float:
        """How many matches each sampled one stands for."""
        return BUCKETS / self.buckets

    @property
    def estimate(self) -> int:
        """How many match in all."""
        return round(len(self.ids) * self.scale)

    def condition(self, name: str) -> ColumnElement[bool]:
        """The sample's rows of the ranking table ``name`` (its bucket index, 0014)."""
        return literal_column(f"(hashint4({name}.id) & {BUCKETS - 1})") < self.buckets


def side_name(kind: Kind) -> str:
    """The PostgreSQL ranking table of ``kind`` (migration 0007)."""
    return f"{model_of(kind).__tablename__}_search"


def _table_rows(session: Session, name: str) -> float:
    return float(session.scalar(text(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": name}) or 0)


# Reading a row and testing its vector costs ~6 µs; the vector's index costs ~0.4 µs per
# row holding the query's least common word (its GIN bitmap: 50 ms for 121,000). A sample
# of SAMPLE matches reads SAMPLE / share rows by the first way, share x rows by the second:
# the first is cheaper when share² x rows > SAMPLE x 6 / 0.4 (``Guess.wide``).
ROW_TEST_COST = 15.0  # reading and testing a row, in GIN-bitmap entries

Matches = Callable[[bool], Select[Any]]  # ``indexed`` -> ``pg_ranking``'s select, filtered


@dataclass(frozen=True)
class Guess:
    """What the planner's statistics say of a query: how many rows may match."""

    rows: float  # in the ranking table
    share: float  # of its rows holding the query's least common word

    @property
    def matches(self) -> float:
        """An upper bound for the words together, close for a compound (``phuc loi``:
        335,000 for 321,900 matches)."""
        return self.rows * self.share

    @property
    def wide(self) -> bool:
        """Whether to match by testing the rows a sample or a window reads rather than
        through the vector's index (``ROW_TEST_COST``): at 1.3 million items, from words
        in about 9 % of them (``thỏa ước``, ``phuc loi``, ``công``)."""
        return self.share * self.share * self.rows > SAMPLE * ROW_TEST_COST


def pg_guess(session: Session, kind: Kind, query: SearchQuery) -> Guess:
    """``Guess`` of ``query`` over the items of ``kind`` (``pg_stats``, ``ANALYZE``)."""
    name = side_name(kind)
    frequencies = _pg_frequencies(session, name)
    floor = frequencies.get("", 0.0005)
    words = {w for phrase in query.phrases for w in phrase.split()}
    share = min((frequencies.get(w, floor) for w in words), default=1.0)
    return Guess(_table_rows(session, name), share)


def pg_sample(session: Session, kind: Kind, matches: Matches,
              query: SearchQuery) -> Sample | None:
    """``None`` when ``matches`` has at most about ``EXACT_LIMIT`` rows: count and rank
    them all. Else the sample of about ``SAMPLE`` of them (their ids) that estimates how
    many match.

    Its size comes from ``pg_guess``. A sample estimating at most ``EXACT_LIMIT``
    matches ends it (counting them all is cheap); one with fewer than ``MIN_SAMPLE``
    matches above that is taken again four times larger. It is read through the bucket
    index, testing each row when the words are common (``Guess.wide``), else together
    with the vector's index.
    """
    guess = pg_guess(session, kind, query)
    if guess.matches <= EXACT_LIMIT:
        return None
    name = side_name(kind)
    stmt = matches(not guess.wide)
    id_column = stmt.selected_columns.id
    sample = Sample(max(1, min(BUCKETS, math.ceil(BUCKETS * SAMPLE / guess.matches))))
    for _ in range(_TRIES):
        ids = session.scalars(stmt.with_only_columns(id_column).order_by(None)
                              .where(sample.condition(name))).all()
        sample = Sample(sample.buckets, tuple(ids))
        if sample.estimate <= EXACT_LIMIT:
            return None
        if len(ids) >= MIN_SAMPLE or sample.buckets == BUCKETS:
            break
        sample = Sample(min(BUCKETS, sample.buckets * 4))
    return None if sample.estimate <= EXACT_LIMIT else sample


BROWSE_EXACT = 50_000  # items of a kind whose facets are counted exactly with no words
BROWSE_SAMPLE = 1000  # above: counted from about this many items


def pg_every_sample(session: Session, kind: Kind) -> Sample | None:
    """A sample of every item of ``kind`` (the browse page's facets), ``None`` up to
    ``BROWSE_EXACT`` items."""
    name = side_name(kind)
    rows = _table_rows(session, name)
    if rows <= BROWSE_EXACT:
        return None
    sample = Sample(max(1, min(BUCKETS, math.ceil(BUCKETS * BROWSE_SAMPLE / rows))))
    ids = session.scalars(select(literal_column("id")).select_from(text(name))
                          .where(sample.condition(name))).all()
    return Sample(sample.buckets, tuple(ids))


def pg_rank(session: Session, kind: Kind, matches: Matches, depth: int,
            query: SearchQuery, sample: Sample | None = None) -> Scored:
    """The best ``depth`` of ``matches`` (``pg_ranking``'s select, perhaps filtered) and
    the count: exact up to about ``EXACT_LIMIT`` matches; above it, the estimate of a
    sample (``pg_sample``, or ``sample`` when the caller has taken it for these matches)
    and the best of the newest ``POOL`` (or ``2 * depth``) matches.

    The newest: the day from which about that many matches are newer is read from the
    day index (0014), and only the rows from that day on are read and scored. A relevant
    old item is then not among the hits of a query this broad: the page says so, and more
    words or a filter (a portal, a year) bring the count under ``EXACT_LIMIT``, where
    every match is ranked.
    """
    sample = sample or pg_sample(session, kind, matches, query)
    if sample is None:
        count, rows = count_and_rank(session, matches(True), depth)
        return Scored(count, rows)
    name = side_name(kind)
    stmt = matches(not pg_guess(session, kind, query).wide)
    rows_in_table = _table_rows(session, name)
    wanted = max(POOL, 2 * depth)
    share = min(1.0, sample.estimate / rows_in_table) if rows_in_table > 0 else 0.5
    newest = int(wanted / share) + 1  # rows of the table, newest first, holding ~wanted
    day = literal_column(f"{name}.day")
    found, rows = 0, []
    for _ in range(_TRIES):
        since = session.scalar(text(
            f"SELECT day FROM {name} WHERE day IS NOT NULL ORDER BY day DESC "
            "OFFSET :n LIMIT 1"), {"n": newest})
        found, rows = count_and_rank(
            session, stmt if since is None else stmt.where(day >= since), depth)
        if since is None or found >= wanted // 4:
            break
        newest *= 4
    return Scored(max(sample.estimate, found), rows, exact=False, ranked=found)


def count_and_rank(session: Session, stmt: Select[Any],
                       depth: int) -> tuple[int, list[tuple[int, float]]]:
    """One pass over the matches for both the count and the ranking: the matches' ids
    and scores are kept (``MATERIALIZED``), counted, and the best taken from them. Two
    queries read every matching row twice (1.4x slower for 'phuc loi' on the bench).
    SQLite too: its ``bm25()`` cannot be computed beside a window function's count."""
    matches = stmt.order_by(None).cte("matches").prefix_with("MATERIALIZED")
    counted = select(func.count()).select_from(matches).scalar_subquery()
    rows = session.execute(
        select(matches.c.id, matches.c.score, counted)
        .order_by(matches.c.score.desc(), matches.c.id.desc()).limit(depth)).all()
    if not rows:
        return 0, []
    return int(rows[0][2]), [(row_id, float(score)) for row_id, score, _ in rows]


def sqlite_rank(session: Session, kind: Kind, stmt: Select[Any], count: int,
                depth: int) -> Scored:
    """The best ``depth`` of ``stmt`` (``sqlite_ranking``'s select, perhaps filtered), which
    has ``count`` matches (counted by the caller, exactly). Up to ``EXACT_LIMIT`` every
    match is scored; above it, as ``pg_rank`` does, the best of the newest ``POOL`` (or
    ``2 * depth``): ``bm25()`` is computed only for the matches dated from the day on
    which about that many of them are newer (read in the item's date index, 0005).
    """
    if count <= EXACT_LIMIT:
        return Scored(count, _best(session, stmt, depth))
    model: Any = model_of(kind)
    side = f"{model.__tablename__}_fts_day"
    rows_in_table = int(session.scalar(text(f"SELECT count(*) FROM {side}")) or 0)
    wanted = max(POOL, 2 * depth)
    # Rows of the table, newest first, that hold about ``wanted`` matches: with filters
    # (a portal, a year) the matches are rarer among the newest rows; widened then.
    newest = int(wanted * max(rows_in_table, 1) / count) + 1
    moment = item_date_sql(kind)
    day = literal_column(f"{side}.day")
    found, rows = 0, []
    for _ in range(_TRIES):
        since = session.scalar(select(func.julianday(moment)).select_from(model)
                               .order_by(moment.desc()).offset(newest).limit(1))
        found, rows = count_and_rank(
            session, stmt if since is None else stmt.where(day >= since), depth)
        if since is None or found >= wanted // 4:
            break
        newest *= 4
    if since is None:  # the window held every match: every one was ranked
        return Scored(count, rows)
    if not found:  # none in the widest window (filters far from the newest rows): rank all
        return Scored(count, _best(session, stmt, depth))
    return Scored(count, rows, ranked=found)


def _best(session: Session, stmt: Select[Any], depth: int) -> list[tuple[int, float]]:
    """The ``depth`` best (id, score) of ``stmt``: by score, then the newer id."""
    score = stmt.selected_columns.score
    rows = session.execute(stmt.order_by(score.desc(), stmt.selected_columns.id.desc())
                           .limit(depth))
    return [(row_id, float(s)) for row_id, s in rows]
