"""A document whose only text is a scanned PDF is found by a phrase from its body.

The simulator serves the document's page with no body and its attachment as
an image-only PDF (Vietnamese text rendered at 300 dpi); a real crawl stores
it, OCR reads it in the worker pool when the crawl ends, and ``congdoan
search`` finds the document by words only the scan holds, naming file and page.
Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from congdoan.sim import SimServer
from congdoan.sim.spec import PortalSpec
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scan_only_document_is_found_by_a_phrase_of_its_scan(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    db = (f"sqlite:///{tmp_path / 'congdoan.sqlite3'}" if backend == "sqlite"
          else request.getfixturevalue("pg_schemas").new_url())
    spec = PortalSpec("scans", articles=2, documents=2, scanned_every=2, seed=5)
    with SimServer([spec]).start() as server:
        document = server.portal("scans").content.document(2)
        scan = document.files[0]
        assert scan.scanned and not document.body  # the page itself shows no body
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        crawl = run_congdoan("crawl", "scans", "--registry", str(registry), "--db", db, *FAST,
                             cwd=tmp_path)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert "by OCR: 1" in crawl.stdout, crawl.stdout

    phrase = "tổng hợp ý kiến của đoàn viên số 2"  # from the scan's body (scan_body)
    assert phrase in scan.lines[2]
    found = run_congdoan("search", phrase, "--db", db, "--json", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert [(h["kind"], h["code"]) for h in hits] == [("document", document.code)]
    assert hits[0]["files"][0]["name"] == scan.name
    assert hits[0]["files"][0]["page"] == 1
    assert hits[0]["files"][0]["method"] == "ocr"

    # Without diacritics, in the people's table: the file and page are shown.
    table = run_congdoan("search", "tong hop y kien cua doan vien", "--db", db, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert scan.name in table.stdout and "p. 1" in table.stdout
