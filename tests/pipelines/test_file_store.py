"""Attachment files are written off the reactor, whole, and once per content address."""

from __future__ import annotations

import os
from pathlib import Path

from congdoan.pipelines.attachments import AttachmentsPipeline, ThreadedFilesStore, _write_once


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
