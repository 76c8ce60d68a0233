"""Text of office files: DOCX, legacy Word .doc, RTF, Excel .xls and .xlsx, and OpenDocument
(.odt, .ods, .odp: LibreOffice's own formats).

DOCX, XLSX and OpenDocument files are ZIP packages: their unpacked size is checked
against the limits before a library opens them (a 1 MB DOCX can unpack to gigabytes).
Legacy formats go to Debian's own readers (antiword, catdoc, xls2csv) in a
bounded subprocess.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from congdoan.files.reading import FileReading, Limits, PageText, failed
from congdoan.files.tools import ToolFailed, run_tool
from congdoan.normalize.text import clean_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
ODF_PREFIX = "application/vnd.oasis.opendocument."
ODT = ODF_PREFIX + "text"
ODS = ODF_PREFIX + "spreadsheet"
ODP = ODF_PREFIX + "presentation"
ODF = frozenset({ODT, ODS, ODP})
OFFICE = frozenset({DOC, DOCX, RTF, XLS, XLSX, *ODF})
# OpenDocument's text namespace: paragraphs, headings and the marks inside them.
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_BLOCKS = frozenset({f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"})
_SPACE, _TAB, _BREAK = (f"{{{_TEXT_NS}}}{n}" for n in ("s", "tab", "line-break"))


def read_office(data: bytes, media_type: str, limits: Limits) -> FileReading:
    """Text of the office file in ``data`` as one page (these formats have no fixed pages)."""
    try:
        if media_type == DOCX:
            _check_package(data, limits)
            text, engine = _docx_text(data), "python-docx"
        elif media_type == XLSX:
            _check_package(data, limits)
            text, engine = _xlsx_text(data), "openpyxl"
        elif media_type in ODF:
            _check_package(data, limits)
            text, engine = _odf_text(data), "content.xml (lxml)"
        elif media_type == DOC:
            text, engine = _doc_text(data, limits)
        elif media_type == XLS:
            text, engine = run_tool(["xls2csv", "-d", "utf-8", "-q", "0"], data, ".xls",
                                    limits), "xls2csv (catdoc)"
        elif media_type == RTF:
            text, engine = run_tool(["catdoc", "-d", "utf-8", "-w"], data, ".rtf",
                                    limits), "catdoc"
        else:
            return FileReading(media_type, status="unsupported",
                               reason=f"no reader for {media_type}")
    except ToolFailed as exc:
        return failed(media_type, str(exc))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return failed(media_type, f"corrupt {_label(media_type)}: {exc}")
    except Exception as exc:  # a library's odd error on an odd file: record it
        return failed(media_type, f"unreadable {_label(media_type)}: "
                                  f"{type(exc).__name__}: {exc}")
    text = clean_text(text) or ""
    reading = FileReading(media_type, page_count=1,
                          pages=[PageText(1, text[:limits.max_text_chars], "text", engine)])
    if len(text) > limits.max_text_chars:
        reading.truncate(f"text beyond {limits.max_text_chars} characters was left out")
    return reading


def _label(media_type: str) -> str:
    return {DOCX: "DOCX", XLSX: "XLSX", DOC: "Word .doc", XLS: "Excel .xls", RTF: "RTF",
            ODT: "ODT", ODS: "ODS", ODP: "ODP"}.get(media_type, media_type)


def _check_package(data: bytes, limits: Limits) -> None:
    """Refuse a ZIP package whose members would unpack past the limits (a zip bomb)."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        members = package.infolist()
        unpacked = sum(m.file_size for m in members)
    if len(members) > limits.max_members * 10 or unpacked > limits.max_unpacked_bytes:
        raise ValueError(f"{len(members)} parts unpacking to {unpacked:,} bytes, over the "
                         f"limit of {limits.max_unpacked_bytes:,}: not opened")


