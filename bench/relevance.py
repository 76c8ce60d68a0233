"""Relevance: congdoan's search against two BM25 baselines on our own judged query set.

The judged corpus (``bench/relevance_corpus.py``: real NukeViet and WordPress captures
plus a small simulated country) is written through the real store
(``store.write_batch``, as a crawl writes it) into a fresh SQLite file and a throwaway
PostgreSQL schema. Each judged query (``tests/fixtures/search/judged_queries.json``) is
then ranked by

- **congdoan**: ``storage.search.search_page``, called through ``congdoan_ranking``
  alone (one line to change when its signature does);
- **BM25 folded**: a plain Okapi BM25 (k1 1.2, b 0.75) over the diacritics-folded
  syllables of the same text the store indexes (``FoldedBM25``);
- **bm25s strong**: the ``bm25s`` library over exact (diacritics kept) and folded
  syllables plus folded syllable bigrams, the title, code and document type repeated
  ``TITLE_REPEAT`` times (``StrongBM25``).

The baselines read the items' records (the same items), not the database, so their
figures are the same on both databases. Metrics over the top ``K`` hits, per query, then
averaged per class and overall:

- nDCG@10: gain ``2**grade - 1``, discount ``log2(rank + 1)``, ideal = the query's
  judgments sorted (unjudged items count 0);
- P@1: the first hit has the best grade the query has (2, or 1 when none is 2);
- R@10: judged items (grade >= 1) in the top 10, over ``min(10, judged items)``.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import tempfile
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.relevance_corpus import Item, corpus, item_fields, item_key, load_judged
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.records import search_fold
from congdoan.storage.search import search_page
from congdoan.storage.store import write_batch

K = 10
TITLE_REPEAT = 3  # the strong baseline's weight of title, code and type against the body
SYSTEMS = ("congdoan", "bm25_folded", "bm25s_strong")
CLASS_ORDER = ("topical", "topical_no_diacritics", "type_topic", "code", "name", "short")
_WORD = re.compile(r"\w+")

Judgments = dict[str, int]
Ranker = Callable[[str], list[str]]  # query -> item keys, best first


# --- metrics -------------------------------------------------------------------------


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (gain 2^g - 1, log2 discount)."""
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg_at(ranked: Sequence[str], judgments: Judgments, k: int = K) -> float:
    """nDCG@k of a ranking against graded judgments (unjudged = 0); 0 without judgments."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(key, 0) for key in ranked[:k]]) / ideal


def precision_at_1(ranked: Sequence[str], judgments: Judgments) -> float:
    """1 when the first hit has the best grade any item has for this query, else 0."""
    best = max(judgments.values(), default=0)
    return float(bool(ranked) and best > 0 and judgments.get(ranked[0], 0) == best)


def recall_at(ranked: Sequence[str], judgments: Judgments, k: int = K) -> float:
    """Judged items (grade >= 1) in the top k, over min(k, judged items)."""
    relevant = {key for key, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


# --- baselines -----------------------------------------------------------------------


def exact_words(value: str) -> list[str]:
    """Words with their diacritics: NFC, case folded."""
    return _WORD.findall(unicodedata.normalize("NFC", value).casefold())


def folded_words(value: str) -> list[str]:
    """Words folded as the store folds them (case, diacritics, đ)."""
    return search_fold(value).split()


class FoldedBM25:
    """Okapi BM25 over folded syllables: the plain baseline, written out."""

    def __init__(self, docs: dict[str, list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = {key: Counter(words) for key, words in docs.items()}
        self.length = {key: len(words) for key, words in docs.items()}
        self.avg = statistics.fmean(self.length.values()) if docs else 0.0
        df: Counter[str] = Counter()
        for counts in self.tf.values():
            df.update(counts.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def rank(self, query: str) -> list[str]:
        """Keys of the items holding any query word, best BM25 score first."""
        words = folded_words(query)
        scores: dict[str, float] = {}
        for key, counts in self.tf.items():
            norm = self.k1 * (1 - self.b + self.b * self.length[key] / self.avg)
            score = sum(self.idf[w] * counts[w] * (self.k1 + 1) / (counts[w] + norm)
                        for w in words if counts[w])
            if score > 0:
                scores[key] = score
        return sorted(scores, key=lambda key: (-scores[key], key))


def strong_tokens(value: str, weight: int = 1) -> list[str]:
    """Exact and folded syllables and folded syllable bigrams of ``value``, ``weight`` times."""
    folded = folded_words(value)
    tokens = [f"e:{w}" for w in exact_words(value)] + folded
    tokens += [f"{a}_{b}" for a, b in itertools.pairwise(folded)]
    return tokens * weight


class StrongBM25:
    """bm25s over exact + folded syllables and bigrams, title/code/type weighted up."""

    def __init__(self, docs: dict[str, tuple[str, str]]) -> None:
        import bm25s  # the bench extra

        self.keys = list(docs)
        self.index = bm25s.BM25(k1=1.2, b=0.75)
        self.index.index([strong_tokens(head, TITLE_REPEAT) + strong_tokens(body)
                          for head, body in docs.values()], show_progress=False)

    def rank(self, query: str) -> list[str]:
        """Keys of the items with a positive score, best first."""
        scores = self.index.get_scores(strong_tokens(query))
        order = sorted((i for i, s in enumerate(scores) if s > 0),
                       key=lambda i: (-scores[i], self.keys[i]))
        return [self.keys[i] for i in order]


def baselines(items: Iterable[Item]) -> dict[str, Ranker]:
    """The two baselines indexed over ``items``' searchable text."""
    folded: dict[str, list[str]] = {}
    strong: dict[str, tuple[str, str]] = {}
    for item in items:
        f = item_fields(item)
        kind_name = item.record.get("category") or "" if item.kind == "document" else ""
        folded[item.key] = folded_words(" ".join((f["title"], f["code"], f["body"])))
        strong[item.key] = (" ".join((f["title"], f["code"], kind_name)), f["body"])
    return {"bm25_folded": FoldedBM25(folded).rank, "bm25s_strong": StrongBM25(strong).rank}


