"""The relations table in exports: ``export --relations DIR`` and ``export --package``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import frictionless
import pytest
from typer.testing import CliRunner

from congdoan.commands import app
from congdoan.normalize.doccodes import parse_doc_code
from tests.conftest import CrawledPortals

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

runner = CliRunner()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_package_carries_the_relations_and_validates(crawled: CrawledPortals,
                                                          tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--package", str(tmp_path / "r"), "--db",
                                 crawled.db_url])
    assert result.exit_code == 0, result.output
    report = frictionless.validate(str(tmp_path / "r" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:5]
    descriptor = json.loads((tmp_path / "r" / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"]: r for r in descriptor["resources"]}
    assert {"relations", "document-status"} <= set(names)
    relations = _rows(tmp_path / "r" / "relations.csv")
    stated = [r for t in crawled.truth.values() for r in t["relations"]]
    acts = [r for r in relations if r["type"] != "based_on"]
    assert len(acts) == len(stated) and names["relations"]["congdoan:rows"] == len(relations)
    assert {(r["document_code"], r["type"], r["target_code"], r["scope"]) for r in acts} == {
        (parse_doc_code(r["code"]).normalised, r["type"], r["target_code"], r["scope"])
        for r in stated}
    assert all(r["target_document_id"] for r in acts)  # each resolved to a stored document
    statuses = _rows(tmp_path / "r" / "document_status.csv")
    assert len(statuses) == names["documents"]["congdoan:rows"]
    assert {s["status"] for s in statuses} >= {"in_force", "replaced"}
    assert "relations.csv" in (tmp_path / "r" / "README.md").read_text(encoding="utf-8")


def test_export_relations_writes_the_two_tables(crawled: CrawledPortals, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--relations", str(tmp_path / "rel"), "--db",
                                 crawled.db_url])
    assert result.exit_code == 0, result.output
    assert "relation tables written" in result.output
    replaced = [s for s in _rows(tmp_path / "rel" / "document_status.csv")
                if s["status"] == "replaced"]
    assert replaced and all(s["by_document_id"] and s["by_code"] for s in replaced)
    refused = runner.invoke(app, ["export", "--relations", str(tmp_path), "--kind", "document"])
    assert refused.exit_code == 2 and "takes no other option" in refused.output
