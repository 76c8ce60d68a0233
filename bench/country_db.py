"""The simulated country as a database, built without crawling it.

Crawling 34 portals x 3,800 items takes about 21 minutes (``bench/scale.py``).
The search benchmark only needs what a crawl would store, so this writes the
simulator's own records straight through the storage layer: each portal's
ground truth (``congdoan.sim.truth``: the values its pages display, the keys
the parser returns), plus what the spider adds (site, fetch time, HTTP
status), through the crawl's normalise step (``pipelines.normalize``: dates,
document codes, references), into ``store.write_batch`` in batches of
``BATCH`` records per transaction. The search index (FTS5 triggers on SQLite,
the generated tsvector column and its GIN index on PostgreSQL) is therefore
maintained exactly as in a crawl. Not written: raw pages (the archive) and
downloaded attachment files with their text, which search does not read.

The SQLite file is cached under ``bench/results/cache/`` keyed by size, seed
and schema revision, so a rerun skips the build.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from congdoan.items.kinds import Kind
from congdoan.pipelines.normalize import (
    article_dates,
    article_references,
    document_code,
    document_dates,
)
from congdoan.sim import Portal, PortalSpec, default_portals
from congdoan.sim.truth import article_truth, document_truth
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, Document
from congdoan.storage.store import write_batch
from congdoan.vntime import VN_TZ_NAME

PORTALS = 34
FULL_ARTICLES = 3000
FULL_DOCUMENTS = 800
SEED = 13  # as bench/scale.py
BATCH = 500
CACHE = Path(__file__).resolve().parent / "results" / "cache"
FETCHED = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # a fixed crawl time: same input, same database
_TRUTH_ONLY = ("published_at", "issued_on", "effective_on", "expires_on")  # the pipeline's job


def country_specs(size: float, portals: int = PORTALS, seed: int = SEED) -> list[PortalSpec]:
    """The portals of the country at ``size`` (1.0 = 3,000 articles + 800 documents each)."""
    articles = max(1, round(FULL_ARTICLES * size))
    documents = max(1, round(FULL_DOCUMENTS * size))
    return default_portals(portals, articles, documents, seed=seed)


def crawled(site: str, truth: dict[str, Any], kind: Kind, n: int) -> dict[str, Any]:
    """What the spider and the normalise pipeline make of one page's parser keys."""
    record = {key: value for key, value in truth.items() if key not in _TRUTH_ONLY}
    record.update(site=site, http_status=200,
                  fetched_at=(FETCHED + timedelta(seconds=n)).isoformat(timespec="seconds"))
    if kind == "article":
        article_dates(record, VN_TZ_NAME)
        article_references(record)
    else:
        document_dates(record, VN_TZ_NAME)
        document_code(record)
    return record


def portal_records(spec: PortalSpec, base_url: str) -> Iterator[tuple[Kind, dict[str, Any]]]:
    """Every record a complete crawl of ``spec`` served at ``base_url`` would store."""
    portal = Portal(spec, base_url=base_url)
    content = portal.content
    n = 0
    for article_id in sorted(content.article_ids()):
        n += 1
        truth = article_truth(portal, content.article(article_id))
        yield "article", crawled(spec.site_id, truth, "article", n)
    for doc_id in sorted(content.document_ids()):
        n += 1
        truth = document_truth(portal, content.document(doc_id))
        yield "document", crawled(spec.site_id, truth, "document", n)


def build(engine: Engine, specs: list[PortalSpec]) -> dict[str, Any]:
    """Write every portal's records into ``engine``'s database; counts and seconds."""
    sessions = session_factory(engine)
    started = time.perf_counter()
    written = failed = 0
    for index, spec in enumerate(specs):
        batch: list[tuple[Kind, dict[str, Any]]] = []
        # Distinct ports, as the simulator serves each portal on its own.
        for record in portal_records(spec, f"http://127.0.0.1:{18000 + index}"):
            batch.append(record)
            if len(batch) >= BATCH:
                written, failed = _write(sessions, batch, written, failed)
                batch = []
        if batch:
            written, failed = _write(sessions, batch, written, failed)
    return {"records": written, "failed": failed, **stored_counts(engine),
            "build_s": round(time.perf_counter() - started, 1)}


