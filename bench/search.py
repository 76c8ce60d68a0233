"""Search: latency of ``congdoan search`` on the simulated country, next to a LIKE scan.

The country (34 portals x 3,000 articles + 800 documents at full size, seed
13 as ``bench/scale.py``) is written into SQLite (cached, see
``bench/country_db.py``) and into a PostgreSQL schema kept the same way
(``cached_postgresql``, a copy of the SQLite country's rows, see
``bench/pg_copy.py``). On each
database, in ``rounds`` rounds, each query of ``QUERIES`` is run ``repeats``
times through ``storage.search.search_page`` (what ``congdoan search`` calls:
the best 20 and the total), and ``like_repeats`` times as the baseline: the
same folded words as ``LIKE '%phrase%'`` conditions on the stored folded text,
counted and the newest 20 fetched (no index can help a leading wildcard). Then
the web interface in process (``TestClient`` on ``create_app``, read-only as
``congdoan serve``): the search page (hits, total and facets) and the record
pages of articles and documents.

Figures per query: p50 and p95 in milliseconds over every repetition of every
round, the p95 of each round (the spread: the machine is shared), the number
of matches. Target: p95 <= 100 ms for the two-word queries on both databases.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench import country_db
from bench.pg_copy import analyse, copy_database
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, Document
from congdoan.storage.records import search_fold
from congdoan.storage.search import query_phrases, search_page

PG_URL = os.environ.get("CONGDOAN_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_P95_MS = 100.0
TARGETED = ("two words", "two words, no diacritics")  # the queries the target is about
# (label, query): what analysts type. Match counts are reported beside the times.
QUERIES: tuple[tuple[str, str], ...] = (
    ("two words", "thỏa ước"),
    ("two words, no diacritics", "phuc loi"),
    ("phrase", '"thương lượng tập thể"'),
    ("rare word", "địa"),
    ("very common word", "công"),
    ("document code", "08/HD-TLĐ"),
)
WEB_QUERY = "thỏa ước"


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def _timed(call: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def like_search(session: Session, query: str, limit: int = 20) -> tuple[int, list[int]]:
    """The baseline: LIKE on the folded stored text, counted, newest ``limit`` of each kind."""
    phrases = query_phrases(query)
    total, ids = 0, []
    for model in (Article, Document):
        conditions = [model.search_text.like(f"%{phrase}%") for phrase in phrases]
        moment = (func.coalesce(Article.published_at, Article.first_seen_at) if model is Article
                  else func.coalesce(Document.issued_on, Document.first_seen_at))
        total += session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
        ids += session.scalars(select(model.id).where(*conditions)
                               .order_by(moment.desc()).limit(limit)).all()
    return total, ids


def measure_queries(url: str, rounds: int, repeats: int, like_repeats: int) -> dict[str, Any]:
    """Per query: ours and LIKE, p50/p95 over all rounds, each round's p95, match counts."""
    engine = make_engine(url, migrate=False)
    sessions = session_factory(engine)
    ours: dict[str, list[list[float]]] = {label: [] for label, _ in QUERIES}
    like: dict[str, list[list[float]]] = {label: [] for label, _ in QUERIES}
    totals: dict[str, dict[str, int]] = {}
    try:
        with sessions() as session:
            for _label, query in QUERIES:  # warm the caches once, untimed
                search_page(session, query, limit=20)
                like_search(session, query)
            for _ in range(rounds):
                for label, query in QUERIES:
                    times, result = _timed(lambda q=query: search_page(session, q, limit=20),
                                           repeats)
                    ours[label].append(times)
                    like_times, (like_total, _ids) = _timed(
                        lambda q=query: like_search(session, q), like_repeats)
                    like[label].append(like_times)
                    totals[label] = {"matches": result.total, "like_matches": like_total}
    finally:
        engine.dispose()
    figures = {}
    for label, query in QUERIES:
        mine = _ms([t for r in ours[label] for t in r])
        base = _ms([t for r in like[label] for t in r])
        figures[label] = {
            "query": query, **totals[label], **mine,
            "round_p95_ms": [_ms(r)["p95_ms"] for r in ours[label]],
            "like_p50_ms": base["p50_ms"], "like_p95_ms": base["p95_ms"],
            "like_round_p95_ms": [_ms(r)["p95_ms"] for r in like[label]],
            "speedup_p50": round(base["p50_ms"] / max(mine["p50_ms"], 1e-3), 1),
        }
    return figures


