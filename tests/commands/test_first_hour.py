"""What a new user met in the first hour, each now answered as they expect."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.storage.db import make_engine

runner = CliRunner()


def test_ocr_pending_takes_a_database_file_like_every_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "elsewhere" / "mine.sqlite3"
    database.parent.mkdir()
    make_engine(f"sqlite:///{database}").dispose()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["ocr", "--pending", "--db", str(database)])
    assert result.exit_code == 0, result.output
    assert "files read: 0 (nothing pending)" in result.output
    assert not (tmp_path / "data").exists()  # the file named, not a default database


def test_demo_help_names_its_own_default_database() -> None:
    result = runner.invoke(app, ["demo", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "data/demo/congdoan.sqlite3" in result.output
    assert "else data/congdoan.sqlite3" not in result.output


def test_check_faults_listens_on_the_port_given() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["check-faults", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
