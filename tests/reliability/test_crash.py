"""Crash safety: ``kill -9`` a crawl at seeded random moments, re-run, get a clean crawl's database.

Each kill lands somewhere in a real crawl child process (start-up, listing
walks, a batch commit, an attachment write). After the kills one crawl runs
to the end; the database must then hold exactly what a crawl that was never
interrupted holds: no duplicates, nothing missing, integrity intact.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

KILLS = 10
SEED = 20240905
# Small batches put commits all through the crawl, so kills land between and inside them.
CRASH_SETTINGS = (*FAST, "-s", "CONGDOAN_STORE_BATCH=4", "--quiet")

ARTICLES_SQL = "SELECT site, canonical_url, title, body_text, content_hash FROM articles"
POSTINGS_SQL = "SELECT site, canonical_url, title FROM document_postings"
DOCUMENTS_SQL = "SELECT identity_key, title FROM documents"
ATTACHMENTS_SQL = "SELECT url, sha256, size FROM attachments"


def _crawl_args(registry: Path, db_url: str) -> list[str]:
    return ["crawl", "--all", "--registry", str(registry), "--db", db_url, *CRASH_SETTINGS]


def _snapshot(db_url: str) -> dict[str, list[tuple]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {sql: sorted(tuple(r) for r in conn.execute(text(sql)))
                    for sql in (ARTICLES_SQL, POSTINGS_SQL, DOCUMENTS_SQL, ATTACHMENTS_SQL)}
    finally:
        engine.dispose()


def _window(clean_seconds: float) -> float:
    """Kill delays fall within most of a clean crawl's run (bounded to keep the test short)."""
    return min(max(1.0, clean_seconds * 0.8), 4.0)


def _kill_crawls(registry: Path, db_url: str, workdir: Path, kills: int, seed: int,
                 window: float) -> int:
    """Start crawls and SIGKILL each after a seeded delay; returns how many were killed."""
    rng = random.Random(seed)
    killed = 0
    for _attempt in range(kills * 3):  # bounded: a crawl that finishes first is not a kill
        if killed == kills:
            break
        child = subprocess.Popen([sys.executable, "-m", "congdoan", *_crawl_args(registry, db_url)],
                                 cwd=workdir, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, window))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait(timeout=60)
    return killed


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("crash-portal")
    server, registry = serve_portals(workdir, sites=1, articles=16, documents=6, seed=5)
    try:
        yield server, registry
    finally:
        server.stop()


@pytest.fixture(scope="module")
def clean(portal, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, float]:
    """A crawl never interrupted: the reference database, and how long it took."""
    _, registry = portal
    workdir = tmp_path_factory.mktemp("crash-clean")
    db_url = f"sqlite:///{workdir / 'clean.sqlite3'}"
    started = time.monotonic()
    result = run_congdoan(*_crawl_args(registry, db_url), cwd=workdir)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    snapshot = _snapshot(db_url)
    assert snapshot[ARTICLES_SQL] and snapshot[POSTINGS_SQL]
    return snapshot, elapsed


def test_ten_kills_then_rerun_equals_a_clean_crawl_sqlite(portal, clean, tmp_path: Path) -> None:
    _, registry = portal
    reference, elapsed = clean
    db_path = tmp_path / "crashed.sqlite3"
    db_url = f"sqlite:///{db_path}"
    killed = _kill_crawls(registry, db_url, tmp_path, KILLS, SEED, window=_window(elapsed))
    assert killed >= KILLS
    result = run_congdoan(*_crawl_args(registry, db_url), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        dupes = conn.execute("SELECT canonical_url, COUNT(*) FROM articles "
                             "GROUP BY site, canonical_url HAVING COUNT(*) > 1").fetchall()
        assert dupes == []
    assert _snapshot(db_url) == reference


def test_kills_then_rerun_equals_a_clean_crawl_postgresql(portal, clean, pg_schemas,
                                                           tmp_path: Path) -> None:
    _, registry = portal
    reference, elapsed = clean
    db_url = pg_schemas.new_url()
    killed = _kill_crawls(registry, db_url, tmp_path, 3, SEED + 1, window=_window(elapsed))
    assert killed >= 3
    result = run_congdoan(*_crawl_args(registry, db_url), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    snapshot = _snapshot(db_url)
    assert snapshot == reference
    # Constraints held: one row per (site, canonical_url), every posting has its document.
    engine = create_engine(db_url)
    with engine.connect() as conn:
        orphans = conn.execute(text(
            "SELECT COUNT(*) FROM document_postings p LEFT JOIN documents d "
            "ON d.id = p.document_id WHERE d.id IS NULL")).scalar()
        assert orphans == 0
    engine.dispose()
