"""``attachments.text`` has one writer (``file_texts.settle_text``) and one rule, on every path.

The rule: a file's text is its stored reading when there is one (the backlog's,
with OCR), else what the crawl read, and a later empty value never erases it.
The crawl's final reading (nothing left for OCR) is stored as the file's
reading, so the backlog does not read the file again; a scan stays pending.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import congdoan
from congdoan.files.reading import FileReading, PageText
from congdoan.pipelines.attachments import describe_file, described
from congdoan.sim.scans import build_scanned_pdf
from congdoan.storage.documents import upsert_document
from congdoan.storage.file_matches import file_matches
from congdoan.storage.file_texts import pending_files, save_reading
from congdoan.storage.models import Article, Attachment, Document, FilePage, FileText
from congdoan.storage.repository import ATTACHMENT_FILE_FIELDS, upsert_article
from congdoan.storage.search import query_phrases, search
from congdoan.storage.store import write_batch
from tests.files.makers import many_page_pdf
from tests.storage.conftest import article_record, document_record

# --- the one writer -------------------------------------------------------------------

# Every place in congdoan/ that writes something called ``text`` (an attribute, a
# ``"text"`` key, a ``text=`` keyword, a ``setattr`` whose name is not a literal),
# by (module, function, construct), and why it is not an attachment row's text.
# Only ``settle_text`` may write that. A new entry fails the test until someone
# looks at it; so does an entry that went away.
_NOT_ATTACHMENT_ROWS = {
    ("congdoan/commands/extract.py", "read_text", "dict"): "JSON of a date or code found",
    ("congdoan/extensions/progress.py", "CrawlProgress.bump", "setattr"): "counters",
    ("congdoan/harness/reliability.py", "_crawl", "keyword"): "subprocess.run(text=True)",
    ("congdoan/parsers/markup.py", "remove", "attribute"): "an lxml element",
    ("congdoan/pipelines/attachments.py", "describe_file", "item"):
        "the crawl's reading of a file (the rule's input) in a download's result",
    ("congdoan/pipelines/attachments.py", "described", "item"):
        "the crawl's reading of a file (the rule's input) onto the item, not the row",
    ("congdoan/runtime/health.py", "RunHealth.from_stats", "setattr"): "health counters",
    ("congdoan/storage/documents.py", "_merge", "setattr"): "the document's merged columns",
    ("congdoan/storage/file_texts.py", "_file_text_values", "dict"): "a file_texts row",
    ("congdoan/storage/file_texts.py", "_page_values", "dict"): "a file_pages row",
    ("congdoan/storage/repository.py", "upsert_article", "setattr"): "the article's columns",
    ("congdoan/storage/repository.py", "refresh_attachment_files", "setattr"):
        "ATTACHMENT_FILE_FIELDS, which leaves text out (asserted below)",
    ("congdoan/storage/runs.py", "finish_run", "setattr"): "a run's counters",
    ("congdoan/web/atom.py", "_add", "attribute"): "an XML element",
    ("congdoan/web/charts.py", "safe_svg", "attribute"): "an SVG element",
    ("congdoan/web/views.py", "_attachment", "item"): "the JSON a page shows",
}
_THE_WRITER = {("congdoan/storage/file_texts.py", "settle_text", "attribute"),
               ("congdoan/storage/file_texts.py", "settle_text", "item")}


class _TextWrites(ast.NodeVisitor):
    """(module, function, construct) of every write of something called ``text``."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.found: set[tuple[str, str, str]] = set()

    def _note(self, construct: str) -> None:
        self.found.add((self.module, ".".join(self.scope) or "<module>", construct))

    def _scoped(self, node: ast.AST, name: str) -> None:
        self.scope.append(name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node, node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node, node.name)

    def _targets(self, targets: list[ast.expr]) -> None:
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(element, ast.Attribute) and element.attr == "text":
                    self._note("attribute")
                if (isinstance(element, ast.Subscript) and isinstance(element.slice, ast.Constant)
                        and element.slice.value == "text"):
                    self._note("item")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._targets(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._targets([node.target])
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._targets([node.target])
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            name = node.args[1]
            if not isinstance(name, ast.Constant) or name.value == "text":
                self._note("setattr")
        if any(k.arg == "text" for k in node.keywords):
            self._note("keyword")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        if any(isinstance(k, ast.Constant) and k.value == "text" for k in node.keys):
            self._note("dict")
        self.generic_visit(node)


def test_only_settle_text_writes_an_attachment_rows_text() -> None:
    package = Path(congdoan.__file__).parent
    found: set[tuple[str, str, str]] = set()
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package.parent).as_posix()
        if module.startswith("congdoan/sim/"):
            continue  # the portal simulator: no database (the next test)
        visitor = _TextWrites(module)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found |= visitor.found
    assert found - _THE_WRITER - set(_NOT_ATTACHMENT_ROWS) == set()
    assert found >= _THE_WRITER
    assert set(_NOT_ATTACHMENT_ROWS) - found == set()  # the list says what is there, no more
    # Copied to a row as given, by name: text must not be among them.
    assert "text" not in ATTACHMENT_FILE_FIELDS


