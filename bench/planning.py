"""A nightly refresh's planning cost against the size of the stored archive (issue #24).

``python -m bench.planning [--db sqlite postgresql] [--sizes 1 10 100] [--compare DIR]``

One simulated NukeViet portal (``--articles`` + ``--documents`` items) is crawled
once into a fresh database (SQLite file, or a PostgreSQL schema dropped at the end).
The archive is then grown in SQL, as ``bench/nation.py`` grows the nation: the
site's stored articles and postings are copied with new URLs (``#o<copy>``), new
CMS ids and ids, so the site holds ``size`` x the portal's items, all old items no
listing page shows; its run history gets older nightly runs, 36.5 a multiple (ten
years of nights at 100 x). At each size an incremental refresh of the unchanged portal is
run (``bench/planning_child.py``, the real ``crawl_sites``) and measured: requests
served, the crawl process's CPU seconds and peak RSS, SQL statements and rows
fetched (all, and while the crawl was planned: ``CrawlRuntime._prepare``), and on
PostgreSQL the rows the server read (``pg_stat_user_tables``: sequential +
index tuples). With ``--compare DIR`` the same refresh is run with the code of
another checkout (main's) right before this one's, on the same database (put back
to that code's schema revision first).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url

from bench.children import FAST_SETTINGS, ROOT
from bench.machine import describe
from bench.pg_copy import reset_sequences
from bench.portals import served
from congdoan.sim import PortalSpec
from congdoan.storage.db import SCHEMA_HEAD, alembic_config, make_engine
from congdoan.storage.models import Base

SITE = "sim1"
PG_URL = os.environ.get("CONGDOAN_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
GROWN = ("articles", "document_postings")  # what a crawl's planning reads of the archive
CHILD = Path(__file__).with_name("planning_child.py")


@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    """A fresh database URL of ``kind`` (a schema of its own on PostgreSQL, dropped after)."""
    if kind == "sqlite":
        yield f"sqlite:///{work / 'congdoan.sqlite3'}"
        return
    schema = f"congdoan_bench_plan_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def set_revision(url: str, revision: str) -> None:
    """Put the schema at ``revision`` (down to another checkout's head, or up to ours)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    engine = make_engine(url, migrate=False)
    try:
        with engine.connect() as conn:
            current = conn.scalar(text("SELECT version_num FROM alembic_version"))
            conn.rollback()
            if current == revision:
                return
            config = alembic_config()
            config.attributes["connection"] = conn
            script = ScriptDirectory.from_config(config)
            ahead = revision in [r.revision for r in script.iterate_revisions(current, "base")]
            with conn.begin():
                (command.downgrade if ahead else command.upgrade)(config, revision)
    finally:
        engine.dispose()


def tree_head(tree: Path) -> str:
    """The schema head of the code in ``tree`` (its ``db.SCHEMA_HEAD``)."""
    for line in (tree / "congdoan" / "storage" / "db.py").read_text().splitlines():
        if line.startswith("SCHEMA_HEAD"):
            return line.split("=")[1].strip().strip('"')
    raise ValueError(f"no SCHEMA_HEAD in {tree}")


def stored(engine: Engine) -> int:
    """Articles and postings of the site."""
    with engine.connect() as conn:
        return sum(int(conn.scalar(text(f"SELECT count(*) FROM {t} WHERE site = :s"),
                                   {"s": SITE})) for t in GROWN)


@contextmanager
def connected(url: str) -> Iterator[Engine]:
    """A short-lived engine: none is kept across the children's schema changes."""
    engine = make_engine(url, migrate=False)
    try:
        yield engine
    finally:
        engine.dispose()


def grow(engine: Engine, copies: range, base_ids: dict[str, int], cms_shift: int,
         site: str = SITE) -> float:
    """Copy ``site``'s first-crawl rows (ids up to ``base_ids``) once per copy in
    ``copies``; seconds.

    Copy *k* shifts ids by *k* x the base's largest id and CMS ids by *k* x
    ``cms_shift``, and appends ``#o<k>`` to URLs: old items of the same site that
    no listing shows. Their dates are the base's (not due for a refresh).
    """
    started = time.perf_counter()
    with engine.begin() as conn:
        for k in copies:
            for name in GROWN:
                columns = list(Base.metadata.tables[name].columns.keys())
                values = []
                for column in columns:
                    if column == "id":
                        values.append(f"id + {k * base_ids[name]}")
                    elif column in ("url", "canonical_url"):
                        values.append(f"{column} || '#o{k}'")
                    elif column == "source_id":
                        values.append(f"source_id + {k * cms_shift}")
                    else:
                        values.append(column)
                conn.execute(text(
                    f"INSERT INTO {name} ({', '.join(columns)}) SELECT {', '.join(values)} "
                    f"FROM {name} WHERE site = :s AND id <= {base_ids[name]}"), {"s": site})
        if conn.dialect.name == "postgresql":
            for name in GROWN:
                reset_sequences(conn, name)
    with engine.connect() as conn:  # what autovacuum does in time
        command = "VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text(command))
    return time.perf_counter() - started


def grow_runs(engine: Engine, total: int, site: str = SITE) -> int:
    """Add older nightly runs to ``site``'s history until it holds ``total``; how many now.

    Each is a copy of the site's latest completed run one more day back, not
    reconciling (the latest reconciliation stays the real one).
    """
    runs = Base.metadata.tables["crawl_runs"]
    with engine.begin() as conn:
        have = int(conn.scalar(select(func.count()).select_from(runs)
                               .where(runs.c.site == site)) or 0)
        oldest = conn.execute(select(runs).where(runs.c.site == site)
                              .order_by(runs.c.started_at).limit(1)).mappings().first()
        latest = conn.execute(select(runs).where(runs.c.site == site,
                                                 runs.c.status.in_(("ok", "partial")))
                              .order_by(runs.c.started_at.desc()).limit(1)).mappings().first()
        if latest is None or oldest is None or have >= total:
            return have
        took = latest["finished_at"] - latest["started_at"]
        rows = []
        for day in range(1, total - have + 1):
            started = oldest["started_at"] - timedelta(days=day)
            row = {k: v for k, v in latest.items() if k != "id"}
            rows.append({**row, "started_at": started, "finished_at": started + took,
                         "stats": {**(latest["stats"] or {}), "reconciled": False}})
        conn.execute(runs.insert(), rows)
    return total


def server_reads(engine: Engine) -> int | None:
    """Rows PostgreSQL read from this schema's tables so far (sequential + by index)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return int(conn.scalar(text(
            "SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) "
            "FROM pg_stat_user_tables WHERE schemaname = current_schema()")) or 0)


def refresh(tree: Path | None, url: str, registry: Path, work: Path, server: Any
            ) -> dict[str, Any]:
    """One incremental refresh of the portal by the code in ``tree`` (None: this one)."""
    sets = [a for k, v in FAST_SETTINGS.items() for a in ("--set", f"{k}={v}")]
    args = [sys.executable, str(CHILD), SITE, "--registry", str(registry), "--db-url", url,
            *sets, *(["--tree", str(tree)] if tree else [])]
    server.clear_requests()
    with connected(url) as engine:
        before = server_reads(engine)
    env = {**os.environ, "CONGDOAN_DATA_DIR": str(work / "data"),
           "PYTHONPATH": str(tree or ROOT)}
    child = subprocess.run(args, capture_output=True, text=True, cwd=work, env=env,
                           timeout=1800, check=False)
    line = next((x for x in child.stdout.splitlines() if x.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"refresh failed ({child.returncode}): {child.stderr[-2000:]}")
    result = json.loads(line[len("BENCH-RESULT "):])
    # The child's backends flushed their statistics when they exited.
    time.sleep(0.5)
    with connected(url) as engine:
        after = server_reads(engine)
    result["requests"] = len(server.requests(SITE))
    result["server_rows"] = after - before if before is not None and after is not None else None
    return result


def run_backend(kind: str, sizes: list[int], articles: int, documents: int,
                compare: Path | None, repeats: int, runs_per_size: float
                ) -> list[dict[str, Any]]:
    """Every size's refreshes on one backend."""
    rows: list[dict[str, Any]] = []
    spec = PortalSpec(SITE, seed=21, articles=articles, documents=documents)
    with tempfile.TemporaryDirectory(prefix="bench-planning-") as tmp:
        work = Path(tmp)
        with served([spec], work) as (server, registry), database(kind, work) as url:
            first = refresh(None, url, registry, work, server)  # the first crawl
            print(f"{kind}: first crawl {first['articles']} articles, "
                  f"{first['documents']} documents, {first['wall_s']:.0f} s", flush=True)
            with connected(url) as engine, engine.connect() as conn:
                base_ids = {t: int(conn.scalar(text(f"SELECT max(id) FROM {t}")) or 0)
                            for t in GROWN}
                cms_shift = 1 + max(int(conn.scalar(text(
                    f"SELECT coalesce(max(source_id), 0) FROM {t}")) or 0) for t in GROWN)
            made = 1
            for size in sizes:
                with connected(url) as engine:
                    # Ten years of nights at the largest size: 36.5 runs a multiple.
                    runs = grow_runs(engine, round(runs_per_size * size))
                    seconds = grow(engine, range(made, size), base_ids, cms_shift)
                    items = stored(engine)
                made = max(made, size)
                print(f"{kind}: {items} items stored (grown in {seconds:.0f} s), "
                      f"{runs} runs", flush=True)
                trees: list[tuple[str, Path | None]] = [("main", compare)] if compare else []
                trees.append(("this", None))
                for _ in range(repeats):
                    for label, tree in trees:
                        set_revision(url, tree_head(tree) if tree else SCHEMA_HEAD)
                        result = refresh(tree, url, registry, work, server)
                        row = {"db": kind, "items": items, "runs": runs, "code": label,
                               **result}
                        rows.append(row)
                        print(_line(row), flush=True)
    return rows


def _line(row: dict[str, Any]) -> str:
    plan = row["planning"]
    return (f"| {row['db']} | {row['items']:,} | {row['runs']:,} | {row['code']} | "
            f"{row['requests']} | "
            f"{row['cpu_s']:.2f} | {plan.get('cpu_s', 0):.3f} | {plan.get('statements')} / "
            f"{plan.get('rows'):,} | {row['statements']} / {row['rows']:,} | "
            f"{row['server_rows'] if row['server_rows'] is not None else '-'} | "
            f"{row['peak_rss_mb']:.0f} |")


HEADER = ("| db | items stored | runs | code | requests | crawl CPU s | planning CPU s | "
          "planning SQL statements / rows | crawl SQL statements / rows | "
          "PostgreSQL rows read | peak RSS MB |\n"
          "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1, 10, 100],
                        help="archive sizes, in multiples of the portal's items")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--runs-per-size", type=float, default=36.5,
                        help="crawl runs in the site's history per multiple (36.5: ten "
                             "years of nights at 100)")
    parser.add_argument("--compare", type=Path,
                        help="another checkout (e.g. main's) measured side by side")
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args(argv)
    print(json.dumps({k: describe()[k] for k in ("cpu_model", "cpu_count")}), flush=True)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    rows = []
    print(HEADER, flush=True)
    for kind in args.db:
        rows += run_backend(kind, sorted(args.sizes), args.articles, args.documents,
                            args.compare, args.repeats, args.runs_per_size)
    print(f"load average at end: {os.getloadavg()}\n\n{HEADER}")
    for row in rows:
        print(_line(row))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