# --- congdoan --------------------------------------------------------------------------


def congdoan_ranking(session: Session, query: str, depth: int = K) -> list[str]:
    """congdoan's best ``depth`` hits for ``query`` as item keys: the one call of our search."""
    return [item_key(hit.kind, hit.url) for hit in search_page(session, query, limit=depth).hits]


# --- the run ---------------------------------------------------------------------------


def store(url: str, items: list[Item]) -> dict[str, Any]:
    """Write ``items`` through the store into the database at ``url``; counts and seconds."""
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        with session_factory(engine)() as session, session.begin():
            outcomes = write_batch(session, [(item.kind, item.record) for item in items])
    finally:
        engine.dispose()
    return {"records": len(outcomes), "failed": sum(o.status is None for o in outcomes),
            "build_s": round(time.perf_counter() - started, 2)}


def evaluate(rank: Ranker, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Per query, per class and overall: nDCG@10, P@1, R@10 of ``rank``."""
    per_query = []
    for q in queries:
        ranked = rank(q["text"])
        per_query.append({"text": q["text"], "class": q["class"],
                          "ndcg10": round(ndcg_at(ranked, q["judgments"]), 4),
                          "p1": precision_at_1(ranked, q["judgments"]),
                          "r10": round(recall_at(ranked, q["judgments"]), 4),
                          "top": ranked[:3]})
    return {"classes": summarise(per_query), "queries": per_query}


def summarise(per_query: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean figures per class (in ``CLASS_ORDER``) and over all queries (``overall``)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in per_query:
        groups.setdefault(row["class"], []).append(row)
    ordered = [c for c in CLASS_ORDER if c in groups] + sorted(set(groups) - set(CLASS_ORDER))
    out = {c: _means(groups[c]) for c in ordered}
    out["overall"] = _means(per_query)
    return out


def _means(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {"queries": len(rows),
            **{m: round(statistics.fmean(r[m] for r in rows), 3) for m in ("ndcg10", "p1", "r10")}}


def _measure(url: str, items: list[Item], queries: list[dict[str, Any]],
             fixed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    database = store(url, items)
    engine = make_engine(url, migrate=False)
    bounded = None
    try:
        with session_factory(engine)() as session:
            ours = evaluate(lambda query: congdoan_ranking(session, query), queries)
        bounded = _bounded(engine, queries)
    finally:
        engine.dispose()
    out = {"database": database, "congdoan": ours, **fixed}
    if bounded is not None:
        out["congdoan_bounded"] = bounded
    return out


def _bounded(engine: Any, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """congdoan with every query on the path for very many matches (``ranking.pg_rank``,
    ``ranking.sqlite_rank``), its pool at the least (the 20 newest matches): what ranking
    only the newest costs in relevance, at its worst."""
    from congdoan.storage import ranking

    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # the statistics the path reads (autovacuum's ANALYZE)
            conn.execute(text("ANALYZE articles_search"))
            conn.execute(text("ANALYZE documents_search"))
    saved = ranking.EXACT_LIMIT, ranking.POOL, ranking.SAMPLE, ranking._STATS.copy()
    ranking.EXACT_LIMIT, ranking.POOL, ranking.SAMPLE = 0, 1, 10
    ranking._STATS.clear()
    try:
        with session_factory(engine)() as session:
            return evaluate(lambda query: congdoan_ranking(session, query), queries)
    finally:
        ranking.EXACT_LIMIT, ranking.POOL, ranking.SAMPLE = saved[:3]
        ranking._STATS.clear()
        ranking._STATS.update(saved[3])


def _pg_schema_url(pg_url: str) -> tuple[str, Callable[[], None]]:
    schema = f"congdoan_relevance_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def run(*, databases: tuple[str, ...] = ("sqlite", "postgresql"),
        pg_url: str | None = None) -> dict[str, Any]:
    """Every figure: per database, congdoan's and the baselines' metrics per class."""
    from bench.search import PG_URL  # the benchmarks' one PostgreSQL setting

    items = corpus()
    queries = load_judged()
    fixed = {name: evaluate(rank, queries) for name, rank in baselines(items).items()}
    report: dict[str, Any] = {
        "items": len(items), "queries": len(queries),
        "classes": dict(Counter(q["class"] for q in queries)),
        "judged": sum(len(q["judgments"]) for q in queries),
    }
    if "sqlite" in databases:
        with tempfile.TemporaryDirectory(prefix="congdoan-relevance-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'relevance.sqlite3'}"
            report["sqlite"] = _measure(url, items, queries, fixed)
    if "postgresql" in databases:
        try:
            url, drop = _pg_schema_url(pg_url or PG_URL)
        except Exception as exc:  # no server: say so in the report, as bench/search.py does
            report["postgresql"] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        else:
            try:
                report["postgresql"] = _measure(url, items, queries, fixed)
            finally:
                drop()
    return report


def render(report: dict[str, Any]) -> list[str]:
    """Markdown: per database, one row per class and overall, the three systems side by side."""
    lines = [f"relevance: {report['queries']} judged queries ({report['judged']} judgments) "
             f"over {report['items']} items; nDCG@10 / P@1 / R@10", ""]
    names = {"congdoan": "congdoan", "bm25_folded": "BM25 folded",
             "bm25s_strong": "bm25s strong"}
    for backend in ("sqlite", "postgresql"):
        figures = report.get(backend)
        if figures is None:
            continue
        if "error" in figures:
            lines += [f"relevance on {backend}: not measured ({figures['error']})", ""]
            continue
        lines += [f"| relevance, {backend}: class | queries | "
                  + " | ".join(f"{names[s]} nDCG@10 | P@1 | R@10" for s in SYSTEMS) + " |",
                  "| --- | ---: |" + " ---: | ---: | ---: |" * len(SYSTEMS)]
        for cls, row in figures["congdoan"]["classes"].items():
            cells = []
            for system in SYSTEMS:
                m = figures[system]["classes"][cls]
                cells.append(f"{m['ndcg10']:.3f} | {m['p1']:.2f} | {m['r10']:.2f}")
            label = f"**{cls}**" if cls == "overall" else cls
            lines.append(f"| {label} | {row['queries']} | " + " | ".join(cells) + " |")
        lines.append("")
        if "congdoan_bounded" in figures:
            m = figures["congdoan_bounded"]["classes"]["overall"]
            lines += [f"congdoan on {backend}, every query ranked among its 20 newest matches "
                      f"(the path for very many matches, at its narrowest): nDCG@10 "
                      f"{m['ndcg10']:.3f}, P@1 {m['p1']:.2f}, R@10 {m['r10']:.2f}", ""]
    return lines
