"""``congdoan export``: what a researcher reads back equals what the portals served.

Every test runs on SQLite and on PostgreSQL (the ``crawled`` fixture).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from congdoan.commands import app
from congdoan.exports.csv import CsvWriter
from congdoan.exports.rows import ARTICLE_COLUMNS
from tests.conftest import CrawledPortals

runner = CliRunner()
BOM = b"\xef\xbb\xbf"


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Every export records its moment (for --since last-export) in the data directory:
    # keep it out of the working tree.
    monkeypatch.setenv("CONGDOAN_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def export(crawled: CrawledPortals, *args: str) -> Result:
    """Run ``congdoan export ARGS`` in-process against the crawled database."""
    return runner.invoke(app, ["export", "--db", crawled.db_url, *args])


def served(crawled: CrawledPortals, kind: str, site: str | None = None) -> list[dict[str, Any]]:
    """The items of ``kind`` the simulator serves (on ``site``, or on every portal)."""
    key = "articles" if kind == "article" else "documents"
    return [item for name, truth in crawled.truth.items() if site in (None, name)
            for item in truth[key]]


def vietnamese_title(items: list[dict[str, Any]]) -> str:
    """A served title with Vietnamese letters beyond ASCII, to check it survives intact."""
    return next(i["title"] for i in items if any(ord(c) > 0x1E00 for c in i["title"]))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- JSONL ---------------------------------------------------------------------------------


@pytest.mark.crawl
def test_jsonl_holds_every_served_record_once(crawled: CrawledPortals, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = export(crawled, "--output", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    records = [json.loads(line) for line in raw.decode("utf-8").split("\n") if line]
    articles = [r for r in records if r["kind"] == "article"]
    documents = [r for r in records if r["kind"] == "document"]

    assert len(articles) == crawled.served("article")
    assert {a["title"] for a in articles} == {a["title"] for a in served(crawled, "article")}
    # A document posted on several portals is one record with one posting per portal.
    assert sum(len(d["postings"]) for d in documents) == crawled.served("document")
    assert {d["title"] for d in documents} == {d["title"] for d in served(crawled, "document")}
    # Vietnamese as UTF-8 text, not \u escapes; HTML kept in JSONL.
    title = vietnamese_title(served(crawled, "article"))
    assert json.dumps(title, ensure_ascii=False).encode("utf-8") in raw
    assert all(a["body_html"] for a in articles)
    summary = result.stderr.strip().splitlines()
    assert summary == [f"{len(records)} records written to {out} "
                       f"({len(articles)} articles, {len(documents)} documents)"]


@pytest.mark.crawl
def test_jsonl_dates_are_iso_8601_and_the_same_instants(crawled: CrawledPortals,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    assert export(crawled, "--kind", "article", "-o", str(out)).exit_code == 0
    exported = {r["canonical_url"]: r for r in map(json.loads, out.open(encoding="utf-8"))}
    for item in served(crawled, "article"):
        published = exported[item["url"]]["published_at"]
        assert datetime.fromisoformat(published) == datetime.fromisoformat(item["published_at"])


@pytest.mark.crawl
def test_jsonl_to_stdout_by_default(crawled: CrawledPortals) -> None:
    result = export(crawled, "--kind", "document")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len({json.loads(line)["id"] for line in lines})
    assert all(json.loads(line)["kind"] == "document" for line in lines)
    assert "written to stdout" in result.stderr


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.crawl
def test_csv_opens_in_excel_with_vietnamese_and_no_html(crawled: CrawledPortals,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    assert export(crawled, "--format", "csv", "--kind", "article", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(BOM)
    rows = read_csv(out)
    items = served(crawled, "article")
    assert len(rows) == len(items)
    assert vietnamese_title(items) in {r["title"] for r in rows}
    assert "body_html" not in rows[0] and "body_text" in rows[0]
    assert "<p" not in out.read_text(encoding="utf-8-sig")
    by_url = {r["canonical_url"]: r for r in rows}
    for item in items:
        row = by_url[item["url"]]
        assert row["tags"] == " | ".join(item["tags"])
        assert row["body_text"] == item["body_text"]  # multi-line text kept in one cell


@pytest.mark.crawl
def test_csv_without_kind_writes_one_file_per_kind(crawled: CrawledPortals,
                                                   tmp_path: Path) -> None:
    result = export(crawled, "-o", str(tmp_path / "dataset.csv"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["dataset-articles.csv", "dataset-documents.csv"]
    documents = read_csv(tmp_path / "dataset-documents.csv")
    assert sum(len(d["sites"].split(" | ")) for d in documents) == crawled.served("document")
    assert any("\n" in d["body_text"] for d in documents)
    assert "dataset-articles.csv" in result.stderr and "dataset-documents.csv" in result.stderr


@pytest.mark.crawl
def test_csv_to_stdout_needs_a_kind(crawled: CrawledPortals) -> None:
    result = export(crawled, "--format", "csv")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--kind" in result.stderr
    assert result.stdout == ""


def test_csv_defuses_formulas() -> None:
    # Portal text is untrusted: a title like "=HYPERLINK(...)" must stay text in a spreadsheet.
    row: dict[str, Any] = dict.fromkeys(c.name for c in ARTICLE_COLUMNS)
    row.update(id=1, title='=HYPERLINK("http://evil","Bấm")', summary="+84 912", author="@admin",
               source="-5 độ", category="Tin tức", tags=["=1+1", "an toàn"], category_path=[],
               images=[], attachments=[], references=[])
    sink = io.BytesIO()
    writer = CsvWriter(sink, "article")
    writer.write("article", row)
    writer.close()
    [read] = list(csv.DictReader(io.StringIO(sink.getvalue().decode("utf-8-sig"))))
    assert read["title"] == "'" + row["title"]
    assert (read["summary"], read["author"], read["source"]) == ("'+84 912", "'@admin", "'-5 độ")
    assert read["tags"] == "'=1+1 | an toàn"
    assert read["category"] == "Tin tức" and read["id"] == "1"


# --- Parquet -------------------------------------------------------------------------------


@pytest.mark.crawl
def test_parquet_is_typed(crawled: CrawledPortals, tmp_path: Path) -> None:
    result = export(crawled, "-o", str(tmp_path / "data.parquet"))
    assert result.exit_code == 0, result.output
    articles = pq.read_table(tmp_path / "data-articles.parquet")
    documents = pq.read_table(tmp_path / "data-documents.parquet")
    a, d = articles.schema, documents.schema
    assert a.field("id").type == pa.int64() and a.field("source_id").type == pa.int64()
    assert a.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert a.field("tags").type == pa.list_(pa.string())
    assert d.field("issued_on").type == pa.date32()
    assert d.field("field").type == pa.list_(pa.string())
    assert d.field("views").type == pa.int64()

    assert articles.num_rows == crawled.served("article")
    by_url = {r["canonical_url"]: r for r in articles.to_pylist()}
    for item in served(crawled, "article"):
        row = by_url[item["url"]]
        assert row["published_at"] == datetime.fromisoformat(item["published_at"])
        assert row["title"] == item["title"] and row["body_html"]
    issued = {url: r["issued_on"] for r in documents.to_pylist() for url in r["urls"]}
    for item in served(crawled, "document"):
        expected = date.fromisoformat(item["issued_on"]) if item["issued_on"] else None
        assert issued[item["url"]] == expected


# --- filters -------------------------------------------------------------------------------


@pytest.mark.crawl
def test_site_filter(crawled: CrawledPortals, tmp_path: Path) -> None:
    site = sorted(crawled.truth)[0]
    result = export(crawled, "--site", site, "-o", str(tmp_path / "one.jsonl"))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (tmp_path / "one.jsonl").open(encoding="utf-8")]
    articles = [r for r in records if r["kind"] == "article"]
    documents = [r for r in records if r["kind"] == "document"]
    assert {a["site"] for a in articles} == {site}
    assert len(articles) == len(served(crawled, "article", site))
    postings_here = [p for d in documents for p in d["postings"] if p["site"] == site]
    assert len(postings_here) == len(served(crawled, "document", site))


@pytest.mark.crawl
def test_unknown_site_is_an_error_not_an_empty_export(crawled: CrawledPortals) -> None:
    result = export(crawled, "--site", "atlantis")
    assert result.exit_code == 2
    assert "no stored site 'atlantis'" in result.stderr and result.stdout == ""


@pytest.mark.crawl
@pytest.mark.parametrize("since", ["2000-01-01", "01/01/2000"])
def test_since_in_the_past_keeps_everything(crawled: CrawledPortals, since: str) -> None:
    result = export(crawled, "--kind", "article", "--since", since)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == crawled.served("article")


@pytest.mark.crawl
@pytest.mark.parametrize("since", ["2199-12-31", "31/12/2199"])
def test_since_in_the_future_keeps_nothing(crawled: CrawledPortals, since: str,
                                           tmp_path: Path) -> None:
    out = tmp_path / "none.parquet"
    result = export(crawled, "--kind", "document", "--since", since, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 0
    assert f"0 documents written to {out}" in result.stderr


@pytest.mark.crawl
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "31/02/2024"], "--since: cannot read '31/02/2024'"),
        (["--since", "yesterday-ish"], "--since"),
        (["--format", "xlsx"], "--format must be one of"),
        (["-o", "report.xlsx"], "report.xlsx: cannot tell the format from '.xlsx'"),
        (["-o", "report.json"], "report.json: cannot tell the format from '.json'"),
        (["--since", "2026-11-27 12:59+07:00 UTC"], "--since: cannot read"),
        (["--since", "last-week"], "--since: cannot read 'last-week'"),
        (["--kind", "poem"], "--kind must be article or document"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(crawled: CrawledPortals, args: list[str],
                                             message: str) -> None:
    result = export(crawled, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_database_file_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(tmp_path / "nothing.sqlite3")])
    assert result.exit_code == 2
    assert "no database at" in result.stderr
    assert not (tmp_path / "nothing.sqlite3").exists()
