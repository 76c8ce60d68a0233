"""Bad files are refused or truncated with a recorded reason, in bounded time and memory.

Each file is read in a child process limited to 1 GB of address space (a
reader that decoded the 30,000 x 30,000 image, or inflated the bomb, would
die there instead of passing), through the same ``read_stored_file`` the
worker pool runs.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from tests.files.makers import huge_png, many_page_pdf, odf_package, zip_bomb, zip_of

MEMORY_LIMIT = 1 << 30
_CHILD = """
import json, sys
from congdoan.files.backlog import read_stored_file
from congdoan.files.reading import Limits
r = read_stored_file(sys.argv[1], sys.argv[2], Limits())
print(json.dumps({"status": r.status, "reason": r.reason, "pages": len(r.pages),
                  "page_count": r.page_count, "media_type": r.media_type,
                  "text": r.text[:200]}))
"""


def read_bounded(tmp_path: Path, data: bytes, name: str) -> dict:
    """The reading of ``data`` (called ``name``) done in a child with 1 GB of address space."""
    path = tmp_path / "file.bin"
    path.write_bytes(data)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), name], capture_output=True,
                          text=True, preexec_fn=limit, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.crawl
def test_a_5000_page_pdf_is_truncated_to_the_page_limit(tmp_path: Path) -> None:
    reading = read_bounded(tmp_path, many_page_pdf(5000), "phu-luc.pdf")
    assert reading["status"] == "partial"
    assert reading["page_count"] == 5000 and reading["pages"] == 500
    assert reading["reason"] == "5000 pages: only the first 500 were read"
    assert reading["text"].startswith("Trang van ban mau")


@pytest.mark.crawl
def test_a_30000_pixel_square_image_is_refused_before_decoding(tmp_path: Path) -> None:
    reading = read_bounded(tmp_path, huge_png(30_000, 30_000), "ban-quet.png")
    assert reading["status"] == "failed"
    assert "over the limit of 40,000,000 pixels" in reading["reason"]
    assert reading["pages"] == 0


@pytest.mark.crawl
def test_an_image_just_past_our_limit_names_its_size(tmp_path: Path) -> None:
    reading = read_bounded(tmp_path, huge_png(8_000, 6_000), "ban-quet.png")
    assert reading["status"] == "failed"
    assert reading["reason"].startswith("image of 8000 x 6000 pixels is over the limit")


@pytest.mark.crawl
def test_a_password_protected_pdf_is_recorded_as_such(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    reading = read_bounded(tmp_path, buffer.getvalue(), "quyet-dinh.pdf")
    assert reading["status"] == "failed"
    assert reading["reason"] == "password-protected PDF: it cannot be read without its password"


@pytest.mark.crawl
def test_a_corrupt_docx_is_recorded_with_the_reason(tmp_path: Path) -> None:
    broken = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    reading = read_bounded(tmp_path, broken, "huong-dan.docx")
    assert reading["status"] == "failed"
    assert reading["reason"].startswith(("corrupt DOCX", "unreadable DOCX"))


@pytest.mark.crawl
def test_a_truncated_docx_is_a_corrupt_docx_not_an_archive(tmp_path: Path) -> None:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    reading = read_bounded(tmp_path, buffer.getvalue()[:3000], "huong-dan.docx")
    assert reading["status"] == "failed"
    assert reading["reason"].startswith("corrupt DOCX")


@pytest.mark.crawl
def test_an_archive_bomb_is_stopped_at_the_size_limit(tmp_path: Path) -> None:
    reading = read_bounded(tmp_path, zip_bomb(120 << 20), "tai-lieu.zip")
    assert reading["status"] == "partial"
    assert reading["reason"].startswith("bao-cao.pdf: unpacks past the size limit")
    assert reading["pages"] == 0


@pytest.mark.crawl
def test_a_docx_bomb_is_not_opened(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", bytes(250 << 20))
    reading = read_bounded(tmp_path, buffer.getvalue(), "bom.docx")
    assert reading["status"] == "failed"
    assert "over the limit of 209,715,200: not opened" in reading["reason"]


@pytest.mark.crawl
def test_an_odt_bomb_is_not_opened(tmp_path: Path) -> None:
    bomb = odf_package("application/vnd.oasis.opendocument.text", "<office:text/>",
                       {"Pictures/anh.png": bytes(250 << 20)})
    reading = read_bounded(tmp_path, bomb, "bom.odt")
    assert reading["media_type"] == "application/vnd.oasis.opendocument.text"
    assert reading["status"] == "failed"
    assert "over the limit of 209,715,200: not opened" in reading["reason"]


@pytest.mark.crawl
def test_nested_archives_are_not_opened(tmp_path: Path) -> None:
    inner = zip_of({"quyet-dinh.rtf": b"{\\rtf1 Quyet dinh}"})
    reading = read_bounded(tmp_path, zip_of({"ben-trong.zip": inner}), "tai-lieu.zip")
    assert reading["status"] == "partial"
    assert reading["reason"] == "ben-trong.zip: an archive inside an archive: not opened"


@pytest.mark.crawl
def test_a_pdf_that_is_an_html_page_is_refused(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Trang chu</title></head><body></body></html>"
    reading = read_bounded(tmp_path, page, "quyet-dinh-12.pdf")
    assert reading["status"] == "failed"
    assert reading["media_type"] == "text/html"
    assert reading["reason"] == "an HTML page, not a document (named quyet-dinh-12.pdf)"


def test_a_missing_stored_file_is_a_recorded_failure(tmp_path: Path) -> None:
    from congdoan.files.backlog import read_stored_file
    from congdoan.files.reading import Limits

    reading = read_stored_file(str(tmp_path / "gone.pdf"), "gone.pdf", Limits())
    assert reading.status == "failed"
    assert reading.reason == "stored file unreadable: No such file or directory"
