"""What a new user meets first: help, version, readable tables, no database made by a reader.

Issue #10, items 9 and 11: every command is run for real (typer's runner or a
child process) in an empty directory or on a real crawled database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from congdoan import __version__
from congdoan.commands import app
from tests.conftest import CrawledPortals
from tests.crawling import run_congdoan

runner = CliRunner()


def _commands() -> list[list[str]]:
    """Every command and sub-command, as argument lists."""
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        found += [[name, sub] for sub in subs] if subs else [[name]]
    return found


# --- item 9: no reader creates a database --------------------------------------------------


@pytest.mark.crawl
@pytest.mark.parametrize("args", [["reparse"], ["stats"], ["search", "x"], ["export"],
                                  ["schedule", "history"], ["db", "current"]])
def test_a_reader_without_a_database_says_so_and_creates_nothing(
        tmp_path: Path, args: list[str]) -> None:
    result = run_congdoan(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "no database at data/congdoan.sqlite3" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.crawl
@pytest.mark.parametrize("sub", ["list", "next"])
def test_schedule_list_without_a_database_plans_from_the_registry(
        tmp_path: Path, sub: str) -> None:
    result = run_congdoan("schedule", sub, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dienbien" in result.stdout
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- item 11: help, version, flags ---------------------------------------------------------


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_short_and_long_help_everywhere(flag: str) -> None:
    assert runner.invoke(app, [flag]).exit_code == 0
    for args in _commands():
        result = runner.invoke(app, [*args, flag])
        assert result.exit_code == 0, args
        assert "Usage" in result.output, args


@pytest.mark.crawl
def test_version(tmp_path: Path) -> None:
    for flag in ("--version", "-V"):
        result = run_congdoan(flag, cwd=tmp_path)
        assert result.returncode == 0
        assert result.stdout.strip() == f"congdoan {__version__}"


def test_on_off_flags_show_no_value_type() -> None:
    for args in _commands():
        output = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "160"}).output
        assert "<bool>" not in output, args
    crawl = runner.invoke(app, ["crawl", "--help"], env={"COLUMNS": "160"}).output
    assert re.search(r"--full\s+Walk every listing page", crawl)


@pytest.mark.parametrize("command", ["crawl", "extract", "sim"])
def test_help_has_examples(command: str) -> None:
    output = runner.invoke(app, [command, "--help"], env={"COLUMNS": "160"}).output
    assert "Examples:" in output
    assert f"congdoan {command} " in output


@pytest.mark.crawl
def test_stats_help_states_the_real_exit_codes(tmp_path: Path) -> None:
    output = runner.invoke(app, ["stats", "--help"], env={"COLUMNS": "160"}).output
    assert "2 no database" in " ".join(output.split())
    assert run_congdoan("stats", cwd=tmp_path).returncode == 2


# --- item 11: sites at 80 columns, extract on something that is not HTML -------------------


@pytest.mark.crawl
def test_sites_at_80_columns_keeps_ids_and_urls_whole(tmp_path: Path) -> None:
    result = run_congdoan("sites", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    ids = [row["id"] for row in json.loads(run_congdoan("sites", "--json", cwd=tmp_path).stdout)]
    for site_id in ids:
        assert any(re.search(rf"│ {site_id}\s+│", line) for line in lines), site_id
    assert "https://congdoandienbien.org.vn" in result.stdout


@pytest.mark.parametrize(("name", "body", "reason"), [
    ("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png"),
    ("empty.html", b"", "the file is empty"),
    ("blank.html", b"  \n\n", "the file is empty"),
    ("scan.pdf", b"%PDF-1.7\n...", "application/pdf"),
])
def test_extract_names_a_file_that_is_not_html(tmp_path: Path, name: str, body: bytes,
                                               reason: str) -> None:
    page = tmp_path / name
    page.write_bytes(body)
    result = runner.invoke(app, ["extract", str(page), "--url", "http://x/a-1.html"])
    assert result.exit_code == 2
    assert f"{page}: not HTML or XML ({reason})" in result.stderr
    assert "not a news listing" not in result.output


# --- item 11: every human-facing time carries its zone -------------------------------------

_LABELLED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+07:00")


@pytest.mark.crawl
def test_stats_times_carry_their_zone(crawled: CrawledPortals) -> None:
    result = runner.invoke(app, ["stats", "--db", crawled.db_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert _LABELLED.search(result.output), result.output
    assert "Asia/Ho_Chi_Minh" in result.output
    as_json = json.loads(runner.invoke(app, ["stats", "--json", "--db", crawled.db_url]).stdout)
    finished = next(iter(as_json["sites"].values()))["last_run"]["finished_at"]
    assert re.search(r"T\d\d:\d\d:\d\d(\.\d+)?\+00:00$", finished)  # JSON: ISO with offset


@pytest.mark.crawl
def test_schedule_shows_daily_slots_and_labelled_times(crawled: CrawledPortals) -> None:
    result = runner.invoke(app, ["schedule", "list", "--registry", str(crawled.registry),
                                 "--db", crawled.db_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert re.search(r"\d\d:\d\d daily \(Asia/Ho_Chi_Minh\)", result.output)
    assert "cron[" not in result.output
    assert _LABELLED.search(result.output)
    history = runner.invoke(app, ["schedule", "history", "--db", crawled.db_url],
                            env={"COLUMNS": "200"})
    assert history.exit_code == 0
    assert _LABELLED.search(history.output)
