"""A crawl whose database cannot be used never reports success (issue #10, item 1).

Before any request: one line naming the database (password hidden) and the
cause, exit 2, on every route (``congdoan crawl``, ``scrapy crawl``,
``crawl_sites()``, the scheduler, which records the run as failed). A database
that fails in the middle of a crawl fails the run, and the pages already read
are fetched by the next crawl. Real simulator, real SQLite, real PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from congdoan import paths
from congdoan.scheduler import ScheduleConfig, run_once
from congdoan.sim import SimServer
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.history import recent_runs
from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from tests.conftest import PG_URL, PgSchemas, serve_portals
from tests.crawling import FAST, run_congdoan, run_scrapy

NO_SUCH_DB = make_url(PG_URL).set(database="congdoan_no_such_db", password="s3cret")


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[SimServer, Path]]:
    server, registry = serve_portals(tmp_path, sites=1, articles=8, documents=3)
    yield server, registry
    server.stop()


@pytest.mark.crawl
def test_missing_postgresql_database_is_one_line_exit_2_and_no_request(
        portal: tuple[SimServer, Path], tmp_path: Path, pg_schemas: PgSchemas) -> None:
    server, registry = portal
    url = NO_SUCH_DB.render_as_string(hide_password=False)
    result = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", url, *FAST,
                          cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = _error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "postgresql+psycopg://postgres:***@" in lines[0]
    assert "congdoan_no_such_db" in lines[0] and "does not exist" in lines[0]
    assert "s3cret" not in result.stderr + result.stdout
    assert "ok" not in result.stdout  # no summary row claiming success
    assert server.requests("sim1") == []


@pytest.mark.crawl
def test_unwritable_sqlite_path_is_one_line_exit_2_and_no_request(
        portal: tuple[SimServer, Path], tmp_path: Path) -> None:
    server, registry = portal
    (tmp_path / "not-a-dir").write_text("a file, so nothing can be created under it")
    database = tmp_path / "not-a-dir" / "congdoan.sqlite3"
    result = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", str(database),
                          *FAST, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = _error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert str(database) in lines[0] and "unable to open database file" in lines[0]
    assert server.requests("sim1") == []


@pytest.mark.crawl
def test_scrapy_crawl_with_an_unusable_database_exits_2_without_a_request(
        portal: tuple[SimServer, Path], tmp_path: Path, pg_schemas: PgSchemas) -> None:
    server, registry = portal
    url = NO_SUCH_DB.render_as_string(hide_password=False)
    result = run_scrapy("crawl", "nukeviet", "-a", "site=sim1", "-a", f"registry={registry}",
                        "-s", f"CONGDOAN_DATABASE_URL={url}", "-s", "LOG_LEVEL=ERROR", *FAST,
                        cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Unhandled error in Deferred" not in result.stderr
    assert "Traceback" not in result.stderr
    assert "congdoan_no_such_db" in result.stderr and "s3cret" not in result.stderr
    assert server.requests("sim1") == []


CRAWL_SITES = """
import json, sys
from congdoan.jobs.runner import crawl_sites
[result] = crawl_sites(["sim1"], registry=sys.argv[1], progress=False,
                       overrides={"CONGDOAN_DATABASE_URL": sys.argv[2], "LOG_LEVEL": "ERROR"})
print(json.dumps({"status": result.status, "error": result.error}))
"""


@pytest.mark.crawl
def test_crawl_sites_reports_an_unusable_database_as_failed(
        portal: tuple[SimServer, Path], tmp_path: Path, pg_schemas: PgSchemas) -> None:
    server, registry = portal
    url = NO_SUCH_DB.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-c", CRAWL_SITES, str(registry), url], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert '"status": "failed"' in done.stdout and "does not exist" in done.stdout
    assert "Unhandled error in Deferred" not in done.stderr
    assert server.requests("sim1") == []


@pytest.mark.crawl
def test_scheduler_records_a_crawl_with_an_unusable_database_as_failed(
        portal: tuple[SimServer, Path], tmp_path: Path, pg_schemas: PgSchemas) -> None:
    _, registry = portal
    history = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    bad = NO_SUCH_DB.render_as_string(hide_password=False)
    # The child is told to store elsewhere (a later --db wins): that database is gone.
    config = ScheduleConfig(db_url=history, data_dir=tmp_path / "data", registry=str(registry),
                            crawl_args=(*FAST, "--db", bad))
    outcome = run_once(config, "sim1")
    assert (outcome.status, outcome.returncode) == ("failed", 2)
    engine = make_engine(history)
    with session_factory(engine)() as session:
        [run] = recent_runs(session, "sim1")
    engine.dispose()
    assert run.status == "failed" and run.id == outcome.run_id
    assert run.stats is not None and "congdoan_no_such_db" in run.stats["note"]
    assert "s3cret" not in run.stats["note"]


# -- a database that fails in the middle of a crawl -------------------------------------


@pytest.fixture
def own_database(pg_schemas: PgSchemas) -> Iterator[str]:
    """A PostgreSQL database of its own: the test can lock everyone out of it."""
    name = f"congdoan_mid_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _cut(database: str, allow: bool) -> None:
    """Lock every client out of ``database`` (and end their sessions), or let them in again."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}'))
        if not allow:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": database})
    admin.dispose()


def _stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return sum(conn.scalar(select(func.count()).select_from(model)) or 0
                       for model in (Article, DocumentPosting))
    except Exception:  # the schema is not there yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.crawl
def test_a_database_lost_mid_crawl_fails_the_run_and_the_next_crawl_gets_every_page(
        tmp_path: Path, own_database: str) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=150, documents=40)
    database = make_url(own_database).database
    assert database is not None
    try:
        # Small batches, so some are stored before the cut; a small delay, so it is mid-crawl.
        slow = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.02",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "CONGDOAN_STORE_BATCH=5")
        crawl = subprocess.Popen(
            [sys.executable, "-m", "congdoan", "crawl", "sim1", "--registry", str(registry),
             "--db", own_database, "--quiet", *slow],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while _stored(own_database) < 20 and crawl.poll() is None:
            time.sleep(0.05)
        assert crawl.poll() is None, "the crawl ended before the database could be cut"
        _cut(database, allow=False)
        stdout, stderr = crawl.communicate(timeout=300)
        assert crawl.returncode in (1, 3), stderr  # failed or partial, never ok
        assert "database failed" in stderr
        summary = [line for line in stdout.splitlines() if "sim1" in line]
        assert summary and " ok " not in summary[0]
        retry = paths.retry_file(tmp_path / "data", "sim1")
        assert retry.exists()  # pages read but not stored are kept for the next crawl

        _cut(database, allow=True)
        again = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db",
                             own_database, *FAST, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        truth = server.truth("sim1")
        assert _stored(own_database) == len(truth["articles"]) + len(truth["documents"])
        assert not retry.exists()
        engine = create_engine(own_database)
        with engine.connect() as conn:
            statuses = [s for (s,) in conn.execute(select(CrawlRun.status)
                                                   .order_by(CrawlRun.id))]
        engine.dispose()
        # the cut run could not close itself; the next crawl, holding the lock, aborts it
        assert statuses == ["aborted", "ok"]
    finally:
        server.stop()
