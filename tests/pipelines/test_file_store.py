"""Attachment files are written off the reactor, whole, once per content address, and read
from the downloaded bytes by the one bounded reader."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from congdoan.files.office import DOCX
from congdoan.pipelines.attachments import (
    AttachmentsPipeline,
    ThreadedFilesStore,
    _write_once,
    describe_file,
    described,
)
from tests.files.makers import many_page_pdf


def test_a_file_lands_whole_in_its_directory(tmp_path: Path) -> None:
    target = tmp_path / "ab" / "ab12.pdf"
    _write_once(target, b"%PDF-1.4 body")
    assert target.read_bytes() == b"%PDF-1.4 body"
    assert [p.name for p in target.parent.iterdir()] == ["ab12.pdf"]  # no partial left


def test_an_existing_content_address_is_not_written_again(tmp_path: Path) -> None:
    target = tmp_path / "cd" / "cd34.pdf"
    _write_once(target, b"first")
    os.utime(target, (1, 1))
    _write_once(target, b"first")
    assert target.stat().st_mtime == 1


def test_the_pipeline_uses_the_threaded_store_for_local_paths(tmp_path: Path) -> None:
    assert AttachmentsPipeline.STORE_SCHEMES[""] is ThreadedFilesStore
    assert AttachmentsPipeline.STORE_SCHEMES["file"] is ThreadedFilesStore
    store = ThreadedFilesStore(str(tmp_path))
    assert store._get_filesystem_path("ab/ab12.pdf") == tmp_path / "ab" / "ab12.pdf"


def test_a_downloaded_file_is_read_by_the_one_bounded_reader() -> None:
    # The crawl used its own DOCX reader, without the package size check: a small
    # DOCX that unpacks to 250 MB was opened. Now the one reader refuses it.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", bytes(250 << 20))
    bomb = buffer.getvalue()
    assert describe_file(bomb, "bom.docx") == {"size": len(bomb), "text": None,
                                               "media_type": DOCX}


def test_a_pdf_text_layer_is_read_from_the_bytes_without_ocr() -> None:
    data = many_page_pdf(2, line="Huong dan to chuc dai hoi cong doan co so")
    result = describe_file(data, "huong-dan.pdf")
    assert result["media_type"] == "application/pdf" and result["size"] == len(data)
    # Read in full (a final reading): its pages go to the store, its text onto the item.
    assert [p["number"] for p in result["reading"]["pages"]] == [1, 2]
    assert "text" not in result  # kept once, in the pages, while Scrapy caches the result
    assert "Huong dan to chuc dai hoi cong doan co so" in described(result)["text"]


def test_what_a_download_read_goes_onto_its_attachment(tmp_path: Path) -> None:
    pipeline = AttachmentsPipeline(str(tmp_path), crawler=get_crawler())
    item = {"url": "http://x/a", "attachments": [{"url": "http://x/f.pdf", "name": "f.pdf"},
                                                 {"url": "http://x/g.pdf", "name": "g.pdf"}]}
    result = {"url": "http://x/f.pdf", "path": "ab/ab12.pdf", "checksum": "0", "size": 9,
              "media_type": "application/pdf", "text": "Nội dung"}
    pipeline.item_completed([(True, result), (False, Failure(ValueError("gone")))], item, None)
    done, failed = item["attachments"]
    assert (done["stored_path"], done["sha256"], done["text"], done["size"]) == (
        "ab/ab12.pdf", "ab12", "Nội dung", 9)
    assert failed["error"] == "download failed" and "text" not in failed