def test_the_simulator_never_touches_the_database() -> None:
    simulator = Path(congdoan.__file__).parent / "sim"
    assert not [p for p in simulator.rglob("*.py")
                if "congdoan.storage" in p.read_text(encoding="utf-8")]


# --- the rule on every path -----------------------------------------------------------

TEXT_PDF = many_page_pdf(2, line="Ke hoach tong ket phong trao thi dua nam")
SCAN = build_scanned_pdf(("THÔNG BÁO", "Lịch tiếp công dân của Thường trực Liên đoàn"),
                         width_px=1000)
DOC_URL = "https://ldld.dienbien.gov.vn/uploads/17ct.pdf"


def _crawled(data: bytes, name: str, url: str) -> dict[str, Any]:
    """An attachment dict as the crawl's attachments pipeline leaves it."""
    import hashlib

    sha256 = hashlib.sha256(data).hexdigest()
    return {"url": url, "name": name, "stored_path": f"{sha256[:2]}/{sha256}.pdf",
            "sha256": sha256, **described(describe_file(data, name))}


def _texts(session: Session, sha256: str) -> list[str | None]:
    return list(session.scalars(
        select(Attachment.text).where(Attachment.sha256 == sha256).order_by(Attachment.id)))


def _ocr(text: str) -> FileReading:
    return FileReading("application/pdf", page_count=1,
                       pages=[PageText(1, text, "ocr", "tesseract 5.3.0 vie", 90.0)])


def test_a_final_crawl_reading_is_the_files_reading_and_a_scan_stays_pending(
        session: Session) -> None:
    text_file = _crawled(TEXT_PDF, "ke-hoach.pdf", "https://ldld.dienbien.gov.vn/u/kh.pdf")
    scan = _crawled(SCAN, "thong-bao.pdf", "https://ldld.dienbien.gov.vn/u/tb.pdf")
    assert "reading" in text_file and "reading" not in scan and scan["text"] is None
    upsert_article(session, article_record(attachments=[text_file, scan]))
    session.commit()

    stored = session.get_one(FileText, text_file["sha256"])
    assert (stored.status, stored.ocr_pages, stored.page_count) == ("ok", 0, 2)
    assert session.get(FileText, scan["sha256"]) is None
    # The backlog reads the scan (OCR), not the file the crawl read in full.
    assert [p.sha256 for p in pending_files(session)] == [scan["sha256"]]
    assert _texts(session, text_file["sha256"]) == [stored.text]
    # Found, and on which page, before any backlog ran.
    [hit] = search(session, "tong ket phong trao thi dua")
    matches = file_matches(session, "article", hit.id, query_phrases("phong trao thi dua"))
    assert [(m.name, m.page, m.method) for m in matches] == [
        ("ke-hoach.pdf", 1, "text"), ("ke-hoach.pdf", 2, "text")]
    assert session.scalar(select(FilePage.engine).limit(1)).startswith("pdfium")


def test_an_ocr_reading_replaces_the_crawls_and_the_search_follows(session: Session) -> None:
    text_file = _crawled(TEXT_PDF, "ke-hoach.pdf", DOC_URL)
    sha256 = text_file["sha256"]
    upsert_document(session, document_record(attachments=[text_file]))
    upsert_article(session, article_record(attachments=[dict(text_file)]))
    session.commit()
    assert len(search(session, "phong trao thi dua")) == 2

    save_reading(session, sha256, _ocr("Kế hoạch khen thưởng công đoàn cơ sở"))
    session.commit()
    assert _texts(session, sha256) == ["Kế hoạch khen thưởng công đoàn cơ sở"] * 2
    assert sorted(h.kind for h in search(session, "khen thuong cong doan co so")) == [
        "article", "document"]
    assert search(session, "phong trao thi dua") == []

    # An empty reading later (OCR found nothing) erases nothing.
    save_reading(session, sha256, _ocr(""))
    session.commit()
    assert _texts(session, sha256) == ["Kế hoạch khen thưởng công đoàn cơ sở"] * 2
    assert len(search(session, "khen thuong cong doan co so")) == 2


