"""The command line: tables for people, JSON for machines, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from congdoan.commands import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures" / "nukeviet"
ARTICLE_KEYS = {"title", "published_text", "author", "category", "summary", "body_text",
                "body_html", "images", "attachments", "source_id", "canonical_url"}
DOCUMENT_KEYS = {"code", "title", "issued_text", "effective_text", "expires_text", "signer",
                 "issuer", "field", "views", "downloads", "attachments"}


def _fixture(name: str) -> tuple[Path, dict]:
    case = FIXTURES / "real" / f"{name}.json"
    meta = json.loads(case.read_text(encoding="utf-8"))
    return case.parent / meta["page"], meta


def test_every_command_has_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"crawl", "extract", "sites", "sim"} <= set(commands)
    for name in commands:
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, name
        assert "Usage" in sub.output


def test_sites_table_and_json() -> None:
    table = runner.invoke(app, ["sites"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "dienbien" in table.output and "https://congdoandienbien.org.vn" in table.output
    rows = json.loads(runner.invoke(app, ["sites", "--json"]).output)
    dienbien = next(r for r in rows if r["id"] == "dienbien")
    assert dienbien["province"] == "Tỉnh Điện Biên" and dienbien["enabled"] is True


def test_bad_registry_is_one_line_and_exit_2(tmp_path: Path) -> None:
    registry = tmp_path / "bad.toml"
    registry.write_text('[[site]]\nid = "x"\nprovince = "P"\nname = "N"\n'
                        'base_url = "http://example.invalid"\ncms = "joomla"\n', encoding="utf-8")
    result = runner.invoke(app, ["sites", "--registry", str(registry)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "site x: field 'cms'" in lines[0]


def test_crawl_unknown_site_and_missing_argument() -> None:
    unknown = runner.invoke(app, ["crawl", "atlantis"])
    assert unknown.exit_code == 2
    assert "unknown site 'atlantis'" in unknown.output and "dienbien" in unknown.output
    assert "Traceback" not in unknown.output
    neither = runner.invoke(app, ["crawl"])
    assert neither.exit_code == 2 and "--all" in neither.output


def test_extract_article_prints_the_documented_keys() -> None:
    page, meta = _fixture("article-19")
    result = runner.invoke(app, ["extract", str(page), "--url", meta["url"]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= ARTICLE_KEYS
    assert data["title"] == meta["expected"]["title"]
    assert data["published_text"] == "Chủ nhật - 31/12/2017 23:55"


def test_extract_document_prints_the_documented_keys() -> None:
    page, meta = _fixture("document-4")
    result = runner.invoke(app, ["extract", str(page), "--url", meta["url"], "--kind", "document"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= DOCUMENT_KEYS
    assert data["code"] == meta["expected"]["code"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["extract", "missing.html", "--url", "http://x/"], 2, "cannot read"),
        (["extract", "{page}", "--url", "http://x/", "--kind", "poem"], 2, "--kind must be one of"),
        (["extract", "{home}", "--url", "http://127.0.0.1:8088/", "--kind", "article"], 1,
         "http://127.0.0.1:8088/:"),
    ],
)
def test_extract_errors_are_one_line(args: list[str], code: int, message: str) -> None:
    page, _ = _fixture("article-19")
    home, _ = _fixture("home-as-article")
    args = [a.format(page=page, home=home) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
