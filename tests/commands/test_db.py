"""``congdoan db upgrade|current``: schema created and reported; bad databases are one line."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from congdoan.commands.db import head_revision
from tests.conftest import PgSchemas
from tests.crawling import run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

TABLES = {"articles", "documents", "document_postings", "attachments", "raw_pages",
          "item_versions", "crawl_runs", "failures", "sites"}


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_upgrade_creates_the_tables_of_a_fresh_sqlite_file(tmp_path: Path) -> None:
    database = tmp_path / "new" / "congdoan.sqlite3"
    head = head_revision()

    upgraded = run_congdoan("db", "upgrade", "--db", str(database), cwd=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"-> {head} (head)" in upgraded.stdout
    engine = create_engine(f"sqlite:///{database}")
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
    current = run_congdoan("db", "current", "--db", str(database), cwd=tmp_path)
    assert current.returncode == 0
    assert f"{head} (head)" in current.stdout
    again = run_congdoan("db", "upgrade", "--db", str(database), cwd=tmp_path)
    assert again.returncode == 0
    assert f"already at revision {head}" in again.stdout


def test_upgrade_on_postgresql(pg_schemas: PgSchemas, tmp_path: Path) -> None:
    url = pg_schemas.new_url()
    upgraded = run_congdoan("db", "upgrade", "--db", url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
    current = run_congdoan("db", "current", "--db", url, cwd=tmp_path)
    assert f"{head_revision()} (head)" in current.stdout


def test_current_of_a_database_never_migrated(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).close()
    current = run_congdoan("db", "current", "--db", str(database), cwd=tmp_path)
    assert current.returncode == 0
    assert "no revision" in current.stdout
    assert "congdoan db upgrade" in current.stdout


def test_current_does_not_create_a_missing_database(tmp_path: Path) -> None:
    database = tmp_path / "missing.sqlite3"
    current = run_congdoan("db", "current", "--db", str(database), cwd=tmp_path)
    assert current.returncode == 2
    assert current.stderr.count("\n") == 1
    assert "no database at" in current.stderr
    assert not database.exists()


def test_unreachable_postgresql_is_one_line_with_the_password_hidden(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://congdoan:s3cret@127.0.0.1:{_closed_port()}/nowhere"
    for command in ("upgrade", "current"):
        result = run_congdoan("db", command, "--db", url, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith("error: cannot use the database ")
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "127.0.0.1" in result.stderr
        assert "s3cret" not in result.stderr
        assert "congdoan:***@" in result.stderr


def test_a_url_of_an_unknown_kind_is_one_line(tmp_path: Path) -> None:
    result = run_congdoan("db", "upgrade", "--db", "nosuchdb://host/x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "nosuchdb://host/x" in result.stderr