def test_a_recrawl_of_an_unchanged_page_keeps_the_ocr_text(session: Session) -> None:
    scan = _crawled(SCAN, "thong-bao.pdf", DOC_URL)
    record = article_record(attachments=[scan])
    document = document_record(attachments=[dict(scan)])
    upsert_article(session, record)
    upsert_document(session, document)
    session.commit()
    assert _texts(session, scan["sha256"]) == [None, None]

    save_reading(session, scan["sha256"], _ocr("Lịch tiếp công dân của Thường trực"))
    session.commit()
    # Crawled again: the crawl reads no text from the scan; one at a time, then a batch.
    assert upsert_article(session, article_record(attachments=[dict(scan)])) == "unchanged"
    assert upsert_document(session, document_record(attachments=[dict(scan)])) == "unchanged"
    session.commit()
    assert _texts(session, scan["sha256"]) == ["Lịch tiếp công dân của Thường trực"] * 2
    outcomes = write_batch(session, [("article", article_record(attachments=[dict(scan)])),
                                     ("document", document_record(attachments=[dict(scan)]))])
    session.commit()
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert _texts(session, scan["sha256"]) == ["Lịch tiếp công dân của Thường trực"] * 2
    assert len(search(session, "tiep cong dan thuong truc")) == 2


def test_a_file_downloaded_on_a_later_visit_makes_the_unchanged_article_searchable(
        session: Session) -> None:
    failed = {"url": DOC_URL, "name": "ke-hoach.pdf", "error": "download failed"}
    upsert_article(session, article_record(attachments=[failed]))
    session.commit()
    assert search(session, "phong trao thi dua") == []
    later = _crawled(TEXT_PDF, "ke-hoach.pdf", DOC_URL)
    assert upsert_article(session, article_record(attachments=[later])) == "unchanged"
    session.commit()
    assert [h.kind for h in search(session, "phong trao thi dua")] == ["article"]


def test_a_new_posting_of_a_file_read_before_gets_the_stored_text(session: Session) -> None:
    scan = _crawled(SCAN, "thong-bao.pdf", DOC_URL)
    upsert_article(session, article_record(attachments=[scan]))
    session.commit()
    save_reading(session, scan["sha256"], _ocr("Lịch tiếp công dân của Thường trực"))
    session.commit()

    # A new document (the Core INSERT path), then a second portal's posting of it (ORM).
    assert upsert_document(session, document_record(attachments=[dict(scan)])) == "new"
    assert upsert_document(session, document_record(
        site="hanoi", url="https://congdoanhanoi.vn/laws/detail/17-ct-tw-9/",
        canonical_url="https://congdoanhanoi.vn/laws/detail/17-ct-tw-9/",
        attachments=[{**scan, "url": "https://congdoanhanoi.vn/f/17.pdf"}])) == "new"
    session.commit()
    assert session.scalar(select(func.count()).select_from(Document)) == 1
    assert _texts(session, scan["sha256"]) == ["Lịch tiếp công dân của Thường trực"] * 3
    assert sorted(h.kind for h in search(session, "tiep cong dan thuong truc")) == [
        "article", "document"]


def test_a_changed_article_takes_the_stored_text(session: Session) -> None:
    scan = _crawled(SCAN, "thong-bao.pdf", DOC_URL)
    upsert_article(session, article_record(attachments=[scan]))
    save_reading(session, scan["sha256"], _ocr("Lịch tiếp công dân của Thường trực"))
    session.commit()
    assert upsert_article(session, article_record(
        title="Thông báo lịch tiếp công dân (sửa)", attachments=[dict(scan)])) == "changed"
    session.commit()
    assert _texts(session, scan["sha256"]) == ["Lịch tiếp công dân của Thường trực"]
    article = session.scalars(select(Article)).one()
    assert "thuong truc" in article.search_text
