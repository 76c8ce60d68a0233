"""Where the database lives: explicit URL, then environment, then the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from congdoan.storage.db import SQLITE_BUSY_TIMEOUT_MS, database_url, make_engine


def test_explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONGDOAN_DATABASE_URL", "sqlite:///from-env.sqlite3")
    assert database_url("postgresql+psycopg://db/x") == "postgresql+psycopg://db/x"


def test_environment_url_beats_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONGDOAN_DATABASE_URL", "sqlite:///from-env.sqlite3")
    assert database_url(data_dir=tmp_path) == "sqlite:///from-env.sqlite3"


def test_default_is_sqlite_in_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CONGDOAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("CONGDOAN_DATA_DIR", str(tmp_path / "env-data"))
    assert database_url() == f"sqlite:///{tmp_path / 'env-data' / 'congdoan.sqlite3'}"
    assert (tmp_path / "env-data").is_dir()
    assert database_url(data_dir=tmp_path) == f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"


def test_data_dir_defaults_to_data_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CONGDOAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("CONGDOAN_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == "sqlite:///data/congdoan.sqlite3"


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_crawlers_of_a_process_share_one_engine_until_the_last_lets_it_go(
        tmp_path: Path) -> None:
    from sqlalchemy import text

    from congdoan.storage.db import release_engine, shared_engine

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = shared_engine(url), shared_engine(url)
    assert first is second
    with first.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert first.pool.checkedin() == 1
    release_engine(first)  # one user left: still open
    assert second.pool.checkedin() == 1
    release_engine(second)  # the last: disposed
    assert second.pool.checkedin() == 0
    third = shared_engine(url)  # a later crawl of the process gets a new one
    try:
        assert third is not first
    finally:
        release_engine(third)
