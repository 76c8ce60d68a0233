"""``congdoan demo``: simulator -> crawl -> database -> summary, end to end in a child process.

Two NukeViet portals and one WordPress portal side by side (the default)."""

from __future__ import annotations

import re
import shlex
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from tests.crawling import run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SIZE = ("--sites", "2", "--articles", "12", "--documents", "5")
SITES = ("sim1", "sim2", "wp1")  # two NukeViet portals, one WordPress (its default)
ARTICLES, DOCUMENTS = 3 * 12, 2 * 5


def demo(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run the demo in ``tmp_path`` with its data in ``tmp_path/demo``."""
    result = run_congdoan("demo", "--data-dir", "demo", *args, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, result.stdout, result.stderr


def last_line(text: str) -> str:
    """The verdict: the line before the closing ``congdoan serve`` hint."""
    lines = text.strip().splitlines()
    assert lines[-1].startswith("browse it: congdoan serve --db "), lines[-1]
    assert lines[-1].endswith("http://127.0.0.1:8000/"), lines[-1]
    return lines[-2]


def stored(database: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Articles, document postings, and (new, changed, unchanged) of the last run per site."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        articles = conn.scalar(select(func.count()).select_from(Article))
        postings = conn.scalar(select(func.count()).select_from(DocumentPosting))
        runs = conn.execute(select(CrawlRun.new, CrawlRun.changed, CrawlRun.unchanged)
                            .order_by(CrawlRun.id.desc()).limit(len(SITES))).all()
    engine.dispose()
    return articles, postings, [tuple(r) for r in runs]


def explore_with_the_printed_commands(cwd: Path, out: str) -> None:
    """Run, as a user would paste them, the commands the demo printed at its end (#10 item 10)."""
    commands = [line.strip() for line in out.splitlines() if line.startswith("  congdoan ")]
    assert [c.split()[1] for c in commands] == ["stats", "search", "export"]
    for command in commands:
        args = shlex.split(command)[1:]
        assert "--db" in args
        result = run_congdoan(*args, cwd=cwd)
        assert result.returncode == 0, (command, result.stderr)
        if args[0] == "stats":
            # site, articles, docs: the first columns of "Stored per site"
            assert re.search(r"^ sim1\s+12\s+5\s", result.stdout, re.M), result.stdout
            assert re.search(r"^ wp1\s+12\s+0\s", result.stdout, re.M), result.stdout
        if args[0] == "search":
            assert re.search(r"\b\d+ of \d+ hits\b", result.stdout), result.stdout
        if args[0] == "export":
            assert f"{ARTICLES} articles written to demo-articles.csv" in result.stderr
    assert (cwd / "demo-articles.csv").exists()


def test_demo_crawls_the_simulator_into_its_own_database_and_can_run_again(
        tmp_path: Path) -> None:
    verdict = f"database matches the simulator: {ARTICLES} articles, {DOCUMENTS} documents"
    database = tmp_path / "demo" / "congdoan.sqlite3"

    code, out, err = demo(tmp_path, *SIZE)

    assert code == 0, err[-3000:]
    assert verdict in out.splitlines()
    for site in SITES:
        assert re.search(rf"^ {site} +12/12 ", out, re.M), out
    assert "serving wp1 at http://127.0.0.1:" in out and "(WordPress, REST API open" in out
    explore_with_the_printed_commands(tmp_path, out)
    articles, postings, runs = stored(database)
    assert (articles, postings) == (ARTICLES, DOCUMENTS)
    assert sum(new for new, _, _ in runs) == ARTICLES + DOCUMENTS
    assert not (tmp_path / "data" / "congdoan.sqlite3").exists()  # the user's DB is untouched

    code, out, err = demo(tmp_path, *SIZE)

    assert code == 0, err[-3000:]
    assert verdict in out.splitlines()
    articles, postings, runs = stored(database)
    assert (articles, postings) == (ARTICLES, DOCUMENTS)
    assert [(new, changed) for new, changed, _ in runs] == [(0, 0)] * len(SITES)
    assert sum(unchanged for _, _, unchanged in runs) == ARTICLES + DOCUMENTS

    # A smaller simulator than what the database holds: the demo says what differs.
    code, out, _ = demo(tmp_path, "--sites", "1", "--articles", "12", "--documents", "3")
    assert code == 1
    verdict = out.strip().splitlines()[-1]  # no serve hint when the data is not right
    assert verdict.startswith("database does not match the simulator:")
    assert "sim1: 5 documents stored, 3 served" in verdict
    assert "site sim2 is in the database but not served now" in verdict


def test_demo_with_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = demo(tmp_path, *SIZE, "--db",
                          f"postgresql+psycopg://demo:pw@127.0.0.1:{port}/congdoan")
    assert code == 2
    assert err.startswith("error: cannot use the database postgresql+psycopg://demo:***@")
    assert err.count("\n") == 1
    assert out == ""  # nothing served, nothing crawled
