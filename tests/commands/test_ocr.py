"""``congdoan ocr``: one file as JSON, the stored backlog, and one clear line without Tesseract."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from congdoan.sim.scans import build_scanned_pdf
from tests.crawling import run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

LINES = ("THÔNG BÁO", "Kết quả thi đua khen thưởng năm 2024 của công đoàn ngành")


def test_one_file_is_printed_page_by_page(tmp_path: Path) -> None:
    scan = tmp_path / "ban-quet.pdf"
    scan.write_bytes(build_scanned_pdf(LINES, width_px=1400))
    result = run_congdoan("ocr", str(scan), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert reading["status"] == "ok" and reading["page_count"] == 1
    [page] = reading["pages"]
    assert page["number"] == 1 and page["method"] == "ocr"
    assert "thi đua khen thưởng" in page["text"]


def test_without_tesseract_it_says_what_to_install(tmp_path: Path) -> None:
    scan = tmp_path / "ban-quet.pdf"
    scan.write_bytes(build_scanned_pdf(LINES, width_px=1400))
    # A PATH holding python but no tesseract.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python3")
    assert shutil.which("tesseract", path=str(bin_dir)) is None
    result = run_congdoan("ocr", str(scan), cwd=tmp_path, env={"PATH": str(bin_dir)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: OCR unavailable: tesseract is not installed: apt-get install tesseract-ocr "
        "tesseract-ocr-vie (scripts/install-system-deps.sh)"]
    assert "Traceback" not in result.stderr


def test_the_pending_backlog_is_read_into_the_database(tmp_path: Path) -> None:
    from congdoan.storage.db import make_engine, session_factory
    from congdoan.storage.documents import upsert_document
    from tests.storage.conftest import document_record

    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    (tmp_path / "files" / "aa").mkdir(parents=True)
    (tmp_path / "files" / "aa" / "scan.pdf").write_bytes(build_scanned_pdf(LINES, width_px=1400))
    engine = make_engine(db)
    with session_factory(engine)() as session:
        upsert_document(session, document_record(attachments=[{
            "url": "https://ldld.dienbien.gov.vn/uploads/kq.pdf", "name": "kq.pdf",
            "stored_path": "aa/scan.pdf", "sha256": "aa" * 32, "media_type": "application/pdf",
            "size": 1, "text": None}]))
        session.commit()
    engine.dispose()

    before = run_congdoan("stats", "--db", db, cwd=tmp_path)
    assert "pending: 1" in before.stdout
    result = run_congdoan("ocr", "--pending", "--db", db, "--files", str(tmp_path / "files"),
                          "--workers", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "files read: 1 (1 ok); pages: 1, by OCR: 1" in result.stdout
    after = run_congdoan("stats", "--json", "--db", db, cwd=tmp_path)
    assert json.loads(after.stdout)["files"] == {"ok": 1, "pending": 0, "ocr_pages": 1}
    found = run_congdoan("search", "thi dua khen thuong", "--db", db, "--json", cwd=tmp_path)
    assert json.loads(found.stdout)[0]["files"][0]["name"] == "kq.pdf"