def _docx_text(data: bytes) -> str:
    """The body's paragraphs, then each table row's cells, as python-docx reads them.

    Only the main document part is parsed: ``docx.Document`` parses every XML part
    of the package (styles, numbering, theme, settings...: ~3.5 MB of lxml trees for
    a one-page file) although the text is read from this one alone. That, and
    python-docx's reference cycles keeping the trees until a full garbage
    collection, cost a quick crawl 40-60 MB of peak memory (docs/benchmarks.md,
    session 8). ``tests/files/test_formats.py`` holds the text equal to
    ``docx.Document``'s reading.
    """
    from docx.document import Document
    from docx.oxml.parser import parse_xml

    document = Document(parse_xml(_main_document_xml(data)), None)  # type: ignore[arg-type]
    read: list[Any] = [document]  # what _release_docx empties
    try:
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            read.append(table)
            for row in table.rows:
                read.append(row)
                lines.append(" ".join(cell.text for cell in row.cells))
    finally:
        _release_docx(read)
    return "\n".join(lines)


def _main_document_xml(data: bytes) -> bytes:
    """The XML of a DOCX package's main document part, found and checked as python-docx
    does: the package's one officeDocument relationship (KeyError without one,
    ValueError with several), of the WordprocessingML content type (ValueError)."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgreader import PackageReader

    package = PackageReader.from_file(BytesIO(data))
    targets = [rel.target_partname for source, rel in package.iter_srels()
               if source == PACKAGE_URI and rel.reltype == RELATIONSHIP_TYPE.OFFICE_DOCUMENT
               and not rel.is_external]
    if not targets:
        raise KeyError("no relationship of type 'officeDocument' in the package")
    if len(targets) > 1:
        raise ValueError("multiple relationships of type 'officeDocument' in the package")
    for partname, content_type, _, blob in package.iter_sparts():
        if partname == targets[0]:
            if content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
                raise ValueError(f"not a Word file, content type is '{content_type}'")
            return blob  # type: ignore[no-any-return]
    raise KeyError(f"no part {targets[0]} in the package")


def _release_docx(read: list[Any]) -> None:
    """Free the document tree now instead of at the next full garbage collection.

    python-docx's objects link in reference cycles (document <-> body, table <-> its
    rows, ``_Row.cells``'s recursive closure holding its row), which a crawl
    process holding a million objects collects rarely. Emptying the attribute
    dicts of the document and of the tables and rows read breaks each cycle, and
    reference counting frees the tree at once. None of them is usable afterwards.
    """
    for owner in read:
        vars(owner).clear()


def _odf_text(data: bytes) -> str:
    """The paragraphs and headings of an OpenDocument file's ``content.xml``, one a line
    (a spreadsheet's cells and a presentation's frames hold paragraphs too)."""
    from lxml import etree

    with zipfile.ZipFile(BytesIO(data)) as package:
        content = package.read("content.xml")
    # No entities, no network, no huge trees: the package is a portal's file.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(content, parser)
    lines = []
    for block in root.iter(*_BLOCKS):
        if block.getparent() is not None and block.getparent().tag in _BLOCKS:
            continue  # a paragraph inside another's note is read with it
        lines.append("".join(_odf_inline(block)))
    return "\n".join(lines)


def _odf_inline(element: object) -> list[str]:
    """The text of a paragraph: spans, links and ODF's space, tab and line-break marks."""
    parts = [element.text or ""]  # type: ignore[attr-defined]
    for child in element:  # type: ignore[attr-defined]
        if child.tag == _SPACE:
            parts.append(" " * int(child.get(f"{{{_TEXT_NS}}}c", "1") or 1))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _BREAK:
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts += _odf_inline(child)
        parts.append(child.tail or "")
    return parts


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    lines.append(" ".join(cells))
    finally:
        workbook.close()
    return "\n".join(lines)


def _doc_text(data: bytes, limits: Limits) -> tuple[str, str]:
    """antiword first (keeps paragraphs and tables best); catdoc reads what it refuses."""
    try:
        return run_tool(["antiword", "-m", "UTF-8.txt", "-w", "0"], data, ".doc", limits), \
            "antiword"
    except ToolFailed as first:
        try:
            return run_tool(["catdoc", "-d", "utf-8", "-w"], data, ".doc", limits), "catdoc"
        except ToolFailed as second:
            raise ToolFailed(f"{first}; {second}") from second
