"""Ten years of a nation (issue #24): ~100 portals, 1-2 million items on PostgreSQL.

``python -m bench.nation [--base-size F] [--copies N] [--checkpoints A B ...]``

How the nation is made. Writing 1.3 million records through the store costs
about 6 ms of CPU each (``bench/country_db.py``): two CPU-hours, more on a
shared machine. So only the *base* goes through the store: the simulated
country at ``base_size`` (34 portals, ten years of dates 2015-2026, the
search benchmark's seed), cached as SQLite, then copied into a PostgreSQL
schema (``bench/pg_copy.py``, equal to a store build there). The rest is SQL
replication of those stored rows, ``copies - 1`` times: each copy gets ids
shifted past the previous copy's, its URLs and document identities a
``#n<copy>`` suffix, and its portal one of ``GROUPS`` families (copy ``r``
goes to ``<site>`` for ``r % GROUPS == 0``, else ``<site>-<r % GROUPS>``):
34 x 3 = 102 portals. Articles, documents, postings, attachments, references,
stories and their members, relations and statuses are replicated; PostgreSQL's
search index is filled by its own triggers as each copied row arrives, as in a
crawl. Not replicated: the stories' LSH band keys (``story_buckets``, ~29 rows
per article: 30 million rows at 100 copies), so a new article is compared with
the base's articles only (see the report's ``night`` figures).

What is measured, at each checkpoint (number of copies) while the nation grows:
the search of ``bench/search.py``'s queries (p50/p95 over ``repeats``), the web
search page with its facets and the browse page; after the last checkpoint, a
"night": new records of a fresh portal written through ``write_batch`` (per-
record cost at nation size next to the same night on the base alone).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

from bench import country_db
from bench import search as search_bench
from bench.pg_copy import analyse, copy_database, reset_sequences
from congdoan.storage import ranking
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Base
from congdoan.storage.search import search_page
from congdoan.storage.store import write_batch

GROUPS = 3  # portal families: 34 base portals x 3 = 102 portals
# Tables copied with shifted ids, in foreign-key order (sites are made per family).
REPLICATED = ("articles", "documents", "document_postings", "attachments",
              "article_references", "stories", "story_members", "document_relations",
              "document_status")
PREFIX = "congdoan_bench_nation_"
NIGHT_RECORDS = 120  # a night's new items on one portal


def schema_url(schema: str) -> str:
    """The bench server's URL with ``schema`` as the search path."""
    url = make_url(search_bench.PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _offsets(conn: Connection) -> dict[str, int]:
    """Per table with an integer id: how far one copy's ids are shifted (max id of the base)."""
    out = {}
    for name in ("articles", "documents", "document_postings", "attachments",
                 "article_references", "stories", "document_relations"):
        out[name] = int(conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {name}")) or 0)
    return out


def _column_sql(table: Table, name: str, copy: int, offsets: dict[str, int]) -> str:
    """SQL for one column of copy ``copy`` made from the base row."""
    column = table.columns[name]
    shift = None
    if name == "id" and table.name in offsets:
        shift = table.name
    for fk in column.foreign_keys:
        target = fk.column.table.name
        if target == "sites":
            family = copy % GROUPS
            return name if family == 0 else f"{name} || '-{family}'"
        if target in offsets:
            shift = target
    if shift is not None:
        return f"{name} + {copy * offsets[shift]}"
    if name in ("url", "canonical_url") and table.name != "attachments":
        return f"{name} || '#n{copy}'"
    if name == "identity_key":
        return f"{name} || '|n{copy}'"
    return name


def _base_filter(table: Table, offsets: dict[str, int]) -> str:
    """The base's rows of ``table`` (copy 0): its first shifted id within the base range."""
    for column in table.columns:
        if column.name == "id" and table.name in offsets:
            return f"id <= {offsets[table.name]}"
        for fk in column.foreign_keys:
            if fk.column.table.name in offsets:
                return f"{column.name} <= {offsets[fk.column.table.name]}"
    raise ValueError(f"no shifted id in {table.name}")


def add_copy(engine: Engine, copy: int, offsets: dict[str, int]) -> float:
    """Write copy ``copy`` of the base in one transaction; seconds."""
    started = time.perf_counter()
    tables = Base.metadata.tables
    with engine.begin() as conn:
        family = copy % GROUPS
        if family and not conn.scalar(text("SELECT count(*) FROM sites WHERE id LIKE :p"),
                                      {"p": f"%-{family}"}):
            conn.execute(text(
                f"INSERT INTO sites (id, name, base_url) SELECT id || '-{family}', "
                f"name || ' ({family})', base_url FROM sites WHERE id NOT LIKE '%-%'"))
        for name in REPLICATED:
            table = tables[name]
            columns = list(table.columns.keys())
            values = ", ".join(_column_sql(table, c, copy, offsets) for c in columns)
            conn.execute(text(
                f"INSERT INTO {name} ({', '.join(columns)}) SELECT {values} FROM {name} "
                f"WHERE {_base_filter(table, offsets)}"))
        if conn.dialect.name == "postgresql":  # SQLite takes the next rowid by itself
            for name in REPLICATED:
                reset_sequences(conn, name)
    return time.perf_counter() - started


def copies_made(engine: Engine, offsets: dict[str, int]) -> int:
    """How many copies of the base the nation holds now."""
    with engine.connect() as conn:
        top = conn.scalar(text("SELECT max(id) FROM articles")) or 0
    return max(1, -(-int(top) // max(1, offsets["articles"])))


@contextmanager
def every_match_ranked() -> Iterator[None]:
    """Search as before issue 24's limits: every match counted, ranked and faceted."""
    saved = ranking.EXACT_LIMIT, ranking.BROWSE_EXACT
    ranking.EXACT_LIMIT = ranking.BROWSE_EXACT = 10 ** 12
    try:
        yield
    finally:
        ranking.EXACT_LIMIT, ranking.BROWSE_EXACT = saved


def measure_search(url: str, repeats: int) -> dict[str, Any]:
    """p50/p95 of each benchmark query through ``search_page`` (best 20 and the total);
    whether the count is exact, and among how many matches the hits were ranked."""
    engine = make_engine(url, migrate=False)
    figures: dict[str, Any] = {}
    try:
        with session_factory(engine)() as session:
            for label, query in search_bench.QUERIES:
                search_page(session, query, limit=20)  # warm
                times, result = search_bench._timed(
                    lambda q=query: search_page(session, q, limit=20), repeats)
                figures[label] = {"query": query, "matches": result.total,
                                  "exact": result.exact, "ranked": result.ranked,
                                  "top": [[h.kind, h.id] for h in result.hits],
                                  **search_bench._ms(times)}
    finally:
        engine.dispose()
    return figures


def compare_exact(url: str, bounded: dict[str, Any], repeats: int) -> dict[str, Any]:
    """The same queries with every match ranked, in the same run; how many of the exact
    best 10 the bounded search also has in its 10, and its count against the true one."""
    with every_match_ranked():
        exact = measure_search(url, repeats)
    for label, figures in exact.items():
        mine = bounded[label]
        best = {tuple(h) for h in figures["top"][:10]}
        figures["overlap_at_10"] = len(best & {tuple(h) for h in mine["top"][:10]}) / max(
            1, len(best))
        figures["count_error"] = round(mine["matches"] / max(1, figures["matches"]) - 1, 4)
    return exact


def measure_web_both(url: str, repeats: int, compare: bool) -> dict[str, Any]:
    """``measure_web``, and with ``compare`` the same pages with every match ranked."""
    out = {"bounded": measure_web(url, repeats)}
    if compare:
        with every_match_ranked():
            out["every_match"] = measure_web(url, repeats)
    return out


def measure_web(url: str, repeats: int) -> dict[str, Any]:
    """The web search page (hits, total, facets) and the browse page, in process."""
    from fastapi.testclient import TestClient

    from congdoan.web.app import create_app

    paths = {"search page": f"/?q={search_bench.WEB_QUERY}",
             "search page, two words no diacritics": "/?q=phuc loi",
             "search page, no words (browse)": "/"}
    out: dict[str, Any] = {}
    with TestClient(create_app(url)) as client:
        for name, path in paths.items():
            client.get(path).raise_for_status()
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                times.append(time.perf_counter() - started)
            out[name] = search_bench._ms(times)
    return out


def measure_night(url: str, seed: int = 99) -> dict[str, Any]:
    """A night's new records of one fresh portal through ``write_batch``: ms per record
    (stories, relations and the search index included), rolled back afterwards."""
    spec = country_db.country_specs(NIGHT_RECORDS / country_db.FULL_ARTICLES, portals=1,
                                    seed=seed)[0]
    records = list(country_db.portal_records(spec, "http://127.0.0.1:18999"))
    for _kind, record in records:
        record["site"] = "nightly"
        record["canonical_url"] = record["canonical_url"] + "#night"
        if "url" in record:
            record["url"] = record["url"] + "#night"
    engine = make_engine(url, migrate=False)
    try:
        with session_factory(engine)() as session:  # warm: the first write imports, compiles
            transaction = session.begin()
            write_batch(session, records[:10])
            transaction.rollback()
        with session_factory(engine)() as session:
            transaction = session.begin()
            started = time.perf_counter()
            outcomes = write_batch(session, records)
            elapsed = time.perf_counter() - started
            transaction.rollback()
    finally:
        engine.dispose()
    return {"records": len(records), "failed": sum(o.status is None for o in outcomes),
            "ms_per_record": round(elapsed * 1000 / max(1, len(records)), 2)}


def adopt(base_size: float, old_head: str, *, suffix: str = "") -> dict[str, float]:
    """Bring a nation built at schema ``old_head`` to the current head, as an operator's
    database is brought: the cached SQLite base and the PostgreSQL schema are migrated
    (``congdoan.storage.db.upgrade``) and renamed to the current head's names.

    Only for revisions whose migrations leave the stored rows as they are (0014 adds two
    indexes): growing 100 copies again costs half an hour of a shared machine.
    Returns the seconds each migration took.
    """
    from congdoan.storage.db import upgrade

    specs = country_db.country_specs(base_size)
    head = country_db.schema_head()
    times: dict[str, float] = {}
    old_file = country_db.CACHE / f"{country_db.cache_key(specs)}-{old_head}.sqlite3"
    new_file = country_db.CACHE / f"{country_db.cache_key(specs)}-{head}.sqlite3"
    if old_file.exists() and not new_file.exists():
        started = time.perf_counter()
        upgrade(f"sqlite:///{old_file}")
        times["sqlite_base_s"] = round(time.perf_counter() - started, 1)
        old_file.rename(new_file)
    key = country_db.cache_key(specs).replace("-", "_").replace("+", "_").lower()
    old_schema, new_schema = (f"{PREFIX}{key}_{h}{suffix}" for h in (old_head, head))
    admin = create_engine(search_bench.PG_URL)
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                {"s": old_schema})
        if found:
            started = time.perf_counter()
            upgrade(schema_url(old_schema))
            times["postgresql_s"] = round(time.perf_counter() - started, 1)
            with admin.begin() as conn:
                conn.execute(text(f'ALTER SCHEMA "{old_schema}" RENAME TO "{new_schema}"'))
    finally:
        admin.dispose()
    return times


def prepare(base_size: float, *, fresh: bool = False,
            suffix: str = "") -> tuple[str, dict[str, int]]:
    """The nation's schema with (at least) its base copied in; its URL and the offsets."""
    specs = country_db.country_specs(base_size)
    sqlite_url, _ = country_db.cached_sqlite(specs, base_size)
    source = make_engine(sqlite_url, migrate=False)
    try:  # the base's largest ids, read where only the base is
        with source.connect() as conn:
            offsets = _offsets(conn)
    finally:
        source.dispose()
    key = country_db.cache_key(specs).replace("-", "_").replace("+", "_").lower()
    schema = f"{PREFIX}{key}_{country_db.schema_head()}{suffix}"
    admin = create_engine(search_bench.PG_URL)
    try:
        with admin.begin() as conn:
            done = conn.scalar(text("SELECT obj_description(oid, 'pg_namespace') FROM "
                                    "pg_namespace WHERE nspname = :s"), {"s": schema})
            if fresh or done != "base":
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                done = None
        url = schema_url(schema)
        engine = make_engine(url)
        try:
            if done != "base":
                source = make_engine(sqlite_url, migrate=False)
                try:
                    copy_database(source, engine)
                finally:
                    source.dispose()
                # Without statistics the stories' candidate query plans a scan of every band
                # key (460 ms an article instead of 14): autovacuum's ANALYZE, done now.
                analyse(engine)
                with admin.begin() as conn:
                    conn.execute(text(f"COMMENT ON SCHEMA \"{schema}\" IS 'base'"))
        finally:
            engine.dispose()
    finally:
        admin.dispose()
    return url, offsets


def grow(engine: Engine, copies: int, offsets: dict[str, int]) -> int:
    """Add copies until the database holds ``copies``; how many were added."""
    made = copies_made(engine, offsets)
    added = 0
    while made < copies:
        add_copy(engine, made, offsets)
        made += 1
        added += 1
    return added


def sqlite_nation(base_size: float, copies: int) -> tuple[str, dict[str, int]]:
    """A SQLite file of ``copies`` copies of the base country (cached beside it)."""
    import shutil

    specs = country_db.country_specs(base_size)
    base_url, _ = country_db.cached_sqlite(specs, base_size)
    base = make_url(base_url).database
    assert base is not None
    name = f"{country_db.cache_key(specs)}-x{copies}-{country_db.schema_head()}.sqlite3"
    path = country_db.CACHE / name
    engine = make_engine(base_url, migrate=False)
    try:
        with engine.connect() as conn:
            offsets = _offsets(conn)
    finally:
        engine.dispose()
    if not path.exists():
        partial = path.with_suffix(".partial")
        shutil.copyfile(base, partial)
        engine = make_engine(f"sqlite:///{partial}", migrate=False)
        try:
            grow(engine, copies, offsets)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            with engine.connect() as conn:  # fold the WAL in: the cached file stands alone
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        partial.rename(path)
    return f"sqlite:///{path}", offsets


def run_country(*, base_size: float = 0.1, copies: int = 10, rounds: int = 3,
                repeats: int = 20, like_repeats: int = 5) -> dict[str, Any]:
    """The search benchmark (``bench/search.py``'s figures) on a full-size country made of
    ``copies`` copies of the ``base_size`` country, on SQLite and PostgreSQL: when the
    34 x 3,800 country cannot be written through the store in the time there is."""
    report: dict[str, Any] = {"base_size": base_size, "copies": copies}
    url, offsets = sqlite_nation(base_size, copies)
    engine = make_engine(url, migrate=False)
    built = {**country_db.stored_counts(engine), "made": f"{copies} copies of {base_size}"}
    engine.dispose()
    report["sqlite"] = search_bench.run_database(url, built, rounds, repeats, like_repeats)
    pg_url, offsets = prepare(base_size, suffix=f"_x{copies}")
    engine = make_engine(pg_url, migrate=False)
    try:
        if grow(engine, copies, offsets):
            analyse(engine)
        built = {**country_db.stored_counts(engine), "made": f"{copies} copies of {base_size}"}
    finally:
        engine.dispose()
    report["postgresql"] = search_bench.run_database(pg_url, built, rounds, repeats,
                                                     like_repeats)
    report["load"] = os.getloadavg()
    return report


def run(*, base_size: float = 0.1, copies: int = 100,
        checkpoints: tuple[int, ...] = (1, 10, 30, 100), repeats: int = 20,
        web_repeats: int = 10, night: bool = True, compare: bool = False) -> dict[str, Any]:
    """Grow the nation to ``copies`` copies of the base, measuring at each checkpoint
    (``compare``: also with every match ranked, as before issue 24's limits)."""
    url, offsets = prepare(base_size)
    engine = make_engine(url, migrate=False)
    report: dict[str, Any] = {"base_size": base_size, "copies": copies,
                              "portals": country_db.PORTALS * min(GROUPS, copies),
                              "base_records": None, "checkpoints": []}
    try:
        report["base_records"] = {"articles": offsets["articles"],
                                  "documents": offsets["documents"]}
        made = copies_made(engine, offsets)
        report["night_base"] = measure_night(url) if night and made == 1 else None
        for checkpoint in sorted(c for c in checkpoints if c <= copies):
            started = time.perf_counter()
            grown = made
            while made < checkpoint:
                add_copy(engine, made, offsets)
                made += 1
            copy_s = time.perf_counter() - started
            if grown < checkpoint:
                analyse(engine)
            if made > checkpoint:  # already larger (a rerun): measure what there is
                continue
            counts = country_db.stored_counts(engine)
            searched = measure_search(url, repeats)
            point = {"copies": made, **counts, "items": counts["articles"] + counts["documents"],
                     "grow_s": round(copy_s, 1), "search": searched,
                     "search_every_match": (compare_exact(url, searched, max(3, repeats // 4))
                                            if compare else None),
                     "web": measure_web_both(url, web_repeats, compare)}
            report["checkpoints"].append(point)
            print(json.dumps(point, ensure_ascii=False), flush=True)
        if night:
            report["night_nation"] = measure_night(url)
    finally:
        engine.dispose()
    report["load"] = os.getloadavg()
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line: grow, measure, print and save ``bench/results/nation.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-size", type=float, default=0.1)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[1, 10, 30, 100])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--web-repeats", type=int, default=10)
    parser.add_argument("--no-night", action="store_true")
    parser.add_argument("--country", action="store_true",
                        help="the search benchmark on --copies copies of the base instead")
    parser.add_argument("--compare-exact", action="store_true",
                        help="also measure every query and page with every match ranked "
                             "(search before the limits of storage/ranking.py)")
    parser.add_argument("--adopt", metavar="HEAD",
                        help="first migrate a nation built at schema HEAD (an older "
                             "revision that only added indexes) instead of building anew")
    args = parser.parse_args(argv)
    from bench.machine import describe

    if args.adopt:
        print(json.dumps({"adopted": adopt(args.base_size, args.adopt)}), flush=True)

    if args.country:
        report = {"machine": describe(),
                  **run_country(base_size=args.base_size, copies=args.copies,
                                repeats=args.repeats)}
        out = country_db.CACHE.parent / "nation-country.json"
        out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")
        print(json.dumps(report, indent=1, ensure_ascii=False, default=str))
        return

    report = {"machine": describe(),
              **run(base_size=args.base_size, copies=args.copies,
                    checkpoints=tuple(args.checkpoints), repeats=args.repeats,
                    web_repeats=args.web_repeats, night=not args.no_night,
                    compare=args.compare_exact)}
    out = country_db.CACHE.parent / "nation.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")
    print(json.dumps(report, indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
