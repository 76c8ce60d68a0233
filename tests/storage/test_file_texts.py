"""Readings are stored once per content hash, reach every copy of the file, and are searchable."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from congdoan.files.backlog import read_backlog
from congdoan.files.reading import FileReading, PageText
from congdoan.sim.scans import build_scanned_pdf
from congdoan.storage.documents import upsert_document
from congdoan.storage.file_matches import file_matches
from congdoan.storage.file_texts import pending_files, reading_counts, save_reading
from congdoan.storage.models import Attachment, FilePage, FileText
from congdoan.storage.repository import upsert_article
from congdoan.storage.search import query_phrases, search
from tests.statements import recorded

from .conftest import article_record, document_record

SHA = "ab" * 32
SCAN_LINES = ("THÔNG BÁO", "Lịch tiếp công dân của Thường trực Liên đoàn Lao động tỉnh")


def _stored(sha256: str, path: str = "ab/scan.pdf") -> dict:
    return {"stored_path": path, "sha256": sha256, "media_type": "application/pdf",
            "size": 10, "text": None}


def _reading(text: str) -> FileReading:
    return FileReading("application/pdf", page_count=2, pages=[
        PageText(1, "Trang bìa", "ocr", "tesseract 5.3.0 vie", 91.0),
        PageText(2, text, "ocr", "tesseract 5.3.0 vie", 88.5),
    ])


def _one_file_on_two_portals(session: Session) -> None:
    upsert_document(session, document_record(attachments=[
        {"url": "https://ldld.dienbien.gov.vn/uploads/17ct.pdf", "name": "17ct.pdf",
         **_stored(SHA)}]))
    upsert_article(session, article_record(site="lamdong", attachments=[
        {"url": "https://ldld.lamdong.gov.vn/uploads/ct.pdf", "name": "ct.pdf",
         **_stored(SHA)}]))
    session.commit()


def test_the_same_file_on_two_portals_is_pending_once(session: Session) -> None:
    _one_file_on_two_portals(session)
    assert [p.sha256 for p in pending_files(session)] == [SHA]
    assert reading_counts(session)["pending"] == 1


def test_a_saved_reading_reaches_every_copy_and_the_search_index(session: Session) -> None:
    _one_file_on_two_portals(session)
    assert search(session, "tiep cong dan thuong truc") == []
    save_reading(session, SHA, _reading("Lịch tiếp công dân của Thường trực"))
    session.commit()

    assert pending_files(session) == []
    texts = session.scalars(select(Attachment.text).where(Attachment.sha256 == SHA)).all()
    assert texts == ["Trang bìa\n\nLịch tiếp công dân của Thường trực"] * 2
    hits = search(session, "tiếp công dân thường trực")
    assert sorted(h.kind for h in hits) == ["article", "document"]
    document = next(h for h in hits if h.kind == "document")
    [match] = file_matches(session, "document", document.id, query_phrases("tiep cong dan"))
    assert (match.name, match.page, match.method) == ("17ct.pdf", 2, "ocr")
    assert match.snippet == "Lịch tiếp công dân của Thường trực"


def test_saving_again_replaces_the_reading_whole(session: Session) -> None:
    _one_file_on_two_portals(session)
    save_reading(session, SHA, _reading("bản đầu"))
    save_reading(session, SHA, _reading("bản sau"))
    session.commit()
    assert session.scalar(select(func.count()).select_from(FileText)) == 1
    assert session.scalars(select(FilePage.text).order_by(FilePage.seq)).all() == [
        "Trang bìa", "bản sau"]
    assert search(session, "ban dau") == []
    assert len(search(session, "ban sau")) == 2


def test_a_file_met_again_takes_its_cached_text_without_a_new_read(session: Session) -> None:
    _one_file_on_two_portals(session)
    save_reading(session, SHA, _reading("Lịch tiếp công dân"))
    session.commit()
    # A third portal attaches the same bytes: its crawl had no text (a scan), the cache has.
    upsert_document(session, document_record(
        site="hanoi", canonical_url="https://congdoanhanoi.vn/laws/detail/17-ct-tw-9/",
        attachments=[{"url": "https://congdoanhanoi.vn/f/17.pdf", "name": "17.pdf",
                      **_stored(SHA)}]))
    session.commit()
    assert pending_files(session) == []
    texts = session.scalars(select(Attachment.text).where(Attachment.sha256 == SHA)).all()
    assert len(texts) == 3 and all("Lịch tiếp công dân" in t for t in texts)


def test_the_worker_pool_reads_the_backlog_into_the_database(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    files = tmp_path / "files"
    scan = build_scanned_pdf(SCAN_LINES, width_px=1400)
    (files / "cd").mkdir(parents=True)
    (files / "cd" / "scan.pdf").write_bytes(scan)
    with sessions() as session:
        upsert_document(session, document_record(attachments=[
            {"url": "https://ldld.dienbien.gov.vn/uploads/tb.pdf", "name": "tb.pdf",
             **_stored("cd" * 32, "cd/scan.pdf")},
            {"url": "https://ldld.dienbien.gov.vn/uploads/gone.pdf", "name": "gone.pdf",
             **_stored("ef" * 32, "ef/gone.pdf")}]))
        session.commit()

    result = read_backlog(sessions, files, workers=2)
    assert (result.read, result.ocr_pages) == (2, 1)
    assert result.statuses == {"ok": 1, "failed": 1}
    assert result.problems == [("gone.pdf", "stored file unreadable: No such file or directory")]
    with sessions() as session:
        assert reading_counts(session) == {"ok": 1, "failed": 1, "pending": 0, "ocr_pages": 1}
        assert [h.kind for h in search(session, "lich tiep cong dan")] == ["document"]
    assert read_backlog(sessions, files, workers=2).read == 0  # nothing left: nothing re-read


def test_two_readers_saving_one_file_at_once_leave_one_reading(
        sessions: sessionmaker[Session]) -> None:
    import threading

    from congdoan.files.backlog import store_reading

    with sessions() as session:
        _one_file_on_two_portals(session)
    first = sessions()
    save_reading(first, SHA, _reading("bản của tiến trình một"))  # not committed yet
    second = threading.Thread(target=store_reading,
                              args=(sessions, SHA, _reading("bản của tiến trình hai")))
    second.start()
    second.join(timeout=1)  # PostgreSQL: blocked on the first's row; SQLite: waits its lock
    first.commit()
    first.close()
    second.join(timeout=30)
    assert not second.is_alive()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FileText)) == 1
        assert session.scalar(select(FileText.text)).endswith("bản của tiến trình hai")
        assert len(search(session, "tien trinh hai")) == 2


def test_a_batch_takes_cached_texts_in_one_lookup(session: Session) -> None:
    from congdoan.storage.store import write_batch

    _one_file_on_two_portals(session)
    save_reading(session, SHA, _reading("Lịch tiếp công dân"))
    session.commit()
    batch = [
        ("document", document_record(
            site="hanoi", canonical_url="https://congdoanhanoi.vn/laws/detail/17-ct-tw-9/",
            attachments=[{"url": "https://congdoanhanoi.vn/f/17.pdf", "name": "17.pdf",
                          **_stored(SHA)}])),
        ("article", article_record(
            site="hanoi", canonical_url="https://congdoanhanoi.vn/news/a-1.html",
            attachments=[{"url": "https://congdoanhanoi.vn/f/17b.pdf", "name": "17b.pdf",
                          **_stored(SHA)}])),
    ]
    with recorded(session.get_bind()) as statements:
        outcomes = write_batch(session, batch)
    session.commit()
    assert [o.status for o in outcomes] == ["new", "new"]
    assert sum("FROM file_texts" in s for s in statements) == 1
    texts = session.scalars(select(Attachment.text).where(Attachment.sha256 == SHA)).all()
    assert len(texts) == 4 and all("Lịch tiếp công dân" in t for t in texts)


def test_a_batch_records_its_files_readings_in_two_statements(session: Session) -> None:
    """The crawl's final readings of a batch's files: one INSERT of readings, one of pages;
    a file read before keeps its reading, each new one gets its own pages."""
    from congdoan.files.reading import READING_KEY
    from congdoan.storage.file_texts import record_crawl_readings

    old, new_1, new_2 = "a1" * 32, "b2" * 32, "c3" * 32
    save_reading(session, old, _reading("đọc từ trước"))
    session.commit()
    files = [{"sha256": sha, READING_KEY: _reading(f"bản của {sha[:2]}").as_data()}
             for sha in (new_2, old, new_1, new_2)]
    with recorded(session.get_bind()) as statements:
        record_crawl_readings(session, files)
    session.commit()
    inserts = [s.split("(")[0].split()[-1] for s in statements if s.startswith("INSERT")]
    assert sorted(inserts) == ["file_pages", "file_texts"]
    texts = dict(session.execute(select(FileText.sha256, FileText.text)).all())
    assert texts[old].endswith("đọc từ trước")
    assert texts[new_1].endswith("bản của b2") and texts[new_2].endswith("bản của c3")
    pages = session.execute(select(FilePage.sha256, FilePage.text)
                            .order_by(FilePage.sha256, FilePage.seq)).all()
    assert [(sha, text) for sha, text in pages if sha != old] == [
        (new_1, "Trang bìa"), (new_1, "bản của b2"), (new_2, "Trang bìa"), (new_2, "bản của c3")]
    assert [text for sha, text in pages if sha == old] == ["Trang bìa", "đọc từ trước"]
