"""``schedule history`` says where each run ran, and fits 80 columns without cutting a word."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def test_history_names_host_and_starter_and_fits_80_columns(tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=4, documents=2)
    db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    try:
        by_hand = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", db,
                               "--quiet", *FAST, cwd=tmp_path)
        assert by_hand.returncode == 0, by_hand.stderr[-2000:]
        scheduled = run_congdoan("schedule", "run-now", "sim1", "--registry", str(registry),
                                 "--db", db, *[part for pair in zip(FAST[::2], FAST[1::2],
                                                                    strict=True)
                                               for part in ("--set", pair[1])], cwd=tmp_path)
        assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
    finally:
        server.stop()
    host = socket.gethostname()
    runs = json.loads(run_congdoan("schedule", "history", "--db", db, "--json",
                                   cwd=tmp_path).stdout)
    assert [(r["host"], r["worker"].split()[0]) for r in runs] == [(host, "scheduler"),
                                                                   (host, "by")]
    assert runs[1]["worker"] == "by hand"
    shown = run_congdoan("schedule", "history", "--db", db, cwd=tmp_path,
                         env={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, shown.stdout
    assert "…" not in shown.stdout, shown.stdout
    for word in ("status", "health", "started", "healthy", "unchanged", "scheduler", "hand",
                 host):
        assert word in shown.stdout, (word, shown.stdout)
