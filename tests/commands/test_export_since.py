"""``export --since``: a date-time with or without a zone, ``last-run`` and ``last-export``.

Issue #10, items 6 and 7. Real crawls of the simulator into SQLite and
PostgreSQL; the portal then publishes new items and is crawled again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from congdoan.commands import app
from congdoan.sim import SimServer
from congdoan.vntime import VN_TZ
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

runner = CliRunner()


@dataclass
class Portal:
    server: SimServer
    registry: Path
    db_url: str
    workdir: Path

    def crawl(self) -> None:
        result = run_congdoan("crawl", "--all", "--registry", str(self.registry), "--db",
                              self.db_url, *FAST, cwd=self.workdir)
        assert result.returncode == 0, result.stderr[-2000:]

    def export(self, *args: str) -> Result:
        return runner.invoke(app, ["export", "--db", self.db_url, *args],
                             env={"CONGDOAN_DATA_DIR": str(self.workdir / "data")})

    def titles(self, *args: str) -> set[str]:
        """The canonical URLs of the exported records (titles repeat; URLs do not)."""
        result = self.export(*args)
        assert result.exit_code == 0, result.output
        return _urls(result.stdout)


def _urls(jsonl: str) -> set[str]:
    urls = set()
    for line in jsonl.splitlines():
        record = json.loads(line)
        if record["kind"] == "article":
            urls.add(record["canonical_url"])
        else:
            urls.update(p["canonical_url"] for p in record["postings"])
    return urls


@pytest.fixture(params=["sqlite", "postgresql"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Portal]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_schemas").new_url()
    server, registry = serve_portals(tmp_path, sites=2, articles=12, documents=4, seed=5)
    try:
        crawled = Portal(server, registry, url, tmp_path)
        crawled.crawl()
        yield crawled
    finally:
        server.stop()


def _served_titles(portal: Portal) -> set[str]:
    return {item["canonical_url"] for site in portal.server.site_ids()
            for kind in ("articles", "documents") for item in portal.server.truth(site)[kind]}


@pytest.mark.crawl
def test_a_moment_with_a_zone_is_that_moment(portal: Portal) -> None:
    everything = _served_titles(portal)
    later = datetime.now(UTC) + timedelta(minutes=2)
    earlier = datetime.now(UTC) - timedelta(hours=1)
    # The same instants in every way of writing them: UTC words, Z, offsets, Vietnam time.
    for text in (f"{later:%Y-%m-%d %H:%M} UTC", f"{later:%Y-%m-%dT%H:%M}Z",
                 later.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M"),
                 later.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")):
        assert portal.titles("--since", text) == set(), text
    for text in (f"{earlier:%Y-%m-%d %H:%M} UTC", f"{earlier:%Y-%m-%dT%H:%M:%S}+00:00",
                 earlier.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")):
        assert portal.titles("--since", text) == everything, text
    result = portal.export("--since", f"{later:%Y-%m-%d %H:%M} UTC")
    shown = later.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M")
    assert f"since {shown} +07:00" in result.stderr  # the summary says which moment it used


def _next_second() -> None:
    """Wait for the next whole second: export marks are whole seconds and inclusive (a
    duplicate beats a loss), so an export starting in the second of the crawl's last
    write hands that item out again."""
    time.sleep(1.05 - (time.time() % 1))


@pytest.mark.crawl
def test_since_last_run_and_last_export(portal: Portal) -> None:
    everything = _served_titles(portal)
    _next_second()
    first = portal.export("--since", "last-export")
    assert first.exit_code == 0
    assert "no earlier export: everything" in first.stderr
    assert _urls(first.stdout) == everything
    assert portal.titles("--since", "last-run") == everything  # one crawl so far
    assert portal.titles("--since", "last-export") == set()  # nothing new since then

    site = portal.server.site_ids()[0]
    portal.server.portal(site).add_articles(3)
    portal.server.portal(site).add_documents(1)
    portal.crawl()
    new = _served_titles(portal) - everything
    assert len(new) == 4
    assert portal.titles("--since", "last-run") == new
    assert portal.titles("--since", "last-run", "--site", site) == new
    other = portal.server.site_ids()[1]
    assert portal.titles("--since", "last-run", "--site", other) == set()
    # The exports of one crawl's or one site's items above did not move the mark.
    _next_second()
    assert portal.titles("--since", "last-export") == new
    assert portal.titles("--since", "last-export") == set()


def test_last_run_without_any_crawl_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, ["export", "--db", url, "--since", "last-run"],
                           env={"CONGDOAN_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 2
    assert "no crawl recorded" in result.stderr


def test_an_unknown_suffix_writes_nothing(tmp_path: Path, portal_db: str = "") -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    target = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["export", "--db", url, "-o", str(target)],
                           env={"CONGDOAN_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 2
    assert "--format" in result.stderr
    assert not target.exists()
    forced = runner.invoke(app, ["export", "--db", url, "-o", str(target), "-f", "jsonl"],
                           env={"CONGDOAN_DATA_DIR": str(tmp_path / "data")})
    assert forced.exit_code == 0  # an explicit --format is the user's choice


def test_the_last_export_mark_stays_with_the_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from anywhere, ``--since last-export`` means this database's last export; no
    ``data/`` directory appears where the export was run."""
    from congdoan.storage.db import make_engine, session_factory
    from congdoan.storage.store import write_batch
    from tests.storage.conftest import article_record

    database = tmp_path / "dataset" / "congdoan.sqlite3"
    database.parent.mkdir()
    engine = make_engine(f"sqlite:///{database}")
    with session_factory(engine).begin() as session:
        write_batch(session, [("article", article_record())])
    engine.dispose()
    monkeypatch.delenv("CONGDOAN_DATA_DIR", raising=False)
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()

    monkeypatch.chdir(here)
    _next_second()
    first = runner.invoke(app, ["export", "--db", str(database), "--since", "last-export"])
    assert first.exit_code == 0, first.output
    assert len(first.stdout.splitlines()) == 1
    monkeypatch.chdir(there)
    again = runner.invoke(app, ["export", "--db", str(database), "--since", "last-export"])
    assert again.exit_code == 0, again.output
    assert again.stdout == "" and "since " in again.stderr  # nothing new since the first
    assert not (here / "data").exists() and not (there / "data").exists()


def test_a_mark_kept_the_old_way_is_still_read(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    data = tmp_path / "data"
    data.mkdir()
    (data / "exports.json").write_text(json.dumps({url: "2026-04-09T17:43:00+00:00"}))
    monkeypatch.setenv("CONGDOAN_DATA_DIR", str(data))
    result = runner.invoke(app, ["export", "--db", url, "--since", "last-export"])
    assert result.exit_code == 0, result.output
    assert "since 2026-04-10 00:43 +07:00 (last-export)" in result.stderr
