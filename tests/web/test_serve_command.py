"""``congdoan serve`` as people run it: a child process on 127.0.0.1, one line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.storage.db import upgrade
from tests.web.conftest import WebDb
from tests.web.live import free_port


@pytest.mark.crawl
def test_serve_listens_on_localhost_and_answers(sqlite_web_db: WebDb, tmp_path: Path) -> None:
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "congdoan", "serve", "--db", sqlite_web_db.db_url,
         "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/sites",
                                            timeout=5) as response:
                    sites = json.loads(response.read())
                break
            except OSError:
                assert child.poll() is None, child.stderr.read() if child.stderr else ""
                assert time.monotonic() < deadline, "congdoan serve did not answer"
                time.sleep(0.2)
        assert {s["id"] for s in sites} == set(sqlite_web_db.portals.truth)
    finally:
        child.terminate()
        _, err = child.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in err and "read-only" in err


def test_serve_bad_input_is_one_line(tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.sqlite3")])
    assert missing.exit_code == 2
    assert "no database at" in missing.output and missing.output.count("\n") == 1


def test_serve_names_a_database_behind_the_schema_and_the_command(tmp_path: Path) -> None:
    """Serve opens the database read-only, so an older schema (no search date table) is
    refused with the upgrade command, not served to fail on the first search."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0004")
    result = CliRunner().invoke(app, ["serve", "--db", url])
    assert result.exit_code == 2
    assert "at schema revision 0004" in result.output
    assert "congdoan db upgrade --db" in result.output and result.output.count("\n") == 1
