"""``congdoan export --package``: a Frictionless Data Package that ``frictionless`` validates
(types, hashes, sizes), row counts that match the portals, a datasheet, and two releases that
``congdoan package-diff`` compares. SQLite and PostgreSQL, crawled from the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    return request.getfixturevalue("pg_schemas").new_url()


@pytest.mark.crawl
def test_package_validates_and_two_releases_compare(db_url: str, tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=2, articles=6, documents=3, seed=9)

    def crawl() -> None:
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", db_url,
                              *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]

    def release(name: str) -> Path:
        result = runner.invoke(app, ["export", "--package", str(tmp_path / name), "--db", db_url])
        assert result.exit_code == 0, result.output
        return tmp_path / name

    try:
        crawl()
        first = release("r1")
        served = {kind: sum(len(server.truth(s)[kind]) for s in server.site_ids())
                  for kind in ("articles", "documents")}

        report = frictionless.validate(str(first / "datapackage.json"))
        assert report.valid, report.flatten(["type", "note"])[:5]
        descriptor = json.loads((first / "datapackage.json").read_text(encoding="utf-8"))
        stats = {task.name: task.stats for task in report.tasks}
        for resource in descriptor["resources"]:
            assert resource["hash"] == f"sha256:{stats[resource['name']]['sha256']}"
            if resource.get("schema"):
                # frictionless reports no row count for a table with none (relations may be)
                assert stats[resource["name"]].get("rows", 0) == resource["congdoan:rows"]
                for field in resource["schema"]["fields"]:
                    assert field["type"] and field["description"], field
        rows = {r["name"]: r["congdoan:rows"] for r in descriptor["resources"]}
        assert rows["articles"] == served["articles"]
        assert rows["documents"] == served["documents"]
        for kind in ("articles", "documents"):
            assert pq.read_metadata(first / f"{kind}.parquet").num_rows == rows[kind]
        assert {s["congdoan:site"] for s in descriptor["sources"]} == set(server.site_ids())
        assert {r["site"] for r in descriptor["congdoan:runs"]} == set(server.site_ids())
        datasheet = (first / "README.md").read_text(encoding="utf-8")
        assert "What it does not contain" in datasheet
        assert f"{served['articles']} articles" in datasheet

        # A later release: two new articles on one portal.
        server.portal(server.site_ids()[0]).add_articles(2)
        crawl()
        second = release("r2")
        diff = runner.invoke(app, ["package-diff", str(first), str(second), "--json"])
        assert diff.exit_code == 0, diff.output
        changes = json.loads(diff.stdout)
        assert len(changes["added"]) == 2 and {k for k, _ in changes["added"]} == {"article"}
        assert changes["removed"] == [] and changes["changed"] == []
    finally:
        server.stop()


def test_package_refuses_filters(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--package", str(tmp_path / "p"), "--kind",
                                 "article"])
    assert result.exit_code == 2 and "--package" in result.output


def test_the_datasheet_names_only_columns_the_files_hold(tmp_path: Path) -> None:
    """Each Parquet file's description is read from its declared columns; the datasheet's
    publication span is in Vietnam's days (a night article of 10/04 is of 10/04)."""
    import re

    from congdoan.storage.db import make_engine, session_factory
    from congdoan.storage.store import write_batch
    from tests.storage.conftest import article_record, document_record

    url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        write_batch(session, [
            ("article", article_record(published_at="2026-04-10T00:43:00+07:00")),
            ("document", document_record())])
    engine.dispose()
    release = tmp_path / "release"
    assert runner.invoke(app, ["export", "--package", str(release), "--db", url]).exit_code == 0
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["format"] != "parquet":
            continue
        held = set(pq.read_schema(release / resource["path"]).names)
        named = set(re.findall(r"(\w+) kept", resource["description"]))
        assert named <= held, (resource["path"], named - held)
    datasheet = (release / "README.md").read_text(encoding="utf-8")
    assert "published 2026-04-10 to 2026-04-10 (days in Vietnam)" in datasheet
    assert "documents.parquet`: The documents as typed Parquet (lists as list<string>)" in \
        datasheet
