"""A crawl without network: one line per cause, tracebacks only at DEBUG (issue #10 item 4).

Two portals nobody can reach: a host under ``.invalid`` (never resolves, RFC
2606) and a closed port on 127.0.0.1 (connection refused). Real crawls, real
Scrapy engine, real SQLite.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SITE = """
[[site]]
id = "{id}"
province = "Tỉnh {id}"
name = "Liên đoàn Lao động {id}"
base_url = "{base}"
cms = "nukeviet"
url_style = "rewrite"
lang_prefix = true
news_module = "news"
news_sections = ["lien-doan-lao-dong-tinh"]
laws_module = "laws"
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def unreachable(tmp_path: Path) -> tuple[Path, int]:
    port = _closed_port()
    registry = tmp_path / "sites.toml"
    registry.write_text(SITE.format(id="dienbien", base="https://congdoandienbien.invalid")
                        + SITE.format(id="closed", base=f"http://127.0.0.1:{port}"),
                        encoding="utf-8")
    return registry, port


def _crawl(tmp_path: Path, registry: Path, *extra: str):
    return run_congdoan("crawl", "--all", "--registry", str(registry),
                        "--db", str(tmp_path / "congdoan.sqlite3"), *FAST,
                        "-s", "RETRY_TIMES=1", "-s", "CONGDOAN_RETRY_BACKOFF=0.05", *extra,
                        cwd=tmp_path)


def test_one_line_per_cause_and_no_traceback(tmp_path: Path,
                                             unreachable: tuple[Path, int]) -> None:
    registry, port = unreachable
    result = _crawl(tmp_path, registry)
    assert result.returncode == 1  # nothing stored anywhere: failed
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "dienbien: cannot resolve congdoandienbien.invalid (DNS); 5 pages not fetched",
        f"closed: connection refused by 127.0.0.1:{port}; 5 pages not fetched",
    ], result.stderr
    assert "failed" in result.stdout  # the summary table still says it


def test_tracebacks_at_debug(tmp_path: Path, unreachable: tuple[Path, int]) -> None:
    registry, _ = unreachable
    result = _crawl(tmp_path, registry, "--log-level", "DEBUG")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "CannotResolveHostError" in result.stderr
