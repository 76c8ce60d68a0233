"""``congdoan stats``: the numbers equal what the portals served, as tables or JSON.

Every test runs on SQLite and on PostgreSQL (the ``crawled`` fixture).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from tests.conftest import CrawledPortals

runner = CliRunner()


@pytest.mark.crawl
def test_json_counts_equal_what_was_served(crawled: CrawledPortals) -> None:
    result = runner.invoke(app, ["stats", "--json", "--db", crawled.db_url])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    truth = crawled.truth

    assert set(report["sites"]) == set(truth)
    for site, served in truth.items():
        entry = report["sites"][site]
        assert entry["articles"] == len(served["articles"])
        assert entry["documents"] == len(served["documents"])
        items = served["articles"] + served["documents"]
        assert entry["attachments"] == sum(len(i["attachments"]) for i in items)
        assert entry["open_failures"] == 0
        run = entry["last_run"]
        assert run["status"] == "ok" and run["failed"] == 0
        assert {"new", "changed", "unchanged", "finished_at"} <= set(run)
    totals = report["totals"]
    assert totals["articles"] == crawled.served("article")
    assert totals["postings"] == crawled.served("document")
    assert 0 < totals["documents"] <= totals["postings"]
    assert report["failures"] == []

    published = [datetime.fromisoformat(a["published_at"])
                 for t in truth.values() for a in t["articles"]]
    first, last = (datetime.fromisoformat(v) for v in report["date_range"]["articles"])
    assert (first, last) == (min(published), max(published))


@pytest.mark.crawl
def test_tables_for_people(crawled: CrawledPortals) -> None:
    result = runner.invoke(app, ["stats", "--db", crawled.db_url])
    assert result.exit_code == 0, result.output
    for title in ("Stored per site", "Last run per site", "Totals"):
        assert title in result.stdout
    for site in crawled.truth:
        assert site in result.stdout
    assert str(crawled.served("article")) in result.stdout


@pytest.mark.crawl
def test_tables_fit_80_columns(crawled: CrawledPortals) -> None:
    result = runner.invoke(app, ["stats", "--db", crawled.db_url], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    # Each site's published range and last run's finish time on one line, never folded.
    for site in crawled.truth:
        stored = next(line for line in lines if line.split()[:1] == [site])
        assert re.search(r"\d{4}-\d\d-\d\d … \d{4}-\d\d-\d\d", stored), stored
        ran = next(line for line in lines if line.split()[:2] == [site, "ok"])
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \+07:00", ran), ran


def test_missing_database_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--db", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no database at" in result.stderr


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    result = runner.invoke(app, ["stats", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/x"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use the database")
    assert "127.0.0.1:9" in lines[0]
    assert "Traceback" not in result.output