def _write(sessions: Any, batch: list[tuple[Kind, dict[str, Any]]], written: int,
           failed: int) -> tuple[int, int]:
    with sessions() as session, session.begin():
        outcomes = write_batch(session, batch)
    bad = sum(1 for outcome in outcomes if outcome.status is None)
    return written + len(outcomes) - bad, failed + bad


def stored_counts(engine: Engine) -> dict[str, int]:
    """Articles and documents in the database (documents posted on many portals count once)."""
    with session_factory(engine)() as session:
        return {"articles": session.scalar(select(func.count()).select_from(Article)) or 0,
                "documents": session.scalar(select(func.count()).select_from(Document)) or 0}


DIGEST_QUERIES = ("thỏa ước", "phuc loi", "công đoàn", "lương", "08/HD-TLĐ")
# Set from the clock when a row is written, not from the records: left out of the digest.
_CLOCK_COLUMNS = {("stories", "created_at"), ("document_status", "changed_at")}
# PostgreSQL's ranking tables (migration 0007/0008), outside the model.
_PG_SEARCH_TABLES = ("articles_search", "documents_search")


def stored_digest(engine: Engine) -> dict[str, Any]:
    """Row counts and a sha256 of every stored table (rows in primary-key order, the
    clock's columns left out), and of what the search index finds: two builds of one
    country store the same thing exactly when these are equal."""
    import hashlib

    from sqlalchemy import inspect, text

    from congdoan.storage.models import Base

    tables: dict[str, Any] = {}
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in present:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in _CLOCK_COLUMNS]
            order = list(table.primary_key.columns) or columns
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(select(*columns).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            tables[table.name] = {"rows": count, "sha256": digest.hexdigest()[:16]}
        for side in _PG_SEARCH_TABLES:  # PostgreSQL's ranking index, kept by triggers
            if side in present:
                digest = hashlib.sha256()
                rows = conn.execute(select(text("id, day, search_vector::text"))
                                    .select_from(text(side)).order_by(text("id"))).all()
                for row in rows:
                    digest.update(repr(tuple(row)).encode())
                tables[side] = {"rows": len(rows), "sha256": digest.hexdigest()[:16]}
        # How many records search finds for a few words: the index is maintained, not only
        # the text (totals, not the ranked hits: ranking may change, matching may not).
        from congdoan.storage.search import search_page

        with session_factory(engine)() as session:
            found = {q: search_page(session, q, limit=1).total for q in DIGEST_QUERIES}
    return {"tables": tables, "search": found}


def cached_sqlite(specs: list[PortalSpec], size: float) -> tuple[str, dict[str, Any]]:
    """The URL of the cached SQLite country at ``size``, built first when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{cache_key(specs)}-{schema_head()}.sqlite3"
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
        try:
            return f"sqlite:///{path}", {**stored_counts(engine), "cached": True}
        finally:
            engine.dispose()
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):  # an interrupted build
        leftover.unlink()
    engine = make_engine(f"sqlite:///{partial}")
    try:
        built = build(engine, specs)
        with engine.connect() as conn:  # fold the WAL in: the cached file stands alone
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    partial.rename(path)
    return f"sqlite:///{path}", {**built, "cached": False}


def cache_key(specs: list[PortalSpec]) -> str:
    """What a cached country is named by: portals, records per portal, seed."""
    return f"country-{len(specs)}x{specs[0].articles}+{specs[0].documents}-seed{specs[0].seed}"


def schema_head() -> str:
    """The schema revision a cached country was written at."""
    from congdoan.storage.db import SCHEMA_HEAD

    return SCHEMA_HEAD