def _record_ids(url: str, n: int) -> dict[str, list[int]]:
    """``n`` article ids spread over the table, and the documents most portals posted."""
    engine = make_engine(url, migrate=False)
    try:
        with engine.connect() as conn:
            articles = conn.scalar(text("SELECT max(id) FROM articles")) or 1
            step = max(1, articles // n)
            documents = conn.execute(text(
                "SELECT document_id FROM document_postings GROUP BY document_id "
                "ORDER BY count(*) DESC, document_id LIMIT :n"), {"n": n}).scalars().all()
    finally:
        engine.dispose()
    return {"article": [1 + i * step for i in range(n)], "document": list(documents)}


def measure_pages(url: str, rounds: int, repeats: int) -> dict[str, Any]:
    """Render times of the search page and the record pages through the ASGI app in process."""
    from fastapi.testclient import TestClient

    from congdoan.web.app import create_app

    ids = _record_ids(url, repeats)
    paths = {
        "search page": lambda _i: f"/?q={WEB_QUERY}",
        "search page, no words (browse)": lambda _i: "/",
        "article page": lambda i: f"/articles/{ids['article'][i % len(ids['article'])]}",
        "document page": lambda i: f"/documents/{ids['document'][i % len(ids['document'])]}",
    }
    times: dict[str, list[list[float]]] = {name: [] for name in paths}
    with TestClient(create_app(url)) as client:
        for path in paths.values():  # warm up, and fail loudly on a broken page
            client.get(path(0)).raise_for_status()
        for _ in range(rounds):
            for name, path in paths.items():
                run = []
                for i in range(repeats):
                    started = time.perf_counter()
                    response = client.get(path(i))
                    run.append(time.perf_counter() - started)
                    response.raise_for_status()
                times[name].append(run)
    return {name: {**_ms([t for r in runs for t in r]),
                   "round_p95_ms": [_ms(r)["p95_ms"] for r in runs]}
            for name, runs in times.items()}


PG_CACHE_PREFIX = "congdoan_bench_"  # + the country's key and the schema revision


def cached_postgresql(specs: list[Any], size: float) -> tuple[str, dict[str, Any]]:
    """The URL of the country at ``size`` in its own schema on the PostgreSQL server,
    built first when missing (copying the SQLite country takes minutes, so it is kept
    like the SQLite file). The schema's name carries the size, seed and schema revision;
    a build that did not finish has no comment on its schema and is built again; the
    schemas of other revisions are dropped."""
    name = country_db.cache_key(specs).replace("-", "_").replace("+", "_").lower()
    schema = f"{PG_CACHE_PREFIX}{name}_{country_db.schema_head()}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            done = conn.execute(text(
                "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace "
                "WHERE nspname = :s"), {"s": schema}).scalar()
            stale = conn.execute(text(
                "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, :p) "
                "AND nspname <> :s"), {"p": f"{PG_CACHE_PREFIX}{name}_", "s": schema}
            ).scalars().all()
            for old in [*stale, *([schema] if done != "complete" else [])]:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{old}" CASCADE'))
            if done != "complete":
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        if done == "complete":
            engine = make_engine(rendered)
            try:
                return rendered, {**country_db.stored_counts(engine), "cached": True}
            finally:
                engine.dispose()
        built = _pg_build(rendered, specs, size)
        with admin.begin() as conn:
            conn.execute(text(f"COMMENT ON SCHEMA \"{schema}\" IS 'complete'"))
        return rendered, built
    finally:
        admin.dispose()


def _pg_build(url: str, specs: list[Any], size: float) -> dict[str, Any]:
    """The country in PostgreSQL: the SQLite country's rows copied (``bench/pg_copy``: what
    the store writes on PostgreSQL, tests/test_country_build.py), PostgreSQL's search index
    built by its triggers as they arrive. Written through the store when ``CONGDOAN_BENCH_
    PG_THROUGH_STORE`` is set (as long again as the SQLite build)."""
    engine = make_engine(url)
    try:
        if os.environ.get("CONGDOAN_BENCH_PG_THROUGH_STORE"):
            built = country_db.build(engine, specs)
        else:
            sqlite_url, _ = country_db.cached_sqlite(specs, size)
            source = make_engine(sqlite_url, migrate=False)
            try:
                copied = copy_database(source, engine)
            finally:
                source.dispose()
            # Each record the store wrote is an article or a document posting.
            built = {"records": copied["copied"]["articles"]
                     + copied["copied"]["document_postings"], "failed": 0,
                     "copy_s": copied["copy_s"], **country_db.stored_counts(engine)}
        # A loaded table is analysed by autovacuum soon after; do it now so the
        # planner sees what a database in service would show it.
        analyse(engine)
    finally:
        engine.dispose()
    return {**built, "cached": False}


def run_database(url: str, built: dict[str, Any], rounds: int, repeats: int,
                 like_repeats: int) -> dict[str, Any]:
    """Every figure on one database."""
    return {"database": built,
            "queries": measure_queries(url, rounds, repeats, like_repeats),
            "pages": measure_pages(url, rounds, max(3, repeats // 2))}


def run(*, size: float = 1.0, rounds: int = 3, repeats: int = 20, like_repeats: int = 5,
        databases: tuple[str, ...] = ("sqlite", "postgresql")) -> dict[str, Any]:
    """Build (or reuse) the country at ``size`` and measure on SQLite, then PostgreSQL."""
    specs = country_db.country_specs(size)
    report: dict[str, Any] = {
        "size": size, "portals": len(specs),
        "articles_per_portal": specs[0].articles, "documents_per_portal": specs[0].documents,
        "records": len(specs) * (specs[0].articles + specs[0].documents),
        "rounds": rounds, "repeats": repeats, "like_repeats": like_repeats,
        "target_p95_ms": TARGET_P95_MS, "targeted": list(TARGETED),
        "queries": {label: {"query": q, "folded": search_fold(q)} for label, q in QUERIES},
    }
    if "sqlite" in databases:
        url, built = country_db.cached_sqlite(specs, size)
        report["sqlite"] = run_database(url, built, rounds, repeats, like_repeats)
    if "postgresql" in databases:
        try:
            pg_url, built = cached_postgresql(specs, size)
            report["postgresql"] = run_database(pg_url, built, rounds, repeats, like_repeats)
        except Exception as exc:  # no server: say so in the report, keep SQLite's figures
            report["postgresql"] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    return report


def targets_met(report: dict[str, Any]) -> bool:
    """Every targeted query's p95 within the target on every database measured."""
    ok = True
    for backend in ("sqlite", "postgresql"):
        figures = report.get(backend)
        if figures is None:  # not asked for
            continue
        if "queries" not in figures:  # asked for and failed
            return False
        ok = ok and all(figures["queries"][label]["p95_ms"] <= report["target_p95_ms"]
                        for label in report["targeted"])
    return ok
