"""Crawls started together on a new database: each upgrades it, one after the other.

Found when test crawls started fast enough to meet: two processes migrating one
empty PostgreSQL schema both created its tables, and one stopped with "duplicate
key value violates unique constraint pg_type_typname_nsp_index".
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from congdoan.storage.db import upgrade

# Child processes (real concurrent migrations): left out of the fast lane.
pytestmark = pytest.mark.crawl

PROCESSES = 4


def _upgrade_at_once(url: str, barrier: Any, errors: Any) -> None:
    barrier.wait(timeout=60)  # every process starts its migration at the same moment
    try:
        upgrade(url)
    except Exception as exc:  # reported to the test, whatever it is
        errors.put(f"{type(exc).__name__}: {exc}")


def _migrate_together(url: str) -> list[str]:
    context = multiprocessing.get_context("spawn")
    barrier, errors = context.Barrier(PROCESSES), context.Queue()
    children = [context.Process(target=_upgrade_at_once, args=(url, barrier, errors))
                for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=180)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert all(child.exitcode == 0 for child in children), [c.exitcode for c in children]
    return found


def _at_head(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            return len(versions) == 1 and "articles" in inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_processes_migrating_one_new_sqlite_file_together_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert _migrate_together(url) == []
    assert _at_head(url)


@pytest.mark.postgres
def test_processes_migrating_one_new_postgresql_schema_together_all_succeed(
        pg_schemas: Any) -> None:
    url = pg_schemas.new_url()
    assert _migrate_together(url) == []
    assert _at_head(url)
